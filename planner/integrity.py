"""Helpers that keep database constraints and form errors telling the same story."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models


class FieldNamedConstraintsMixin(models.Model):
    """Reports a violated database constraint on the form field it is about.

    Django reports check and expression constraints as non-field errors. A model lists
    `constraint_fields = {"constraint_name": "field"}` and gives those constraints
    `violation_error_code=<their name>`, so that forms, the admin and the API name the field
    and the rule instead.
    """

    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors: dict[str, list[ValidationError]] = {}
            for field, messages in error.error_dict.items():
                for message in messages:
                    if field == NON_FIELD_ERRORS:
                        field = self.constraint_fields.get(message.code or "", field)
                    errors.setdefault(field, []).append(message)
            raise ValidationError(errors) from error
