"""Admin password: an argon2 hash from the environment or `.streamlit/secrets.toml`.

The hash is read at the edges (`Settings.admin_password_hash`) and passed in. Checks use argon2's
verify (constant-time comparison of the derived key). Wrong passwords are counted per source (the
OS user and host on the CLI, the client address in the app): after `max_failures` in a row from
one source, its attempts are refused without checking until the lockout ends, while other admins
can still sign in. The counts live in one file per password hash in a machine-wide state folder
(`lockout_file`), not in the data dir, so `--data OTHER` starts no fresh count.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from filelock import FileLock

from retrieval.errors import ExitCode, RadoncQAError

ENV_HASH = "RADONC_QA_ADMIN_PASSWORD_HASH"
ENV_PASSWORD = "RADONC_QA_ADMIN_PASSWORD"  # for scripted CLI use only
SECRETS_KEY = "admin_password_hash"
MIN_PASSWORD_LENGTH = 10
HOW_TO_SET = (
    "No admin password is configured. Make a hash with `python -m ingest hash-password`, then "
    f"either set the environment variable {ENV_HASH} to it, or add the line "
    f"{SECRETS_KEY} = \"<hash>\" to .streamlit/secrets.toml, and restart the app."
)


def lockout_file(state_dir: Path, password_hash: str | None) -> Path:
    """The failure counts for one admin password, wherever the data dir is."""
    key = hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
    return Path(state_dir) / f"admin-lockout-{key}.json"


class AdminAuthError(RadoncQAError):
    """Admin access refused: no password configured, wrong password, or locked out."""

    exit_code = ExitCode.ADMIN_PASSWORD


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
        self._memory: dict[str, dict[str, float]] = {}
        self._hasher = PasswordHasher()
        if password_hash is not None:
            try:
                self._hasher.check_needs_rehash(password_hash)
            except (InvalidHashError, ValueError):
                raise AdminAuthError(
                    f"The admin password hash set in {ENV_HASH} or .streamlit/secrets.toml is "
                    "not an argon2 hash (one starts with $argon2id$). Make one with `python -m "
                    "ingest hash-password`, put it in place of the old value, and restart the "
                    "app.") from None

    @property
    def configured(self) -> bool:
        return self.password_hash is not None

    def _read_all(self) -> dict[str, dict[str, float]]:
        if self.state_file is None:
            return {k: dict(v) for k, v in self._memory.items()}
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            return {str(k): {"failures": float(v["failures"]),
                             "locked_until": float(v["locked_until"])}
                    for k, v in data["sources"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _read(self, source: str) -> dict[str, float]:
        return self._read_all().get(source, {"failures": 0, "locked_until": 0.0})

    def _write(self, source: str, state: dict[str, float]) -> None:
        every = self._read_all()
        now = self.clock()
        # keep only sources still counting or locked: the file stays small
        every = {k: v for k, v in every.items() if v["failures"] or v["locked_until"] > now}
        every[source] = state
        if self.state_file is None:
            self._memory = every
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_name(f".{self.state_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"sources": every}), encoding="utf-8")
        os.replace(tmp, self.state_file)

    def _lock(self) -> FileLock | _NoLock:
        if self.state_file is None:
            return _NoLock()
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.state_file) + ".lock", timeout=10)

    def locked_for(self, source: str = "unknown") -> float:
        return max(0.0, self._read(source)["locked_until"] - self.clock())

    def check(self, password: str, source: str = "unknown") -> AuthResult:
        """Verify a password; counts `source`'s failures and locks it out after too many."""
        if self.password_hash is None:
            return AuthResult(False, HOW_TO_SET)
        with self._lock():
            state = self._read(source)
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
                self._write(source, {"failures": 0, "locked_until": 0.0})
                return AuthResult(True, "Signed in.")
            failures = state["failures"] + 1
            if failures >= self.max_failures:
                self._write(source, {"failures": 0, "locked_until": now + self.lockout_s})
                return AuthResult(False, f"Wrong password. Too many attempts: locked for "
                                         f"{_minutes(self.lockout_s)}.", self.lockout_s)
            self._write(source, {"failures": failures, "locked_until": 0.0})
            left = self.max_failures - int(failures)
            return AuthResult(False, f"Wrong password ({left} attempt(s) left before a "
                                     "lockout).")

    def require(self, password: str | None, source: str = "unknown") -> None:
        """For the CLI: raise AdminAuthError unless the password is right."""
        if self.password_hash is None:
            raise AdminAuthError(HOW_TO_SET)
        result = self.check(password or "", source)
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
