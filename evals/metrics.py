"""Pure metric functions over per-row outcomes; each returns a number in [0, 1]."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """What came back for one eval row."""

    expected: tuple[str, ...]
    abstained: bool
    returned: tuple[str, ...]  # ranked entry ids (results, else suggestions)

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def answered_right(o: Outcome) -> bool:
    """In scope, not abstained, and the top result is one of the expected entries."""
    return o.in_scope and not o.abstained and bool(o.returned) and o.returned[0] in o.expected


def correct(o: Outcome) -> bool:
    return answered_right(o) if o.in_scope else o.abstained


def in_scope_accuracy(outs: Sequence[Outcome]) -> float:
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(answered_right(o) for o in ins), len(ins))


def out_of_scope_abstention(outs: Sequence[Outcome]) -> float:
    oos = [o for o in outs if not o.in_scope]
    return _ratio(sum(o.abstained for o in oos), len(oos))


def false_abstention(outs: Sequence[Outcome]) -> float:
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(o.abstained for o in ins), len(ins))


def hit_at(outs: Sequence[Outcome], k: int) -> float:
    """In-scope rows with an expected entry among the first k returned (abstained or not)."""
    ins = [o for o in outs if o.in_scope]
    return _ratio(sum(any(r in o.expected for r in o.returned[:k]) for o in ins), len(ins))


def mrr(outs: Sequence[Outcome], k: int = 5) -> float:
    ins = [o for o in outs if o.in_scope]
    total = 0.0
    for o in ins:
        for rank, r in enumerate(o.returned[:k], 1):
            if r in o.expected:
                total += 1 / rank
                break
    return _ratio_f(total, len(ins))


def _ratio_f(num: float, den: int) -> float:
    return num / den if den else float("nan")


def accuracy(outs: Sequence[Outcome]) -> float:
    return _ratio(sum(correct(o) for o in outs), len(outs))


def summary(outs: Sequence[Outcome]) -> dict[str, float | int]:
    return {
        "rows": len(outs),
        "in_scope_rows": sum(o.in_scope for o in outs),
        "out_of_scope_rows": sum(not o.in_scope for o in outs),
        "in_scope_accuracy": in_scope_accuracy(outs),
        "out_of_scope_abstention": out_of_scope_abstention(outs),
        "false_abstention": false_abstention(outs),
        "accuracy": accuracy(outs),
        "hit@1": hit_at(outs, 1),
        "hit@3": hit_at(outs, 3),
        "hit@5": hit_at(outs, 5),
        "mrr@5": mrr(outs, 5),
    }
