"""The project's errors: raised deep, translated to a message and an exit code only at the edges."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """What every CLI's exit status means (the README table and each --help list them)."""

    OK = 0
    CRASH = 1  # an unexpected error (a bug): Python's own status, with a traceback
    USAGE = 2  # click: an unknown option, a missing argument
    NO_KNOWLEDGE_BASE = 3  # nothing ingested yet, or an unknown/pruned version
    UNAVAILABLE = 4  # the vector store, the app database or a needed component cannot be used
    BUSY = 5  # another ingest holds the lock
    GATE_FAILED = 6  # the quality gate refused a new version (nothing activated)
    ADMIN_PASSWORD = 7  # wrong or missing admin password, or locked out
    BAD_INPUT = 8  # a corpus file, query, eval set, setting or path that cannot be used
    FLOORS_MISSED = 9  # an eval run finished below a floor it was given


EXIT_CODES_HELP = (
    "\b\nExit codes: 0 ok, 1 unexpected crash, 2 usage error, 3 no knowledge base or unknown "
    "version,\n4 store/database unavailable, 5 another ingest running, 6 quality gate "
    "refused,\n7 admin password, 8 bad input, 9 eval floors missed (see the README)."
)


class RadoncQAError(Exception):
    """Base of every error a user can be shown; `str()` is the whole message."""

    exit_code: int = ExitCode.BAD_INPUT

    def details(self) -> dict[str, Any]:
        """Extra fields for a `--json` refusal (file, line, gate rows…)."""
        return {}


class CorpusError(RadoncQAError):
    """A corpus file or folder cannot be used; names the file (and line) and what to fix."""

    exit_code = ExitCode.BAD_INPUT
    # Whether the active version serves the refused document (set by the corpus loader; None
    # for a refusal that is not about one document, or where nobody asked).
    served: bool | None = None

    def __init__(self, path: Path | str, problem: str, hint: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.hint = hint
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {problem} — {hint}")

    def item(self) -> dict[str, Any]:
        """This refusal as one row of a `--json` "refused" list: file, line, problem, fix."""
        row: dict[str, Any] = {"file": str(self.path), "line": self.line,
                               "problem": self.problem, "fix": self.hint}
        if self.served is not None:
            row["served"] = self.served
        return row

    def details(self) -> dict[str, Any]:
        return {"file": str(self.path), "line": self.line, "problem": self.problem,
                "hint": self.hint, "refused": [self.item()]}


class CorpusFormatError(CorpusError):
    """A document is readable but not in a format the parser understands."""


class SettingsError(RadoncQAError):
    """An environment variable or settings file holds a value that cannot be used."""

    exit_code = ExitCode.BAD_INPUT


class QueryError(RadoncQAError):
    """A question that cannot be searched as typed (empty, far too long…)."""

    exit_code = ExitCode.BAD_INPUT


class EmptyQuery(QueryError):
    """A question with nothing searchable in it (blank, or control characters only)."""


class DataDirInvalid(RadoncQAError):
    """`--data` (or RADONC_QA_DATA) names something that is not a folder."""

    exit_code = ExitCode.BAD_INPUT


class KnowledgeBaseMissing(RadoncQAError):
    """No active knowledge-base version exists yet."""

    exit_code = ExitCode.NO_KNOWLEDGE_BASE

    def __init__(self, where: str):
        super().__init__(
            f"No active knowledge base in {where}. Build one with `python -m ingest` "
            "(it reads DATA/corpus, seeded from the shipped corpus/, by default)."
        )


class VersionNotFound(RadoncQAError):
    """A knowledge-base version named by the user does not exist (or was pruned)."""

    exit_code = ExitCode.NO_KNOWLEDGE_BASE


class StoreUnavailable(RadoncQAError):
    """The vector store could not be reached or read; wraps the underlying chromadb error."""

    exit_code = ExitCode.UNAVAILABLE


class ActivePointerDamaged(StoreUnavailable):
    """`active.json` holds something other than a version name; `--repair` fixes it."""


class IngestBusy(RadoncQAError):
    """Another ingest holds the lock; only one may build a version at a time."""

    exit_code = ExitCode.BUSY
