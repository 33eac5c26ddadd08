"""`python -m evals bench`: speed and memory at several corpus sizes, side by side with a baseline.

For each size: write a synthetic corpus (`evals.synth`), ingest it with `python -m ingest --json`
(entries/s, from the command's own timing), re-ingest after one changed answer (s), then in this
process time warm queries (median/p95/p99 over the query set) and warm follow-ups (a new
follow-up read with an earlier question already asked; with how many texts each embeds),
time the bare query embedding (the floor no retrieval can beat), and run the same queries through
a naive baseline — LangChain's `Chroma` vector store over `RecursiveCharacterTextSplitter` chunks
of the same documents, with the same embedding model wrapped as LangChain `Embeddings`
(`evals.baseline`). Cold start
(new process to first answer) and peak RSS are measured on a child process running the real CLI,
`python -m retrieval QUESTION`, and the same for the baseline.
"""

from __future__ import annotations

import json
import os
import platform
import runpy
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from evals import measure, synth
from evals.baseline import baseline_child, bench_baseline
from evals.measure import Progress, measured_command, percentiles, run_child, timed
from retrieval.embedding import Embedder


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import chromadb
    import psutil
    import torch

    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, torch {torch.__version__} "
        f"({torch.get_num_threads()} threads), chromadb {chromadb.__version__}"
    )


@contextmanager
def _workdir(work: Path | None) -> Iterator[Path]:
    if work is not None:
        work.mkdir(parents=True, exist_ok=True)
        yield work
        return
    d = Path(tempfile.mkdtemp(prefix="radonc-bench-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


SMOKE_QUESTION = "How long should sourdough bread rise before baking?"


def _smoke_gate_set(root: Path) -> Path:
    """A one-row gate set: an off-topic question the new version must abstain on.

    The shipped sets test the shipped corpus, not a synthetic one, and the synthetic questions
    are too hard for the floors; the gate still runs, and its time is left out of the figures.
    """
    path = root / "smoke-gate.jsonl"
    row = {"id": "smoke-off-topic", "question": SMOKE_QUESTION, "expected": []}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def ingest_cli(corpus: Path, data: Path, gate_set: Path) -> dict[str, Any]:
    """Run `python -m ingest --json` (the documented contract) and return its report.

    Ingest is driven as a command, not imported: evals depends on retrieval only. The figures
    use the report's own `seconds` (the build inside the command), so starting Python and
    loading the model are not counted, as when an admin ingests from the running app.
    """
    child = run_child(measured_command("ingest", "--corpus", str(corpus), "--data", str(data),
                                       "--gate-set", str(gate_set), "--json"))
    report: dict[str, Any] = json.loads(child.stdout)
    return report


def ingest_figures(corpus: Path, data: Path, root: Path,
                   progress: Progress | None) -> dict[str, Any]:
    """Full ingest, then re-ingest after one changed answer, through `python -m ingest`."""
    gate_set = _smoke_gate_set(root)
    if progress:
        progress("ingest (python -m ingest)", 0, 1)
    report = ingest_cli(corpus, data, gate_set)
    synth.change_one_answer(corpus)
    if progress:
        progress("re-ingest (python -m ingest)", 0, 1)
    again = ingest_cli(corpus, data, gate_set)
    if again["embedded"] > 2 or again["updated"] != 1:
        raise RuntimeError(
            f"re-ingest after one change embedded {again['embedded']} passages "
            f"and updated {again['updated_ids']}; expected one entry"
        )
    return {"report": report,
            "ingest_s": report["seconds"]["total"] - report["seconds"]["quality_gate"],
            "reingest_s": again["seconds"]["total"] - again["seconds"]["quality_gate"]}


def query_figures(retriever: Any, embedder: Embedder, qs: list[tuple[str, str | None]],
                  progress: Progress | None) -> dict[str, Any]:
    """Warm query latency, the bare embedding floor, and how often the right entry is in the
    top 3 (or the question rightly abstains)."""
    for q, _ in qs[:10]:  # warm-up: load the index, fill caches
        retriever.ask(q)
    query_ms, embed_ms, hits = [], [], 0
    for n, (q, expected) in enumerate(qs, 1):
        ms, answer = timed(partial(retriever.ask, q))
        query_ms.append(ms)
        got = answer.results if not answer.abstained else answer.suggestions
        hits += expected is None and answer.abstained or expected in [m.entry.id for m in got[:3]]
        if progress:
            progress("warm queries", n, len(qs))
    for q, _ in qs:
        ms, _ = timed(partial(embedder.embed, [q]))
        embed_ms.append(ms)
    return {"query_ms": percentiles(query_ms), "embed_ms": percentiles(embed_ms),
            "queries": len(qs), "right_at_3": round(hits / len(qs), 3)}


class CountingEmbedder:
    """The embedder, counting the texts it is asked to embed (how many embeddings a turn costs)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.texts = 0

    def embed(self, texts: list[str]) -> Any:
        self.texts += len(texts)
        return self.inner.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


# follow-ups as coders type them after a question (general English, no corpus's words): each is
# joined to another bench question's own words so every follow-up text is new to the cache
FOLLOW_UPS = ("and what about {}?", "does that also apply when {}?", "and is it the same for {}?",
              "what if {} though?")


def conversation_figures(retriever: Any, embedder: CountingEmbedder,
                         qs: list[tuple[str, str | None]],
                         progress: Progress | None) -> dict[str, Any]:
    """Warm follow-up latency: the earlier question was asked before (as in the chat, its
    vector is cached), the follow-up is new; and how many texts each turn embeds."""
    turns = []
    for n, (q, _) in enumerate(qs):
        other = qs[(n + 1) % len(qs)][0].rstrip("?").split()
        turns.append((q, FOLLOW_UPS[n % len(FOLLOW_UPS)].format(" ".join(other[-4:]))))
    follow_ms, embedded = [], []
    for n, (earlier, follow) in enumerate(turns, 1):
        retriever.ask(earlier)  # the conversation so far, as the chat asked it: warm
        before = embedder.texts
        ms, _ = timed(partial(retriever.ask, follow, context=[earlier]))
        follow_ms.append(ms)
        embedded.append(embedder.texts - before)
        if progress:
            progress("warm follow-ups", n, len(turns))
    return {"follow_up_ms": percentiles(follow_ms),
            "follow_up_embeddings_max": max(embedded, default=0)}


def bench_size(
    entries: int,
    work: Path,
    embedder: Embedder,
    *,
    n_queries: int = 240,
    seed: int = 7,
    baseline: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure for one corpus size (see the module docstring)."""
    from retrieval.retriever import Retriever
    from retrieval.store import LocalStore

    root = work / f"n{entries}"
    shutil.rmtree(root, ignore_errors=True)
    corpus, data = root / "corpus", root / "data"
    made = synth.write_corpus(corpus, entries, seed=seed)
    qs = synth.queries(made, n_queries, seed=seed + 1)
    built = ingest_figures(corpus, data, root, progress)
    store = LocalStore(data / "kb")
    passages = len(store.read_manifest(built["report"]["kb_version"]).passages)
    queried = query_figures(Retriever(store, embedder), embedder, qs, progress)
    counting = CountingEmbedder(embedder)
    talked = conversation_figures(Retriever(store, counting), counting, qs, progress)
    cold = measure.cold_start(measured_command("retrieval", qs[0][0], "--data", str(data),
                                               "--json"))
    result: dict[str, Any] = {
        "entries": entries,
        "documents": built["report"]["documents"],
        "passages": passages,
        "ingest_entries_per_s": round(entries / built["ingest_s"], 1),
        "reingest_one_s": round(built["reingest_s"], 2),
        **queried,
        **talked,
        "cold_start_s": cold.seconds,
        "peak_rss_mb": cold.peak_rss_mb,
    }
    if baseline:
        result.update(bench_baseline(corpus, root / "baseline", embedder, qs, made, progress))
    return result


def run(
    sizes: Sequence[int],
    *,
    work: Path | None = None,
    n_queries: int = 240,
    seed: int = 7,
    baseline: bool = True,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Benchmark every size in one process (the model is loaded once)."""
    from retrieval.embedding import default_embedder

    model = embedder or default_embedder()
    with _workdir(work) as d:
        return [
            bench_size(
                n, d, model, n_queries=n_queries, seed=seed, baseline=baseline, progress=progress
            )
            for n in sizes
        ]


# --- reporting ------------------------------------------------------------------------------
def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "—"


def markdown(results: Sequence[dict[str, Any]]) -> str:
    """One table per size: each figure, the baseline's, and the ratios to baseline and floor."""
    out = []
    for r in results:
        floor = r["embed_ms"]
        out.append(
            f"### {r['entries']:,} entries ({r['documents']} documents, "
            f"{r['passages']:,} passages, {r['queries']} queries)\n"
        )
        out.append("| figure | ours | baseline | ours / baseline | ours / floor |")
        out.append("|---|---:|---:|---:|---:|")
        b = r.get("baseline_query_ms") or {}
        for p in ("median", "p95", "p99"):
            out.append(
                f"| warm query {p} (ms) | {r['query_ms'][p]:.2f} | "
                f"{b.get(p, float('nan')):.2f} | {_ratio(r['query_ms'][p], b.get(p))} | "
                f"{_ratio(r['query_ms'][p], floor[p])} |"
            )
        fu: dict[str, float] = r.get("follow_up_ms") or {}
        for p in ("median", "p95") if fu else ():
            out.append(
                f"| warm follow-up with one earlier question {p} (ms) | {fu[p]:.2f} | — | — | "
                f"{_ratio(fu[p], floor[p])} |"
            )
        if fu:
            out.append(f"| texts embedded per follow-up (most) | "
                       f"{r['follow_up_embeddings_max']} | — | — | — |")
        for p in ("median", "p95", "p99"):
            out.append(f"| floor: bare query embedding {p} (ms) | {floor[p]:.2f} | — | — | 1.00× |")
        rows = (
            (
                "full ingest (entries/s)",
                "ingest_entries_per_s",
                "baseline_ingest_entries_per_s",
                "{:,.1f}",
            ),
            (
                "re-ingest after one change (s)",
                "reingest_one_s",
                "baseline_reingest_one_s",
                "{:.2f}",
            ),
            ("cold start to first answer (s)", "cold_start_s", "baseline_cold_start_s", "{:.2f}"),
            ("peak RSS of that process (MB)", "peak_rss_mb", "baseline_peak_rss_mb", "{:,.0f}"),
            ("right in top 3 (share of queries)", "right_at_3", "baseline_right_at_3", "{:.3f}"),
        )
        for label, ours, base, fmt in rows:
            bv = r.get(base)
            out.append(
                f"| {label} | {fmt.format(r[ours])} | "
                f"{fmt.format(bv) if bv is not None else '—'} | {_ratio(r[ours], bv)} | — |"
            )
        out.append("")
    return "\n".join(out)


def main(
    sizes: Sequence[int],
    *,
    json_out: Path | None,
    markdown_out: Path | None,
    work: Path | None,
    n_queries: int,
    seed: int,
    baseline: bool,
) -> list[dict[str, Any]]:
    """The `python -m evals bench` command: progress bars, then the table (and files)."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        results = []
        for n in sizes:
            tasks.clear()
            for t in list(bar.task_ids):
                bar.remove_task(t)
            console.print(f"[bold]{n:,} entries[/bold] …")
            results += run(
                [n], work=work, n_queries=n_queries, seed=seed, baseline=baseline, progress=progress
            )
    table = markdown(results)
    head = f"Machine: {machine()}\n\n"
    Console().print(Markdown(head + table))
    for out in (json_out, markdown_out):
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
    if json_out:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if markdown_out:
        markdown_out.write_text(head + table, encoding="utf-8")
    return results


if __name__ == "__main__":  # child modes used by the benchmark itself
    measure.write_peak_rss_at_exit()
    if len(sys.argv) == 4 and sys.argv[1] == "baseline-child":
        baseline_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "run-module":
        sys.argv = sys.argv[2:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.exit("usage: python -m evals.bench baseline-child PERSIST_DIR QUESTION\n"
                 "       python -m evals.bench run-module MODULE [ARGS…]")
