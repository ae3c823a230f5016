"""The bytes the sandbox answers with: JSON, QBO's XML throttle fault, the lower-case 401
body, HTML error pages and the deliberately garbled bodies of ``malformed_next``."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "application/xml"
HTML_TYPE = "text/html;charset=utf-8"

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str | None = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def new_intuit_tid() -> str:
    """Shaped like Intuit's ``1-5f734c9d-204a81e60006ee1844b369cc``."""
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def encode_json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, encode_json(body), JSON_TYPE, dict(headers or {}))


def throttle_reply(status: int, time_text: str, retry_after: float | None) -> Reply:
    """QBO's real throttle body: XML even when JSON was asked for (qbo-api.md §4)."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<IntuitResponse time="{escape(time_text)}" xmlns="http://schema.intuit.com/finance/v3">'
        '<Fault type="SERVICE"><Error code="3001">'
        f"<Message>message=ThrottleExceeded; errorCode=003001; statusCode={status}</Message>"
        "<Detail>The request limit was reached.  Try again later</Detail>"
        "</Error></Fault></IntuitResponse>"
    )
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = str(max(0, round(retry_after)))
    return Reply(status, xml.encode("utf-8"), XML_TYPE, headers)


def unauthorized_reply(epoch_ms: int) -> Reply:
    """The lower-case ``fault`` body with epoch-ms ``time`` (recorded: error__401.json)."""
    body = {
        "warnings": None,
        "intuitObject": None,
        "fault": {
            "error": [
                {
                    "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                    "detail": "Token expired: the access token is missing, unknown or expired; "
                    "refresh it and retry",
                    "code": "3200",
                    "element": None,
                }
            ],
            "type": "AUTHENTICATION",
        },
        "report": None,
        "queryResponse": None,
        "batchItemResponse": [],
        "attachableResponse": [],
        "syncErrorResponse": None,
        "requestId": None,
        "time": epoch_ms,
        "status": None,
        "cdcresponse": [],
    }
    headers = {"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'}
    return json_reply(401, body, headers)


def injected_failure_reply(status: int, variant: str, time_text: str) -> Reply:
    if variant == "empty":
        return Reply(status, b"", None)
    if variant == "html":
        return html_reply(status)
    if status >= 500:
        error = {
            "Message": "An application error has occurred while processing your request",
            "Detail": f"System Failure Error: {_REASONS.get(status, 'Server Error')} "
            "(injected by the sandbox); retry the request",
            "code": "10000",
        }
        fault_type = "SystemFault"
    else:
        error = {
            "Message": "A business validation error has occurred while processing your request",
            "Detail": f"Business Validation Error: injected HTTP {status} from the sandbox",
            "code": "6000",
        }
        fault_type = "ValidationFault"
    return json_reply(status, {"Fault": {"Error": [error], "type": fault_type}, "time": time_text})


def html_reply(status: int) -> Reply:
    reason = _REASONS.get(status, "Error")
    page = (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{status} {reason}</h1><p>The server could not handle the request.</p>"
        "</body></html>"
    )
    return Reply(status, page.encode("utf-8"), HTML_TYPE)


def malformed(reply: Reply, variant: str) -> Reply:
    """A garbled version of ``reply`` (same status) for clients' robustness tests."""
    if variant == "html":
        page = "<html><body><h1>Service temporarily unavailable</h1></body></html>"
        return Reply(reply.status, page.encode("utf-8"), HTML_TYPE, reply.headers)
    if variant == "truncated":
        cut = max(1, len(reply.body) // 2)
        return Reply(reply.status, reply.body[:cut], reply.content_type, reply.headers)
    try:
        body = json.loads(reply.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    payload_keys = [key for key in body if key != "time"]
    if variant == "missing_keys":
        garbled = {"time": body.get("time")} if "time" in body else {}
    else:  # wrong_types: objects become lists, strings become numbers
        garbled = {
            key: [body[key]] if isinstance(body[key], dict) else 12345 for key in payload_keys
        }
        garbled["time"] = 1601391072830
    return json_reply(reply.status, garbled, reply.headers)


def oauth_reply(status: int, body: dict[str, Any]) -> Reply:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return Reply(status, encode_json(body), "application/json;charset=UTF-8", headers)


def not_found_reply(path: str) -> Reply:
    body = {"error": "not_found", "error_description": f"no sandbox endpoint at {path}"}
    return json_reply(404, body)
