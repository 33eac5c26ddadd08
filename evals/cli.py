"""The `run`, `calibrate` and `gate` commands of `python -m evals`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from evals.calibrate import current_min_score, write_min_score
from evals.compare import compare, format_comparison
from evals.floors import CLI_FLOORS, FLOORS_FILE, breaches, load_gates
from evals.metrics import choose_threshold, sweep
from evals.sets import EvalRow, EvalSetError, read_sets
from retrieval.cli import friendly_errors
from retrieval.settings import load_settings

if TYPE_CHECKING:
    from evals.runner import RunResult
    from retrieval.retriever import Retriever

FLOOR_EXIT = 1  # a floor was missed (bad input is 2, no knowledge base 3, …)
SHOWN_POINTS = 24  # rows of the trade-off table
SUMMARY = ("accuracy", "in_scope_accuracy", "out_of_scope_abstention", "false_abstention",
           "hit@1", "hit@3", "hit@5", "mrr@5")


def _console() -> Console:
    """Rich console; wide enough for the tables when output is piped (CI logs)."""
    return Console() if sys.stdout.isatty() else Console(width=120)


def _fmt(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and x != x) else f"{x:.3f}"


def open_retriever(data: Path | None) -> Retriever:
    """The model and the store, loaded only by a command that asks questions (not --help)."""
    from retrieval.service import open_retriever as open_it

    return open_it(load_settings(data_dir=data))


def run_with_progress(retriever: Retriever, rows: Sequence[EvalRow], console: Console,
                      sets: Sequence[str], label: str = "Asking") -> RunResult:
    from evals.runner import run  # the query path (torch, the index): not for --help

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
    for k in SUMMARY:
        t.add_row(k, _fmt(m.get(k)))
    lat = m["latency_ms"]
    t.add_row("latency median / p95 (ms)", f"{lat['median']} / {lat['p95']}")
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
        word = "Exit 1 when " + metric + (" is above this." if opt.startswith("max_")
                                          else " is below this.")
        fn = click.option(f"--{opt.replace('_', '-')}", opt, type=click.FloatRange(0, 1),
                          default=None, help=word)(fn)
    return fn


@click.command("run")
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
        sys.exit(FLOOR_EXIT)


@click.command("gate")
@click.option("--floors", "floors_file", type=click.Path(path_type=Path, dir_okay=False),
              default=FLOORS_FILE, show_default=True, help="The floors file.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@friendly_errors
def gate_cmd(floors_file: Path, data: Path | None) -> None:
    """Run every gate of the floors file; exit 1 if any metric is below its floor."""
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
        sys.exit(FLOOR_EXIT)


def _tradeoff_table(points: list[dict[str, Any]], marks: dict[float, str], title: str) -> Table:
    t = Table(title=title)
    for col in ("min_score", "false abst.", "OOS abst.", "in-scope right", "accuracy",
                "coverage", "risk", ""):
        t.add_column(col, justify="right", no_wrap=True)
    for p in points:
        t.add_row(f"{p['threshold']:.3f}", _fmt(p["false_abstention"]),
                  _fmt(p["out_of_scope_abstention"]), _fmt(p["in_scope_accuracy"]),
                  _fmt(p["accuracy"]), _fmt(p["coverage"]), _fmt(p["risk"]),
                  marks.get(p["threshold"], ""))
    return t


@click.command("calibrate")
@click.argument("tuning", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--target-false-abstention", "target", type=click.FloatRange(0, 1), default=0.02,
              show_default=True, help="Highest acceptable false-abstention rate on the tuning set.")
@click.option("--heldout", "heldout", type=click.Path(path_type=Path), multiple=True,
              help="Held-out set(s) to report on (never tuned on) "
                   "[default: evals/sets/seed-heldout.jsonl].")
@click.option("--calibration", "cal_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Calibration file to write [default: DATA/calibration.toml, "
                                 "which overrides the shipped one].")
@click.option("--dry-run", is_flag=True, help="Show the trade-off and the choice; write nothing.")
@click.option("--data", type=click.Path(path_type=Path), default=None,
              help="Data directory [default: ./data, env RADONC_QA_DATA].")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Write the tuning and held-out figures as JSON to this file.")
@friendly_errors
def calibrate_cmd(tuning: tuple[Path, ...], target: float, heldout: tuple[Path, ...],
                  cal_path: Path | None, dry_run: bool, data: Path | None,
                  json_out: Path | None) -> None:
    """Choose the abstention threshold (min_score) from TUNING set(s) for a target false-abstention
    rate, show the trade-off, write it to calibration.toml and report it on the held-out set."""
    console = _console()
    tune_rows, held_rows, heldout = _calibration_sets(tuning, heldout, console)
    retriever = open_retriever(data)
    cal_path = cal_path or load_settings(data_dir=data).calibration_file
    in_force = retriever.calibration.decision.min_score
    written = current_min_score(cal_path)
    old = in_force if written is None else written
    if abs(old - in_force) > 1e-9:
        console.print(f"[yellow]note: {cal_path} has min_score {old}, retrieval runs with "
                      f"{in_force}[/yellow]")
    tuned = run_with_progress(retriever, tune_rows, console, [str(p) for p in tuning], "Tuning")
    fixed = sum(1 for r in tuned.rows if r.row.context)
    if fixed:
        console.print(f"{fixed} follow-up row(s) keep their decision (their threshold is "
                      "[conversation].min_score)", highlight=False)
    try:
        chosen = choose_threshold(tuned.profiles, target)
    except ValueError as e:
        raise EvalSetError(f"{', '.join(map(str, tuning))}: cannot calibrate — {e}") from None
    console.print(_tuning_table(tuned.profiles, old, chosen,
                                f"Tuning set trade-off ({len(tune_rows)} rows, "
                                f"target false abstention ≤ {target})"))
    figures: dict[str, Any] = {"previous": old, "chosen": chosen, "target": target,
                               "tuning": {str(t): p for t, p in zip(
                                   ("previous", "chosen"), sweep(tuned.profiles, [old, chosen]),
                                   strict=True)}}
    if held_rows:
        held = run_with_progress(retriever, held_rows, console, [str(p) for p in heldout],
                                 "Held-out")
        hp = sweep(held.profiles, [old, chosen])
        figures["heldout"] = {"previous": hp[0], "chosen": hp[1]}
        console.print(_tradeoff_table(hp, {old: "now", chosen: "chosen"},
                                      f"Held-out ({len(held_rows)} rows, never tuned on)"))
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    if chosen == old:
        console.print(f"min_score stays {old:.3f}; {cal_path} unchanged.")
    elif dry_run:
        console.print(f"Would set min_score {old:.3f} → {chosen:.3f} (dry run: nothing written).")
    else:
        write_min_score(cal_path, chosen, previous=old, tuning_sets=[str(p) for p in tuning],
                        target=target)
        console.print(f"Set min_score {old:.3f} → {chosen:.3f} in {cal_path} (previous value "
                      "kept under [previous]). Restart the app to use it.", markup=False,
                      highlight=False)


def _calibration_sets(tuning: tuple[Path, ...], heldout: tuple[Path, ...], console: Console
                      ) -> tuple[list[EvalRow], list[EvalRow], tuple[Path, ...]]:
    """The tuning and held-out rows; a set used as both is refused, shared questions warned of."""
    if not heldout:
        default = Path(__file__).with_name("sets") / "seed-heldout.jsonl"
        heldout = (default,) if default.exists() else ()
    same = {p.resolve() for p in tuning} & {p.resolve() for p in heldout}
    if same:
        raise EvalSetError(f"{', '.join(map(str, same))} is both the tuning and the held-out "
                           "set — a held-out set must never be tuned on")
    tune_rows = read_sets(tuning)
    held_rows = read_sets(heldout) if heldout else []
    overlap = {r.question.strip().lower() for r in tune_rows} & {
        r.question.strip().lower() for r in held_rows}
    if overlap:
        console.print(f"[yellow]warning: {len(overlap)} question(s) appear in both the tuning "
                      "and the held-out set; the held-out figures flatter[/yellow]")
    return tune_rows, held_rows, heldout


def _tuning_table(profiles: Any, old: float, chosen: float, title: str) -> Table:
    """The trade-off over at most SHOWN_POINTS thresholds, always with the current and chosen."""
    marks = {old: "← now", chosen: "← chosen" if chosen != old else "← now = chosen"}
    ts = [p["threshold"] for p in sweep(profiles)]
    if len(ts) > SHOWN_POINTS:  # evenly spread
        step = (len(ts) - 1) / (SHOWN_POINTS - 1)
        ts = [ts[round(i * step)] for i in range(SHOWN_POINTS)]
    return _tradeoff_table(sweep(profiles, sorted(set(ts) | {old, chosen})), marks, title)
