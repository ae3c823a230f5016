"""Keep secrets out of log lines and error messages.

Every access token, refresh token, client secret and authorization code the client sees is
registered here; :class:`SecretRedactingFilter` replaces any registered value in a log record,
and :func:`redact` does the same for text that goes into an exception message.
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["REDACTED", "SecretRedactingFilter", "get_logger", "redact", "register_secret"]

REDACTED = "[redacted]"

# Shorter values would redact ordinary words; real tokens and secrets are far longer.
_MIN_SECRET_LENGTH = 8

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

# QBO echoes the rejected token in 401 details ("Token expired: AB0160...") even when we never
# saw that exact value (it may be another process's token), so that shape is masked as well.
_ECHOED_TOKEN = re.compile(r"(Token (?:expired|invalid|revoked)[^:]*:\s*)\S+", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+")


def register_secret(value: str | None) -> None:
    """Remember ``value`` so it is redacted from every later log record and error message."""
    global _pattern
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        # Longest first, so a secret that contains another is replaced whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and every echoed bearer token masked."""
    pattern = _pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    text = _ECHOED_TOKEN.sub(lambda match: match.group(1) + REDACTED, text)
    return _BEARER.sub(lambda match: match.group(1) + REDACTED, text)


class SecretRedactingFilter(logging.Filter):
    """A logging filter that masks registered secrets in the formatted message.

    Attach it to a handler (``handler.addFilter(SecretRedactingFilter())``) to protect every
    record that handler emits; the client's own loggers carry it already.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Format the traceback now, redacted, so handlers reuse our cleaned copy.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = SecretRedactingFilter()


def get_logger(name: str) -> logging.Logger:
    """Return the named logger with the redacting filter attached (once)."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
