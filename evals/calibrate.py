"""Write a chosen `[decision].min_score` to a calibration file, keeping the value it replaces.

By default the file is the installation's own `data/calibration.toml`, which overrides single keys
of the shipped `retrieval/calibration.toml` (see retrieval/config.py); nothing is written under the
installed code. tomlkit edits the file in place, so comments and other tables are kept; the value
replaced goes to a `[previous]` table with the date, the tuning sets and the target, so it can be
put back by hand.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from evals.sets import EvalSetError

NEW_FILE_HEADER = ("This installation's calibration: keys here override the shipped "
                   "retrieval/calibration.toml.", "Written by `python -m evals calibrate`.")


def current_min_score(path: Path) -> float | None:
    """`[decision].min_score` of a calibration file, or None if it does not set one."""
    if not path.is_file():
        return None
    value = tomllib.loads(path.read_text(encoding="utf-8")).get("decision", {}).get("min_score")
    return float(value) if value is not None else None


def _document(path: Path) -> tomlkit.TOMLDocument:
    if not path.is_file():
        doc = tomlkit.document()
        for line in NEW_FILE_HEADER:
            doc.add(tomlkit.comment(line))
        return doc
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as e:
        raise EvalSetError(f"{path}: not valid TOML ({e}); fix it or remove it") from None


def write_min_score(path: Path, value: float, *, previous: float, tuning_sets: Sequence[str],
                    target: float, now: datetime | None = None) -> None:
    """Set `[decision].min_score` to `value` in `path` (created if missing), keeping `previous`
    (the value in force until now) under `[previous]`. Written atomically, re-read to check."""
    doc = _document(path)
    decision = doc.get("decision")
    if decision is None:
        decision = tomlkit.table()
        doc["decision"] = decision
    if not isinstance(decision, Table):
        raise EvalSetError(f"{path}: decision must be a table")
    decision["min_score"] = round(value, 3)
    if "previous" in doc:
        del doc["previous"]
    prev = tomlkit.table()
    prev.add(tomlkit.comment("[decision] before the last `python -m evals calibrate` "
                             "(copy back to undo)"))
    prev["min_score"] = round(previous, 3)
    prev["replaced_at"] = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    prev["tuning_sets"] = list(tuning_sets)
    prev["target_false_abstention"] = target
    doc["previous"] = prev
    text = tomlkit.dumps(doc)
    if tomllib.loads(text)["decision"]["min_score"] != round(value, 3):
        raise EvalSetError(f"{path}: could not write min_score safely; file left unchanged")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
