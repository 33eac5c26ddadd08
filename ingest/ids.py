"""Stable entry ids: each parsed entry gets the id it had before, or a new one never used.

The parser numbers entries by position; here each one is matched to the ids already given to its
document (the active version's entries, and ids removed earlier), in order of certainty:

1. the same question and answer (content hash) — moved or renumbered;
2. the same question (normalised: case, punctuation, spacing) — answer edited;
3. the same answer — question reworded;
4. both texts lightly edited: question AND answer each at least `LIGHT_EDIT` similar
   (rapidfuzz `ratio` on normalised text). Two different entries of one document about the
   same code share much wording (two of the seed's 77370 questions are 89 similar, their
   answers 72), so one text alone is not enough; only entries of the active version are
   candidates here, a removed id comes back only by steps 1-2;
5. the same question and answer in another document — a new id in its own document, the old id
   records it as its successor.

Whatever is left gets the document's next unused number (one past the highest it ever used).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz, process, utils

from ingest.parse import ParsedDocument
from ingest.sidecars import question_key
from retrieval.entry import Entry, content_hash
from retrieval.ids import IdRegistry, Removed
from retrieval.store.base import KBStore, Manifest

LIGHT_EDIT = 85.0  # min similarity (0-100) of question and of answer for a fuzzy match
FUZZY_MAX_PAIRS = 2_000_000  # a rewrite this large is not a light edit; skip the O(n·m) pass


def _answer_key(answer: str) -> str:
    return content_hash(" ".join(answer.split()))


@dataclass(frozen=True)
class Known:
    """An id already given, with what it was given to."""

    id: str
    document: str
    hash: str
    question_key: str
    answer_key: str = ""  # only for live entries
    question: str = ""
    answer: str = ""
    position: int | None = None  # None: a removed id
    live: bool = False  # an entry of the active version


@dataclass
class IdPool:
    """What ids were given before: the active version's entries, removed ids, the counters."""

    known: list[Known] = field(default_factory=list)
    registry: IdRegistry = field(default_factory=IdRegistry)
    previous: Manifest | None = None

    @classmethod
    def of_entries(cls, entries: list[Entry], info: dict[str, Any] | None = None) -> IdPool:
        """From the entries (and manifest info) of the version the ids continue from."""
        return cls.of(Manifest("", "", "", {}, entries, [], info or {}))

    @classmethod
    def of(cls, previous: Manifest | None, others: Iterable[Manifest] = (),
           registries: Iterable[IdRegistry] = ()) -> IdPool:
        """From the active manifest, manifests of other kept versions, their registries."""
        reg = IdRegistry.of(previous.info, previous.entries) if previous else IdRegistry()
        for r in registries:
            reg.merge(r)
        known: dict[str, Known] = {}
        if previous is not None:
            for e in previous.entries:
                known[e.id] = Known(e.id, e.document.name, e.hash, question_key(e.question),
                                    _answer_key(e.answer), e.question, e.answer, e.position,
                                    live=True)
        for m in others:  # e.g. versions rolled back from: their ids must not be reused
            for e in m.entries:
                reg.note_used(e.id)
                if e.id not in known and e.id not in reg.removed:
                    reg.removed[e.id] = Removed(m.version, e.question[:120], e.hash,
                                                question_key(e.question), e.document.name)
        for rid, gone in reg.removed.items():
            if rid not in known:
                known[rid] = Known(rid, gone.document, gone.hash, gone.question_key)
        return cls(list(known.values()), reg, previous)


def pool_from_store(store: KBStore, previous: Manifest | None | bool = True) -> IdPool:
    """The id pool of a store: its active version, plus every kept version's used numbers.

    Kept versions newer than the active one (rolled back from) are read whole, so their ids are
    neither reused nor forgotten; older ones only lend their registries (cheap summaries).
    """
    active = store.active_version()
    if previous is True:  # read it here; a caller that has the manifest to build on passes it
        previous = store.read_manifest(active) if active else None
    elif previous is False:
        previous = None
    versions = store.list_versions()
    registries = [IdRegistry.of(v.info) for v in versions if v.version != active]
    created = previous.created_at if previous else ""
    newer = [store.read_manifest(v.version) for v in versions
             if v.version != active and previous is not None and v.created_at > created]
    return IdPool.of(previous, newer, registries)


@dataclass
class Assigned:
    documents: list[ParsedDocument]
    registry: IdRegistry  # counters advanced past every id given
    successors: dict[str, str]  # old id → new id of the same text in another document


class _Matcher:
    def __init__(self, pool: IdPool) -> None:
        self.by_doc: dict[str, list[Known]] = defaultdict(list)
        for k in pool.known:
            self.by_doc[k.document].append(k)
        self.used: set[str] = set()

    def exact(self, new: list[Entry], got: dict[int, str], candidates: list[Known],
              key_new: str, key_old: str) -> None:
        index: dict[str, list[Known]] = defaultdict(list)
        for k in candidates:
            v = getattr(k, key_old)
            if v and k.id not in self.used:
                index[v].append(k)
        for i, e in enumerate(new):
            if i in got:
                continue
            value = {"hash": e.hash, "question_key": question_key(e.question),
                     "answer_key": _answer_key(e.answer)}[key_new]
            options = [k for k in index.get(value, ()) if k.id not in self.used]
            if options:
                best = min(options, key=lambda k: (not k.live,
                                                   abs((k.position or 0) - e.position)))
                got[i] = best.id
                self.used.add(best.id)

    def fuzzy(self, new: list[Entry], got: dict[int, str], candidates: list[Known]) -> None:
        left = [i for i in range(len(new)) if i not in got]
        olds = [k for k in candidates if k.live and k.id not in self.used]
        if not left or not olds or len(left) * len(olds) > FUZZY_MAX_PAIRS:
            return
        q = process.cdist([new[i].question for i in left], [k.question for k in olds],
                          scorer=fuzz.ratio, processor=utils.default_process)
        a = process.cdist([new[i].answer for i in left], [k.answer for k in olds],
                          scorer=fuzz.ratio, processor=utils.default_process)
        pairs = [(min(q[r, c], a[r, c]), r, c) for r in range(len(left))
                 for c in range(len(olds)) if q[r, c] >= LIGHT_EDIT and a[r, c] >= LIGHT_EDIT]
        for _, r, c in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
            if left[r] in got or olds[c].id in self.used:
                continue
            got[left[r]] = olds[c].id
            self.used.add(olds[c].id)


def assign_ids(docs: list[ParsedDocument], pool: IdPool | None = None) -> Assigned:
    """The documents with every entry under its stable id (see the module docstring)."""
    pool = pool or IdPool()
    registry = IdRegistry.from_dict(pool.registry.to_dict())
    for k in pool.known:
        registry.note_used(k.id)
    m = _Matcher(pool)
    got: dict[str, dict[int, str]] = {}
    for d in docs:
        new, mine = list(d.entries), m.by_doc.get(d.document.name, [])
        found: dict[int, str] = {}
        for key_new, key_old in (("hash", "hash"), ("question_key", "question_key"),
                                 ("answer_key", "answer_key")):
            m.exact(new, found, mine, key_new, key_old)
        m.fuzzy(new, found, mine)
        got[d.document.name] = found
    # 5. the same text moved to another document: a new id there, the old one points to it
    elsewhere = [k for k in pool.known if k.live and k.id not in m.used]
    by_hash: dict[str, list[Known]] = defaultdict(list)
    for k in elsewhere:
        by_hash[k.hash].append(k)
    out: list[ParsedDocument] = []
    successors: dict[str, str] = {}
    for d in docs:
        found = got[d.document.name]
        entries = []
        for i, e in enumerate(d.entries):
            eid = found.get(i)
            if eid is None:
                eid = registry.take(d.document.name)
                src = next((k for k in by_hash.get(e.hash, ()) if k.id not in m.used), None)
                if src is not None and src.document != d.document.name:
                    m.used.add(src.id)
                    successors[src.id] = eid
            entries.append(e if e.id == eid else replace(e, id=eid))
        out.append(ParsedDocument(d.document, tuple(entries)))
    return Assigned(out, registry, successors)


def close_registry(registry: IdRegistry, previous: Iterable[Entry], parsed: Iterable[Entry],
                   served: list[Entry], successors: dict[str, str], version: str) -> IdRegistry:
    """The registry a new version records: ids it does not serve are removed in `version`.

    `parsed` includes entries left out as superseded: recorded as removed, they keep their id
    (and a `supersedes = ["doc:n"]` keeps naming them) at every later ingest.
    """
    out = IdRegistry.from_dict(registry.to_dict())
    now = {e.id for e in served}
    for rid in now:
        out.removed.pop(rid, None)  # revived: the same guidance is back under its old id
        out.note_used(rid)
    live = {e.id for e in previous}
    for e in (*previous, *parsed):
        if e.id in now or (e.id not in live and e.id in out.removed):
            continue  # served, or a superseded entry already on record
        out.removed[e.id] = Removed(version, e.question[:120], e.hash, question_key(e.question),
                                    e.document.name, successors.get(e.id))
    return out
