"""Read and check eval sets: JSONL rows `{"id", "question", "expected": [ids], "context"?}` or CSV.

CSV sets have a header row with the columns `question`, `expected` (entry ids separated by `;`,
empty for out of scope) and optionally `id` and `context` (earlier questions separated by ` || `).
Files are read line by line, so a 100k-row set streams; every problem names the file and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rapidfuzz import fuzz, process

from retrieval.errors import ExitCode, QueryError, RadoncQAError
from retrieval.text import clean_query

CSV_ID_SEP = ";"
CSV_CONTEXT_SEP = " || "
MAX_PROBLEMS = 20  # listed in one error; the rest are counted
SNIFF_BYTES = 8192
FORMATS = ("jsonl", "csv")


class EvalSetError(RadoncQAError):
    """An eval set that cannot be used as given; the message lists every problem found."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        super().__init__(message)

    def details(self) -> dict[str, Any]:
        return {"problems": self.problems}


@dataclass(frozen=True)
class EvalRow:
    id: str
    question: str
    expected: tuple[str, ...]
    context: tuple[str, ...] = field(default=())
    source: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return bool(self.expected)


def _problems_error(name: str, problems: list[str], total: int) -> EvalSetError:
    more = f"\n  … and {total - len(problems)} more" if total > len(problems) else ""
    head = f"{name}: {total} problem{'s' if total != 1 else ''} in the eval set"
    return EvalSetError(head + ":\n  " + "\n  ".join(problems) + more, problems)


class _Collector:
    """Gathers row problems so one message can list them all (up to MAX_PROBLEMS)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.shown: list[str] = []
        self.total = 0

    def add(self, line: int, msg: str) -> None:
        self.total += 1
        if len(self.shown) < MAX_PROBLEMS:
            self.shown.append(f"line {line}: {msg}")

    def raise_if_any(self) -> None:
        if self.total:
            raise _problems_error(self.name, self.shown, self.total)


def detect_format(name: str, head: bytes) -> str:
    """`jsonl` or `csv`, from the file name, else from its first bytes; EvalSetError if neither."""
    if b"\x00" in head:
        raise EvalSetError(f"{name}: this is a binary file, not an eval set — save the set as "
                           "JSONL (one JSON object per line) or CSV (a header row with "
                           "question,expected)")
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise EvalSetError(f"{name}: not UTF-8 text — save the eval set as UTF-8 JSONL or "
                           "CSV") from None
    suffix = Path(name).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    first = text.lstrip()[:1]
    if not first:
        raise EvalSetError(f"{name}: the eval set is empty — add rows like "
                           '{"id": "q1", "question": "…", "expected": ["doc:1"]}')
    if first == "{":
        return "jsonl"
    if first == "[":
        raise EvalSetError(f"{name}: looks like one JSON array — an eval set has one JSON "
                           "object per line (JSONL)")
    header = text.splitlines()[0].lower() if text.splitlines() else ""
    if "question" in header and "expected" in header:
        return "csv"
    raise EvalSetError(f"{name}: neither JSONL nor CSV — use one JSON object per line "
                       '({"id", "question", "expected"}) or a CSV with a header row '
                       "id,question,expected")


def _json_kind(x: object) -> str:
    """How JSON calls a value's type, for messages."""
    if isinstance(x, bool):
        return f"a boolean ({str(x).lower()})"
    if isinstance(x, dict):
        return "a JSON object"
    if isinstance(x, list):
        return "a list"
    return f"a number ({x})" if isinstance(x, float) else type(x).__name__


def _question_problem(q: str) -> str | None:
    """Why a question cannot be asked (the chat's own check), or None."""
    try:
        clean_query(q)
    except QueryError as e:
        return str(e)
    return None


def _rows_jsonl(lines: Iterable[str], name: str, stem: str,
                bad: _Collector) -> Iterator[EvalRow]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            bad.add(n, f"not valid JSON ({e.msg.removesuffix(' at')} at column {e.colno}); "
                       "each line must be one "
                       'object like {"id": "q1", "question": "…", "expected": ["doc:1"]}')
            continue
        if not isinstance(obj, dict):
            bad.add(n, "expected a JSON object with question and expected")
            continue
        raw_id = obj.get("id")
        if raw_id is not None and (isinstance(raw_id, bool)
                                   or not isinstance(raw_id, str | int)):
            bad.add(n, f"field \"id\" is {_json_kind(raw_id)} — give each row a text id "
                       'such as "q1" (or leave it out to number the rows)')
            continue
        rid = str(raw_id).strip() if raw_id not in (None, "") else f"{stem}-{n}"
        q = obj.get("question")
        exp = obj.get("expected")
        ctx = obj.get("context", [])
        if not isinstance(q, str) or not q.strip():
            bad.add(n, f"row {rid} has no question — give it a non-empty \"question\"")
            continue
        if (problem := _question_problem(q)) is not None:
            bad.add(n, f"row {rid}, field \"question\": {problem}")
            continue
        if not isinstance(exp, list) or not all(isinstance(x, str) for x in exp):
            bad.add(n, f"row {rid}: \"expected\" must be a list of entry ids ([] for out of "
                       "scope)")
            continue
        if not isinstance(ctx, list) or not all(isinstance(x, str) for x in ctx):
            bad.add(n, f"row {rid}: \"context\" must be a list of earlier questions")
            continue
        yield EvalRow(rid, q, tuple(x.strip() for x in exp if x.strip()), tuple(ctx), name, n)


def _rows_csv(lines: Iterable[str], name: str, stem: str,
              bad: _Collector) -> Iterator[EvalRow]:
    it = iter(lines)
    skipped = 0  # blank lines before the header
    first = ""
    for first in it:
        if first.strip():
            break
        skipped += 1
    if not first.strip():
        return
    # the header names the delimiter: spreadsheets in some locales save with ';' or tabs
    delimiter = max(",;\t", key=first.count)

    def chained() -> Iterator[str]:
        yield first
        yield from it

    # strict: an unterminated quote is an error, not a field that swallows the rows below it
    reader = csv.reader(chained(), delimiter=delimiter, strict=True)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("question", "expected") if c not in header]
    if missing:
        raise EvalSetError(f"{name}:{skipped + 1}: the CSV header has no "
                           f"{' or '.join(missing)} column "
                           f"(found: {', '.join(header) or 'nothing'}) — the header must be "
                           "id,question,expected (id optional)")
    col = {h: i for i, h in enumerate(header)}
    while True:
        start = reader.line_num + skipped + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise EvalSetError(
                f"{name}:{start}: the CSV quoting is broken from this line on ({e}) — a quote "
                "that opens a field must close it; double a quote inside a quoted field "
                '("")') from None
        n = start
        if not any(c.strip() for c in rec):
            continue
        if len(rec) < len(header):
            rec = rec + [""] * (len(header) - len(rec))
        elif len(rec) > len(header):
            bad.add(n, f"{len(rec)} fields but the header has {len(header)} — quote a "
                       "question that contains the delimiter")
            continue
        rid = rec[col["id"]].strip() if "id" in col else ""
        rid = rid or f"{stem}-{n}"
        q = rec[col["question"]]
        if not q.strip():
            bad.add(n, f"row {rid} has no question — fill in the question column")
            continue
        if (problem := _question_problem(q)) is not None:
            bad.add(n, f"row {rid}, column question: {problem}")
            continue
        exp = tuple(x.strip() for x in rec[col["expected"]].split(CSV_ID_SEP) if x.strip())
        ctx: tuple[str, ...] = ()
        if "context" in col and rec[col["context"]].strip():
            ctx = tuple(c.strip() for c in rec[col["context"]].split(CSV_CONTEXT_SEP.strip())
                        if c.strip())
        yield EvalRow(rid, q, exp, ctx, name, n)


def iter_rows(stream: IO[bytes], name: str, fmt: str | None = None) -> Iterator[EvalRow]:
    """Rows of one eval set read from a binary stream (a file or an upload), checked as it goes.

    Raises EvalSetError listing every malformed line, empty question and repeated id.
    """
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b""
    if not head:
        pos = stream.tell()
        head = stream.read(SNIFF_BYTES)
        stream.seek(pos)
    fmt = fmt or detect_format(name, head)
    if fmt not in FORMATS:
        raise EvalSetError(f"{name}: unknown eval set format {fmt!r} (use jsonl or csv)")
    if b"\x00" in head:
        detect_format(name, head)  # raises the binary-file message
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="" if fmt == "csv" else None)
    bad = _Collector(name)
    seen: dict[str, int] = {}
    count = 0
    stem = Path(name).stem
    reader = _rows_csv if fmt == "csv" else _rows_jsonl
    try:
        for row in reader(text, name, stem, bad):
            if row.id in seen:
                bad.add(row.line, f"row id {row.id} repeats line {seen[row.id]} — ids must be "
                                  "unique")
                continue
            seen[row.id] = row.line
            count += 1
            if not bad.total:
                yield row
    except UnicodeDecodeError:
        raise EvalSetError(f"{name}: not UTF-8 text — save the eval set as UTF-8 JSONL or "
                           "CSV") from None
    except csv.Error as e:
        raise EvalSetError(f"{name}: not a readable CSV ({e}) — check the quoting") from None
    finally:
        text.detach()
    bad.raise_if_any()
    if not count:
        raise EvalSetError(f"{name}: the eval set is empty — add at least one row with a "
                           "question")


def read_set(path: Path, fmt: str | None = None) -> list[EvalRow]:
    """All rows of a JSONL or CSV eval set file (format from the suffix, else sniffed)."""
    path = Path(path)
    if path.is_dir():
        raise EvalSetError(f"{path}: is a folder — name the eval set files in it")
    try:
        with path.open("rb") as f:
            return list(iter_rows(f, str(path), fmt))
    except FileNotFoundError:
        raise EvalSetError(f"{path}: no such eval set") from None


def read_jsonl(path: Path) -> list[EvalRow]:
    """Rows of a JSONL eval set; EvalSetError names the file, line and what to fix."""
    return read_set(path, "jsonl")


def read_sets(paths: Iterable[Path]) -> list[EvalRow]:
    """Rows of several set files in order; a row id may not repeat across them either."""
    return _unique_across(read_set(Path(p)) for p in paths)


def read_uploads(files: Iterable[tuple[str, IO[bytes]]]) -> list[EvalRow]:
    """Rows of uploaded sets given as (file name, binary stream), checked like files.

    Each stream is read from its start, so the same upload can be run again.
    """

    def rows(name: str, stream: IO[bytes]) -> list[EvalRow]:
        if stream.seekable():
            stream.seek(0)
        return list(iter_rows(stream, name))

    return _unique_across(rows(name, stream) for name, stream in files)


def _unique_across(sets: Iterable[list[EvalRow]]) -> list[EvalRow]:
    rows: list[EvalRow] = []
    where: dict[str, EvalRow] = {}
    clashes: list[str] = []
    for set_rows in sets:
        for r in set_rows:
            if r.id in where:
                o = where[r.id]
                clashes.append(f"row id {r.id} is in {o.source}:{o.line} and {r.source}:{r.line}")
            else:
                where[r.id] = r
            rows.append(r)
    if clashes:
        raise _problems_error("eval sets", clashes[:MAX_PROBLEMS], len(clashes))
    return rows


def asks_about(rows: Iterable[EvalRow], known: Iterable[str]) -> bool:
    """Whether a set can run on this knowledge base: every entry its rows expect is one the
    knowledge base holds (a set written for other documents would only be refused)."""
    known_set = set(known)
    return all(x in known_set for r in rows for x in r.expected)


def check_ids(rows: Iterable[EvalRow], known: Iterable[str], *, kb: str = "",
              removed: Mapping[str, str] | None = None) -> None:
    """EvalSetError naming every row whose expected ids are not in the knowledge base.

    An id the knowledge base removed says so (`removed`: id → "removed in version X…", from
    retrieval.ids); any other unknown id comes with the closest existing ids (typos).
    """
    known_list = sorted(set(known))
    if not known_list:
        raise EvalSetError("The knowledge base has no entries, so no eval set can be checked "
                           "against it — ingest a corpus first (`python -m ingest`)")
    known_set = set(known_list)
    close: dict[str, list[str]] = {}
    problems: list[str] = []
    total = 0
    for r in rows:
        for x in r.expected:
            if x in known_set:
                continue
            total += 1
            if len(problems) >= MAX_PROBLEMS:
                continue
            if removed and x in removed:
                problems.append(f"{r.source}:{r.line}: row {r.id} expects {x}, which "
                                f"{removed[x]} — point the row at the entry that answers it "
                                "now, or delete the row")
                continue
            if x not in close:
                close[x] = [m for m, _, _ in process.extract(
                    x, known_list, scorer=fuzz.ratio, limit=3)]
            hint = f" — did you mean {', '.join(close[x])}?" if close[x] else ""
            problems.append(f"{r.source}:{r.line}: row {r.id} expects unknown entry {x}{hint}")
    if total:
        where = f" in knowledge base {kb}" if kb else ""
        more = f"\n  … and {total - len(problems)} more" if total > len(problems) else ""
        raise EvalSetError(f"{total} expected entry id{'s' if total != 1 else ''} not "
                           f"found{where}:\n  " + "\n  ".join(problems) + more, problems)


def write_csv(rows: Iterable[EvalRow], out: IO[str]) -> None:
    """Write rows as a CSV eval set (the spreadsheet form of a JSONL set)."""
    w = csv.writer(out)
    w.writerow(["id", "question", "expected", "context"])
    for r in rows:
        w.writerow([r.id, r.question, CSV_ID_SEP.join(r.expected),
                    CSV_CONTEXT_SEP.join(r.context)])
