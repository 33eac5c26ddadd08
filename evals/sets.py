"""Read eval sets: JSONL rows `{"id", "question", "expected": [entry ids], "context"?}`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import RadoncQAError


class EvalSetError(RadoncQAError):
    exit_code = 2


@dataclass(frozen=True)
class EvalRow:
    id: str
    question: str
    expected: tuple[str, ...]
    context: tuple[str, ...] = field(default=())
    source: str = ""

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


def read_jsonl(path: Path) -> list[EvalRow]:
    """Rows of a JSONL eval set; EvalSetError names the file, line and what to fix."""
    rows: list[EvalRow] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalSetError(f"{path}: no such eval set") from None
    except UnicodeDecodeError:
        raise EvalSetError(f"{path}: not UTF-8 text — eval sets are JSONL or CSV") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalSetError(f"{path}:{n}: not valid JSON ({e.msg}); each line must be one "
                               'object like {"id": …, "question": …, "expected": […]}') from None
        if not isinstance(obj, dict):
            raise EvalSetError(f"{path}:{n}: expected a JSON object")
        rid = str(obj.get("id") or f"{path.stem}-{n}")
        q = obj.get("question")
        exp = obj.get("expected")
        if not isinstance(q, str) or not q.strip():
            raise EvalSetError(f"{path}:{n}: row {rid} has no question")
        if not isinstance(exp, list) or not all(isinstance(x, str) for x in exp):
            raise EvalSetError(f"{path}:{n}: row {rid}: 'expected' must be a list of entry ids "
                               "([] for out of scope)")
        ctx = obj.get("context", [])
        if not isinstance(ctx, list) or not all(isinstance(x, str) for x in ctx):
            raise EvalSetError(f"{path}:{n}: row {rid}: 'context' must be a list of questions")
        if rid in seen:
            raise EvalSetError(f"{path}:{n}: row id {rid} repeats line {seen[rid]}")
        seen[rid] = n
        rows.append(EvalRow(rid, q, tuple(exp), tuple(ctx), str(path)))
    if not rows:
        raise EvalSetError(f"{path}: the eval set is empty")
    return rows


def read_sets(paths: Iterable[Path]) -> list[EvalRow]:
    rows: list[EvalRow] = []
    for p in paths:
        rows.extend(read_jsonl(Path(p)))
    return rows
