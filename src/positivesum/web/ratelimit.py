"""Login rate limiting: failed log-ins are counted per account and per client address in a sliding window.

Once an account has had :data:`ACCOUNT_FAILURES` failed log-ins within :data:`WINDOW_SECONDS`, or an address
:data:`ADDRESS_FAILURES` (a guesser trying many names), further log-ins for that account or from that address
are refused with 429 and the time to wait — before the password is checked, so that a guess costs nothing and
tells nothing — until the oldest failure leaves the window. A successful log-in clears the account's count.
The counts live in the server process (one ``positivesum serve`` process per database, docs/workspace.md); a
restart clears them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

WINDOW_SECONDS = 300.0
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20


class LoginLimiter:
    def __init__(
        self,
        window: float = WINDOW_SECONDS,
        per_account: int = ACCOUNT_FAILURES,
        per_address: int = ADDRESS_FAILURES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window, self.per_account, self.per_address, self.clock = window, per_account, per_address, clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def wait_seconds(self, username: str, address: str) -> int:
        """0 if a log-in for ``username`` from ``address`` may be tried now, else the seconds to wait."""
        now = self.clock()
        with self._lock:
            waits = []
            for key, limit in (
                (("account", username.lower()), self.per_account),
                (("address", address), self.per_address),
            ):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + self.window - now)
            return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("account", username.lower()), ("address", address)):
                self._failures.setdefault(key, deque()).append(now)
                if len(self._failures) > 100_000:  # never grow without bound: drop the oldest key
                    self._failures.pop(next(iter(self._failures)))

    def message(self, seconds: int) -> str:
        """Why a log-in is refused, and when to try again."""
        return (
            f"too many failed log-ins for this account or from this address: try again in {seconds} s "
            f"(at most {self.per_account} failures per account and {self.per_address} per address in "
            f"{self.window / 60:g} minutes)"
        )

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("account", username.lower()), None)


def client_address(request: Any) -> str:
    """The client's address (behind a proxy: the one uvicorn's proxy headers give)."""
    return request.client.host if request.client else "unknown"
