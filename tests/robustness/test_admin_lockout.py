"""The admin lockout counts per source, wherever the data dir is, the same on every path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from admin.auth import (
    ENV_HASH,
    ENV_PASSWORD,
    AdminAuth,
    AdminAuthError,
    hash_password,
    lockout_file,
)
from ingest.__main__ import main

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password(PASSWORD)


def test_one_source_locked_leaves_the_others_free(hashed: str, tmp_path: Path) -> None:
    auth = AdminAuth(hashed, tmp_path / "lockout.json")
    for _ in range(5):
        assert not auth.check("guess", source="mallory").ok
    locked = auth.check(PASSWORD, source="mallory")
    assert not locked.ok and "Too many wrong passwords" in locked.message  # no oracle either
    assert auth.check(PASSWORD, source="alice").ok
    assert AdminAuth(hashed, tmp_path / "lockout.json").locked_for("mallory") > 0


def test_cli_lockout_holds_across_data_dirs(hashed: str, tmp_path: Path) -> None:
    env = {ENV_HASH: hashed}
    for n in range(5):  # a new --data for every guess
        r = CliRunner().invoke(main, ["--data", str(tmp_path / f"d{n}"), "--rollback", "v1"],
                               env={**env, ENV_PASSWORD: f"guess {n}"})
        assert r.exit_code == 7, r.output
    right = CliRunner().invoke(main, ["--data", str(tmp_path / "fresh"), "--rollback", "v1"],
                               env={**env, ENV_PASSWORD: PASSWORD})
    assert right.exit_code == 7 and "Too many wrong passwords" in right.output
    f = lockout_file(Path(os.environ["XDG_STATE_HOME"]) / "radonc-qa", hashed)
    assert f.is_file() and not (tmp_path / "d0" / "admin-auth.json").exists()


def test_invalid_hash_message_is_one_story(tmp_path: Path) -> None:
    with pytest.raises(AdminAuthError) as err:
        AdminAuth("plaintext-password", tmp_path / "x.json")
    msg = str(err.value)
    assert "is not an argon2 hash" in msg and "No admin password is configured" not in msg
    assert "python -m ingest hash-password" in msg
