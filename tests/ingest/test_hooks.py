"""How `python -m ingest` finds the quality gate: an entry point, not an import of admin."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import hooks
from ingest.__main__ import main

REPO = Path(__file__).resolve().parents[2]


def declared() -> list[EntryPoint]:
    """The entry points pyproject.toml declares for the group (what `pip install -e` installs)."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["project"]["entry-points"][hooks.ENTRY_POINT_GROUP]
    return [EntryPoint(name, value, hooks.ENTRY_POINT_GROUP) for name, value in table.items()]


def test_the_declared_entry_point_loads_the_admin_services(settings) -> None:  # type: ignore[no-untyped-def]
    from admin.gate import QualityGate
    from tests.fakes import HashingEmbedder

    services = hooks.load_admin_services(declared())
    gate = services.quality_gate(HashingEmbedder(), settings, "  reason  ")
    assert isinstance(gate, QualityGate) and gate.override_reason == "reason"
    assert services.hash_password("a long enough password").startswith("$argon2")


def test_without_an_entry_point_the_error_says_how_to_install() -> None:
    with pytest.raises(hooks.AdminServicesMissing, match="pip install -e"):
        hooks.load_admin_services([])


def test_the_cli_refuses_to_activate_ungated_but_a_dry_run_needs_no_gate(
        settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(hooks, "entry_points", lambda group: [])
    args = ["--corpus", str(settings.corpus_dir), "--data", str(settings.data_dir)]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "no quality gate is installed" in refused.output
    assert not (settings.data_dir / "kb").exists() or not any((settings.data_dir / "kb").iterdir())
    dry = CliRunner().invoke(main, [*args, "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
