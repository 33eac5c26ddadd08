"""Admin sign-ins that survive a browser refresh: signed, expiring, revocable tokens.

Streamlit keeps no server session across a refresh, so a sign-in is a token the browser keeps
(the Admin page stores it in a cookie). A token is signed with a key kept under the data dir
mixed with the configured password hash (changing the password signs everyone out), expires
after its lifetime, and names a sign-in id that must still be listed as open: signing out
removes it, so a copied token is useless afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

LIFETIME_S = 4 * 3600
COOKIE = "radonc_admin_signin"
_SALT = "radonc-admin-signin"
_lock = threading.Lock()


class SignIns:
    """Issue, check and revoke admin sign-in tokens (state in two files under `folder`)."""

    def __init__(self, folder: Path, password_hash: str, lifetime_s: int = LIFETIME_S) -> None:
        self.lifetime_s = lifetime_s
        self._open = Path(folder) / "admin-signins.json"
        key = _secret(Path(folder) / "admin-signin.key")
        self._serializer = URLSafeTimedSerializer(key + password_hash, salt=_SALT)

    def issue(self) -> str:
        """A new sign-in: its token, valid for the lifetime unless revoked."""
        sid = secrets.token_urlsafe(16)
        with _lock:
            open_ = self._read()
            open_[sid] = time.time() + self.lifetime_s
            self._write(open_)
        return str(self._serializer.dumps({"sid": sid}))

    def check(self, token: str | None) -> bool:
        """True while the token is authentic, unexpired and not signed out."""
        sid = self._sid(token)
        if sid is None:
            return False
        with _lock:
            return self._read().get(sid, 0.0) > time.time()

    def revoke(self, token: str | None) -> None:
        """Sign out: the token (and any copy of it) is no longer accepted."""
        sid = self._sid(token)
        if sid is None:
            return
        with _lock:
            open_ = self._read()
            if open_.pop(sid, None) is not None:
                self._write(open_)

    def _sid(self, token: str | None) -> str | None:
        if not token:
            return None
        try:
            data = self._serializer.loads(token, max_age=self.lifetime_s)
        except BadSignature:  # also SignatureExpired
            return None
        sid = data.get("sid") if isinstance(data, dict) else None
        return sid if isinstance(sid, str) else None

    def _read(self) -> dict[str, float]:
        try:
            data = json.loads(self._open.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, open_: dict[str, float]) -> None:
        now = time.time()
        live = {k: v for k, v in open_.items() if v > now}  # expired sign-ins are dropped
        self._open.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._open.with_name(f".{self._open.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(live), encoding="utf-8")
        os.replace(tmp, self._open)


def _secret(path: Path) -> str:
    """The signing key under the data dir, created once (readable by the server's user only)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    return key
