"""Field validators used by models, forms and the API alike."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Model

# Only web links: a javascript: or data: URL stored here would become a link on a page.
http_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address starting with http:// or https://.",
)


def refuse_null_characters(instance: Model) -> None:
    """Django's forms refuse NUL characters; the services must too (PostgreSQL can't store them)."""
    errors = {
        field.name: ["Null characters are not allowed."]
        for field in instance._meta.concrete_fields
        if isinstance(getattr(instance, field.attname, None), str)
        and "\x00" in getattr(instance, field.attname)
    }
    if errors:
        raise ValidationError(errors)
