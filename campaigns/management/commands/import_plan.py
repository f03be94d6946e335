"""Imports a content plan from a CSV file, as the import page does: every row checked, then the valid ones as drafts."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns import plan_import
from campaigns.models import Organisation
from campaigns.workflow import WorkflowError


class Command(BaseCommand):
    help = "Check a content plan (CSV) row by row; with --confirm, import its valid rows as drafts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The plan, in the columns of the import page's template.")
        parser.add_argument("--organisation", required=True, help="The organisation's slug.")
        parser.add_argument("--user", required=True, help="The username of the editor (or manager, admin) importing.")
        parser.add_argument("--confirm", action="store_true", help="Import the valid rows (else only check them).")

    def handle(self, *args: Any, file: Path, organisation: str, user: str, confirm: bool, **options: Any) -> None:
        found = Organisation.objects.filter(slug=organisation).first()
        person = get_user_model().objects.filter(username=user).first()
        if found is None or person is None:
            raise CommandError(f"No organisation {organisation!r} or no user {user!r}.")
        try:
            with file.open("rb") as binary:
                plan = plan_import.upload_plan(found, person, File(binary, name=file.name), enqueue=False)
            plan = plan_import.preview(plan.pk)
            for problem in plan.problems.order_by("row_number", "pk"):
                where = f"row {problem.row_number}" + (f", {problem.column}" if problem.column else "")
                self.stdout.write(f"{where}: [{problem.severity} {problem.rule}] {problem.message}")
            if confirm and plan.valid_rows:
                plan_import.confirm(plan, person, enqueue=False)
                plan = plan_import.import_valid_rows(plan.pk)
        except (plan_import.PlanFileError, WorkflowError) as refusal:
            raise CommandError(" ".join(getattr(refusal, "messages", [str(refusal)]))) from refusal
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"{plan.total_rows} rows: {plan.valid_rows} valid, {plan.problem_rows} with problems, "
            f"{plan.duplicate_rows} already imported, {plan.imported_rows} imported."
        ))  # fmt: skip
