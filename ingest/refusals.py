"""Documents refused at ingest: every one collected and reported together, and which of them an
ingest may leave out (`skip_refused`): only new ones, never a document the active version serves.

A refusal is a CorpusError naming the file (the document, or its sidecar), the line and what to
fix. The corpus loader collects them all before deciding: one refusal is raised as itself (the
message and type scripts knew), several as CorpusRefused, which lists them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retrieval.entry import Document
from retrieval.errors import CorpusError

Refused = list[tuple[Path, CorpusError]]  # the document refused, and why

SKIP_NOTE = ("to build from the documents that parse, leaving the refused new ones out of "
             "this version, ingest again with --skip-refused (Admin page: “Build from the "
             "documents that parse”)")


def _lines(errors: list[CorpusError]) -> str:
    return "\n".join(f"  {e}" + ("  [served by the active version]" if e.served else "")
                     for e in errors)


class CorpusRefused(CorpusError):
    """Several documents refused at once, or ones an ingest may not leave out; lists them all.

    `path`, `line`, `problem` and `hint` are the first refusal's, as for a single CorpusError.
    """

    def __init__(self, refused: list[CorpusError], head: str, tail: str = "") -> None:
        first = refused[0]
        super().__init__(first.path, first.problem, first.hint, first.line)
        self.refused = refused
        self.head, self.tail = head, tail
        self.args = (f"{head}\n{_lines(refused)}" + (f"\n{tail}" if tail else ""),)

    def details(self) -> dict[str, Any]:
        return {**super().details(), "refused": [e.item() for e in refused_items(self)]}


def refused_items(e: CorpusError) -> list[CorpusError]:
    """Every refusal an error holds: CorpusRefused's list, or the error itself."""
    return list(e.refused) if isinstance(e, CorpusRefused) else [e]


def can_leave_out(e: CorpusError) -> bool:
    """Whether a skip_refused ingest could leave every refused document of `e` out."""
    return all(r.served is False for r in refused_items(e))


def serves(previous: dict[str, Document], document: Path, parsed_names: set[str]) -> bool:
    """Whether the active version's documents include the one `document` would be.

    The same name from another file (a.txt served, a.html added beside it) is that document
    only when no other file of that name parsed: otherwise the served one is still there.
    """
    served = previous.get(document.stem)
    if served is None:
        return False
    return served.filename == document.name or document.stem not in parsed_names


def settle(refused: Refused, *, skip: bool, kept: int, total: int) -> None:
    """Raise the refusals unless `skip` and every refused document is new and some parse.

    `kept`: documents left if the refused ones go; `total`: documents in the corpus.
    """
    errors = sorted((e for _, e in refused), key=lambda e: (str(e.path), e.line or 0))
    served = [e for e in errors if e.served]
    if not skip:
        if len(errors) == 1:
            error = errors[0]
            if not error.served:
                error.add_note(SKIP_NOTE)
            raise error
        names = len({d for d, _ in refused})
        raise _with_note(CorpusRefused(
            errors, f"{names} of the {total} corpus files {'was' if names == 1 else 'were'} "
            "refused (nothing was "
            "built; the active version is unchanged). Fix each:"), served, errors)
    if served:
        files = ", ".join(e.path.name for e in served)
        raise CorpusRefused(
            errors, "Refused documents cannot be left out while the active version serves "
            f"them ({files}): their guidance would vanish from the knowledge base. Nothing was "
            "built; the active version is unchanged. The refusals:",
            f"Fix {files}; or take the document out on purpose (--remove-document, or the "
            "Admin page's “Remove a document”).")
    if kept == 0:
        raise CorpusRefused(errors, "None of the corpus documents parse, so there is nothing "
                            "to build; the active version is unchanged. Fix each:")


def _with_note(e: CorpusRefused, served: list[CorpusError],
               errors: list[CorpusError]) -> CorpusRefused:
    if len(served) < len(errors):
        e.add_note(SKIP_NOTE + (f"; {', '.join(x.path.name for x in served)} cannot be left "
                                "out: the active version serves it" if served else ""))
    return e


def left_out_warning(e: CorpusError) -> str:
    """The report's line for a refused new document a skip_refused ingest left out."""
    where = f"{e.path.name}:{e.line}" if e.line is not None else e.path.name
    return (f"left out {where}, a refused new document: {e.problem} — {e.hint} (then ingest "
            "again to add its guidance)")
