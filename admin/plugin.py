"""The admin services `python -m ingest` loads through its entry point (see ingest/hooks.py)."""

from __future__ import annotations

import getpass
import socket
import tempfile
from collections.abc import Callable
from functools import partial

from admin.auth import ENV_PASSWORD, AdminAuth, AdminAuthError, hash_password, lockout_file
from admin.gate import QualityGate
from admin.history import record_activation
from admin.review import ReviewBook
from appdb import AppDB
from ingest.hooks import ActivationLog
from retrieval.embedding import Embedder
from retrieval.errors import StoreUnavailable
from retrieval.settings import Settings


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def open_db(settings: Settings) -> AppDB:
    """The app database the settings name (SQLite under the data dir unless DATABASE_URL).

    StoreUnavailable, naming the folder, when it cannot be written (SQLite's own "unable to
    open database file" says less).
    """
    if settings.database_url is None:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=settings.data_dir).close()
        except OSError as e:
            raise StoreUnavailable(
                f"Cannot write to the data directory {settings.data_dir} ({e.strerror or e}): "
                "ingest, repair and rollback need write access (questions and eval runs do "
                "not). Fix its permissions or free space, or use --dry-run to preview") from None
    try:
        return AppDB(settings.db_url)
    except Exception as e:  # SQLAlchemy/driver errors: this is the database boundary
        raise StoreUnavailable(f"The app database is unavailable ({type(e).__name__}: "
                               f"{str(e).splitlines()[0]}); check DATABASE_URL or the data "
                               "directory") from None


class AdminServices:
    """ingest.hooks.AdminServices, backed by the admin package."""

    def quality_gate(self, embedder: Embedder, settings: Settings, override_reason: str | None,
                     progress: Callable[[int, int], None] | None = None) -> QualityGate:
        return QualityGate.from_settings(embedder, settings, override_reason=override_reason,
                                         progress=progress)

    def review_book(self, settings: Settings) -> ReviewBook:
        return ReviewBook(settings.data_dir / "evals")

    def activation_log(self, settings: Settings) -> ActivationLog:
        return partial(record_activation, open_db(settings))

    def require_admin(self, settings: Settings, what: str,
                      prompt: Callable[[str], str] | None) -> None:
        """The admin password from RADONC_QA_ADMIN_PASSWORD or `prompt`; AdminAuthError if wrong.

        `prompt` is None when nobody can be asked (no terminal).
        """
        hashed = settings.admin_password_hash
        secret = hashed.get_secret_value() if hashed else None
        auth = AdminAuth(secret, lockout_file(settings.state_dir, secret))
        if not auth.configured:
            auth.require(None)  # raises with how to set one
        given = settings.admin_password
        password = given.get_secret_value() if given is not None else None
        if password is None:
            if prompt is None:
                raise AdminAuthError(f"{what} needs the admin password: set {ENV_PASSWORD} or "
                                     "run it in a terminal to be asked")
            password = prompt(f"Admin password ({what})")
        auth.require(password, source=f"{_user()}@{socket.gethostname()} (cli)")

    def hash_password(self, password: str) -> str:
        return hash_password(password)


services = AdminServices()
