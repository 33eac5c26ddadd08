"""The project's errors: raised deep, translated to a message and an exit code only at the edges."""

from __future__ import annotations

from pathlib import Path


class RadoncQAError(Exception):
    """Base of every error a user can be shown; `str()` is the whole message."""

    exit_code = 1


class CorpusError(RadoncQAError):
    """A corpus file or folder cannot be used; names the file (and line) and what to fix."""

    exit_code = 2

    def __init__(self, path: Path | str, problem: str, hint: str, line: int | None = None):
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.hint = hint
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {problem} — {hint}")


class CorpusFormatError(CorpusError):
    """A document is readable but not in a format the parser understands."""


class SettingsError(RadoncQAError):
    """An environment variable or settings file holds a value that cannot be used."""

    exit_code = 2


class QueryError(RadoncQAError):
    """A question that cannot be searched as typed (empty, far too long…)."""

    exit_code = 2


class KnowledgeBaseMissing(RadoncQAError):
    """No active knowledge-base version exists yet."""

    exit_code = 3

    def __init__(self, where: str):
        super().__init__(
            f"No active knowledge base in {where}. Build one with `python -m ingest` "
            "(it reads corpus/ by default)."
        )


class VersionNotFound(RadoncQAError):
    """A knowledge-base version named by the user does not exist (or was pruned)."""

    exit_code = 3


class StoreUnavailable(RadoncQAError):
    """The vector store could not be reached or read; wraps the underlying chromadb error."""

    exit_code = 4


class IngestBusy(RadoncQAError):
    """Another ingest holds the lock; only one may build a version at a time."""

    exit_code = 5
