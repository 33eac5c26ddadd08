"""Exit codes are distinct per kind of refusal, listed in --help, and --json refusals are JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.__main__ import main as evals_main
from ingest.__main__ import main as ingest_main
from retrieval.__main__ import main as ask_main
from retrieval.errors import ExitCode
from tests.conftest import CORPUS


def test_codes_are_distinct_and_one_is_only_a_crash() -> None:
    assert len({int(c) for c in ExitCode}) == len(ExitCode)
    assert ExitCode.CRASH == 1 and ExitCode.USAGE == 2
    assert ExitCode.BAD_INPUT not in (1, 2) and ExitCode.FLOORS_MISSED not in (1, 2)


@pytest.mark.parametrize("cli, args", [(ask_main, []), (ingest_main, []), (evals_main, []),
                                       (evals_main, ["run"]), (evals_main, ["gate"])],
                         ids=["retrieval", "ingest", "evals", "evals-run", "evals-gate"])
def test_every_help_lists_the_codes(cli, args) -> None:  # type: ignore[no-untyped-def]
    out = CliRunner().invoke(cli, [*args, "--help"]).output
    assert "Exit codes: 0 ok, 1 unexpected crash, 2 usage error" in out
    assert "8 bad input, 9 eval floors missed" in out


def test_json_refusal_of_a_bad_question_is_an_object_on_stdout(tmp_path: Path) -> None:
    r = CliRunner().invoke(ask_main, ["   ", "--json", "--data", str(tmp_path)])
    assert r.exit_code == 8
    out = json.loads(r.stdout)
    assert out == {"error": out["error"], "kind": "EmptyQuery", "exit_code": 8}
    assert "The question is empty" in out["error"] and "The question is empty" in r.stderr


def test_json_refusal_of_a_bad_corpus_names_file_and_line(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text("Coding Question: what?\n", encoding="utf-8")
    r = CliRunner().invoke(ingest_main, ["--corpus", str(corpus), "--data", str(tmp_path / "d"),
                                         "--dry-run", "--json"])
    assert r.exit_code == 8, r.output
    out = json.loads(r.stdout)
    assert out["kind"] in ("CorpusFormatError", "CorpusError") and out["exit_code"] == 8
    assert out["file"].endswith("notes.txt") and out["error"] in r.stderr


def test_json_refusal_without_a_knowledge_base(tmp_path: Path) -> None:
    r = CliRunner().invoke(ingest_main, ["--data", str(tmp_path), "--corpus", str(CORPUS),
                                         "--repair", "--json"])
    assert r.exit_code == 3, r.output
    assert json.loads(r.stdout)["kind"] == "VersionNotFound"
