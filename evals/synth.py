"""A synthetic Daily-Practice-style corpus of any size, for benchmarks and scale tests.

Deterministic by seed: the same (entries, seed) always writes the same files. Entries are spread
over several documents (`ENTRIES_PER_DOCUMENT` each) in the published format — title, `Coding
Question:` / `Coding Answer:` pairs, references, `Disclaimer:` paragraph, CPT notice — with varied
codes, modalities, situations and wording, so ranking does real work. `queries` derives coder-style
questions (shorthand, lower case, other word order) for known entries plus out-of-scope ones.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from evals.synth_words import (
    FREQUENCIES,
    MODALITIES,
    OUT_OF_SCOPE,
    PAYERS,
    QUERY_TEMPLATES,
    QUESTION_TEMPLATES,
    ROLES,
    SENTENCES_BUNDLING,
    SENTENCES_CONDITION,
    SENTENCES_DOCS,
    SENTENCES_RULE,
    SENTENCES_SUPERVISION,
    SERVICES,
    SITUATIONS,
    TITLES,
)

ENTRIES_PER_DOCUMENT = 250

@dataclass(frozen=True)
class SynthEntry:
    """What the generator knows about an entry it wrote (to derive queries with known answers)."""

    id: str
    question: str
    code: str
    code2: str
    service: str
    modality: str
    situation: str
    payer: str


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _norm(q: str) -> str:
    return re.sub(r"\W+", " ", q.casefold()).strip()


def _entry_text(rng: random.Random) -> tuple[dict[str, str], str, str]:
    code, descriptor, service = rng.choice(SERVICES)
    code2 = rng.choice([s for s in SERVICES if s[0] != code])[0]
    slots = {
        "code": code,
        "code2": code2,
        "descriptor": descriptor,
        "descriptor_low": descriptor[:1].lower() + descriptor[1:],
        "service": service,
        "service_cap": _cap(service),
        "modality": rng.choice(MODALITIES),
        "situation": rng.choice(SITUATIONS),
        "role": rng.choice(ROLES),
        "payer": rng.choice(PAYERS),
        "frequency": rng.choice(FREQUENCIES),
    }
    slots["situation_cap"] = _cap(slots["situation"])
    slots["role_cap"] = _cap(slots["role"])
    question = rng.choice(QUESTION_TEMPLATES).format(**slots)
    sentences = [rng.choice(SENTENCES_RULE), rng.choice(SENTENCES_CONDITION)]
    if rng.random() < 0.6:
        sentences.append(rng.choice(SENTENCES_SUPERVISION))
    if rng.random() < 0.5:
        sentences.append(rng.choice(SENTENCES_BUNDLING))
    sentences.append(rng.choice(SENTENCES_DOCS))
    answer = " ".join(s.format(**slots) for s in sentences)
    return slots, question, answer


def _document(name: str, index: int, pairs: list[tuple[str, str]]) -> str:
    title = f"{TITLES[index % len(TITLES)]} — synthetic volume {index + 1}"
    out = [title, "", ""]
    for q, a in pairs:
        out += [f"Coding Question: {q}", "", f"Coding Answer: {a}", ""]
    out += [
        f"{2020 + index % 5} Synthetic Radiation Oncology Coding Resource",
        f"Synthetic Supervision Guidance, volume {index + 1}",
        "",
        f"Disclaimer: Synthetic benchmark document {name}. The opinions are invented for load "
        "testing only and are not coding advice. Always check with your local insurance carriers, "
        "as policies vary by region.",
        "",
        "All CPT code descriptors have been taken from Current Procedural Terminology (CPT®), "
        "American Medical Association. All Rights Reserved.",
        "CPT is registered trademark of the American Medical Association.",
        "",
    ]
    return "\n".join(out)


def write_corpus(folder: Path, entries: int, *, seed: int = 7) -> list[SynthEntry]:
    """Write `entries` Q&A pairs as Daily Practice documents into `folder`; return what was made."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    made: list[SynthEntry] = []
    n_docs = max(1, -(-entries // ENTRIES_PER_DOCUMENT))
    for d in range(n_docs):
        name = f"synthetic-daily-practice-{d + 1:04d}"
        count = min(ENTRIES_PER_DOCUMENT, entries - d * ENTRIES_PER_DOCUMENT)
        pairs: list[tuple[str, str]] = []
        while len(pairs) < count:
            slots, q, a = _entry_text(rng)
            if _norm(q) in seen:
                continue
            seen.add(_norm(q))
            pairs.append((q, a))
            made.append(
                SynthEntry(
                    f"{name}:{len(pairs)}",
                    q,
                    slots["code"],
                    slots["code2"],
                    slots["service"],
                    slots["modality"],
                    slots["situation"],
                    slots["payer"],
                )
            )
        (folder / f"{name}.txt").write_text(_document(name, d, pairs), encoding="utf-8")
    return made


def change_one_answer(folder: Path) -> str:
    """Edit one answer in the corpus (as an editor would); returns the changed document's name."""
    path = sorted(folder.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "Coding Answer: "
    at = text.index(marker) + len(marker)
    path.write_text(text[:at] + "Updated guidance: " + text[at:], encoding="utf-8")
    return path.stem


def queries(
    made: list[SynthEntry], n: int, *, seed: int = 11, out_of_scope_share: float = 0.1
) -> list[tuple[str, str | None]]:
    """`n` coder-style questions as (question, expected entry id or None for out of scope)."""
    rng = random.Random(seed)
    out: list[tuple[str, str | None]] = []
    for i in range(n):
        if rng.random() < out_of_scope_share:
            out.append((OUT_OF_SCOPE[i % len(OUT_OF_SCOPE)], None))
            continue
        e = rng.choice(made)
        payer = e.payer.replace("a ", "", 1) if e.payer.startswith("a ") else e.payer
        q = rng.choice(QUERY_TEMPLATES).format(
            code=e.code,
            code2=e.code2,
            service=e.service.lower(),
            modality=e.modality.lower(),
            situation=e.situation,
            payer=payer,
        )
        out.append((q, e.id))
    return out
