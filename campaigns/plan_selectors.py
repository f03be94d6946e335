"""Reads for the plan import pages: the organisations a person imports into, an import, its problems, its status."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from campaigns.models import Organisation, PlanImport
from campaigns.plan_import import IMPORTING_ROLES

PROBLEMS_PER_PAGE = 50
RECENT_IMPORTS = 20


def organisations_for_import(user: AbstractBaseUser) -> list[Organisation]:
    """The organisations where `user` may import a plan, by name."""
    return list(Organisation.objects.for_user(user, roles=IMPORTING_ROLES).order_by("name"))


def chosen_organisation(user: AbstractBaseUser, slug: str) -> Organisation:
    """The organisation named by `slug` among those `user` imports into (the first one when no slug), or 404."""
    organisations = organisations_for_import(user)
    for organisation in organisations:
        if not slug or organisation.slug == slug:
            return organisation
    raise Http404("You import plans into none of your organisations, or not into this one.")


def plan_for_user(user: AbstractBaseUser, pk: int) -> PlanImport:
    """One import of the user's organisations, or 404."""
    return get_object_or_404(PlanImport.objects.for_user(user).select_related("organisation", "uploaded_by"), pk=pk)


def recent_imports(organisation: Organisation) -> QuerySet[PlanImport]:
    return PlanImport.objects.for_organisation(organisation).select_related("uploaded_by")[:RECENT_IMPORTS]


def problems_page(plan: PlanImport, number: Any) -> Page:
    """One page of the import's problems, row by row."""
    return Paginator(plan.problems.order_by("row_number", "pk"), PROBLEMS_PER_PAGE).get_page(number)


def status_of(plan: PlanImport) -> dict[str, Any]:
    """What the progress bar shows, as JSON."""
    done = plan.checked_rows if plan.total_rows else 0
    return {
        "state": plan.state, "state_label": str(plan.get_state_display()), "running": plan.is_running,
        "total_rows": plan.total_rows, "checked_rows": plan.checked_rows, "valid_rows": plan.valid_rows,
        "problem_rows": plan.problem_rows, "duplicate_rows": plan.duplicate_rows,
        "imported_rows": plan.imported_rows,
        "percent": min(100, round(100 * done / plan.total_rows)) if plan.total_rows else 0,
    }  # fmt: skip
