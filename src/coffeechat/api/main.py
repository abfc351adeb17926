"""The JSON API at /api/v1/: who may call it, the shape of its errors, and its routers.

Every error is JSON. Invalid input of any kind — a field the schema refuses, a value the
models refuse, a body that is not JSON — is a 422 in one shape:
    {"detail": [{"loc": ["body", "email"], "msg": "Enter a valid email address.",
                 "type": "value_error"}]}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from coffeechat.accounts.throttle import Throttled
from coffeechat.api.auth import BrowserSessionAuth, TokenAuth
from coffeechat.api.calendars import busy_router
from coffeechat.api.calendars import router as calendars_router
from coffeechat.api.contacts import router as contacts_router
from coffeechat.api.conversations import router as conversations_router
from coffeechat.api.exports import router as exports_router
from coffeechat.api.followups import router as followups_router
from coffeechat.api.imports import router as imports_router
from coffeechat.api.organizations import router as organizations_router
from coffeechat.api.outreach import router as outreach_router
from coffeechat.api.preparing import router as preparing_router

# Endpoints name their single body parameter `payload`; clients never see that name, so
# it is dropped from error locations: ["body", "payload", "email"] -> ["body", "email"].
BODY_PARAM = "payload"


class CoffeechatAPI(NinjaAPI):
    """The API, with the errors any route can give written into its OpenAPI document:
    429 when the caller's address is cooling off after bad tokens (every route checks the
    token first), and 413 when a request body is bigger than the server reads."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                if operation.get("security"):
                    responses.setdefault(429, _message_response("Too Many Requests"))
                if "requestBody" in operation:
                    responses.setdefault(413, _message_response("Content Too Large"))
        return schema


def _message_response(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Message"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


api = CoffeechatAPI(
    title="Coffeechat API",
    version="1",
    description=(
        "Your list of contacts and organizations, imports and exports, calendars, and "
        "reaching out: free times, drafts checked by the coach, replies; preparing and "
        "talking: meetings, research, the question bank, plans, live notes and referrals; "
        "following up: the Today list, reminders, follow-up settings and the calendar feed. "
        "Authenticate with "
        "`Authorization: Bearer <token>` (make a token under Account → API tokens) or, "
        "from the browser, with your session plus the `X-CSRFToken` header."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
)
api.add_router("/contacts", contacts_router)
api.add_router("/organizations", organizations_router)
api.add_router("/imports", imports_router)
api.add_router("/exports", exports_router)
api.add_router("/calendars", calendars_router)
api.add_router("/busy", busy_router)
api.add_router("", outreach_router)
api.add_router("", conversations_router)
api.add_router("", preparing_router)
api.add_router("", followups_router)


def error_item(loc: list[str | int], msg: str, type_: str = "value_error") -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": type_}


def unprocessable(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(DjangoValidationError)
def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """The services' field messages (full_clean and their own rules) as body errors."""
    if not hasattr(exc, "error_dict"):
        return unprocessable(request, [error_item(["body"], m) for m in exc.messages])
    errors: list[dict[str, Any]] = []
    for field, messages in exc.message_dict.items():
        loc: list[str | int] = ["body"] if field == NON_FIELD_ERRORS else ["body", field]
        errors.extend(error_item(loc, message) for message in messages)
    return unprocessable(request, errors)


@api.exception_handler(NinjaValidationError)
def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Pydantic's errors trimmed to the same three keys (no echo of the input)."""
    errors = []
    for error in exc.errors:
        loc = list(error["loc"])
        if loc[:2] == ["body", BODY_PARAM]:
            del loc[1]
        errors.append(error_item(loc, error["msg"], error["type"]))
    return unprocessable(request, errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja reports a body it cannot decode as a 400, raised from json's ValueError; for
    # the client it is invalid input like any other, so it gets the same 422 shape.
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return unprocessable(
            request, [error_item(["body"], "The request body is not valid JSON.", "json_invalid")]
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "Sign in, or send Authorization: Bearer <token>."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="coffeechat"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)


@api.exception_handler(MultiPartParserError)
def multipart_invalid(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A broken upload body (bad boundary, oversized part headers) was Django's HTML 400;
    # like a body that is not JSON, it is invalid input: the same 422 shape.
    message = "The request body is not valid multipart/form-data."
    return unprocessable(request, [error_item(["body"], message, "multipart_invalid")])
