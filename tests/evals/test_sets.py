"""Eval set files: JSONL and CSV read alike; bad files get a message naming file, line and fix."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evals.sets import (
    EvalRow,
    EvalSetError,
    check_ids,
    iter_rows,
    read_jsonl,
    read_set,
    read_sets,
    read_uploads,
    write_csv,
)
from tests.conftest import EVAL_SETS, SEED_IDS


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("name", ["seed-tuning-dev.jsonl", "seed-regression-dev.jsonl"])
def test_shipped_sets_as_csv_read_identically(tmp_path: Path, name: str) -> None:
    rows = read_jsonl(EVAL_SETS / name)
    buf = io.StringIO()
    write_csv(rows, buf)
    csv_rows = read_set(_write(tmp_path, name.replace(".jsonl", ".csv"), buf.getvalue()))
    strip = [(r.id, r.question, r.expected, r.context) for r in rows]
    assert [(r.id, r.question, r.expected, r.context) for r in csv_rows] == strip
    check_ids(rows, SEED_IDS)  # every shipped id exists in the shipped corpus


def test_csv_from_a_spreadsheet(tmp_path: Path) -> None:
    # BOM, capitalised header, no id column, quoted commas, ';' ids, blank line, empty = OOS
    text = ("\ufeffQuestion,Expected\n"
            '"Can we bill 77370, after treatment?",astro-daily-practice-physics:1\n'
            "\n"
            "77370,astro-daily-practice-physics:1; astro-daily-practice-physics:2\n"
            "recipe for soup,\n")
    rows = read_set(_write(tmp_path, "mine.csv", text))
    assert [r.question for r in rows] == ["Can we bill 77370, after treatment?", "77370",
                                          "recipe for soup"]
    assert rows[1].expected == ("astro-daily-practice-physics:1",
                                "astro-daily-practice-physics:2")
    assert rows[2].expected == () and not rows[2].in_scope
    assert [r.id for r in rows] == ["mine-2", "mine-4", "mine-5"]  # line numbers
    assert rows[0].line == 2


def test_semicolon_delimited_csv(tmp_path: Path) -> None:
    text = 'id;question;expected\nq1;who signs?;"a:1;a:2"\n'
    assert read_set(_write(tmp_path, "s.csv", text))[0].expected == ("a:1", "a:2")


def test_format_is_sniffed_without_a_known_suffix(tmp_path: Path) -> None:
    j = _write(tmp_path, "set.txt", '{"question": "q", "expected": []}\n')
    c = _write(tmp_path, "set2.txt", "question,expected\nq,\n")
    assert read_set(j)[0].question == "q" and read_set(c)[0].question == "q"


def test_context_is_kept(tmp_path: Path) -> None:
    line = {"id": "c1", "question": "and the report?", "expected": ["d:3"],
            "context": ["order for 77370?"]}
    rows = read_set(_write(tmp_path, "c.jsonl", json.dumps(line) + "\n"))
    assert rows[0].context == ("order for 77370?",)
    buf = io.StringIO()
    write_csv(rows, buf)
    assert read_set(_write(tmp_path, "c.csv", buf.getvalue()))[0].context == rows[0].context


BAD = [
    ("empty.jsonl", "", r"empty\.jsonl: the eval set is empty"),
    ("blank.csv", "\n\n  \n", r"blank\.csv: the eval set is empty"),
    ("header-only.csv", "question,expected\n", "the eval set is empty"),
    ("binary.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("latin1.csv", "question,expected\ncaf\xe9,\n".encode("latin-1"), "not UTF-8"),
    ("notes.txt", "just some notes\nabout coding\n", "neither JSONL nor CSV"),
    ("array.json", '[{"question": "q", "expected": []}]', "one JSON array"),
    ("nocol.csv", "id,prompt,answer\n1,q,a\n", r"nocol\.csv:1: .*no question or expected"),
    ("broken.jsonl", '{"question": "q", "expected": []}\n{"question": "q2", "exp\n',
     r"(?s)broken\.jsonl: 1 problem.*line 2: not valid JSON "
     r"\(Invalid control character at column 24\)"),
    ("noq.jsonl", '{"id": "a", "question": "  ", "expected": []}\n',
     "line 1: row a has no question"),
    ("noq.csv", "id,question,expected\nr7,,\n", "line 2: row r7 has no question"),
    ("exp.jsonl", '{"question": "q", "expected": "doc:1"}\n',
     "line 1: .*\"expected\" must be a list"),
    ("dup.jsonl", '{"id": "x", "question": "a", "expected": []}\n\n'
                  '{"id": "x", "question": "b", "expected": []}\n',
     "line 3: row id x repeats line 1"),
    ("dup.csv", "id,question,expected\nx,a,\nx,b,\n", "line 3: row id x repeats line 2"),
    ("fields.csv", "question,expected\na,b,c\n", "line 2: 3 fields but the header has 2"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_a_clear_message(tmp_path: Path, name: str,
                                                    content: str | bytes, message: str) -> None:
    with pytest.raises(EvalSetError, match=message) as e:
        read_set(_write(tmp_path, name, content))
    assert e.value.exit_code == 8
    assert str(tmp_path / name) in str(e.value)  # names the file


def test_every_problem_is_listed_not_just_the_first(tmp_path: Path) -> None:
    lines = ['{"question": "", "expected": []}'] * 3 + ["oops"] * 30
    with pytest.raises(EvalSetError) as e:
        read_set(_write(tmp_path, "many.jsonl", "\n".join(lines)))
    assert "33 problems" in str(e.value) and "… and 13 more" in str(e.value)
    assert len(e.value.problems) == 20


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match="no such eval set"):
        read_set(tmp_path / "nope.jsonl")
    with pytest.raises(EvalSetError, match="is a folder"):
        read_set(tmp_path)


def test_row_ids_must_be_unique_across_sets(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.jsonl", '{"id": "q1", "question": "a", "expected": []}\n')
    b = _write(tmp_path, "b.csv", "id,question,expected\nq1,b,\n")
    with pytest.raises(EvalSetError, match=r"row id q1 is in .*a\.jsonl:1 and .*b\.csv:2"):
        read_sets([a, b])


def test_unknown_ids_name_the_row_and_suggest_close_ones() -> None:
    rows = [EvalRow("r1", "q", ("astro-daily-practice-physics:1",), source="s.jsonl", line=1),
            EvalRow("r2", "q", ("astro-daily-practise-physics:4",), source="s.jsonl", line=2),
            EvalRow("r3", "q", ("astro-daily-practice-physics:9",), source="s.jsonl", line=3)]
    with pytest.raises(EvalSetError) as e:
        check_ids(rows, SEED_IDS, kb="v1")
    msg = str(e.value)
    assert "2 expected entry ids not found in knowledge base v1" in msg
    assert ("s.jsonl:2: row r2 expects unknown entry astro-daily-practise-physics:4 — did you "
            "mean astro-daily-practice-physics:4") in msg
    assert "s.jsonl:3: row r3 expects unknown entry astro-daily-practice-physics:9" in msg
    assert "r1" not in msg


def test_empty_knowledge_base_is_a_clear_error() -> None:
    with pytest.raises(EvalSetError, match="knowledge base has no entries.*python -m ingest"):
        check_ids([EvalRow("r", "q", ())], [])


@pytest.mark.timeout(120)
def test_a_100k_row_set_streams(tmp_path: Path) -> None:
    """Reading and checking 100k rows is linear: one pass, one suggestion lookup per bad id."""
    p = tmp_path / "huge.jsonl"
    with p.open("w", encoding="utf-8") as f:
        for i in range(100_000):
            exp = [SEED_IDS[i % 5]] if i % 3 else []
            f.write(json.dumps({"id": f"h{i}", "question": f"question {i} about 77370",
                                "expected": exp}) + "\n")
    with p.open("rb") as fh:
        first = next(iter_rows(fh, str(p)))  # the first row arrives before the file is read
    assert first.id == "h0"
    rows = read_set(p)
    assert len(rows) == 100_000
    check_ids(rows, SEED_IDS)
    bad = rows + [EvalRow(f"x{i}", "q", ("astro-daily-practice-physics:77",), source="b",
                          line=i) for i in range(50_000)]
    with pytest.raises(EvalSetError, match="50000 expected entry ids not found"):
        check_ids(bad, SEED_IDS)


def test_an_upload_can_be_read_again() -> None:
    """The app keeps an uploaded file across reruns; running it twice reads it twice."""
    up = io.BytesIO(b"question,expected\nwho signs?,d:3\n")
    first = read_uploads([("mine.csv", up)])
    assert read_uploads([("mine.csv", up)]) == first and first[0].expected == ("d:3",)
    assert first[0].source == "mine.csv" and first[0].id == "mine-2"


def test_a_set_runs_on_a_knowledge_base_that_holds_every_entry_it_expects() -> None:
    from evals.sets import EvalRow, asks_about

    rows = [EvalRow("a", "q1", ("doc:1",)), EvalRow("b", "q2", ()), EvalRow("c", "q3", ("doc:2",))]
    assert asks_about(rows, {"doc:1", "doc:2", "other:1"})
    assert not asks_about(rows, {"doc:1", "other:1"})  # one expected entry is missing
    assert asks_about([EvalRow("b", "q2", ())], {"doc:1"})  # out-of-scope rows fit any KB
