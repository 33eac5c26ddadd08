"""Settings, read once at the edges (CLI entry points and app.py) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and which stores to use; env vars are prefixed `RADONC_QA_`."""

    model_config = SettingsConfigDict(env_prefix="RADONC_QA_", frozen=True, extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), validation_alias=AliasChoices("RADONC_QA_DATA", "data_dir")
    )
    corpus_dir: Path = Field(
        default=Path("corpus"), validation_alias=AliasChoices("RADONC_QA_CORPUS", "corpus_dir")
    )
    chroma_url: str | None = Field(
        default=None, validation_alias=AliasChoices("RADONC_QA_CHROMA_URL", "chroma_url")
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "RADONC_QA_DATABASE_URL", "database_url"),
    )
    embed_precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto",
        validation_alias=AliasChoices("RADONC_QA_EMBED_PRECISION", "embed_precision"),
    )
    top_k: int = Field(default=3, ge=1, le=20)
    keep_versions: int = Field(default=5, ge=2)

    @property
    def kb_dir(self) -> Path:
        """Folder of the embedded knowledge base (versions, active pointer, lock)."""
        return self.data_dir / "kb"

    @property
    def alternates_dir(self) -> Path:
        """Alternate phrasings admins attach (read by ingest with the corpus's own sidecars)."""
        return self.data_dir / "alternates"

    @property
    def db_url(self) -> str:
        """The app database: `DATABASE_URL` if set, else SQLite under the data dir."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'app.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, letting CLI flags (non-None overrides) win."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)  # type: ignore[arg-type]
