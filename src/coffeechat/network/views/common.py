from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's ValidationError on the form, next to the field it is about."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        target = aliases.get(field, field)
        for error in errors:
            form.add_error(target if target in form.fields else None, error)
