"""Admin password: argon2 hash from env or secrets, lockout after repeated failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from admin.auth import ENV_HASH, AdminAuth, AdminAuthError, hash_password
from ingest.__main__ import main

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password(PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_right_and_wrong_password(hashed: str, tmp_path: Path) -> None:
    auth = AdminAuth(hashed, tmp_path / "auth.json")
    assert hashed.startswith("$argon2") and PASSWORD not in hashed
    assert auth.check(PASSWORD).ok
    wrong = auth.check("correct horse battery ")
    assert not wrong.ok and "Wrong password (4 attempt(s) left" in wrong.message


def test_lockout_after_five_failures_holds_across_instances_then_ends(hashed: str,
                                                                      tmp_path: Path) -> None:
    clock = Clock()
    state = tmp_path / "auth.json"
    auth = AdminAuth(hashed, state, clock=clock)
    for _ in range(4):
        assert not auth.check("guess").ok
    fifth = auth.check("guess")
    assert not fifth.ok and "locked for 5 minutes" in fifth.message
    other = AdminAuth(hashed, state, clock=clock)  # another session / process / the CLI
    locked = other.check(PASSWORD)
    assert not locked.ok and "Too many wrong passwords" in locked.message
    clock.now += 301
    assert other.check(PASSWORD).ok


def test_success_resets_the_failure_count(hashed: str, tmp_path: Path) -> None:
    auth = AdminAuth(hashed, tmp_path / "auth.json")
    for _ in range(4):
        auth.check("guess")
    assert auth.check(PASSWORD).ok
    assert "4 attempt(s) left" in auth.check("guess").message


def test_not_configured_says_how_to_set_one(tmp_path: Path) -> None:
    auth = AdminAuth(None, tmp_path / "auth.json")
    result = auth.check("anything")
    assert not auth.configured and not result.ok
    assert "python -m ingest hash-password" in result.message and ENV_HASH in result.message


def test_a_hash_that_is_not_argon2_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AdminAuthError, match="not an argon2 hash"):
        AdminAuth("plaintext-password", tmp_path / "auth.json")


def test_short_passwords_are_refused() -> None:
    with pytest.raises(AdminAuthError, match="at least 10 characters"):
        hash_password("short")


def test_hash_password_cli() -> None:
    result = CliRunner().invoke(main, ["hash-password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    hashed = next(ln for ln in result.output.splitlines() if ln.startswith("$argon2"))
    assert AdminAuth(hashed).check(PASSWORD).ok
