"""What a caller hands to ingest: a quality gate, an activation log, the admin services.

Ingest builds versions; deciding whether one is good enough (the eval sets) and who may bypass
that (the admin password) belong to other packages, which import ingest, not the reverse. The
Admin page passes them in directly. The `python -m ingest` CLI finds them through the entry
point group `radonc_qa.ingest_admin` (declared in pyproject.toml, installed by `pip install -e`),
so the command keeps gating every activation without ingest importing `admin` or `evals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Protocol

from retrieval.errors import RadoncQAError

if TYPE_CHECKING:
    from retrieval.embedding import Embedder
    from retrieval.settings import Settings
    from retrieval.store.base import KBStore

ENTRY_POINT_GROUP = "radonc_qa.ingest_admin"


class GateVerdict(Protocol):
    """The outcome of a quality gate on one new version."""

    passed: bool
    rows: int
    skipped: int
    failures: list[str]
    wrong_rows: list[dict[str, Any]]
    broken_rows: list[dict[str, Any]]
    override_reason: str | None

    def to_dict(self) -> dict[str, Any]: ...


class QualityGate(Protocol):
    """Judges a written, not yet active version; `override_reason` activates it anyway."""

    override_reason: str | None

    def check(self, store: KBStore, version: str, previous: str | None = None,
              renamed: dict[str, str] | None = None) -> GateVerdict: ...


class ActivationLog(Protocol):
    """Records an activation (ingest or rollback) in the history; must not raise."""

    def __call__(self, *, version: str, previous: str | None, actor: str, action: str,
                 documents: list[str], counts: dict[str, Any],
                 note: str | None = None) -> object: ...


class AdminServices(Protocol):
    """What the `python -m ingest` CLI needs from the admin package."""

    def quality_gate(self, embedder: Embedder, settings: Settings,
                     override_reason: str | None) -> QualityGate: ...

    def activation_log(self, settings: Settings) -> ActivationLog: ...

    def require_admin(self, settings: Settings, what: str,
                      prompt: Callable[[str], str] | None) -> None: ...

    def hash_password(self, password: str) -> str: ...


class QualityGateFailed(RadoncQAError):
    """The new version scored below a floor; it was not activated."""

    exit_code = 6

    def __init__(self, result: GateVerdict) -> None:
        self.result = result
        broken = ", ".join(r["id"] for r in result.broken_rows[:10]) or "none newly broken"
        super().__init__(
            "Quality gate failed, the new version was NOT activated: "
            + "; ".join(result.failures) + f". Rows that broke: {broken}. Fix the corpus, or "
            "activate anyway with a written reason (--override-reason \"…\" or the Admin page).")


class AdminServicesMissing(RadoncQAError):
    """No package provides the quality gate and admin checks the CLI must run."""

    exit_code = 2


def load_admin_services(found: Iterable[EntryPoint] | None = None) -> AdminServices:
    """The admin services registered under ENTRY_POINT_GROUP (the first one, by name).

    `found` replaces the installed entry points (tests).
    """
    eps = sorted(entry_points(group=ENTRY_POINT_GROUP) if found is None else found,
                 key=lambda ep: ep.name)
    if not eps:
        raise AdminServicesMissing(
            f"no quality gate is installed (entry point group {ENTRY_POINT_GROUP}); run "
            "`pip install -e .` in the project folder so `python -m ingest` can gate the version")
    services: AdminServices = eps[0].load()
    return services
