"""Errors in one place: JSON for the API (API.md's format), pages for people."""

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from blueprints.common import translate
from livestall.errors import DomainError
from livestall.platform import shared

CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
}
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in first."),
    403: _l("You are not allowed to do that."),
    404: _l("Not found."),
    405: _l("That method is not allowed here."),
    413: _l("That upload is too large."),
    415: _l("That media type is not supported."),
    429: _l("Too many requests. Slow down and try again."),
    500: _l("Something went wrong on our side. It has been logged."),
}


def wants_json():
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def error_response(status, code, message, field=None, headers=None):
    """Answer with API.md's error JSON or the error page, as the client wants."""
    if wants_json():
        body = {"code": code, "message": message}
        if field:
            body["field"] = field
        response = make_response(jsonify({"error": body}), status)
    else:
        template = "generic" if status not in (403, 404) else str(status)
        template = f"errors/{template}.html"
        page = render_template(template, status=status, message=message)
        response = make_response(page, status)
    response.headers.update(headers or {})
    return response


def handle_domain_error(error):
    headers = {}
    if getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(
        error.status, error.code, translate(error), error.field, headers
    )


def handle_csrf(error):
    return error_response(
        400,
        "csrf_failed",
        gettext("The form expired or came from another site. Reload and try again."),
    )


def handle_http(error):
    status = error.code or 500
    message = str(MESSAGES.get(status, error.description or "Error."))
    headers = {}
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return error_response(status, CODES.get(status, "error"), message, None, headers)


def handle_unexpected(error):
    if (unavailable := shared.outage(error)) is not None:
        return handle_domain_error(unavailable)
    current_app.logger.exception("Unhandled error")
    return error_response(500, "server_error", str(MESSAGES[500]))


def register(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
