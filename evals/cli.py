"""The `run`, `calibrate` and `gate` commands of `python -m evals`."""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from evals.calibrate import abstention_table, fold_lines, write_abstention
from evals.compare import compare, format_comparison
from evals.floors import CLI_FLOORS, FLOORS_FILE, breaches, load_gates
from evals.metrics import finite, rows_behind
from evals.sets import EvalRow, EvalSetError, read_sets
from retrieval.cli import friendly_errors
from retrieval.config import calibration_path
from retrieval.errors import EXIT_CODES_HELP, ExitCode
from retrieval.settings import load_settings

if TYPE_CHECKING:
    from evals.runner import RunResult
    from retrieval.retriever import Retriever

FLOOR_EXIT = ExitCode.FLOORS_MISSED  # a floor was missed (1 is only ever a crash)
PROGRESS_EVERY_S = 10.0  # between progress lines when stderr is not a terminal
SHOWN_POINTS = 24  # rows of the trade-off table
SUMMARY = ("accuracy", "in_scope_accuracy", "out_of_scope_abstention", "false_abstention",
           "abstained_right_first", "hit@1", "hit@3", "hit@5", "mrr@5")


def _console() -> Console:
    """Rich console; wide enough for the tables when output is piped (CI logs)."""
    return Console() if sys.stdout.isatty() else Console(width=120)


def _fmt(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and x != x) else f"{x:.3f}"


def check_outputs(**paths: Path | None) -> None:
    """Refuse output files that cannot be written, before any question is asked.

    Keyed by option name, so the message names the option; EvalSetError (bad input, exit 2).
    """
    for option, path in paths.items():
        if path is None:
            continue
        flag = "--" + option.replace("_", "-")
        parent = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise EvalSetError(f"{flag} {path}: is a folder — give a file name, e.g. "
                               f"{path / ('run.json' if option == 'json' else 'report.html')}")
        if not parent.is_dir():
            raise EvalSetError(f"{flag} {path}: the folder {parent} does not exist — create it "
                               "first or write somewhere else")
        if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise EvalSetError(f"{flag} {path}: cannot write there (permission denied) — "
                               "choose a folder you can write to")


class LogProgress:
    """Progress as plain lines on stderr, for logs: every PROGRESS_EVERY_S seconds and at the end.

    A bar redrawn in place is unreadable in a CI log or `nohup` file; a long run (a 50k-row set
    takes hours) must still say how far it is and how long it has left.
    """

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self.start = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_S and done < total:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        left = (total - done) / rate if rate else 0.0
        click.echo(f"{self.label}: {done:,}/{total:,} rows ({done / max(total, 1):.0%}), "
                   f"{rate:.1f} rows/s, about {_duration(left)} left", err=True)


def _duration(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def open_retriever(data: Path | None) -> Retriever:
    """The model and the store, loaded only by a command that asks questions (not --help)."""
    from retrieval.service import open_retriever as open_it

    return open_it(load_settings(data_dir=data))


def run_with_progress(retriever: Retriever, rows: Sequence[EvalRow], console: Console,
                      sets: Sequence[str], label: str = "Asking") -> RunResult:
    from evals.runner import run  # the query path (torch, the index): not for --help

    if not sys.stderr.isatty():
        return run(retriever, rows, sets=sets, progress=LogProgress(label, len(rows)))
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task(label, total=len(rows))
        return run(retriever, rows, sets=sets,
                   progress=lambda done, total: bar.update(task, completed=done))


def print_summary(result: RunResult, console: Console) -> None:
    d = result.to_dict()
    m = d["metrics"]
    t = Table(title=f"Knowledge base {result.kb_version} — {m['rows']} rows "
                    f"({m['in_scope_rows']} in scope, {m['out_of_scope_rows']} out of scope), "
                    f"threshold {result.threshold}")
    t.add_column("metric")
    t.add_column("value", justify="right")
    t.add_column("95% CI", justify="right")
    t.add_column("n", justify="right")
    for k in SUMMARY:
        ci = m.get(f"{k}_ci")
        t.add_row(k, _fmt(m.get(k)), f"{_fmt(ci[0])}–{_fmt(ci[1])}" if ci else "",
                  str(rows_behind(m, k) or ""))
    lat = m["latency_ms"]
    t.add_row("latency median / p95 (ms)", f"{lat['median']} / {lat['p95']}", "", "")
    console.print(t)
    wrong = [r for r in d["rows"] if not r["right"]]
    if wrong:
        console.print(f"[bold red]{len(wrong)} row(s) wrong:[/bold red]")
        for r in wrong:
            got = "abstained" if r["abstained"] else ", ".join(x["id"] for x in r["results"])
            console.print(f"  {r['id']}: {r['question']!r} expected {r['expected'] or 'abstain'}"
                          f" got {got} ({_fmt(r['top_score'])})", highlight=False, markup=False)


def _floor_options(fn: Any) -> Any:
    for opt, floor in reversed(CLI_FLOORS.items()):
        metric = floor.removeprefix("max_")
        side = " is above this." if opt.startswith("max_") else " is below this."
        word = f"Exit {int(FLOOR_EXIT)} when {metric}{side}"
        fn = click.option(f"--{opt.replace('_', '-')}", opt, type=click.FloatRange(0, 1),
                          default=None, help=word)(fn)
    return fn


@click.command("run", epilog=EXIT_CODES_HELP)
@click.argument("sets", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Write the run as JSON to this file.")
@click.option("--report", "html_out", type=click.Path(path_type=Path), default=None,
              help="Write a self-contained HTML report to this file.")
@click.option("--markdown", "md_out", type=click.Path(path_type=Path), default=None,
              help="Write a Markdown report to this file.")
@click.option("--compare", "old_json", type=click.Path(path_type=Path, exists=True,
                                                       dir_okay=False), default=None,
              help="An earlier run's JSON: list regressions and improvements row by row.")
@_floor_options
@friendly_errors
def run_cmd(sets: tuple[Path, ...], data: Path | None, json_out: Path | None,
            html_out: Path | None, md_out: Path | None, old_json: Path | None,
            **floors: float | None) -> None:
    """Run eval SETS (JSONL or CSV) against the active knowledge base."""
    check_outputs(json=json_out, report=html_out, markdown=md_out)
    rows = read_sets(sets)
    old = None
    if old_json:
        try:
            old = json.loads(old_json.read_text(encoding="utf-8"))
            old["rows"]  # noqa: B018 — the one key a comparison needs
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
            raise EvalSetError(f"{old_json}: not a run JSON written by `python -m evals run "
                               "--json`") from None
    retriever = open_retriever(data)
    console = _console()
    result = run_with_progress(retriever, rows, console, [str(s) for s in sets])
    d = result.to_dict()
    print_summary(result, console)
    comparison = compare(old, d) if old is not None else None
    if comparison:
        for line in format_comparison(comparison):
            console.print(line, highlight=False, markup=False)
    if json_out:
        json_out.write_text(json.dumps(d, ensure_ascii=False, indent=2), encoding="utf-8")
    if html_out or md_out:
        from evals.report import to_html, to_markdown  # plotly: only when a report is asked for
    if html_out:
        html_out.write_text(to_html(d, comparison), encoding="utf-8")
    if md_out:
        md_out.write_text(to_markdown(d, comparison), encoding="utf-8")
    missed = breaches(d["metrics"], {CLI_FLOORS[k]: v for k, v in floors.items()
                                       if v is not None})
    if missed:
        for line in missed:
            click.echo(f"FAIL: {line}", err=True)
        sys.exit(int(FLOOR_EXIT))


@click.command("gate", epilog=EXIT_CODES_HELP)
@click.option("--floors", "floors_file", type=click.Path(path_type=Path, dir_okay=False),
              default=FLOORS_FILE, show_default=True, help="The floors file.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@friendly_errors
def gate_cmd(floors_file: Path, data: Path | None) -> None:
    """Run every gate of the floors file; exit 9 if any metric is below its floor."""
    retriever = open_retriever(data)
    console = _console()
    failed = False
    for g in load_gates(floors_file):
        result = run_with_progress(retriever, read_sets(g.sets), console,
                                   [str(s) for s in g.sets], g.name)
        missed = breaches(result.to_dict()["metrics"], g.floors)
        console.print(f"gate {g.name}: " + ("[red]FAIL[/red]" if missed else "[green]ok[/green]"))
        for line in missed:
            console.print(f"  {line}", highlight=False)
        failed = failed or bool(missed)
    if failed:
        sys.exit(int(FLOOR_EXIT))


def _expand(pattern: str) -> list[Path]:
    """A set path or glob (relative to the working directory), sorted; held-out sets refused."""
    paths = ([Path(p) for p in sorted(glob.glob(pattern))] if any(c in pattern for c in "*?[")
             else [Path(pattern)])
    if not paths:
        raise EvalSetError(f"{pattern}: no eval set matches")
    held = [p for p in paths if "heldout" in p.name]
    if held:
        raise EvalSetError(f"{', '.join(map(str, held))}: a held-out set is never tuned on")
    return paths


def _folds_table(title: str, folds: list[dict[str, Any]]) -> Table:
    t = Table(title=title)
    for col in ("held out", "rows", "in scope right", "OOS abstained", "abstained, right first",
                "separation (AUC)"):
        t.add_column(col, justify="right" if col != "held out" else "left", no_wrap=True)
    for f in folds:
        t.add_row(str(f["held_out"]), str(f["rows"]), _fmt(f["in_scope_accuracy"]),
                  _fmt(f["out_of_scope_abstention"]), _fmt(f["abstained_right_first"]),
                  _fmt(f.get("separation")))
    return t


@click.command("calibrate", epilog=EXIT_CODES_HELP)
@click.option("--kb", "kbs", type=(str, click.Path(path_type=Path), str), multiple=True,
              required=True, metavar="NAME DATA_DIR SETS",
              help="A corpus: its name, the data dir of its ingested KB and its dev sets (a "
                   "path or a quoted glob). Repeat for every corpus; the same NAME again adds "
                   "sets to that corpus.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Installation whose calibration overlay (DATA/calibration."
                                 "toml) gets the model [default: env RADONC_QA_DATA, ./data].")
@click.option("--shipped", is_flag=True,
              help="Write the shipped retrieval/calibration.toml instead (a release's model).")
@click.option("--calibration", "cal_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Write this calibration file instead (overlay or full).")
@click.option("--dry-run", is_flag=True, help="Fit and report; write nothing.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Write the model and the cross-validation folds as JSON to this file.")
@click.option("--runs", "runs_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Also keep each corpus's run (rows with evidence) here.")
@friendly_errors
def calibrate_cmd(kbs: tuple[tuple[str, Path, str], ...], data_dir: Path | None, shipped: bool,
                  cal_path: Path | None, dry_run: bool, json_out: Path | None,
                  runs_dir: Path | None) -> None:
    """Fit the abstention model on the dev sets of one or more corpora, report it across the
    documents and corpora each fold leaves out, and write it to the installation's calibration
    overlay (or, with --shipped, to the shipped calibration.toml)."""
    if shipped and cal_path is not None:
        raise click.UsageError("--shipped and --calibration name two files; give one")
    target = cal_path or (calibration_path() if shipped
                          else load_settings(data_dir=data_dir).calibration_file)
    check_outputs(json=json_out, **({} if dry_run else {"calibration": target}))
    console = _console()
    from evals import abstention as ab  # scikit-learn and the index: only to calibrate

    pool, sources = _calibration_samples(kbs, console, runs_dir)
    empty = sorted({n for n, _, _ in kbs} - {s.corpus for s in pool})
    if empty:
        raise EvalSetError(f"cannot calibrate: no row of corpus {', '.join(empty)} is decided "
                           "by the model (only bare codes, uncovered codes or follow-ups?) — "
                           "give it single questions with and without an answer")
    try:
        model = ab.fit(pool)
    except ValueError as e:
        raise EvalSetError(f"cannot calibrate: {e}") from None
    by_doc = ab.cross_validate(pool, "document")
    by_corpus = ab.cross_validate(pool, "corpus") if len({s.corpus for s in pool}) > 1 else []
    console.print(_folds_table("Leave one document out", by_doc))
    if by_corpus:
        console.print(_folds_table("Leave one corpus out", by_corpus))
    notes = _fold_notes(ab, by_doc, by_corpus)
    console.print(f"Model: {dict(zip(model.features, model.coef, strict=True))}, intercept "
                  f"{model.intercept:.3f}, min_probability {model.min_probability:.3f}",
                  highlight=False, markup=False)
    if json_out:
        json_out.write_text(json.dumps(finite({
            "model": dataclasses.asdict(model), "sources": sources,
            "leave_one_document_out": by_doc, "leave_one_corpus_out": by_corpus}), indent=2),
            encoding="utf-8")
    if dry_run:
        console.print("Dry run: nothing written.")
        return
    write_abstention(target, abstention_table(model, sources=sources, notes=notes))
    console.print(f"Wrote [abstention] to {target}. Restart the app to use it.",
                  markup=False, highlight=False)


def _calibration_samples(kbs: Sequence[tuple[str, Path, str]], console: Console,
                         runs_dir: Path | None) -> tuple[list[Any], list[str]]:
    """Every --kb's dev sets run once on its KB: the samples and a line saying what they were."""
    from evals import abstention as ab

    pool: list[ab.Sample] = []
    sources = []
    for k, (name, data, pattern) in enumerate(kbs):
        sets = _expand(pattern)
        rows = read_sets(sets)
        retriever = open_retriever(data)
        result = run_with_progress(retriever, rows, console, [str(p) for p in sets], name)
        d = result.to_dict()
        if runs_dir:
            runs_dir.mkdir(parents=True, exist_ok=True)
            (runs_dir / f"{name}-{k + 1}.json").write_text(json.dumps(d), encoding="utf-8")
        got = ab.samples(name, d["rows"])
        pool += got
        sources.append(f"{name} ({len(got)} rows of {', '.join(p.name for p in sets)})")
    return pool, sources


def _fold_notes(ab: Any, by_doc: list[dict[str, Any]],
                by_corpus: list[dict[str, Any]]) -> list[str]:
    notes = []
    for title, folds in (("leave one document out", by_doc), ("leave one corpus out", by_corpus)):
        if folds:
            notes += fold_lines(title, folds)
            sp = {k: ab.spread(folds, k) for k in ("in_scope_accuracy",
                                                    "out_of_scope_abstention",
                                                    "abstained_right_first", "separation")}
            notes.append("  spread over folds (min / median / max): " + ", ".join(
                f"{label} {_fmt(sp[k]['min'])} / {_fmt(sp[k]['median'])} / {_fmt(sp[k]['max'])}"
                for label, k in (("in scope", "in_scope_accuracy"),
                                 ("out of scope", "out_of_scope_abstention"),
                                 ("abstained while right first", "abstained_right_first"),
                                 ("separation", "separation"))))
    notes += ["(fold rates count only the rows the model decides: not bare codes, codes no",
              " entry covers or follow-ups; the eval figures in README count every row)"]
    return notes


