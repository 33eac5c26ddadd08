"""Admin sign-in tokens: survive a new session, expire, are revoked by signing out."""

from __future__ import annotations

import time
from pathlib import Path

from admin.signin import SignIns


def test_a_token_is_accepted_until_signed_out(tmp_path: Path) -> None:
    s = SignIns(tmp_path, "hash-a")
    token = s.issue()
    assert SignIns(tmp_path, "hash-a").check(token)  # a new server process, same data dir
    s.revoke(token)
    assert not s.check(token)  # a copy kept before signing out no longer works


def test_forged_expired_or_other_password_tokens_are_refused(tmp_path: Path) -> None:
    s = SignIns(tmp_path, "hash-a")
    token = s.issue()
    assert not s.check(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert not s.check("")
    assert not s.check(None)
    assert not SignIns(tmp_path, "hash-b").check(token)  # the password changed
    short = SignIns(tmp_path, "hash-a", lifetime_s=1)
    old = short.issue()
    time.sleep(2.1)  # itsdangerous timestamps have one-second resolution
    assert not short.check(old)


def test_the_key_and_open_sign_ins_live_under_the_given_folder(tmp_path: Path) -> None:
    SignIns(tmp_path / "data", "h").issue()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "admin-signin.key", "admin-signins.json"]
    assert (tmp_path / "data" / "admin-signin.key").stat().st_mode & 0o077 == 0
