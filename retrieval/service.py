"""Wiring for the edges (CLIs, app, evals): settings → store + model → Retriever."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from retrieval.embedding import Embedder, default_embedder
from retrieval.errors import RadoncQAError
from retrieval.retriever import Retriever
from retrieval.settings import Settings
from retrieval.store import open_store

F = TypeVar("F", bound=Callable[..., Any])


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    return Retriever(open_store(settings), embedder or default_embedder(), top_k=settings.top_k)


def friendly_errors(fn: F) -> F:
    """Turn the project's errors into a one-line message on stderr and their exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RadoncQAError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)

    return wrapper  # type: ignore[return-value]


def print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))
