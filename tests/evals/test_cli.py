"""`python -m evals run / calibrate / gate` end to end on the shipped corpus (real model)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.__main__ import main
from retrieval.config import calibration_path
from tests.conftest import EVAL_SETS

pytestmark = pytest.mark.slow

DEV = str(EVAL_SETS / "seed-regression-dev.jsonl")
TUNING = str(EVAL_SETS / "seed-tuning-dev.jsonl")


@pytest.fixture(scope="module")
def dev_outputs(seed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("eval-out")
    res = CliRunner().invoke(main, [
        "run", DEV, "--data", str(seed_data_dir), "--json", str(out / "run.json"),
        "--report", str(out / "report.html"), "--markdown", str(out / "report.md")])
    return res, out


def test_run_writes_json_html_and_markdown(dev_outputs) -> None:  # type: ignore[no-untyped-def]
    res, out = dev_outputs
    assert res.exit_code == 0, res.output
    assert "in_scope_accuracy" in res.output and "row(s) wrong" in res.output
    assert "95% CI" in res.output and "abstained_right_first" in res.output
    d = json.loads((out / "run.json").read_text())
    m = d["metrics"]
    lo, hi = m["in_scope_accuracy_ci"]
    assert lo <= m["in_scope_accuracy"] <= hi and m["n_in_scope"] == m["in_scope_rows"] > 0
    wrong = [r["id"] for r in d["rows"] if not r["right"]]
    assert wrong  # the shipped dev set has known misses
    html = (out / "report.html").read_text()
    md = (out / "report.md").read_text()
    for rid in wrong:
        assert f"data-row='{rid}'" in html and f"| {rid} |" in md
    assert "95% CI (bootstrap)" in html and "95% CI (bootstrap)" in md
    assert "Plotly.newPlot" in html and "<script src=" not in html  # plotly inlined: offline
    # any answer text in the report sits with its document's disclaimer
    assert html.count("class='answer'") == html.count("class='disclaimer'><b>Disclaimer")


def test_floors_fail_the_run_with_exit_9(seed_data_dir: Path, dev_outputs) -> None:  # type: ignore[no-untyped-def]
    _, out = dev_outputs
    d = json.loads((out / "run.json").read_text())
    acc = d["metrics"]["accuracy"]
    ok = CliRunner().invoke(main, ["run", DEV, "--data", str(seed_data_dir),
                                   "--min-accuracy", f"{acc - 0.01:.3f}"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(main, ["run", DEV, "--data", str(seed_data_dir),
                                    "--min-accuracy", "0.999", "--max-false-abstention", "0"])
    assert bad.exit_code == 9
    assert "FAIL: accuracy" in bad.output and "below the floor 0.999" in bad.output


def test_compare_lists_regressions_and_improvements(seed_data_dir: Path, dev_outputs,  # type: ignore[no-untyped-def]
                                                    tmp_path: Path) -> None:
    _, out = dev_outputs
    old = json.loads((out / "run.json").read_text())
    rows = {r["id"]: r for r in old["rows"]}
    right_id = next(r["id"] for r in old["rows"] if r["right"])
    wrong_id = next(r["id"] for r in old["rows"] if not r["right"])
    rows[right_id].update(right=False, got="(abstained)")  # was wrong before → improvement now
    rows[wrong_id].update(right=True, got=rows[wrong_id]["expected"][0]
                          if rows[wrong_id]["expected"] else "(abstained)")
    (tmp_path / "old.json").write_text(json.dumps(old))
    res = CliRunner().invoke(main, ["run", DEV, "--data", str(seed_data_dir), "--compare",
                                    str(tmp_path / "old.json"), "--report",
                                    str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert "1 regression(s), 1 improvement(s)" in res.output
    assert f"REGRESSION {wrong_id}" in res.output and f"improvement {right_id}" in res.output
    assert "Regressions</h3>" in (tmp_path / "r.html").read_text()


def test_bad_set_and_bad_compare_file_exit_8(seed_data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "expected": ["astro-daily-practice-physics:99"]}\n')
    res = CliRunner().invoke(main, ["run", str(bad), "--data", str(seed_data_dir)])
    assert res.exit_code == 8
    assert "bad.jsonl:1: row bad-1 expects unknown entry astro-daily-practice-physics:99" in (
        res.output)
    junk = tmp_path / "old.json"
    junk.write_text("not json")
    res = CliRunner().invoke(main, ["run", DEV, "--data", str(seed_data_dir), "--compare",
                                    str(junk)])
    assert res.exit_code == 8 and "not a run JSON" in res.output


def test_no_knowledge_base_exit_3(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["run", DEV, "--data", str(tmp_path / "empty")])
    assert res.exit_code == 3 and "python -m ingest" in res.output


def test_calibrate_fits_the_model_and_keeps_the_rest_of_the_file(seed_data_dir: Path,  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    cal = tmp_path / "calibration.toml"
    shutil.copy(calibration_path(), cal)
    before = tomllib.loads(cal.read_text())
    res = CliRunner().invoke(main, [
        "calibrate", "--kb", "seed", str(seed_data_dir), TUNING, "--calibration", str(cal),
        "--json", str(tmp_path / "c.json")])
    assert res.exit_code == 0, res.output
    assert "Leave one document out" in res.output and "Wrote [abstention]" in res.output
    figures = json.loads((tmp_path / "c.json").read_text())
    after = tomllib.loads(cal.read_text())
    assert after["abstention"]["coef"] == pytest.approx(figures["model"]["coef"], abs=1e-5)
    assert 0 < after["abstention"]["min_probability"] < 1
    assert "seed (" in cal.read_text() and "Refit, never hand-edit" in cal.read_text()
    # everything else is kept
    assert {k: v for k, v in after.items() if k != "abstention"} == {
        k: v for k, v in before.items() if k != "abstention"}


def test_calibrate_dry_run_and_refusing_held_out_sets(seed_data_dir: Path,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    cal = tmp_path / "calibration.toml"
    shutil.copy(calibration_path(), cal)
    text = cal.read_text()
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), TUNING,
                                    "--dry-run", "--calibration", str(cal)])
    assert res.exit_code == 0 and "Dry run: nothing written" in res.output
    assert cal.read_text() == text
    held = tmp_path / "x-heldout.jsonl"
    held.write_text(Path(TUNING).read_text())
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), str(held),
                                    "--calibration", str(cal)])
    assert res.exit_code == 8 and "never tuned on" in res.output
    assert cal.read_text() == text


def test_calibrate_writes_the_installation_overlay_not_the_shipped_file(  # type: ignore[no-untyped-def]
        seed_data_dir: Path, tmp_path: Path) -> None:
    shipped = calibration_path().read_text()
    inst = tmp_path / "inst"
    inst.mkdir()
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), TUNING,
                                    "--kb", "seed", str(seed_data_dir), DEV,  # same corpus
                                    "--data", str(inst)])
    assert res.exit_code == 0, res.output
    overlay = tomllib.loads((inst / "calibration.toml").read_text())
    assert set(overlay) == {"abstention"} and calibration_path().read_text() == shipped
    assert "Leave one corpus out" not in res.output  # one corpus, given twice
    assert "seed-tuning-dev.jsonl" in (inst / "calibration.toml").read_text()


def test_calibrate_refuses_bad_input_with_a_clear_message(seed_data_dir: Path,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    cal = tmp_path / "calibration.toml"
    shutil.copy(calibration_path(), cal)
    text = cal.read_text()
    oos = tmp_path / "oos-dev.jsonl"  # nothing answered right: no model can be fitted
    oos.write_text("".join(json.dumps({"id": f"o{i}", "question": q, "expected": []}) + "\n"
                           for i, q in enumerate(["left knee sprain icd-10",
                                                  "how do I reset my email password",
                                                  "what is the copay for a flu shot"])))
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), str(oos),
                                    "--calibration", str(cal)])
    assert res.exit_code == 8, res.output
    assert "cannot calibrate" in res.output and "one class" in res.output
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), str(oos),
                                    "--calibration", str(cal), "--shipped"])
    assert res.exit_code == 2 and "give one" in res.output
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(tmp_path / "nope"), TUNING,
                                    "--calibration", str(cal)])
    assert res.exit_code == 3, res.output  # no knowledge base there: says to ingest first
    res = CliRunner().invoke(main, ["calibrate", "--kb", "seed", str(seed_data_dir), TUNING,
                                    "--calibration", str(tmp_path / "missing" / "c.toml")])
    assert res.exit_code == 8 and "does not exist" in res.output
    assert cal.read_text() == text
