"""`python -m retrieval "QUESTION"`: the curated answer (verbatim, with its disclaimer) or none."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from retrieval.cli import friendly_errors, print_json
from retrieval.errors import EXIT_CODES_HELP, QueryError
from retrieval.settings import load_settings
from retrieval.text import clean_query

if TYPE_CHECKING:
    from retrieval.ids import IdStatus
    from retrieval.lookup import Lookup
    from retrieval.retriever import Answer, Retriever


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
        if a.reply:  # off-topic: what the knowledge base covers
            out.append(a.reply)
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


def render_status(st: IdStatus) -> str:
    """An entry looked up by id: its card (with disclaimer), or what became of the id."""
    if st.entry is None:
        return st.message
    e, doc = st.entry, st.entry.document
    out = [f"=== [{e.id}] (knowledge base {st.kb_version}) ===", f"Q: {e.question}\n", e.answer,
           f"\nSource: {doc.title} ({doc.filename})"]
    out += [f"  - {r}" for r in doc.references]
    out.append("\nDisclaimer: " + "\n".join(textwrap.wrap(doc.disclaimer, 100)))
    if doc.notice:
        out.append(doc.notice)
    return "\n".join(out)


def show_entry(retriever: Retriever, entry_id: str, as_json: bool) -> None:
    from retrieval.retriever import Match

    st = retriever.entry_status(entry_id)
    if as_json:
        d = st.to_dict()
        d["entry"] = Match(st.entry, 1.0).to_dict() if st.entry else None
        print_json(d)
    else:
        click.echo(render_status(st))
    if st.entry is None and st.removed is None:
        raise QueryError(f"{st.message}; check the id (`python -m ingest --list-versions` "
                         "lists the versions)")


@click.command(epilog=EXIT_CODES_HELP)
@click.argument("question", required=False)
@click.option("--entry", "entry_id", metavar="ID", default=None,
              help="Show the entry with this id instead, or when it was removed.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--top-k", type=click.IntRange(1, 20), default=None, help="At most N answers.")
@click.option("--context", "context", multiple=True,
              help="An earlier question of the conversation (repeat, oldest first).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@friendly_errors
def main(question: str | None, entry_id: str | None, data: Path | None, top_k: int | None,
         context: tuple[str, ...], as_json: bool) -> None:
    """Answer QUESTION from the active knowledge base, or say that nothing answers it."""
    if (question is None) == (entry_id is None):
        raise click.UsageError("give a QUESTION, or --entry ID to look an entry up")
    if question is not None:
        clean_query(question)  # refuse unusable text before loading the model (seconds)
    from retrieval.service import open_retriever  # the model, the store: only to answer

    settings = load_settings(data_dir=data)
    retriever = open_retriever(settings)
    if entry_id is not None:
        show_entry(retriever, entry_id, as_json)
        return
    answer = retriever.ask(question or "", context=context, top_k=top_k)
    if as_json:
        print_json(answer.to_dict())
    else:
        click.echo(render(answer))


if __name__ == "__main__":
    main()
