"""Write a fitted abstention model to calibration.toml's `[abstention]` table.

The file is edited in place: every other table and its comments are kept; the `[abstention]`
table is replaced whole, with comments saying when and on what it was fitted and how it did on
the documents and corpora each fold left out.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.sets import EvalSetError
from retrieval.config import Abstention, load_calibration

_FIRST = "# The answer/abstain decision for single questions"
_HEADER = re.compile(r"^\s*\[([^\]]+)\]\s*(#.*)?$")


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


def _floats(xs: Sequence[float]) -> str:
    return "[" + ", ".join(repr(float(x)) for x in xs) + "]"  # the fit's own rounding


def _pct(x: float) -> str:
    return "n/a" if isinstance(x, float) and math.isnan(x) else f"{x:.3f}"


def fold_lines(title: str, folds: Sequence[dict[str, Any]]) -> list[str]:
    """Comment lines: one per fold (held-out group, rows, the three rates)."""
    out = [f"# {title}: held out → in scope right / out of scope abstained / abstained while "
           "right first (rows)"]
    for f in folds:
        out.append(f"#   {f['held_out']:<48} {_pct(f['in_scope_accuracy'])} / "
                   f"{_pct(f['out_of_scope_abstention'])} / "
                   f"{_pct(f['abstained_right_first'])} ({f['rows']})")
    return out


def abstention_table(model: Abstention, *, sources: Sequence[str],
                     notes: Sequence[str], now: datetime | None = None) -> list[str]:
    """The `[abstention]` table's lines, comments first."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    head = [
        _FIRST + " (retrieval/decide.py): a logistic",
        "# model of 'the top entry answers' over evidence features (retrieval/evidence.py),",
        "# centred and scaled as below. Fitted by `python -m evals calibrate` on DEV sets only,",
        "# each corpus weighted equally, L2 C=1; min_probability is the cut with the best",
        "# balanced accuracy (in scope right, out of scope abstained). Refit, never hand-edit.",
        f"# Fitted {when} on: " + "; ".join(sources),
        *notes,
    ]
    return [*head, "[abstention]",
            "features = [" + ", ".join(f'"{f}"' for f in model.features) + "]",
            f"center = {_floats(model.center)}",
            f"scale = {_floats(model.scale)}",
            f"coef = {_floats(model.coef)}",
            f"intercept = {float(model.intercept)!r}",
            f"min_probability = {model.min_probability:.3f}",
            f"strong_probability = {model.strong_probability:.3f}"]


def write_abstention(path: Path, table: list[str]) -> None:
    """Replace (or add) the `[abstention]` table with its comment lines; atomic, re-read."""
    lines = path.read_text(encoding="utf-8").splitlines()
    secs = _sections(lines)
    old = [s for s in secs if s[0] == "abstention"]
    if old:
        _, start, end = old[0]
        k = start
        while k > 0 and lines[k - 1].startswith("#"):
            k -= 1
            if lines[k].startswith(_FIRST):  # its own comments go with it, no one else's
                start = k
                break
        del lines[start:end]
    while lines and not lines[-1].strip():
        lines.pop()
    lines += ["", *table, ""]
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    try:
        tomllib.loads(tmp.read_text(encoding="utf-8"))
        load_calibration(tmp)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        tmp.unlink()
        raise EvalSetError(f"{path}: could not write the model safely ({e}); unchanged") from e
    os.replace(tmp, path)
