"""`python -m retrieval "QUESTION"`: the curated answer (verbatim, with its disclaimer) or none."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from retrieval.cli import friendly_errors, print_json
from retrieval.settings import load_settings
from retrieval.text import clean_query

if TYPE_CHECKING:
    from retrieval.lookup import Lookup
    from retrieval.retriever import Answer


def render_lookup(lk: Lookup) -> list[str]:
    """A code look-up as a labelled list: the KB's codes, descriptors and entries, nothing more."""
    out = [f"Code look-up: {lk.summary()}", f"({lk.label})"]
    for c in lk.codes:
        if not c.covered:
            out.append(f"  {c.code} — not covered by the knowledge base")
            continue
        descs = "; ".join(f"“{d}” ({doc})" for d, doc in c.descriptors) or "no descriptor given"
        out.append(f"  {c.code} — {descs}")
        out += [f"      mentioned in [{i}] {textwrap.shorten(q, 90)}" for i, q in c.entries]
    return out


def render(a: Answer) -> str:
    """Plain-text rendering; every answer shown carries its document's disclaimer and notice."""
    if a.turn == "small_talk":
        return a.reply  # "thanks, that helps": a short reply, no answer and no abstention notice
    out: list[str] = []
    if a.read_as:
        out.append(f"({a.read_as})")
    if a.lookup:
        out += render_lookup(a.lookup) + [""]
    if a.clarify:
        out.append(a.clarify_prompt)
        out += [f"  [{n}] [{m.entry.id}] {textwrap.shorten(m.entry.question, 90)}"
                for n, m in enumerate(a.results, 1)]
    if a.abstained and a.lookup and any(c.covered for c in a.lookup.codes):
        return "\n".join(out + [f"Knowledge base {a.kb_version}"])  # the listing is the answer
    if a.abstained:
        out.append("No matching guidance in the knowledge base.")
        if a.reason:
            out.append(a.reason)
        if a.suggestions:
            out.append("\nClosest entries:")
            out += [f"  - [{m.entry.id}] {m.entry.question} (score {m.score:.2f})"
                    for m in a.suggestions]
        out.append("\nCheck with the payer, or the full ASTRO Radiation Oncology Coding Resource.")
        return "\n".join(out)
    for n, m in enumerate(a.results, 1):
        e, doc = m.entry, m.entry.document
        head = f"{a.confidence} · " if n == 1 else ""
        out.append(f"\n=== {head}[{e.id}] score {m.score:.2f} ===")
        out.append(f"Q: {e.question}\n")
        out.append(e.answer)
        if e.codes:
            out.append("\nCodes: " + "; ".join(c.label() for c in e.codes))
        out.append(f"\nSource: {doc.title} ({doc.filename})")
        out += [f"  - {r}" for r in doc.references]
        out.append("\nDisclaimer: " + "\n".join(textwrap.wrap(doc.disclaimer, 100)))
        if doc.notice:
            out.append(doc.notice)
    out.append(f"\nKnowledge base {a.kb_version}")
    return "\n".join(out)


@click.command()
@click.argument("question")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--top-k", type=click.IntRange(1, 20), default=None, help="At most N answers.")
@click.option("--context", "context", multiple=True,
              help="An earlier question of the conversation (repeat, oldest first).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@friendly_errors
def main(question: str, data: Path | None, top_k: int | None, context: tuple[str, ...],
         as_json: bool) -> None:
    """Answer QUESTION from the active knowledge base, or say that nothing answers it."""
    clean_query(question)  # refuse unusable text before loading the model (seconds)
    from retrieval.service import open_retriever  # the model, the store: only to answer

    settings = load_settings(data_dir=data)
    answer = open_retriever(settings).ask(question, context=context, top_k=top_k)
    if as_json:
        print_json(answer.to_dict())
    else:
        click.echo(render(answer))


if __name__ == "__main__":
    main()
