"""`python -m ingest`: build and activate a knowledge-base version from the corpus.

Plain `python -m ingest` (and `--dry-run`, `--list-versions`) needs no password: it is what CI
and `make run` use, and it only ever activates a corpus that passes the quality gate. The admin
decisions that bypass a safeguard or take guidance out — `--rollback`, `--remove-document` and
`--override-reason` — ask for the admin password (prompted, or `RADONC_QA_ADMIN_PASSWORD` for
scripts).
"""

from __future__ import annotations

import getpass
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from ingest.hooks import AdminServices, load_admin_services
from retrieval.cli import friendly_errors, print_json
from retrieval.errors import EXIT_CODES_HELP, RadoncQAError
from retrieval.settings import Settings, load_settings
from retrieval.store import open_store

if TYPE_CHECKING:
    from ingest.build import IngestReport


def _summary(r: IngestReport, console: Console) -> None:
    verb = "Would change" if r.dry_run else ("Activated" if r.activated else "Unchanged")
    console.print(f"[bold]{verb}[/bold] knowledge base [cyan]{r.kb_version or '(none yet)'}[/cyan]"
                  f": {r.entries} entries from {r.documents} document(s)")
    console.print(f"  added {len(r.added)} · updated {len(r.updated)} · removed {len(r.removed)}"
                  f" · moved {len(r.moved)} · unchanged {len(r.unchanged)}")
    for label, ids in (("+", r.added), ("~", r.updated), ("-", r.removed), (">", r.moved)):
        for i in ids:
            console.print(f"  {label} {i}", highlight=False)
    if r.changes is not None and r.dry_run:
        for c in r.changes.changed:
            console.print(f"  [yellow]~ {c.new.id}[/yellow] ({', '.join(c.fields)})")
            for name in ("question", "answer"):
                old, new = getattr(c.old, name), getattr(c.new, name)
                if old != new:
                    console.print(f"    old {name}: {old}", style="red", markup=False,
                                  highlight=False)
                    console.print(f"    new {name}: {new}", style="green", markup=False,
                                  highlight=False)
    for entry, doc in r.superseded.items():
        console.print(f"  superseded {entry} (by {doc})", highlight=False)
    for w in r.warnings:
        console.print(f"  [yellow]warning:[/yellow] {w}", highlight=False)
    if r.activated:
        console.print(f"  embedded {r.embedded} passage(s), reused {r.reused}")
    if r.gate is not None:
        g = r.gate
        state = "passed" if g.passed else f"FAILED, overridden: {g.override_reason}"
        console.print(f"  quality gate {state} ({g.rows} eval rows, {g.skipped} about other "
                      f"documents, {g.rechecked} re-asked of the active version, "
                      f"{g.seconds:.1f} s)")
        for row in g.shifted_rows:
            console.print(f"  [yellow]shifted[/yellow] {row['id']}: right before, now "
                          f"{row['got'][:1] or 'abstains'} (scores moved; not blocking)",
                          highlight=False)
        if g.for_review:
            console.print(f"  {len(g.for_review)} eval row(s) new guidance now answers, held "
                          "for review (`python -m ingest review`):")
            for row in g.for_review:
                console.print(f"    ? {row['id']} “{row['question']}” → {row['entry']}",
                              highlight=False)
    if r.pruned:
        console.print(f"  pruned old versions: {', '.join(r.pruned)}")


def _actor(given: str | None) -> str:
    if given:
        return given
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()} (cli)"


def _require_admin(admin: AdminServices, settings: Settings, what: str) -> None:
    """The admin password (env or a prompt on a terminal); AdminAuthError if wrong."""

    def ask(text: str) -> str:
        return str(click.prompt(text, hide_input=True, err=True))

    admin.require_admin(settings, what, ask if sys.stdin.isatty() else None)


def _aside(settings: Settings) -> Path:
    """Where corpus files taken out of the folder go (never deleted)."""
    return settings.data_dir / "corpus-aside"


def _seed(settings: Settings, as_json: bool, *, read_only: bool = False) -> Settings:
    """Settings whose corpus can be read: the default one, DATA/corpus, is copied from the
    shipped corpus/ the first time. `read_only` (a dry run): nothing is written, so a first
    use reads the shipped folder the copy would be made from."""
    from ingest.seed import ensure_corpus, shipped_corpus

    console = Console(stderr=True, quiet=as_json)
    if read_only and not settings.corpus_given and not settings.corpus_dir.exists():
        shipped = shipped_corpus()
        if shipped is not None:
            console.print(f"{settings.corpus_dir} does not exist yet: reading the shipped "
                          f"corpus {shipped}, which the first ingest copies there",
                          highlight=False, soft_wrap=True)
            return settings.model_copy(update={"corpus_dir": shipped})
    seeded = ensure_corpus(settings)
    if seeded is not None:
        console.print(f"Seeded the corpus folder {settings.corpus_dir} from {seeded} (the copy "
                      "that uploads and removals change)", highlight=False, soft_wrap=True)
    return settings


def _list_versions(settings: Settings, as_json: bool) -> None:
    store = open_store(settings)
    versions = store.list_versions()
    if as_json:
        print_json([{"version": v.version, "created_at": v.created_at, "entries": v.entries,
                     "documents": list(v.documents), "active": v.active, "info": v.info}
                    for v in versions])
        return
    if not versions:
        Console().print(f"No knowledge-base versions in {store.location}; run `python -m ingest`.")
        return
    t = Table(title=f"Knowledge-base versions in {store.location}", title_justify="left")
    t.add_column("")
    t.add_column("version (created, UTC)", no_wrap=True)
    t.add_column("entries", justify="right")
    for col in ("changes", "by", "documents"):
        t.add_column(col, overflow="fold")
    for v in versions:
        i = v.info
        changes = " ".join(f"{k}\u00a0{i[k]}" for k in ("added", "updated", "removed", "moved")
                           if i.get(k))
        t.add_row("▶" if v.active else "", v.version, str(v.entries), changes or "—",
                  str(i.get("actor", "")), ", ".join(v.documents))
    Console().print(t)
    Console().print("Roll back with `python -m ingest --rollback VERSION`.")


def _repair(settings: Settings, actor: str | None, as_json: bool) -> None:
    from ingest.versions import repair

    admin = load_admin_services()
    was, now = repair(open_store(settings), actor=_actor(actor),
                      record=admin.activation_log(settings))
    if as_json:
        print_json({"kb_version": now, "previous": was, "action": "repair",
                    "changed": was != now})
    elif was == now:
        Console().print(f"Nothing to repair: {now} is active and reads.")
    else:
        Console().print(f"[bold]Repaired[/bold]: active version is now [cyan]{now}[/cyan].")


@click.group(invoke_without_command=True, epilog=EXIT_CODES_HELP)
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="Folder of guidance documents [default: DATA/corpus, seeded from the shipped "
                   "corpus/ on first use; env RADONC_QA_CORPUS].")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--dry-run", is_flag=True, help="Parse and show what would change; write nothing.")
@click.option("--force", is_flag=True, help="Build a new version even if nothing changed.")
@click.option("--skip-refused", is_flag=True,
              help="Build from the documents that parse: refused NEW documents are left out and "
                   "listed (left_out); a refused document the active version serves still stops "
                   "the ingest.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (for scripts).")
@click.option("--list-versions", is_flag=True, help="List kept versions (newest first) and exit.")
@click.option("--rollback", metavar="VERSION", default=None,
              help="Make a kept version active again (admin password required).")
@click.option("--repair", is_flag=True,
              help="Point a damaged active.json back at the last activated version that still "
                   "reads (no password: it restores what was served).")
@click.option("--remove-document", metavar="STEM", default=None,
              help="Activate a version without this document (file name without extension) and "
                   "move its files to <data>/corpus-aside/ (admin password required).")
@click.option("--override-reason", metavar="TEXT", default=None,
              help="Activate even if the quality gate fails; the reason is kept in the history "
                   "(admin password required).")
@click.option("--gate-set", "gate_sets", multiple=True,
              type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Eval set the quality gate runs (repeatable) [default: every shipped set, "
                   "env RADONC_QA_GATE_SETS joined by ':']; questions admins marked out of "
                   "scope (DATA/evals/gaps-out-of-scope.jsonl) always run too.")
@click.option("--keep", "keep", type=click.IntRange(min=2), default=None,
              help="Versions to keep when pruning [default: 5, env RADONC_QA_KEEP_VERSIONS].")
@click.option("--actor", default=None, help="Who is activating, for the history "
                                            "[default: user@host].")
@click.option("--note", default=None, help="A note kept in the activation history.")
@click.pass_context
@friendly_errors
def main(ctx: click.Context, corpus: Path | None, data: Path | None, dry_run: bool, force: bool,
         skip_refused: bool, as_json: bool, list_versions: bool, rollback: str | None, repair: bool,
         remove_document: str | None,
         override_reason: str | None,
         gate_sets: tuple[Path, ...], keep: int | None, actor: str | None,
         note: str | None) -> None:
    """Parse the corpus, embed it and activate it as a new knowledge-base version.

    Also: --list-versions, --rollback VERSION, and `python -m ingest hash-password`.
    """
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings(data_dir=data, corpus_dir=corpus, keep_versions=keep,
                             gate_sets=gate_sets or None)
    if list_versions:
        _list_versions(settings, as_json)
        return
    if repair:
        _repair(settings, actor, as_json)
        return
    if rollback:
        _rollback(settings, rollback, actor, note, as_json)
        return
    if remove_document and not dry_run:
        _require_admin(load_admin_services(), settings, "removing a document")
    if override_reason is not None:
        if not override_reason.strip():
            raise click.UsageError("--override-reason needs a written reason")
        _require_admin(load_admin_services(), settings, "quality-gate override")
    # a dry run's document removal is planned in a staging folder inside the corpus: seeded
    settings = _seed(settings, as_json, read_only=dry_run and not remove_document)
    if dry_run:
        report = _plan(settings, remove_document, skip_refused)
    else:
        report = _build(settings, remove_document, force=force, override_reason=override_reason,
                        actor=actor, note=note, as_json=as_json, skip_refused=skip_refused)
    if as_json:
        print_json({**report.to_dict(), "corpus": str(settings.corpus_dir.resolve())})
    else:
        _summary(report, Console())
        Console().print(f"  corpus folder: {settings.corpus_dir.resolve()}", highlight=False,
                        soft_wrap=True)  # a path copied whole, never broken over lines


def _rollback(settings: Settings, version: str, actor: str | None, note: str | None,
              as_json: bool) -> None:
    """Make an earlier version active again and restore its documents to the corpus folder."""
    admin = load_admin_services()
    _require_admin(admin, settings, "rollback")
    _seed(settings, as_json)
    from ingest.versions import corpus_note
    from ingest.versions import rollback as do_rollback

    done = do_rollback(open_store(settings), version, actor=_actor(actor),
                       record=admin.activation_log(settings), note=note,
                       corpus=settings.corpus_dir, aside_root=_aside(settings))
    if as_json:
        r = done.restored
        print_json({"kb_version": version, "previous": done.previous, "action": "rollback",
                    "corpus_restored": r.written if r else None,
                    "corpus_aside": str(r.aside) if r and r.aside else None,
                    "corpus_moved_aside": r.moved_aside if r else None,
                    "corpus": str(settings.corpus_dir.resolve())})
    else:
        Console().print(f"[bold]Rolled back[/bold]: active version is now [cyan]{version}"
                        f"[/cyan] (was {done.previous or 'none'}). {corpus_note(done)}",
                        highlight=False)


def _plan(settings: Settings, remove_document: str | None, skip_refused: bool) -> IngestReport:
    """What an ingest (or a document's removal) would change, compared by content: no model."""
    store = open_store(settings)
    if remove_document:
        from ingest.remove import remove_document as remove

        report, _ = remove(store, None, settings.corpus_dir, remove_document, _aside(settings),
                           dry_run=True, skip_refused=skip_refused)
        return report
    from ingest.build import plan

    return plan(store, settings.corpus_dir, settings.alternates_dir, skip_refused=skip_refused)


def _build(settings: Settings, remove_document: str | None, *, force: bool,
           override_reason: str | None, actor: str | None, note: str | None,
           as_json: bool, skip_refused: bool) -> IngestReport:
    """Embed, gate and activate a new version (or one without a removed document)."""
    from ingest.build import ingest  # the pipeline's libraries: not for --help or listing
    from retrieval.embedding import default_embedder

    store = open_store(settings)
    console = Console(stderr=True)
    admin = load_admin_services()  # the quality gate: every activation is gated
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                  transient=True, disable=as_json) as bar:
        task = bar.add_task("Reading the corpus", total=None)
        embedder = default_embedder()
        options: dict[str, Any] = dict(
            force=force, keep_versions=settings.keep_versions,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            stage=lambda msg: bar.update(task, description=msg),
            gate=admin.quality_gate(embedder, settings, override_reason,
                                    progress=lambda done, total: bar.update(
                                        task, completed=done, total=total)),
            record=admin.activation_log(settings), actor=_actor(actor), note=note,
            alternates_dir=settings.alternates_dir, skip_refused=skip_refused)
        if not remove_document:
            return ingest(store, embedder, settings.corpus_dir, **options)
        from ingest.remove import remove_document as remove

        report, aside = remove(store, embedder, settings.corpus_dir, remove_document,
                               _aside(settings), **options)
        console.print(f"Moved the files of {remove_document} to {aside}", highlight=False)
        return report


@main.command("review")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--accept", "accept", multiple=True, metavar="ROW",
              help="Accept the entry that answered as right for the row (out of scope → in scope).")
@click.option("--keep-out", "keep_out", multiple=True, metavar="ROW",
              help="Keep the row as written: the entry that answered is a wrong answer for it.")
@click.option("--actor", default=None, help="Who decides [default: user@host].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
@friendly_errors
def review_cmd(data: Path | None, accept: tuple[str, ...], keep_out: tuple[str, ...],
               actor: str | None, as_json: bool) -> None:
    """Eval rows new guidance now answers: list them, or decide (admin password)."""
    settings = load_settings(data_dir=data)
    admin = load_admin_services()
    book = admin.review_book(settings)
    if accept or keep_out:
        _require_admin(admin, settings, "deciding eval rows")
        decided = [book.decide(r, in_scope=True, by=_actor(actor)) for r in accept]
        decided += [book.decide(r, in_scope=False, by=_actor(actor)) for r in keep_out]
        if as_json:
            print_json(decided)
        else:
            for row in decided:
                click.echo(f"{row['id']}: {row['reviewed']['decision']} → written to "
                           f"{book.reviewed_path}")
        return
    pending = book.pending()
    if as_json:
        print_json([i.to_dict() for i in pending])
        return
    if not pending:
        click.echo("No eval rows are waiting for a review.")
        return
    for i in pending:
        click.echo(f"{i.id} ({i.set}): “{i.question}”\n    answered by {i.entry} "
                   f"({i.document}): “{i.entry_question}”")
    click.echo("Decide with `python -m ingest review --accept ROW` (in scope: it expects that "
               "entry) or `--keep-out ROW`.")


@main.command("hash-password")
def hash_password_cmd() -> None:
    """Make an argon2 hash of a new admin password (prompted twice, never echoed)."""
    password = click.prompt("New admin password", hide_input=True, confirmation_prompt=True,
                            err=True)
    try:
        hashed = load_admin_services().hash_password(password)
    except RadoncQAError as e:
        raise click.ClickException(str(e)) from None
    click.echo(hashed)
    click.echo("Set it for the app and the CLI, either way:\n"
               f"  export RADONC_QA_ADMIN_PASSWORD_HASH='{hashed}'\n"
               f"  or add to .streamlit/secrets.toml:  admin_password_hash = \"{hashed}\"",
               err=True)


if __name__ == "__main__":
    main()
