"""Read a QBO HTTP reply: decode the body whatever its format, and turn faults into typed errors.

QBO answers JSON with an upper-case ``Fault``, 401s with a lower-case ``fault``, throttles with
XML even when JSON was asked, and proxies in front of it answer HTML. Everything here reads the
body it got, not the body it hoped for: anything unreadable becomes :class:`MalformedResponse`
(or the transient/throttle/auth error its status implies), never a KeyError.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from urllib3.util.retry import Retry

from acctivate_qbo_plugin.qbo.errors import (
    TRANSIENT_STATUSES,
    AuthError,
    FaultDetail,
    MalformedResponse,
    QboError,
    Throttled,
    TransientError,
    error_from_faults,
)
from acctivate_qbo_plugin.qbo.redaction import redact
from acctivate_qbo_plugin.qbo.timestamps import parse_server_time

__all__ = ["HttpReply", "check_reply", "fault_from_json", "malformed", "server_time_of"]

_EXCERPT_LENGTH = 160
# XML bodies larger than this are not faults we need to read; refusing them bounds the parser.
_MAX_XML_BYTES = 256 * 1024
_RETRY_AFTER = Retry(0)


@dataclass(frozen=True)
class HttpReply:
    """What came back over the wire, before interpretation."""

    status: int
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        return _header(self.headers, "Content-Type") or ""

    @property
    def intuit_tid(self) -> str | None:
        return _header(self.headers, "intuit_tid") or _header(self.headers, "Intuit-Tid")

    def excerpt(self) -> str:
        text = self.body[: _EXCERPT_LENGTH * 4].decode("utf-8", errors="replace")
        text = " ".join(text.split())
        if len(text) > _EXCERPT_LENGTH:
            text = text[:_EXCERPT_LENGTH] + "..."
        return redact(text) or "(empty body)"

    def retry_after(self) -> float | None:
        value = _header(self.headers, "Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(_RETRY_AFTER.parse_retry_after(value)))
        except Exception:  # an unreadable header means "not said", not a failure
            return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


def malformed(reply: HttpReply, problem: str) -> MalformedResponse:
    """A MalformedResponse naming status, content type, the problem and a short excerpt."""
    return MalformedResponse(
        f"unreadable QBO response (HTTP {reply.status}, content type "
        f"{reply.content_type or 'none'}): {problem}; body starts: {reply.excerpt()}",
        status=reply.status,
        intuit_tid=reply.intuit_tid,
    )


def server_time_of(reply: HttpReply, body: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_server_time(body.get("time"))
    except ValueError as exc:
        raise malformed(reply, f"bad 'time' value: {exc}") from None


def _text(value: object, where: str, reply: HttpReply) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise malformed(reply, f"{where} is a {type(value).__name__}, expected text")


def fault_from_json(
    fault: object, reply: HttpReply, *, lower_case: bool = False, time: datetime | None = None
) -> QboError:
    """The typed error for a JSON ``Fault`` (or 401's lower-case ``fault``) object."""
    keys = ("error", "message", "detail") if lower_case else ("Error", "Message", "Detail")
    if not isinstance(fault, Mapping):
        raise malformed(reply, f"Fault is a {type(fault).__name__}, expected an object")
    entries = fault.get(keys[0], [])
    if isinstance(entries, Mapping):
        entries = [entries]
    if not isinstance(entries, list):
        raise malformed(reply, f"Fault.{keys[0]} is a {type(entries).__name__}, expected a list")
    details = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise malformed(reply, f"Fault.{keys[0]}[{index}] is not an object")
        where = f"Fault.{keys[0]}[{index}]"
        details.append(
            FaultDetail(
                code=_text(entry.get("code"), f"{where}.code", reply),
                message=_text(entry.get(keys[1]), f"{where}.{keys[1]}", reply),
                detail=_text(entry.get(keys[2]), f"{where}.{keys[2]}", reply),
                element=_text(entry.get("element"), f"{where}.element", reply),
            )
        )
    fault_type = fault.get("type")
    return error_from_faults(
        tuple(details),
        status=reply.status,
        fault_type=fault_type if isinstance(fault_type, str) else None,
        intuit_tid=reply.intuit_tid,
        time=time,
        retry_after=reply.retry_after(),
    )


def _strip_namespace(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fault_from_xml(reply: HttpReply) -> QboError | None:
    """The typed error of an XML ``IntuitResponse`` fault (throttles come this way)."""
    if len(reply.body) > _MAX_XML_BYTES:
        return None
    try:
        root = ElementTree.fromstring(reply.body)
    except ElementTree.ParseError:
        return None
    try:
        time = parse_server_time(root.get("time"))
    except ValueError:
        time = None
    for element in root.iter():
        if _strip_namespace(element.tag) != "Fault":
            continue
        details = []
        for error in element:
            if _strip_namespace(error.tag) != "Error":
                continue
            children = {_strip_namespace(child.tag): (child.text or "") for child in error}
            details.append(
                FaultDetail(
                    code=error.get("code", ""),
                    message=children.get("Message", "").strip(),
                    detail=children.get("Detail", "").strip(),
                    element=error.get("element", ""),
                )
            )
        return error_from_faults(
            tuple(details),
            status=reply.status,
            fault_type=element.get("type"),
            intuit_tid=reply.intuit_tid,
            time=time,
            retry_after=reply.retry_after(),
        )
    return None


_XML_START = re.compile(rb"^\s*(<\?xml|<IntuitResponse)", re.IGNORECASE)


def _unreadable_error(reply: HttpReply, problem: str) -> QboError:
    """An error for a body we cannot read, typed by what the status alone tells us."""
    summary = (
        f"HTTP {reply.status} with an unreadable body (content type "
        f"{reply.content_type or 'none'}): {problem}; body starts: {reply.excerpt()}"
    )
    if reply.status == 429:
        return Throttled(
            summary, status=429, intuit_tid=reply.intuit_tid, retry_after=reply.retry_after()
        )
    if reply.status in TRANSIENT_STATUSES:
        return TransientError(summary, status=reply.status, intuit_tid=reply.intuit_tid)
    if reply.status == 401:
        return AuthError(summary, status=401, intuit_tid=reply.intuit_tid)
    return malformed(reply, problem)


def check_reply(reply: HttpReply) -> tuple[dict[str, Any], datetime | None]:
    """Return the JSON object of a successful reply and its server time, or raise a typed error.

    Faults are raised whatever the status (QBO puts them in 200 bodies too).
    """
    body = reply.body
    if _XML_START.match(body):
        error = _fault_from_xml(reply)
        if error is not None:
            raise error
        raise _unreadable_error(reply, "XML without a Fault")
    if not body.strip():
        raise _unreadable_error(reply, "empty body")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        looks_html = body.lstrip()[:1] == b"<"
        problem = "an HTML page, not JSON" if looks_html else f"invalid JSON ({exc.msg})"
        raise _unreadable_error(reply, problem) from None
    if not isinstance(data, dict):
        raise _unreadable_error(reply, f"JSON {type(data).__name__}, expected an object")
    time = server_time_of(reply, data)
    if "Fault" in data and data["Fault"] is not None:
        raise fault_from_json(data["Fault"], reply, time=time)
    if "fault" in data and data["fault"] is not None:
        raise fault_from_json(data["fault"], reply, lower_case=True, time=time)
    if reply.status >= 300:
        raise _unreadable_error(reply, "an error status without a Fault")
    return data, time
