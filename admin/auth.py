"""Admin password: an argon2 hash from the environment or `.streamlit/secrets.toml`.

The hash is read at the edges (`Settings.admin_password_hash`) and passed in. Checks use argon2's
verify (constant-time comparison of the derived key); after `max_failures` wrong passwords in a row,
every attempt is refused without checking until the lockout ends. The failure count lives in a
small JSON file under the data dir so a lockout holds across sessions, restarts and the CLI.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from filelock import FileLock

from retrieval.errors import RadoncQAError

ENV_HASH = "RADONC_QA_ADMIN_PASSWORD_HASH"
ENV_PASSWORD = "RADONC_QA_ADMIN_PASSWORD"  # for scripted CLI use only
SECRETS_KEY = "admin_password_hash"
MIN_PASSWORD_LENGTH = 10
HOW_TO_SET = (
    "No admin password is configured. Make a hash with `python -m ingest hash-password`, then "
    f"either set the environment variable {ENV_HASH} to it, or add the line "
    f"{SECRETS_KEY} = \"<hash>\" to .streamlit/secrets.toml, and restart the app."
)


class AdminAuthError(RadoncQAError):
    """Admin access refused: no password configured, wrong password, or locked out."""

    exit_code = 7


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminAuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return PasswordHasher().hash(password)


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    message: str
    locked_for_s: float = 0.0


class AdminAuth:
    """Checks admin passwords against one hash, with a lockout after repeated failures."""

    def __init__(self, password_hash: str | None, state_file: Path | None = None, *,
                 max_failures: int = 5, lockout_s: float = 300.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.password_hash = password_hash
        self.state_file = state_file
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.clock = clock
        self._memory: dict[str, float] = {"failures": 0, "locked_until": 0.0}
        self._hasher = PasswordHasher()
        if password_hash is not None:
            try:
                self._hasher.check_needs_rehash(password_hash)
            except (InvalidHashError, ValueError):
                raise AdminAuthError(
                    f"the configured admin password hash is not an argon2 hash; {HOW_TO_SET}"
                ) from None

    @property
    def configured(self) -> bool:
        return self.password_hash is not None

    def _read(self) -> dict[str, float]:
        if self.state_file is None:
            return dict(self._memory)
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return {"failures": float(data["failures"]),
                    "locked_until": float(data["locked_until"])}
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return {"failures": 0, "locked_until": 0.0}

    def _write(self, state: dict[str, float]) -> None:
        if self.state_file is None:
            self._memory = dict(state)
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def _lock(self) -> FileLock | _NoLock:
        if self.state_file is None:
            return _NoLock()
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.state_file) + ".lock", timeout=10)

    def locked_for(self) -> float:
        return max(0.0, self._read()["locked_until"] - self.clock())

    def check(self, password: str) -> AuthResult:
        """Verify a password; counts failures and locks out after too many."""
        if self.password_hash is None:
            return AuthResult(False, HOW_TO_SET)
        with self._lock():
            state = self._read()
            now = self.clock()
            if state["locked_until"] > now:
                wait = state["locked_until"] - now
                return AuthResult(False, f"Too many wrong passwords. Try again in "
                                         f"{_minutes(wait)}.", wait)
            ok: bool
            try:
                ok = bool(self._hasher.verify(self.password_hash, password))
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if ok:
                self._write({"failures": 0, "locked_until": 0.0})
                return AuthResult(True, "Signed in.")
            failures = state["failures"] + 1
            if failures >= self.max_failures:
                self._write({"failures": 0, "locked_until": now + self.lockout_s})
                return AuthResult(False, f"Wrong password. Too many attempts: locked for "
                                         f"{_minutes(self.lockout_s)}.", self.lockout_s)
            self._write({"failures": failures, "locked_until": 0.0})
            left = self.max_failures - int(failures)
            return AuthResult(False, f"Wrong password ({left} attempt(s) left before a "
                                     "lockout).")

    def require(self, password: str | None) -> None:
        """For the CLI: raise AdminAuthError unless the password is right."""
        if self.password_hash is None:
            raise AdminAuthError(HOW_TO_SET)
        result = self.check(password or "")
        if not result.ok:
            raise AdminAuthError(result.message)


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _minutes(seconds: float) -> str:
    m = max(1, round(seconds / 60))
    return f"{m} minute{'s' if m != 1 else ''}"
