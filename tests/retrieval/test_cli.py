"""The command-line contract of DESIGN.md, run as a user would (new processes, real model)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EVAL_SETS, REPO, SEED_IDS

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli-data")
    p = run("ingest", "--corpus", str(CORPUS), "--data", str(d), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"kb_version", "entries", "documents", "added", "updated", "removed", "unchanged",
            "dry_run"} <= set(out)
    assert out["entries"] == 5 and out["added"] == 5 and out["dry_run"] is False
    return d


def test_retrieval_cli_prints_the_answer_with_disclaimer(data: Path) -> None:
    p = run("retrieval", "can we bill 77370 after radiation ended?", "--data", str(data))
    assert p.returncode == 0, p.stderr
    assert "CPT® code 77370 (Special medical radiation physics consultation) is used" in p.stdout
    assert "Disclaimer: The opinions referenced" in p.stdout
    assert "CPT is registered trademark of the American Medical Association." in p.stdout


def test_retrieval_cli_json_and_abstention(data: Path) -> None:
    p = run("retrieval", "what's the weather in boston", "--data", str(data), "--json")
    out = json.loads(p.stdout)
    assert p.returncode == 0 and out["abstained"] is True and out["results"] == []
    assert out["suggestions"] and out["kb_version"]
    human = run("retrieval", "what's the weather in boston", "--data", str(data))
    assert "No matching guidance in the knowledge base" in human.stdout


def test_env_var_names_the_data_dir(data: Path) -> None:
    p = run("retrieval", "77336", "--json", env={"RADONC_QA_DATA": str(data)})
    assert json.loads(p.stdout)["results"][0]["id"] == SEED_IDS[3]


def test_exit_codes_and_messages(tmp_path: Path, data: Path) -> None:
    empty = run("retrieval", "   ", "--data", str(data))
    assert empty.returncode == 8 and "question is empty" in empty.stderr
    assert "Traceback" not in empty.stderr
    missing = run("retrieval", "77370", "--data", str(tmp_path / "none"))
    assert missing.returncode == 3 and "python -m ingest" in missing.stderr
    bad = tmp_path / "corpus"
    bad.mkdir()
    (bad / "notes.txt").write_text("Coding Answer: orphan\n\nDisclaimer: x\n", encoding="utf-8")
    p = run("ingest", "--corpus", str(bad), "--data", str(data))
    assert p.returncode == 8 and "notes.txt:1" in p.stderr and "Traceback" not in p.stderr


def test_ingest_dry_run_json(data: Path) -> None:
    p = run("ingest", "--corpus", str(CORPUS), "--data", str(data), "--dry-run", "--json")
    out = json.loads(p.stdout)
    assert out["dry_run"] is True and out["unchanged"] == 5 and out["added"] == 0


def test_evals_run_writes_the_contract_json(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    p = run("evals", "run", str(EVAL_SETS / "seed-tuning-dev.jsonl"), "--data", str(data),
            "--json", str(out))
    assert p.returncode == 0, p.stderr
    d = json.loads(out.read_text(encoding="utf-8"))
    assert {"kb_version", "metrics", "rows"} <= set(d)
    row = d["rows"][0]
    assert {"id", "question", "expected", "abstained", "results"} <= set(row)
