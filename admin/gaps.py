"""What coders could not get answered: clustered abstentions, thumbs-down, questions per day.

Paraphrases are grouped by embedding the distinct questions with the bundled model and cutting
an average-linkage agglomerative tree at a cosine-similarity threshold (scipy, already a
dependency of sentence-transformers).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select

from appdb import AppDB, Feedback, QuestionLog
from retrieval.embedding import Embedder

DEFAULT_SIMILARITY = 0.6  # average cosine within a group of paraphrases (all-MiniLM-L6-v2)
MAX_QUESTIONS = 3000  # most recent abstentions considered


def _key(q: str) -> str:
    return re.sub(r"\W+", " ", q.casefold()).strip()


def cluster(vectors: np.ndarray, similarity: float = DEFAULT_SIMILARITY) -> list[int]:
    """Cluster label per row: average-linkage agglomerative, cut at `similarity` (cosine)."""
    n = len(vectors)
    if n == 0:
        return []
    if n == 1:
        return [0]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    dist = np.clip(pdist(vectors, metric="cosine"), 0.0, 2.0)
    tree = linkage(dist, method="average")
    labels = fcluster(tree, t=1.0 - similarity, criterion="distance")
    return [int(x) - 1 for x in labels]


@dataclass
class GapCluster:
    question: str  # the most asked wording
    count: int  # times asked, all wordings
    wordings: list[tuple[str, int]] = field(default_factory=list)  # most asked first
    last_asked: datetime | None = None
    question_ids: list[int] = field(default_factory=list)


def cluster_questions(asked: Sequence[tuple[int, str, datetime | None]], embedder: Embedder,
                      similarity: float = DEFAULT_SIMILARITY) -> list[GapCluster]:
    """Group (log id, question, asked_at) rows so paraphrases land together; biggest first."""
    groups: dict[str, list[tuple[int, str, datetime | None]]] = {}
    for row in asked:
        if row[1].strip():
            groups.setdefault(_key(row[1]), []).append(row)
    keys = list(groups)
    if not keys:
        return []
    vectors = embedder.embed([groups[k][0][1] for k in keys])
    labels = cluster(vectors, similarity)
    by_label: dict[int, list[str]] = {}
    for k, label in zip(keys, labels, strict=True):
        by_label.setdefault(label, []).append(k)
    out = []
    for members in by_label.values():
        wordings = sorted(((groups[k][0][1], len(groups[k])) for k in members),
                          key=lambda w: (-w[1], w[0]))
        rows = [r for k in members for r in groups[k]]
        times = [r[2] for r in rows if r[2] is not None]
        out.append(GapCluster(wordings[0][0], len(rows), wordings,
                              max(times) if times else None, sorted(r[0] for r in rows)))
    out.sort(key=lambda c: (-c.count, c.question))
    return out


def abstained(db: AppDB, limit: int = MAX_QUESTIONS) -> list[tuple[int, str, datetime | None]]:
    def read() -> list[tuple[int, str, datetime | None]]:
        with db.session() as s:
            stmt = (select(QuestionLog.id, QuestionLog.question, QuestionLog.asked_at)
                    .where(QuestionLog.abstained.is_(True))
                    .order_by(QuestionLog.id.desc()).limit(limit))
            return [(int(i), str(q), t) for i, q, t in s.execute(stmt)]

    return db.safe(read, [])


def gap_clusters(db: AppDB, embedder: Embedder, similarity: float = DEFAULT_SIMILARITY,
                 limit: int = MAX_QUESTIONS) -> list[GapCluster]:
    """Most frequent abstained questions, paraphrases grouped."""
    return cluster_questions(abstained(db, limit), embedder, similarity)


@dataclass(frozen=True)
class ThumbsDown:
    question_id: int
    asked_at: datetime | None
    question: str
    entry_id: str | None
    comment: str | None
    kb_version: str | None


def thumbs_down(db: AppDB, limit: int = 500) -> list[ThumbsDown]:
    """Answers coders marked unhelpful, newest first, with their comments."""

    def read() -> list[ThumbsDown]:
        with db.session() as s:
            stmt = (select(Feedback, QuestionLog).join(QuestionLog,
                                                       Feedback.question_id == QuestionLog.id)
                    .where(Feedback.rating == 0).order_by(Feedback.id.desc()).limit(limit))
            return [ThumbsDown(q.id, q.asked_at, q.question, f.entry_id or q.top_entry,
                               f.comment, q.kb_version) for f, q in s.execute(stmt)]

    return db.safe(read, [])


def questions_per_day(db: AppDB) -> list[tuple[date, int, int]]:
    """(day, questions, abstained) for every day with questions, oldest first."""

    def read() -> list[tuple[date, int, int]]:
        with db.session() as s:
            rows = s.execute(select(QuestionLog.asked_at, QuestionLog.abstained))
            total: Counter[date] = Counter()
            gaps: Counter[date] = Counter()
            for asked_at, was_abstained in rows:
                if asked_at is None:
                    continue
                day = asked_at.date()
                total[day] += 1
                gaps[day] += bool(was_abstained)
            return [(d, total[d], gaps[d]) for d in sorted(total)]

    return db.safe(read, [])


def question_count(db: AppDB) -> int:
    def read() -> int:
        with db.session() as s:
            return int(s.scalar(select(func.count(QuestionLog.id))) or 0)

    return db.safe(read, 0)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel opens accents correctly); formula-like cells defused."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cell(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # a coder's question must not run as a spreadsheet formula
    return "" if v is None else v


def gaps_csv(clusters: Sequence[GapCluster]) -> bytes:
    return to_csv(["times_asked", "question", "other_wordings", "last_asked"],
                  [(c.count, c.question, " | ".join(w for w, _ in c.wordings[1:]), c.last_asked)
                   for c in clusters])


def thumbs_down_csv(rows: Sequence[ThumbsDown]) -> bytes:
    return to_csv(["asked_at", "question", "entry_id", "comment", "kb_version"],
                  [(r.asked_at, r.question, r.entry_id, r.comment, r.kb_version) for r in rows])


def per_day_csv(rows: Sequence[tuple[date, int, int]]) -> bytes:
    return to_csv(["day", "questions", "abstained"], rows)
