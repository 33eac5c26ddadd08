"""The app database: transient errors retried within a bound, then the chat goes on without it."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.exc import IntegrityError, OperationalError

from appdb import AppDB


def _flaky(fail: int, exc: Exception):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if len(calls) <= fail:
            raise exc
        return "ok"

    return fn, calls


def test_a_dropped_connection_is_retried(tmp_path: Path) -> None:
    db = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    fn, calls = _flaky(2, OperationalError("SELECT 1", {}, Exception("server closed")))
    assert db.safe(fn, "default") == "ok" and len(calls) == 3


def test_a_database_that_stays_down_costs_one_try_per_call_after_the_first(
        tmp_path: Path) -> None:
    db = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    down = OperationalError("SELECT 1", {}, Exception("connection refused"))
    fn, calls = _flaky(99, down)
    t0 = time.monotonic()
    assert db.safe(fn, "default") == "default" and len(calls) == 3
    assert time.monotonic() - t0 < 5
    fn2, calls2 = _flaky(99, down)
    assert db.safe(fn2, "default") == "default" and len(calls2) == 1  # known down: no waiting


def test_a_wrong_write_is_not_retried(tmp_path: Path) -> None:
    db = AppDB(f"sqlite:///{tmp_path / 'app.db'}")
    fn, calls = _flaky(99, IntegrityError("INSERT", {}, Exception("UNIQUE constraint")))
    assert db.safe(fn, "default") == "default" and len(calls) == 1
