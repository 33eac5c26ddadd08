"""`python -m evals`: run eval sets against the knowledge base (and more, see --help)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress
from rich.table import Table

from evals.runner import RunResult, run
from evals.sets import read_sets
from retrieval.service import friendly_errors, open_retriever
from retrieval.settings import load_settings


def print_summary(result: RunResult, console: Console) -> None:
    m = result.metrics
    t = Table(title=f"Knowledge base {result.kb_version} — {m['rows']} rows "
                    f"({m['in_scope_rows']} in scope, {m['out_of_scope_rows']} out of scope)")
    t.add_column("metric")
    t.add_column("value", justify="right")
    for k in ("in_scope_accuracy", "out_of_scope_abstention", "false_abstention", "accuracy",
              "hit@1", "hit@3", "mrr@5"):
        t.add_row(k, f"{m[k]:.3f}")
    t.add_row("latency median / p95 (ms)",
              f"{m['latency_ms']['median']} / {m['latency_ms']['p95']}")
    console.print(t)
    wrong = [r for r in result.rows if not _right(r)]
    if wrong:
        console.print(f"[bold red]{len(wrong)} row(s) wrong:[/bold red]")
        for r in wrong:
            got = "abstained" if r.abstained else ", ".join(i for i, _ in r.results)
            top = r.suggestions[0][1] if r.abstained and r.suggestions else (
                r.results[0][1] if r.results else 0.0)
            console.print(f"  {r.row.id}: {r.row.question!r} expected "
                          f"{list(r.row.expected) or 'abstain'} got {got} ({top:.3f})",
                          highlight=False, markup=False)


def _right(r) -> bool:  # type: ignore[no-untyped-def]
    from evals.metrics import correct

    return correct(r.outcome)


@click.group()
def main() -> None:
    """Eval sets, reports and benchmarks for the coding Q&A."""


@main.command("run")
@click.argument("sets", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Write the run as JSON to this file.")
@friendly_errors
def run_cmd(sets: tuple[Path, ...], data: Path | None, json_out: Path | None) -> None:
    """Run eval SETS (JSONL) against the active knowledge base."""
    rows = read_sets(sets)
    retriever = open_retriever(load_settings(data_dir=data))
    console = Console()
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), console=console, transient=True) as bar:
        task = bar.add_task("Asking", total=len(rows))
        result = run(retriever, rows,
                     progress=lambda done, total: bar.update(task, completed=done))
    print_summary(result, console)
    if json_out:
        json_out.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                            encoding="utf-8")


if __name__ == "__main__":
    main()
