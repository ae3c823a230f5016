"""When and how long to wait before sending a request again.

Transient failures back off exponentially with *full jitter* (a uniform wait between zero and
the exponential cap, so many clients do not retry in lock-step), bounded by a number of
attempts and by the total time spent. Throttles wait what the server said (``Retry-After``)
or a fixed default. Writes are retried only when they carry a ``requestid``: QBO replays the
original answer for a repeated id, so a retry can never write twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for retrying one request.

    :ivar max_attempts: attempts in total for transient failures (1 = never retry).
    :ivar max_elapsed: seconds from the first attempt after which no retry starts.
    :ivar backoff_base: the first backoff cap in seconds; it doubles per retry.
    :ivar backoff_max: the largest backoff cap in seconds.
    :ivar throttle_wait: seconds to wait after a 429/3001 without ``Retry-After``.
    :ivar max_throttle_waits: throttles waited out before giving up on the request.
    """

    max_attempts: int = 5
    max_elapsed: float = 120.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    throttle_wait: float = 60.0
    max_throttle_waits: int = 3

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")
        if self.max_elapsed < 0 or self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError("RetryPolicy times must not be negative")
        if self.throttle_wait < 0 or self.max_throttle_waits < 0:
            raise ValueError("RetryPolicy throttle settings must not be negative")

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Full-jitter wait before retry ``retry_number`` (1 for the first retry)."""
        cap = min(self.backoff_max, self.backoff_base * (2 ** max(0, retry_number - 1)))
        return (rng or random).uniform(0.0, cap)

    def throttle_delay(self, retry_after: float | None) -> float:
        """Seconds to wait after a throttle: the server's ``Retry-After`` or the default."""
        return self.throttle_wait if retry_after is None else retry_after
