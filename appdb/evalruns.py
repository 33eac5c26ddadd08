"""Eval-run history in the app database (the `EvalRun` table): record a run, list past runs.

Only complete runs are recorded — a run that failed (bad set, no knowledge base) never reaches
here. Large runs keep their metrics but not every row, so the table stays small.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from appdb.db import AppDB
from appdb.models import EvalRun

MAX_STORED_ROWS = 5000  # runs with more rows are stored without the per-row result


def record_eval_run(db: AppDB, result: dict[str, Any], sets: str) -> int | None:
    """Store a finished run (its `to_dict()` form); returns the id, None if the DB is down."""

    def write() -> int:
        with db.session() as s:
            full = result if len(result.get("rows", ())) <= MAX_STORED_ROWS else None
            row = EvalRun(sets=sets, kb_version=str(result["kb_version"]),
                          metrics=dict(result["metrics"]), result=full)
            s.add(row)
            s.flush()
            return row.id

    return db.safe(write, None)


def eval_runs(db: AppDB, limit: int = 200) -> list[dict[str, Any]]:
    """Past runs, newest first, without the per-row results (cheap to list)."""

    def read() -> list[dict[str, Any]]:
        with db.session() as s:
            stmt = (select(EvalRun.id, EvalRun.run_at, EvalRun.sets, EvalRun.kb_version,
                           EvalRun.metrics).order_by(EvalRun.id.desc()).limit(limit))
            return [{"id": i, "run_at": at, "sets": sets, "kb_version": v, "metrics": m}
                    for i, at, sets, v, m in s.execute(stmt)]

    return db.safe(read, [])


def eval_run_result(db: AppDB, run_id: int) -> dict[str, Any] | None:
    """The full stored result of one run (None if absent, not stored, or the DB is down)."""

    def read() -> dict[str, Any] | None:
        with db.session() as s:
            run = s.get(EvalRun, run_id)
            return run.result if run else None

    return db.safe(read, None)
