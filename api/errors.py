"""One error body for every failure the API answers: ``{"error": {"code", "message"}}``.

    HTTPException (FastAPI's, Starlette's)  its status; code from :class:`ApiError` or the status
    RequestValidationError                  422 ``validation_error``; ``details`` lists each field
    CallqaError (pipeline.errors tree)      status by class (:data:`STATUS`), code = ``err.code``
      └── StoreError                        the same, but a message without the store's place
                                            (a server folder or bucket): that goes to the log
      └── scoring.work.accounts.AccountError  its ``http_status`` (409; UnknownAgent 404)
    anything else                           500 ``internal``; the traceback goes to the log only

Routes raise :class:`ApiError` (or its helpers :func:`not_found`, :func:`forbidden`,
:func:`conflict`); the library raises :class:`~pipeline.errors.CallqaError`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.errors import (
    CallqaError,
    ConfigError,
    DatabaseError,
    ModelError,
    RecordingError,
    RecordingNotFound,
    RubricError,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger("callqa.api")

STATUS: dict[type[CallqaError], int] = {
    RecordingNotFound: 404,
    StoreUnavailable: 503,
    StoreError: 502,
    RubricError: 422,
    ConfigError: 500,
    ModelError: 503,
    RecordingError: 422,
    DatabaseError: 503,
    CallqaError: 400,
}

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
         416: "range_not_satisfiable", 422: "validation_error", 500: "internal",
         503: "unavailable"}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """What every error response carries."""

    error: ErrorDetail


class ApiError(HTTPException):
    def __init__(self, status_code: int, message: str, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, detail=message, headers=headers)
        self.code = code or CODES.get(status_code, "error")


def not_found(what: str) -> ApiError:
    """The same answer whether the object is missing or belongs to someone else."""
    return ApiError(404, f"no {what}")


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def status_for(exc: CallqaError) -> int:
    explicit = getattr(exc, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _body(status: int, code: str, message: str,
          details: list[dict[str, Any]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status, headers=headers)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None) or CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return _body(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Each error's place, message and type; never its input (a password, say).
    details = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")),
                "type": str(e.get("type", ""))} for e in exc.errors()]
    if not details:
        return _body(422, "validation_error", "invalid request", [])
    where = ".".join(str(part) for part in details[0]["loc"])
    message = str(details[0]["msg"]).removeprefix("Value error, ")
    return _body(422, "validation_error", f"{where}: {message}" if where else message, details)


async def _callqa_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CallqaError)
    return _body(status_for(exc), exc.code, public_message(exc))


def public_message(exc: CallqaError) -> str:
    """What a client may read of ``exc``: the library's sentence, except for the store's
    errors, whose sentences name the server's folder or bucket (logged here instead)."""
    if not isinstance(exc, StoreError):
        return str(exc)
    log.warning("store error answered to a client: %s", exc)
    key = getattr(exc, "key", None)
    if isinstance(exc, RecordingNotFound):
        return f"no recording {key!r} in the store" if key else "no such recording in the store"
    if isinstance(exc, StoreUnavailable):
        return "the recordings store is unavailable; try again later (the server log says why)"
    return "the recordings store failed; the server log has the details"


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return _body(500, "internal", "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CallqaError, _callqa_error)
    app.add_exception_handler(Exception, _unexpected)
