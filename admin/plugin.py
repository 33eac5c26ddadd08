"""The admin services `python -m ingest` loads through its entry point (see ingest/hooks.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from admin.auth import ENV_PASSWORD, AdminAuth, AdminAuthError, hash_password
from admin.gate import QualityGate
from admin.history import record_activation
from appdb import AppDB
from ingest.hooks import ActivationLog
from retrieval.embedding import Embedder
from retrieval.settings import Settings


def open_db(settings: Settings) -> AppDB:
    """The app database the settings name (SQLite under the data dir unless DATABASE_URL)."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return AppDB(settings.db_url)


class AdminServices:
    """ingest.hooks.AdminServices, backed by the admin package."""

    def quality_gate(self, embedder: Embedder, settings: Settings,
                     override_reason: str | None) -> QualityGate:
        return QualityGate.from_settings(embedder, settings, override_reason=override_reason)

    def activation_log(self, settings: Settings) -> ActivationLog:
        return partial(record_activation, open_db(settings))

    def require_admin(self, settings: Settings, what: str,
                      prompt: Callable[[str], str] | None) -> None:
        """The admin password from RADONC_QA_ADMIN_PASSWORD or `prompt`; AdminAuthError if wrong.

        `prompt` is None when nobody can be asked (no terminal).
        """
        hashed = settings.admin_password_hash
        auth = AdminAuth(hashed.get_secret_value() if hashed else None,
                         settings.data_dir / "admin-auth.json")
        if not auth.configured:
            auth.require(None)  # raises with how to set one
        given = settings.admin_password
        password = given.get_secret_value() if given is not None else None
        if password is None:
            if prompt is None:
                raise AdminAuthError(f"{what} needs the admin password: set {ENV_PASSWORD} or "
                                     "run it in a terminal to be asked")
            password = prompt(f"Admin password ({what})")
        auth.require(password)

    def hash_password(self, password: str) -> str:
        return hash_password(password)


services = AdminServices()
