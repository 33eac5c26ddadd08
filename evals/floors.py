"""Quality floors: the `--min-…/--max-…` options of `evals run` and the gates of `floors.toml`.

A floor is named after its metric (`in_scope_accuracy = 0.8`, optionally `min_…`); a ceiling is
`max_<metric>` (rates where lower is better, such as `max_false_abstention`). This is the
convention ingest's quality gate reads from the same file (`[floors]`, over all shipped sets);
the regression gate reads `[gate.NAME]` tables, each with the `sets` it runs.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.sets import EvalSetError

FLOORS_FILE = Path(__file__).with_name("floors.toml")
METRICS = ("accuracy", "in_scope_accuracy", "out_of_scope_abstention", "false_abstention",
           "abstained_right_first", "hit@1", "hit@3", "hit@5", "mrr@5", "coverage", "risk")
LOWER_IS_BETTER = {"false_abstention", "abstained_right_first", "risk"}

# the CLI options of `evals run` → floor names
CLI_FLOORS: dict[str, str] = {
    "min_accuracy": "accuracy",
    "min_in_scope_accuracy": "in_scope_accuracy",
    "min_out_of_scope_abstention": "out_of_scope_abstention",
    "max_false_abstention": "max_false_abstention",
    "min_hit_at_3": "hit@3",
    "min_mrr": "mrr@5",
}


@dataclass(frozen=True)
class Gate:
    """A named selection of eval sets and the floors its run must meet."""

    name: str
    sets: tuple[Path, ...]
    floors: dict[str, float]


def parse_floor(name: str) -> tuple[str, bool]:
    """(metric, is_ceiling) of a floor name; EvalSetError for an unknown metric."""
    ceiling = name.startswith("max_") or name in LOWER_IS_BETTER
    metric = name.removeprefix("max_").removeprefix("min_")
    if metric not in METRICS:
        raise EvalSetError(f"unknown floor {name!r} — name a metric ({', '.join(METRICS)}), "
                           "with max_ for a ceiling")
    return metric, ceiling


def breaches(metrics: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """One line per floor the metrics miss (an undefined metric misses its floor)."""
    out = []
    for name, bound in floors.items():
        metric, ceiling = parse_floor(name)
        value = metrics.get(metric)
        if not isinstance(value, int | float) or math.isnan(value):
            out.append(f"{metric} is undefined for these rows, so it cannot meet {name} = "
                       f"{bound:.3f}")
        elif ceiling and value > bound:
            out.append(f"{metric} {value:.3f} is above the ceiling {bound:.3f}")
        elif not ceiling and value < bound:
            out.append(f"{metric} {value:.3f} is below the floor {bound:.3f}")
    return out


def load_gates(path: Path = FLOORS_FILE, root: Path | None = None) -> list[Gate]:
    """The `[gate.NAME]` tables of a floors file; set paths are relative to `root` (the repo)."""
    root = root or Path(__file__).resolve().parents[1]
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalSetError(f"{path}: no such floors file") from None
    except tomllib.TOMLDecodeError as e:
        raise EvalSetError(f"{path}: not valid TOML ({e})") from None
    gates = []
    for name, g in raw.get("gate", {}).items():
        if not g.get("sets"):
            raise EvalSetError(f"{path}: [gate.{name}] names no eval sets (sets = [...])")
        floors = {k: float(v) for k, v in g.items() if k != "sets"}
        for k in floors:
            try:
                parse_floor(k)
            except EvalSetError as e:
                raise EvalSetError(f"{path}: [gate.{name}]: {e}") from None
        gates.append(Gate(name, tuple(root / s for s in g["sets"]), floors))
    if not gates:
        raise EvalSetError(f"{path}: no [gate.NAME] tables")
    return gates
