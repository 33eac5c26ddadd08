"""`python -m evals bench`: speed and memory at several corpus sizes, side by side with a baseline.

For each size, in one process: write a synthetic corpus (`evals.synth`), ingest it (entries/s),
re-ingest after one changed answer (s), time warm queries (median/p95/p99 over the query set),
time the bare query embedding (the floor no retrieval can beat), and run the same queries through
a naive baseline — LangChain's `Chroma` vector store over `RecursiveCharacterTextSplitter` chunks
of the same documents, with the same embedding model wrapped as LangChain `Embeddings`. Cold start
(new process to first answer) and peak RSS are measured on a child process running the real CLI,
`python -m retrieval QUESTION`, and the same for the baseline.
"""

from __future__ import annotations

import atexit
import json
import os
import platform
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from evals import synth
from retrieval.embedding import Embedder

BASELINE_CHUNK_CHARS = 1000  # LangChain's usual defaults for a "just split the documents" RAG
BASELINE_OVERLAP_CHARS = 200
BASELINE_ADD_BATCH = 1000
COLD_START_RUNS = 3
Progress = Callable[[str, int, int | None], None]  # (phase, done, total)


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    a = np.asarray(ms, dtype=float)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {
        "median": round(float(p50), 2),
        "p95": round(float(p95), 2),
        "p99": round(float(p99), 2),
    }


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


# --- the baseline ---------------------------------------------------------------------------
class LCEmbeddings:
    """Our embedder as LangChain `Embeddings` (built lazily so importing this module is cheap)."""

    def __new__(cls, embedder: Embedder) -> Any:
        from langchain_core.embeddings import Embeddings

        class _Wrapped(Embeddings):
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return embedder.embed(list(texts)).tolist()

            def embed_query(self, text: str) -> list[float]:
                return embedder.embed([text])[0].tolist()

        return _Wrapped()


def baseline_chunks(corpus: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The documents' whole text, split the usual naive way (character chunks with overlap)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=BASELINE_CHUNK_CHARS, chunk_overlap=BASELINE_OVERLAP_CHARS
    )
    texts: list[str] = []
    metas: list[dict[str, str]] = []
    for path in sorted(corpus.glob("*.txt")):
        for chunk in splitter.split_text(path.read_text(encoding="utf-8")):
            texts.append(chunk)
            metas.append({"source": path.name})
    return texts, metas


def build_baseline(
    corpus: Path, persist: Path, embedder: Embedder, progress: Progress | None = None
) -> Any:
    """A LangChain Chroma store over the corpus chunks, persisted under `persist`."""
    from langchain_chroma import Chroma

    texts, metas = baseline_chunks(corpus)
    store = Chroma(
        collection_name="baseline",
        embedding_function=LCEmbeddings(embedder),
        persist_directory=str(persist),
    )
    for start in range(0, len(texts), BASELINE_ADD_BATCH):
        store.add_texts(
            texts[start : start + BASELINE_ADD_BATCH],
            metadatas=metas[start : start + BASELINE_ADD_BATCH],
        )
        if progress:
            progress(
                "baseline: embedding chunks",
                min(start + BASELINE_ADD_BATCH, len(texts)),
                len(texts),
            )
    return store


def baseline_child(persist: str, question: str) -> None:
    """Cold start of the baseline in a fresh process: load model + store, answer one question."""
    from langchain_chroma import Chroma

    from retrieval.embedding import default_embedder

    store = Chroma(
        collection_name="baseline",
        embedding_function=LCEmbeddings(default_embedder()),
        persist_directory=persist,
    )
    docs = store.similarity_search(question, k=3)
    print(len(docs))


# --- measuring ------------------------------------------------------------------------------
@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    stdout: bytes = b""


PEAK_FILE_ENV = "RADONC_QA_BENCH_PEAK_FILE"


def _write_peak_rss_at_exit() -> None:
    """In a measured child: write this process's own peak RSS (kB) where the parent asked.

    VmHWM belongs to the process's own memory after exec. The rusage the parent gets from
    wait4 does not: Linux folds the memory the child had between fork and exec, a copy of the
    parent's, into its ru_maxrss, so a child of a parent holding 3 GB reports at least 3 GB.
    """
    path = os.environ.get(PEAK_FILE_ENV)
    if not path:
        return

    def write() -> None:
        try:
            status = Path("/proc/self/status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines()
                      if line.startswith("VmHWM:"))
            Path(path).write_text(str(kb))
        except (OSError, StopIteration, ValueError):
            pass  # the parent falls back to rusage

    atexit.register(write)


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Wall time and peak RSS of a child process started through `measured_command`."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f, \
            tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak-kb"
        child_env = {**(env or os.environ), PEAK_FILE_ENV: str(peak_file)}
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=child_env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
        peak_kb = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode()[-2000:]}")
    if not out.strip():
        raise RuntimeError(f"{' '.join(cmd)} printed no answer")
    return ChildRun(seconds, peak_kb / 1024, out)


def measured_command(module: str, *args: str) -> list[str]:
    """`python -m MODULE ARGS…`, run so that it reports its own peak RSS (see run_child)."""
    return [sys.executable, "-m", "evals.bench", "run-module", module, *args]


def cold_start(cmd: list[str]) -> ChildRun:
    """Median of a few fresh starts (the OS file cache is warm, as after a restart)."""
    runs = sorted((run_child(cmd) for _ in range(COLD_START_RUNS)), key=lambda r: r.seconds)
    mid = runs[len(runs) // 2]
    return ChildRun(round(mid.seconds, 2), round(max(r.peak_rss_mb for r in runs), 1))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


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
    questions = [q for q, _ in qs]
    gate_set = _smoke_gate_set(root)

    if progress:
        progress("ingest (python -m ingest)", 0, 1)
    report = ingest_cli(corpus, data, gate_set)
    ingest_s = report["seconds"]["total"] - report["seconds"]["quality_gate"]
    store = LocalStore(data / "kb")
    passages = len(store.read_manifest(report["kb_version"]).passages)

    synth.change_one_answer(corpus)
    if progress:
        progress("re-ingest (python -m ingest)", 0, 1)
    re_report = ingest_cli(corpus, data, gate_set)
    reingest_s = re_report["seconds"]["total"] - re_report["seconds"]["quality_gate"]
    if re_report["embedded"] > 2 or re_report["updated"] != 1:
        raise RuntimeError(
            f"re-ingest after one change embedded {re_report['embedded']} passages "
            f"and updated {re_report['updated_ids']}; expected one entry"
        )

    retriever = Retriever(store, embedder)
    for q in questions[:10]:  # warm-up: load the index, fill caches
        retriever.ask(q)
    query_ms, embed_ms, hits = [], [], 0
    for n, (q, expected) in enumerate(qs, 1):
        ms, answer = timed(partial(retriever.ask, q))
        query_ms.append(ms)
        got = answer.results if not answer.abstained else answer.suggestions
        hits += expected is None and answer.abstained or expected in [m.entry.id for m in got[:3]]
        if progress:
            progress("warm queries", n, len(qs))
    for q in questions:
        ms, _ = timed(partial(embedder.embed, [q]))
        embed_ms.append(ms)

    ours_cold = cold_start(measured_command("retrieval", questions[0], "--data", str(data),
                                            "--json"))
    result: dict[str, Any] = {
        "entries": entries,
        "documents": report["documents"],
        "passages": passages,
        "ingest_entries_per_s": round(entries / ingest_s, 1),
        "reingest_one_s": round(reingest_s, 2),
        "query_ms": percentiles(query_ms),
        "embed_ms": percentiles(embed_ms),
        "cold_start_s": ours_cold.seconds,
        "peak_rss_mb": ours_cold.peak_rss_mb,
        "queries": len(qs),
        "right_at_3": round(hits / len(qs), 3),
    }
    if baseline:
        result.update(bench_baseline(corpus, root / "baseline", embedder, qs, made, progress))
    return result


def bench_baseline(
    corpus: Path,
    persist: Path,
    embedder: Embedder,
    qs: list[tuple[str, str | None]],
    made: list[synth.SynthEntry],
    progress: Progress | None,
) -> dict[str, Any]:
    """The baseline's figures for the same corpus and queries."""
    shutil.rmtree(persist, ignore_errors=True)
    t0 = time.perf_counter()
    store = build_baseline(corpus, persist, embedder, progress)
    build_s = time.perf_counter() - t0
    question_of = {e.id: e.question for e in made}
    for q, _ in qs[:10]:
        store.similarity_search(q, k=3)
    ms_list, hits = [], 0
    for n, (q, expected) in enumerate(qs, 1):
        ms, docs = timed(partial(store.similarity_search, q, k=3))
        ms_list.append(ms)
        # the baseline cannot abstain, so an out-of-scope question is always a miss
        hits += expected is not None and any(question_of[expected] in d.page_content for d in docs)
        if progress:
            progress("baseline: queries", n, len(qs))
    # this module's own child mode, which reports its peak RSS like measured_command's
    cold = cold_start(
        [sys.executable, "-m", "evals.bench", "baseline-child", str(persist), qs[0][0]])
    return {
        "baseline_query_ms": percentiles(ms_list),
        "baseline_ingest_entries_per_s": round(len(made) / build_s, 1),
        "baseline_reingest_one_s": round(build_s, 2),  # no change tracking: rebuild everything
        "baseline_cold_start_s": cold.seconds,
        "baseline_peak_rss_mb": cold.peak_rss_mb,
        "baseline_right_at_3": round(hits / len(qs), 3),
    }


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
    _write_peak_rss_at_exit()
    if len(sys.argv) == 4 and sys.argv[1] == "baseline-child":
        baseline_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "run-module":
        sys.argv = sys.argv[2:]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.exit("usage: python -m evals.bench baseline-child PERSIST_DIR QUESTION\n"
                 "       python -m evals.bench run-module MODULE [ARGS…]")
