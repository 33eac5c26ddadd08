"""Compare two runs (their JSON form) row by row: regressions, improvements, changed answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.metrics import ABSTAIN

COMPARED_METRICS = ("accuracy", "in_scope_accuracy", "out_of_scope_abstention",
                    "false_abstention", "hit@1", "hit@3", "mrr@5")


def _got(row: dict[str, Any]) -> str:
    if "got" in row:
        return str(row["got"])
    if row.get("abstained") or not row.get("results"):
        return ABSTAIN
    return str(row["results"][0]["id"])


def _right(row: dict[str, Any]) -> bool:
    if "right" in row:
        return bool(row["right"])
    got = _got(row)
    return got in row["expected"] if row["expected"] else got == ABSTAIN


@dataclass(frozen=True)
class RowChange:
    id: str
    question: str
    expected: list[str]
    old: str
    new: str


@dataclass
class Comparison:
    old_version: str
    new_version: str
    regressions: list[RowChange] = field(default_factory=list)  # right before, wrong now
    improvements: list[RowChange] = field(default_factory=list)  # wrong before, right now
    changed: list[RowChange] = field(default_factory=list)  # wrong both times, differently
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)
    metrics: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def rows(xs: list[RowChange]) -> list[dict[str, Any]]:
            return [x.__dict__ for x in xs]

        return {"old_version": self.old_version, "new_version": self.new_version,
                "regressions": rows(self.regressions), "improvements": rows(self.improvements),
                "changed": rows(self.changed), "only_old": self.only_old,
                "only_new": self.only_new,
                "metrics": {k: {"old": o, "new": n} for k, (o, n) in self.metrics.items()}}


def compare(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Match rows by id; a row's verdict is right/wrong and what came back (top entry/abstain)."""
    c = Comparison(str(old.get("kb_version", "?")), str(new.get("kb_version", "?")))
    before = {r["id"]: r for r in old.get("rows", [])}
    after = {r["id"]: r for r in new.get("rows", [])}
    for rid, n in after.items():
        o = before.get(rid)
        if o is None:
            c.only_new.append(rid)
            continue
        ch = RowChange(rid, n["question"], list(n["expected"]), _got(o), _got(n))
        if _right(o) and not _right(n):
            c.regressions.append(ch)
        elif not _right(o) and _right(n):
            c.improvements.append(ch)
        elif not _right(n) and ch.old != ch.new:
            c.changed.append(ch)
    c.only_old = [rid for rid in before if rid not in after]
    om, nm = old.get("metrics", {}), new.get("metrics", {})
    c.metrics = {k: (om.get(k), nm.get(k)) for k in COMPARED_METRICS if k in om or k in nm}
    return c


def format_comparison(c: Comparison) -> list[str]:
    """Plain-text lines for the terminal."""
    out = [f"Compared with {c.old_version}: {len(c.regressions)} regression(s), "
           f"{len(c.improvements)} improvement(s), {len(c.changed)} changed wrong answer(s)"]
    for k, (o, n) in c.metrics.items():
        if o is not None and n is not None:
            out.append(f"  {k}: {o:.3f} → {n:.3f} ({n - o:+.3f})")
    for title, rows in (("REGRESSION", c.regressions), ("improvement", c.improvements),
                        ("changed", c.changed)):
        for r in rows:
            out.append(f"  {title} {r.id}: {r.question!r} expected {r.expected or 'abstain'}: "
                       f"{r.old} → {r.new}")
    if c.only_old:
        out.append(f"  {len(c.only_old)} row(s) only in the old run: {', '.join(c.only_old[:10])}")
    if c.only_new:
        out.append(f"  {len(c.only_new)} row(s) only in the new run: {', '.join(c.only_new[:10])}")
    return out
