"""`python -m evals`: run eval sets against the knowledge base (and more, see --help)."""

from __future__ import annotations

from pathlib import Path

import click

from evals.cli import calibrate_cmd, gate_cmd, run_cmd
from retrieval.cli import friendly_errors


@click.group()
def main() -> None:
    """Eval sets, reports and benchmarks for the coding Q&A."""


main.add_command(run_cmd)
main.add_command(calibrate_cmd)
main.add_command(gate_cmd)


@main.command("bench")
@click.option("--entries", "sizes", type=click.IntRange(10, 1_000_000), multiple=True,
              default=(1000,), show_default=True, help="Corpus size to measure (repeatable).")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Write the figures as a JSON list (one object per size) to this file.")
@click.option("--markdown", "markdown_out", type=click.Path(path_type=Path), default=None,
              help="Write the Markdown table (with the machine) to this file.")
@click.option("--work", type=click.Path(path_type=Path), default=None,
              help="Keep corpora and stores here [default: a temporary folder, removed].")
@click.option("--queries", "n_queries", type=click.IntRange(200, 100_000), default=240,
              show_default=True, help="Warm queries per size.")
@click.option("--seed", type=int, default=7, show_default=True, help="Synthetic corpus seed.")
@click.option("--no-baseline", is_flag=True, help="Skip the LangChain baseline.")
@friendly_errors
def bench_cmd(sizes: tuple[int, ...], json_out: Path | None, markdown_out: Path | None,
              work: Path | None, n_queries: int, seed: int, no_baseline: bool) -> None:
    """Measure ingest, query latency, cold start and memory on synthetic corpora vs a baseline."""
    from evals import bench

    bench.main(sizes, json_out=json_out, markdown_out=markdown_out, work=work,
               n_queries=n_queries, seed=seed, baseline=not no_baseline)


if __name__ == "__main__":
    main()
