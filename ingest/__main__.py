"""`python -m ingest`: build and activate a knowledge-base version from the corpus."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from ingest.build import IngestReport, ingest
from retrieval.embedding import default_embedder
from retrieval.service import friendly_errors, print_json
from retrieval.settings import load_settings
from retrieval.store import open_store


def _summary(r: IngestReport, console: Console) -> None:
    verb = "Would change" if r.dry_run else ("Activated" if r.activated else "Unchanged")
    console.print(f"[bold]{verb}[/bold] knowledge base [cyan]{r.kb_version or '(none yet)'}[/cyan]"
                  f": {r.entries} entries from {r.documents} document(s)")
    console.print(f"  added {len(r.added)} · updated {len(r.updated)} · removed {len(r.removed)}"
                  f" · unchanged {len(r.unchanged)}")
    for label, ids in (("+", r.added), ("~", r.updated), ("-", r.removed)):
        for i in ids:
            console.print(f"  {label} {i}")
    if r.activated:
        console.print(f"  embedded {r.embedded} passage(s), reused {r.reused}")
    if r.pruned:
        console.print(f"  pruned old versions: {', '.join(r.pruned)}")


@click.command()
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Folder of guidance documents [default: ./corpus, env RADONC_QA_CORPUS].")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--dry-run", is_flag=True, help="Parse and show what would change; write nothing.")
@click.option("--force", is_flag=True, help="Build a new version even if nothing changed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@friendly_errors
def main(corpus: Path | None, data: Path | None, dry_run: bool, force: bool,
         as_json: bool) -> None:
    """Parse the corpus, embed it and activate it as a new knowledge-base version."""
    settings = load_settings(data_dir=data, corpus_dir=corpus)
    store = open_store(settings)
    console = Console(stderr=True)
    if dry_run:
        from retrieval.embedding import HashingEmbedder  # a dry run embeds nothing

        report = ingest(store, HashingEmbedder(), settings.corpus_dir, dry_run=True)
    else:
        with Progress("[progress.description]{task.description}", BarColumn(),
                      MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                      transient=True, disable=as_json) as bar:
            task = bar.add_task("Embedding passages", total=None)
            report = ingest(store, default_embedder(), settings.corpus_dir, force=force,
                            keep_versions=settings.keep_versions,
                            progress=lambda done, total: bar.update(task, completed=done,
                                                                   total=total))
    if as_json:
        print_json(report.to_dict())
    else:
        _summary(report, Console())


if __name__ == "__main__":
    main()
