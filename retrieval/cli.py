"""Helpers shared by the command-line edges (`python -m retrieval|ingest|evals`); click lives here.

Kept inside `retrieval` (not a top-level module) so every CLI depends on retrieval only and no
package imports another just to print an error.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from retrieval.errors import RadoncQAError

F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(fn: F) -> F:
    """Turn the project's errors into a one-line message on stderr and their exit code.

    A command run with `--json` (its `as_json` flag) also prints the refusal on stdout as one
    object, `{"error", "kind", "exit_code", …details}`, so a script never reads an empty string.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RadoncQAError as e:
            click.echo(f"error: {e}", err=True)
            for note in getattr(e, "__notes__", ()):  # what else the user can do (add_note)
                click.echo(f"note: {note}", err=True)
            if kwargs.get("as_json"):
                print_json(refusal(e))
            sys.exit(int(e.exit_code))

    return wrapper  # type: ignore[return-value]


def refusal(e: RadoncQAError) -> dict[str, Any]:
    """The `--json` form of a refused command."""
    notes = list(getattr(e, "__notes__", ()))
    return {"error": str(e), "kind": type(e).__name__, "exit_code": int(e.exit_code),
            **e.details(), **({"notes": notes} if notes else {})}


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))
