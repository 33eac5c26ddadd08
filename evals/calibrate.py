"""Write a fitted abstention model as the `[abstention]` table of a calibration TOML file.

The file is the installation's overlay (`<data dir>/calibration.toml`, read over the shipped
one) or, asked for explicitly, the shipped `retrieval/calibration.toml`. It is edited with
tomlkit: every other table and comment is kept; `[abstention]` is replaced whole, its comments
saying when and on what it was fitted and how it did on the documents and corpora each fold left
out. The result is re-read as the app would read it before it replaces the file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from evals.sets import EvalSetError
from retrieval.config import Abstention, calibration_path, load_calibration
from retrieval.errors import SettingsError

OVERLAY_HEAD = ("This installation's calibration, read over the shipped retrieval/calibration.toml "
                "(see retrieval/config.py): written by `python -m evals calibrate`.")


def _pct(x: float) -> str:
    return "n/a" if isinstance(x, float) and math.isnan(x) else f"{x:.3f}"


def fold_lines(title: str, folds: Sequence[dict[str, Any]]) -> list[str]:
    """Comment lines (without '#'): one per fold (held-out group, rows, the three rates)."""
    out = [f"{title}: held out → in scope right / out of scope abstained / abstained while "
           "right first (rows), separation (AUC)"]
    for f in folds:
        out.append(f"  {f['held_out']:<48} {_pct(f['in_scope_accuracy'])} / "
                   f"{_pct(f['out_of_scope_abstention'])} / "
                   f"{_pct(f['abstained_right_first'])} ({f['rows']}), "
                   f"{_pct(f.get('separation', math.nan))}")
    return out


def abstention_table(model: Abstention, *, sources: Sequence[str], notes: Sequence[str],
                     now: datetime | None = None) -> Table:
    """The `[abstention]` table: comments first (how it was fitted, on what, its folds)."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    t = tomlkit.table()
    for line in (
        "The answer/abstain decision for single questions (retrieval/decide.py): a logistic",
        "model of 'the top entry answers' over evidence features (retrieval/evidence.py),",
        "centred and scaled as below. Fitted by `python -m evals calibrate` on DEV sets only,",
        "each corpus weighted equally, L2 C=1; min_probability is the cut with the best",
        "balanced accuracy (in scope right, out of scope abstained). Refit, never hand-edit.",
        f"Fitted {when} on: " + "; ".join(sources),
        *notes,
    ):
        t.add(tomlkit.comment(line))
    t.add("features", list(model.features))
    t.add("center", [float(x) for x in model.center])
    t.add("scale", [float(x) for x in model.scale])
    t.add("coef", [float(x) for x in model.coef])
    t.add("intercept", float(model.intercept))
    t.add("min_probability", round(float(model.min_probability), 3))
    t.add("strong_probability", round(float(model.strong_probability), 3))
    return t


def write_abstention(path: Path, table: Table) -> None:
    """Put `table` as `[abstention]` into `path` (created if missing); atomic, re-read first.

    The shipped file is checked on its own; any other file as an overlay over the shipped one.
    """
    try:
        doc = (tomlkit.parse(path.read_text(encoding="utf-8")) if path.is_file()
               else tomlkit.document())
    except (TOMLKitError, UnicodeDecodeError) as e:
        raise EvalSetError(f"{path} is not valid TOML ({e}); fix or remove it first") from None
    if not path.is_file():
        doc.add(tomlkit.comment(OVERLAY_HEAD))
        doc.add(tomlkit.nl())
    doc["abstention"] = table
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shipped = path.resolve() == calibration_path().resolve()
    try:
        tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
        if shipped:
            load_calibration(tmp)
        else:
            load_calibration(overlay=tmp)
    except (OSError, SettingsError, KeyError, TypeError, ValueError) as e:
        tmp.unlink(missing_ok=True)
        raise EvalSetError(f"{path}: could not write the model safely ({e}); unchanged") from e
    os.replace(tmp, path)
