"""The admin password check of the page: constant-time comparison, per-client back-off and
lockout, and a log line for every attempt (never the password itself).

A client is the connecting address (or the X-Forwarded-For of a reverse proxy on the same host,
which uvicorn trusts). After each failure the client must wait before its next attempt (1 s,
2 s, 4 s … at most 30 s); an attempt inside that wait is refused without looking at the
password, so guessing runs at a few tries per minute, and a legitimate admin elsewhere is not
slowed. After ``max_failures`` failures in a row the client is locked out for
``lockout_seconds``. A success clears the client's record."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from assistant.errors import ForbiddenError, InvalidRequestError

log = logging.getLogger("assistant.serve.auth")

MAX_BACKOFF_SECONDS = 30.0
# Clients remembered at once; the oldest record is forgotten first (bounded memory whatever
# number of addresses an attacker uses).
MAX_CLIENTS = 10_000


@dataclass
class _Record:
    failures: int = 0
    next_allowed: float = 0.0
    locked_until: float = 0.0


class LoginGuard:
    def __init__(
        self,
        password: str,
        max_failures: int = 5,
        lockout_seconds: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # Digests of equal length: compare_digest's time then depends on neither the guess
        # nor the password length.
        self._digest = hashlib.sha256(password.encode("utf-8")).digest()
        self._max_failures = max_failures
        self._lockout = lockout_seconds
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str, secret: str) -> None:
        """Return on the right password; raise a Chinese error otherwise."""
        now = self._clock()
        with self._lock:
            record = self._records.get(client) or _Record()
            if record.locked_until > now:
                wait = math.ceil((record.locked_until - now) / 60)
                log.warning("admin login refused: client %s is locked out", client)
                raise ForbiddenError(
                    f"登录失败次数过多，已锁定：请在 {wait} 分钟后再试，或联系系统管理员。"
                )
            if record.locked_until:
                record = _Record()  # the lockout is over: a fresh start
            if record.next_allowed > now:
                wait = math.ceil(record.next_allowed - now)
                log.warning("admin login refused: client %s retried within its back-off", client)
                raise InvalidRequestError(f"尝试过于频繁：请在 {wait} 秒后再试。")
            guess = hashlib.sha256(secret.encode("utf-8", "replace")).digest()
            if hmac.compare_digest(guess, self._digest):
                self._records.pop(client, None)
                log.info("admin login succeeded: client %s", client)
                return
            record.failures += 1
            record.next_allowed = now + min(2.0 ** (record.failures - 1), MAX_BACKOFF_SECONDS)
            left = self._max_failures - record.failures
            if left <= 0:
                record.locked_until = now + self._lockout
            self._remember(client, record)
        if left <= 0:
            log.warning(
                "admin login failed: client %s, %d failures, locked out for %d s",
                client,
                record.failures,
                self._lockout,
            )
            raise ForbiddenError(
                f"管理员密码不正确。失败次数过多，已锁定 {math.ceil(self._lockout / 60)} 分钟。"
            )
        log.warning("admin login failed: client %s, %d failures", client, record.failures)
        raise InvalidRequestError(
            f"管理员密码不正确。再失败 {left} 次将锁定 {math.ceil(self._lockout / 60)} 分钟。"
        )

    def _remember(self, client: str, record: _Record) -> None:
        self._records[client] = record
        self._records.move_to_end(client)
        while len(self._records) > MAX_CLIENTS:
            self._records.popitem(last=False)
