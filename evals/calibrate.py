"""Choose `[decision].min_score` from a tuning set and write it to calibration.toml.

The file is edited in place (comments and other tables kept); the value it replaces is kept in a
`[previous]` table with the date, the tuning sets and the target, so it can be put back by hand.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from evals.sets import EvalSetError

_HEADER = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")
_MIN_SCORE = re.compile(r"^(\s*min_score\s*=\s*)([-+0-9.eE]+)(.*)$")


def _sections(lines: list[str]) -> list[tuple[str, int, int]]:
    """(table name, first line, end line) of each table; the preamble is ''."""
    marks = [("", 0)]
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            marks.append((m.group(1).strip(), i))
    out = []
    for j, (name, start) in enumerate(marks):
        end = marks[j + 1][1] if j + 1 < len(marks) else len(lines)
        out.append((name, start, end))
    return out


def current_min_score(path: Path) -> float:
    return float(tomllib.loads(path.read_text(encoding="utf-8"))["decision"]["min_score"])


def write_min_score(path: Path, value: float, *, tuning_sets: Sequence[str],
                    target: float, now: datetime | None = None) -> float:
    """Set `[decision].min_score` to `value`, keeping the old one under `[previous]`.

    Returns the previous value. Written atomically; re-read to prove it parses.
    """
    text = path.read_text(encoding="utf-8")
    old = current_min_score(path)
    lines = text.splitlines()
    secs = _sections(lines)
    dec = [s for s in secs if s[0] == "decision"]
    if not dec:
        raise EvalSetError(f"{path}: no [decision] table to calibrate")
    _, start, end = dec[0]
    for i in range(start, end):
        m = _MIN_SCORE.match(lines[i])
        if m:
            lines[i] = f"{m.group(1)}{value:.3f}{m.group(3)}"
            break
    else:
        raise EvalSetError(f"{path}: [decision] has no min_score line")
    prev = [s for s in _sections(lines) if s[0] == "previous"]
    if prev:
        _, ps, pe = prev[0]
        del lines[ps:pe]
    while lines and not lines[-1].strip():
        lines.pop()
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    sets = ", ".join(f'"{s}"' for s in tuning_sets)
    lines += ["", "[previous]",
              "# [decision] before the last `python -m evals calibrate` (copy back to undo)",
              f"min_score = {old:.3f}",
              f'replaced_at = "{when}"',
              f"tuning_sets = [{sets}]",
              f"target_false_abstention = {target}", ""]
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    check = tomllib.loads(tmp.read_text(encoding="utf-8"))
    if abs(float(check["decision"]["min_score"]) - round(value, 3)) > 1e-9:
        tmp.unlink()
        raise EvalSetError(f"{path}: could not rewrite min_score safely; file left unchanged")
    os.replace(tmp, path)
    return old
