"""Two-factor sign-in pages, and an organisation's sign-in policy page for its admins."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.models import Organisation, Role
from security import lockout, policy, two_factor
from security.forms import CodeForm, SignInPolicyForm


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: object) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    return render(request, "security/locked_out.html", context, status=429)


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    administered = Organisation.objects.for_user(user, roles=[Role.ADMIN])
    return render(
        request,
        "security/two_factor.html",
        {
            "enrolled": two_factor.is_enrolled(user),
            "required": policy.two_factor_required(user),
            "backup_codes_left": two_factor.remaining_backup_codes(user),
            "administered": administered,
        },
    )


@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request, form.cleaned_data["code"])
        except two_factor.TwoFactorError as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            messages.success(request, _("Two-factor sign-in is on."))
            return render(request, "security/backup_codes.html", {"codes": codes, "next": _next_url(request)})
    enrolment = two_factor.start_enrolment(request.user)
    return render(
        request,
        "security/enrol.html",
        {"form": form, "enrolment": enrolment, "required": policy.two_factor_required(request.user),
         "next": _next_url(request)},
    )  # fmt: skip


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if two_factor.pending_step(request.user) != "verify":
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify(request, form.cleaned_data["code"])
        except two_factor.TwoFactorError as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            return HttpResponseRedirect(_next_url(request))
    return render(request, "security/verify.html", {"form": form, "next": _next_url(request)})


@require_POST
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = two_factor.regenerate_backup_codes(request.user)
    except two_factor.TwoFactorError as refusal:
        messages.error(request, refusal.message)
        return redirect("two_factor")
    return render(request, "security/backup_codes.html", {"codes": codes, "next": reverse("two_factor")})


@require_POST
@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.disable(request.user)
    except two_factor.TwoFactorError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor")


@login_required
def sign_in_policy(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _administered(request, pk)
    form = SignInPolicyForm(request.POST if request.method == "POST" else None, instance=policy.policy_of(organisation))
    if request.method == "POST" and form.is_valid():
        policy.set_policy(
            organisation, request.user,
            require_two_factor_for_managers=form.cleaned_data["require_two_factor_for_managers"],
        )  # fmt: skip
        messages.success(request, _("The sign-in policy is saved."))
        return redirect("sign_in_policy", pk=organisation.pk)
    return render(
        request,
        "security/policy.html",
        {
            "organisation": organisation,
            "form": form,
            "locked": lockout.locked_usernames(organisation),
            "enrolled": two_factor.is_enrolled(request.user),
        },
    )


@require_POST
@login_required
def unlock_member(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _administered(request, pk)
    username = request.POST.get("username", "")
    lockout.unlock(organisation, request.user, username)
    messages.success(request, _("%(username)s can sign in again.") % {"username": username})
    return redirect("sign_in_policy", pk=organisation.pk)


def _administered(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.for_user(request.user), pk=pk)
    if not policy.may_edit(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's admins may change its sign-in policy."))
    return organisation


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")
