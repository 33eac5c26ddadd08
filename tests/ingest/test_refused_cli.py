"""`python -m ingest` lists every refused file, then --skip-refused builds from the rest (real
entry point, real model, quality gate as installed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ingest.layouts import write
from tests.ingest.test_refused import BACKWARDS, GOOD, NO_QA

pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def test_cli_lists_every_refusal_then_skip_refused_activates_the_rest(
        corpus_dir: Path, tmp_path: Path) -> None:
    write(corpus_dir, "skin-electrons.txt", GOOD)
    write(corpus_dir, "backwards.txt", BACKWARDS)
    write(corpus_dir, "news.html", NO_QA)
    data = tmp_path / "data"
    where = ["--corpus", str(corpus_dir), "--data", str(data)]

    refused = run(*where, "--json")
    assert refused.returncode == 8, refused.stderr
    out = json.loads(refused.stdout)
    assert out["kind"] == "CorpusRefused" and out["exit_code"] == 8
    assert [(Path(r["file"]).name, r["line"]) for r in out["refused"]] == [
        ("backwards.txt", 1), ("news.html", None)]
    assert all(r["problem"] and r["fix"] and r["served"] is False for r in out["refused"])
    assert f"{corpus_dir / 'backwards.txt'}:1: the code range" in refused.stderr
    assert f"{corpus_dir / 'news.html'}: no Q&A pairs found" in refused.stderr
    assert "note: " in refused.stderr and "--skip-refused" in refused.stderr
    assert json.loads(run("--data", str(data), "--list-versions", "--json").stdout) == []

    built = run(*where, "--skip-refused", "--json")
    assert built.returncode == 0, built.stderr
    report = json.loads(built.stdout)
    assert report["activated"] and report["documents"] == 2
    assert "skin-electrons:1" in report["added_ids"]
    assert [Path(r["file"]).name for r in report["left_out"]] == ["backwards.txt", "news.html"]
    assert report["quality_gate"]["passed"]  # the gate ran, as on every activation

    versions = json.loads(run("--data", str(data), "--list-versions", "--json").stdout)
    (active,) = [v for v in versions if v["active"]]
    assert active["version"] == report["kb_version"]
    assert active["info"]["left_out"] == report["left_out"]
