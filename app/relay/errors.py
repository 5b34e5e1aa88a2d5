"""One error shape for every endpoint: ``{"error": "<code>", "message": "<human sentence>"}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.commerce.errors import CommerceError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **extra}


class FieldProblem(BaseModel):
    field: str
    problem: str


class ErrorBody(BaseModel):
    """Every error: a code to act on and a sentence to show; a 422 names the fields in question. A
    refusal may carry facts of its own beside these (``retry_after``, ``available``, ``state``…)."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str
    details: list[FieldProblem] | None = None


_ERROR_SCHEMA = "#/components/schemas/ErrorBody"


def error_doc(description: str, *, page: bool = False, **more: Any) -> dict[str, Any]:
    """An error answer as the OpenAPI document declares it (for a route's own ``responses=``); with
    ``page``, a page's refusal, which is a page saying why (and JSON for a malformed request)."""
    content: dict[str, Any] = {"application/json": {"schema": {"$ref": _ERROR_SCHEMA}}}
    if page:
        content = {"text/html": {"schema": {"type": "string"}}, **content}
    return {"description": description, "content": content, **more}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": error_doc("Refused: what is wrong, as a code and a sentence"),
    503: error_doc(
        "Overloaded, or the shared store is away: try again after Retry-After seconds",
        headers={"Retry-After": {"schema": {"type": "integer"}}},
    ),
}
"""Every operation's errors, declared once (``FastAPI(responses=...)``). Not FastAPI's ``model=``
form: that would declare a page's or a CSV's errors in the page's media type, and these are JSON
whatever the route answers when it succeeds. ``install_error_handlers`` adds ``ErrorBody`` to the
document's schemas."""


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


ErrorResponse = tuple[int, dict[str, Any], Mapping[str, str] | None]


def error_response(exc: Exception) -> ErrorResponse | None:
    """(status, body, headers) for the errors endpoints raise; None for anything else (a bug: 500)."""
    if isinstance(exc, CommerceError):
        retry = exc.details.get("retry_after")
        headers = {"Retry-After": str(max(1, round(retry)))} if retry is not None else {}
        if exc.replayed:  # an Idempotency-Key's first answer, given again (Stripe's header)
            headers["Idempotent-Replayed"] = "true"
        return exc.status, error_body(exc.code, exc.message, **exc.details), headers or None
    if isinstance(exc, ApiError):
        return exc.status, error_body(exc.code, exc.message), exc.headers
    if isinstance(exc, RequestValidationError):
        errors = list(exc.errors())
        message = "; ".join(_describe(e) for e in errors[:5]) or "the request is not valid"
        details = [{"field": _describe(e).split(":")[0], "problem": e.get("msg")} for e in errors[:20]]
        return 422, error_body("invalid_request", message, details=details), None
    if isinstance(exc, StarletteHTTPException):
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return exc.status_code, error_body(code, message), exc.headers
    return None


def install_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        mapped = error_response(exc)
        assert mapped is not None, f"no error mapping for {type(exc).__name__}"
        status, body, headers = mapped
        return JSONResponse(body, status_code=status, headers=headers)

    for kind in (CommerceError, ApiError, RequestValidationError, StarletteHTTPException):
        app.add_exception_handler(kind, handle)
    document_errors(app)


def document_errors(app: FastAPI) -> None:
    """Put ``ErrorBody`` (which ``ERROR_RESPONSES`` refers to) in the app's OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(body.pop("$defs", {}))
            schemas["ErrorBody"] = body
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
