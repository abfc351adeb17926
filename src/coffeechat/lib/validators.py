"""Field validators used by models, forms and the API alike."""

from __future__ import annotations

from django.core.validators import URLValidator

# Only web links: a javascript: or data: URL stored here would become a link on a page.
http_url_validator = URLValidator(
    schemes=["http", "https"],
    message="Enter a web address starting with http:// or https://.",
)
