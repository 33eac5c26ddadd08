"""Eval sets and eval outputs: bad input is refused before any question, naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.__main__ import main
from evals.sets import EvalSetError, read_set
from tests.conftest import EVAL_SETS


def write(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_unterminated_quote_names_its_line(tmp_path: Path) -> None:
    p = write(tmp_path / "s.csv", 'id,question,expected\n'
                                  'q1,billing 77370,doc:1\n'
                                  'q2,"what is 77370,doc:1\n'
                                  'q3,other question,doc:2\n')
    with pytest.raises(EvalSetError, match=r"s\.csv:3: the CSV quoting is broken"):
        read_set(p)


def test_csv_multiline_quoted_question_is_still_fine(tmp_path: Path) -> None:
    p = write(tmp_path / "s.csv", 'id,question,expected\nq1,"two\nlines",doc:1\nq2,x y,doc:2\n')
    rows = read_set(p)
    assert [r.id for r in rows] == ["q1", "q2"] and rows[1].line == 4


@pytest.mark.parametrize("question", ["\u0001\u0002\u0003", "\u200b \ufeff", "\ud800 77370"],
                         ids=["controls", "zero-width", "surrogate"])
def test_unaskable_questions_are_bad_input(tmp_path: Path, question: str) -> None:
    row = json.dumps({"id": "c1", "question": question, "expected": []})
    p = write(tmp_path / "s.jsonl", '{"id": "ok", "question": "77370", "expected": []}\n'
                                    + row + "\n")
    with pytest.raises(EvalSetError, match=r'line 2: row c1, field "question": The question'):
        read_set(p)
    if "\ud800" in question:
        return  # a UTF-8 file cannot hold a lone surrogate; JSON's \ud800 escape can
    c = write(tmp_path / "s.csv", f"id,question,expected\nc1,{question},\n")
    with pytest.raises(EvalSetError, match="line 2: row c1, column question"):
        read_set(c)


@pytest.mark.parametrize(("rid", "kind"), [({"a": 1}, "a JSON object"), (True, "a boolean"),
                                           ([1], "a list"), (1.5, "a number")],
                         ids=["object", "bool", "list", "float"])
def test_non_text_ids_name_line_and_field(tmp_path: Path, rid: object, kind: str) -> None:
    p = write(tmp_path / "s.jsonl", json.dumps({"id": rid, "question": "q", "expected": []})
              + "\n")
    with pytest.raises(EvalSetError, match=f'line 1: field "id" is {kind}'):
        read_set(p)


def test_integer_ids_still_read(tmp_path: Path) -> None:
    p = write(tmp_path / "s.jsonl", json.dumps({"id": 7, "question": "q", "expected": []}) + "\n")
    assert read_set(p)[0].id == "7"


@pytest.mark.parametrize("option", ["--json", "--report", "--markdown"])
def test_run_checks_output_paths_before_asking(tmp_path: Path, option: str) -> None:
    # --data names no knowledge base: a check made after the run would report that instead
    data = str(tmp_path / "nothing")
    heldout = str(EVAL_SETS / "seed-regression-dev.jsonl")
    missing = CliRunner().invoke(main, ["run", heldout, "--data", data,
                                        option, str(tmp_path / "no" / "out")])
    assert missing.exit_code == 8, missing.output
    assert f"{option} {tmp_path / 'no' / 'out'}: the folder" in missing.output
    assert "does not exist" in missing.output
    folder = CliRunner().invoke(main, ["run", heldout, "--data", data, option, str(tmp_path)])
    assert folder.exit_code == 8 and "is a folder" in folder.output
    assert not isinstance(folder.exception, Exception) or isinstance(folder.exception,
                                                                     SystemExit)
