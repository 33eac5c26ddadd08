"""Quality gate: a new version must not break what the active one answers, row by row.

Every shipped eval set runs once on the candidate version (query vectors embedded in batches and
kept by text across versions, so a re-run embeds only new questions). Then, per row:

- right on the candidate → fine;
- an out-of-scope row now answered by an entry of a document that is new or changed → *for
  review* (admin/review.py): new guidance may well answer what used to be out of scope; the
  admin accepts it as in scope or keeps it out. Not a failure;
- any other wrong row is asked of the active version as well: right there and wrong now is a
  *regression*. A regression that involves an entry the change touched (the row's expected
  entry, or its top entry before or now, added, edited or removed) blocks activation (override
  with a written reason). One that flipped between untouched entries is *shifted*: listed, not
  blocking (see `_regressions`). Wrong on both versions is listed, not blocking.

Only the candidate's wrong rows are re-run on the active version, so a small change costs one
pass over the sets plus a handful of rows. Rows whose expected entries all belong to documents
the candidate does not have are skipped (they test another corpus), so a first version on an
empty data dir, or one that removes a whole document, is judged on its own documents only.
Decided review rows (`<data>/evals/reviewed.jsonl`) replace the shipped rows of the same id.
The gap questions admins marked out of scope (`<data>/evals/gaps-out-of-scope.jsonl`) run with
the shipped sets (`gate_sets`).

The `[floors]` table of `evals/floors.toml` stays as a sanity floor on the rows about the
candidate's own documents (in-scope accuracy, false abstention): a version a growing knowledge
base can always pass, but a broken build (no vectors, a parser that drops answers) cannot.
"""

from __future__ import annotations

import math
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from admin.loop import gaps_set
from admin.query_cache import CachedRetriever, prime
from admin.review import ReviewBook, ReviewItem
from evals.floors import FLOORS_FILE, breaches, parse_floor
from evals.metrics import correct, summary
from evals.runner import RowResult, run
from evals.sets import EvalRow, EvalSetError, read_sets
from ingest.hooks import QualityGateFailed
from retrieval.config import Calibration, load_calibration
from retrieval.embedding import Embedder
from retrieval.ids import IdRegistry
from retrieval.index import KBIndex
from retrieval.retriever import Retriever
from retrieval.settings import Settings
from retrieval.store.base import KBStore, Manifest

EVALS_DIR = FLOORS_FILE.parent
Progress = Callable[[int, int], None]
__all__ = ["GateResult", "QualityGate", "QualityGateFailed", "read_floors"]


@dataclass
class GateResult:
    passed: bool
    metrics: dict[str, Any]
    floors: dict[str, float]
    failures: list[str] = field(default_factory=list)
    wrong_rows: list[dict[str, Any]] = field(default_factory=list)  # wrong on the new version
    broken_rows: list[dict[str, Any]] = field(default_factory=list)  # … and right on the old
    rows: int = 0
    skipped: int = 0
    override_reason: str | None = None
    for_review: list[dict[str, Any]] = field(default_factory=list)  # see admin/review.py
    shifted_rows: list[dict[str, Any]] = field(default_factory=list)  # flipped, not blocking
    rechecked: int = 0  # wrong rows asked of the active version too
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # embed, candidate, recheck (s)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "metrics": self.metrics, "floors": self.floors,
                "failures": self.failures, "rows": self.rows, "skipped": self.skipped,
                "wrong_rows": self.wrong_rows, "broken_rows": self.broken_rows,
                "for_review": self.for_review, "shifted_rows": self.shifted_rows,
                "rechecked": self.rechecked,
                "seconds": round(self.seconds, 2), "timings": self.timings,
                "override_reason": self.override_reason}


def read_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """The `[floors]` table of the floors file (all shipped sets); {} if there is none."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise EvalSetError(f"{path}: not valid TOML ({e}); fix it") from None
    table = data.get("floors", {})
    if not isinstance(table, dict):
        raise EvalSetError(f"{path}: [floors] must be a table of metric = number")
    out = {}
    for k, v in table.items():
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise EvalSetError(f"{path}: [floors] {k} must be a number")
        parse_floor(k)  # EvalSetError for an unknown metric
        out[k] = float(v)
    return out


def _below(metrics: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Breached floors, judging only metrics these rows define (e.g. no in-scope rows → skip)."""
    defined = {}
    for name, bound in floors.items():
        value = metrics.get(parse_floor(name)[0])
        if isinstance(value, int | float) and not math.isnan(value):
            defined[name] = bound
    return breaches(metrics, defined)


def _row(r: RowResult) -> dict[str, Any]:
    got = [i for i, _ in (r.suggestions if r.abstained else r.results)]
    return {"id": r.row.id, "question": r.row.question, "expected": list(r.row.expected),
            "abstained": r.abstained, "got": got[:3], "set": Path(r.row.source).name}


def _changed_documents(new: Manifest, old: Manifest | None) -> set[str]:
    """Documents of the candidate that the active version lacks or had with other text."""
    before = old.documents if old is not None else {}
    return {name for name, d in new.documents.items()
            if name not in before or before[name].source_hash != d.source_hash}


def _touched(new: Manifest, old: Manifest | None) -> set[str]:
    """Entry ids the change added, removed or edited (old and new ids alike)."""
    before = {e.id: e for e in old.entries} if old is not None else {}
    after = {e.id: e for e in new.entries}
    out = set(before) ^ set(after)
    for i in set(before) & set(after):
        a, b = before[i], after[i]
        if a.hash != b.hash or a.alternates != b.alternates:  # its own text, not the document's
            out.add(i)
    return out


def _sort_wrong(rows: list[RowResult], cand: KBIndex, version: str, fresh: set[str],
                touched: set[str]) -> tuple[list[ReviewItem], list[RowResult]]:
    """The candidate's wrong rows: (held for review, to compare with the active version).

    Held: an out-of-scope row answered by an entry of a new or changed document, and an
    in-scope row the candidate abstains on because a new or edited entry now competes (its
    first suggestion): new guidance may change what the right answer is; an admin decides.
    (A first version has nothing to compete with: `touched` is empty then.)
    """
    review: list[ReviewItem] = []
    suspects: list[RowResult] = []
    for r in rows:
        if correct(r.outcome):
            continue
        top = _top(r)
        entry = cand.entries[cand.position[top[0]]] if top and top[0] in cand.position else None
        answered = bool(r.results) and not r.abstained
        if entry is not None and entry.document.name in fresh and (
                (not r.row.expected and answered)
                or (r.row.expected and r.abstained and entry.id in touched)):
            review.append(ReviewItem(r.row.id, r.row.question, entry.id, entry.question,
                                     entry.document.name, version, Path(r.row.source).name,
                                     list(r.row.context), list(r.row.expected)))
        else:
            suspects.append(r)
    return review, suspects


def _top(r: RowResult) -> list[str]:
    """The entry a row got first: its answer, or its first suggestion when it abstained."""
    ranked = r.results if r.results and not r.abstained else r.suggestions
    return [ranked[0][0]] if ranked else []


def shipped_sets() -> list[Path]:
    return sorted((EVALS_DIR / "sets").glob("*.jsonl"))


def gate_sets(settings: Settings) -> list[Path]:
    """The sets a gate runs: the configured ones (else every shipped set), then the data dir's
    out-of-scope gap questions when an admin has marked any (their verdicts are as binding as
    the shipped rows: new guidance must not start answering them unnoticed)."""
    sets = list(settings.gate_sets) or shipped_sets()
    gaps = gaps_set(settings.data_dir)
    if gaps.is_file() and gaps.resolve() not in {p.resolve() for p in sets}:
        sets.append(gaps)
    return sets


class QualityGate:
    """Compares a written (not yet active) version with the active one on the eval sets."""

    def __init__(self, embedder: Embedder, *, sets: list[Path] | None = None,
                 floors: dict[str, float] | None = None, override_reason: str | None = None,
                 calibration: Calibration | None = None, review: ReviewBook | None = None,
                 progress: Progress | None = None):
        self.embedder = embedder
        self.sets = sets if sets is not None else shipped_sets()
        self.floors = floors if floors is not None else read_floors()
        self.override_reason = (override_reason or "").strip() or None
        self.calibration = calibration
        self.review = review
        self.progress = progress  # (rows done, rows to do); the total grows by the re-asked

    @classmethod
    def from_settings(cls, embedder: Embedder, settings: Settings,
                      override_reason: str | None = None,
                      progress: Progress | None = None) -> QualityGate:
        """The gate as the app serves: the settings' gate sets (else every shipped set) plus the
        gap questions admins marked out of scope, the installation's calibration and the data
        dir's review decisions."""
        return cls(embedder, sets=gate_sets(settings),
                   override_reason=override_reason,
                   calibration=load_calibration(overlay=settings.calibration_file),
                   review=ReviewBook(settings.data_dir / "evals"), progress=progress)

    def relevant(self, rows: list[EvalRow], documents: set[str]) -> list[EvalRow]:
        return [r for r in rows if not r.expected
                or all(e.rsplit(":", 1)[0] in documents for e in r.expected)]

    def read_rows(self) -> list[EvalRow]:
        """The shipped sets, each decided review row in place of the shipped row of its id."""
        rows = read_sets(self.sets) if self.sets else []
        decided = self.review.decided() if self.review is not None else {}
        return [replace(r, expected=tuple(decided[r.id]["expected"]),
                        source=str(self.review.reviewed_path))  # type: ignore[union-attr]
                if r.id in decided else r for r in rows]

    def check(self, store: KBStore, version: str, previous: str | None = None,
              renamed: dict[str, str] | None = None) -> GateResult:
        """Judge `version` against `previous` (the active version; None for a first one).

        Eval rows name entries by id; an id the candidate removed with a successor (the same
        text moved to another document) follows it. `renamed` (old id → new id) adds to that.
        """
        t0 = time.perf_counter()
        retriever = CachedRetriever(store, self.embedder, calibration=self.calibration)
        cand = retriever.load(version)
        follow = {rid: r.successor for rid, r in IdRegistry.of(cand.manifest.info).removed.items()
                  if r.successor}
        follow.update({k: v for k, v in (renamed or {}).items() if v in cand.position})
        original = self.read_rows()
        mapped = [replace(r, expected=tuple(follow.get(e, e) for e in r.expected))
                  for r in original]
        rows = self.relevant(mapped, set(cand.manifest.documents))
        by_id = {r.id: r for r in original}
        say = self.progress or (lambda _done, _total: None)
        say(0, len(rows))
        timings = {"embed": -time.perf_counter()}
        prime(retriever, cand, rows)
        timings["embed"] += time.perf_counter()
        timings["candidate"] = -time.perf_counter()
        result = run(retriever, rows, index=cand, check=False,
                     progress=lambda n, _t: say(n, len(rows))) if rows else None
        timings["candidate"] += time.perf_counter()
        old = store.read_manifest(previous) if previous else None
        touched = _touched(cand.manifest, old)
        review, suspects = _sort_wrong(result.rows if result else [], cand, version,
                                       _changed_documents(cand.manifest, old),
                                       touched if old is not None else set())
        timings["recheck"] = -time.perf_counter()
        broken, shifted = self._regressions(retriever, previous, suspects, by_id, touched,
                                            len(rows), say)
        timings["recheck"] += time.perf_counter()
        out = self._result(result, rows, len(original) - len(rows), review, suspects, broken,
                           previous, version, time.perf_counter() - t0)
        out.shifted_rows = [_row(r) for r in shifted]
        out.timings = {k: round(v, 2) for k, v in timings.items()}
        return out

    def _regressions(self, retriever: Retriever, previous: str | None,
                     suspects: list[RowResult], by_id: dict[str, EvalRow], touched: set[str],
                     done: int, say: Progress) -> tuple[list[RowResult], list[RowResult]]:
        """The candidate's wrong rows that the active version answers right: (broken, shifted).

        Broken rows involve an entry the change touched (expected, or the top entry before or
        now): the change itself made them wrong. Shifted rows flipped between untouched
        entries, only because adding or removing text moves every score a little (term
        weights are corpus-wide); they are listed, not blocking — no edit of the change can
        fix them, and blocking them would only teach admins to override.
        """
        if not previous or not suspects:
            return [], []
        old_index = retriever.load(previous)
        asked = [by_id[s.row.id] for s in suspects]  # as written: ids of the active version
        prime(retriever, old_index, asked)
        total = done + len(asked)
        say(done, total)
        before = run(retriever, asked, index=old_index, check=False,
                     progress=lambda n, _t: say(done + n, total))
        broken: list[RowResult] = []
        shifted: list[RowResult] = []
        for s, b in zip(suspects, before.rows, strict=True):
            if not correct(b.outcome):
                continue
            involved = {*s.row.expected, *b.row.expected, *_top(s), *_top(b)}
            (broken if involved & touched else shifted).append(s)
        return broken, shifted

    def _result(self, result: Any, rows: list[EvalRow], skipped: int, review: list[ReviewItem],
                wrong: list[RowResult], broken: list[RowResult], previous: str | None,
                version: str, seconds: float) -> GateResult:
        held = {i.id for i in review}
        judged = [r.outcome for r in result.rows if r.row.id not in held] if result else []
        metrics = summary(judged) if judged else {}
        failures = _below(metrics, self.floors) if judged else []
        if broken:
            failures.append(f"{len(broken)} eval row(s) answered right by the active version "
                            f"{previous} are wrong on the new one")
        passed = not failures
        if self.review is not None and review and (passed or self.override_reason):
            self.review.hold(review)
        return GateResult(
            passed=passed, metrics=metrics, floors=self.floors, failures=failures,
            wrong_rows=[_row(r) for r in wrong], broken_rows=[_row(r) for r in broken],
            rows=len(rows), skipped=skipped,
            override_reason=self.override_reason if failures else None,
            for_review=[i.to_dict() for i in review], rechecked=len(wrong) if previous else 0,
            seconds=seconds)
