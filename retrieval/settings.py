"""Settings, read once at the edges (CLI entry points and app.py) and passed down.

Every environment variable the project reads is a field here (the README has the table). The
admin password hash may also come from Streamlit's `.streamlit/secrets.toml` (working directory),
where the environment wins.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from retrieval.errors import SettingsError

SECRETS_FILE = Path(".streamlit") / "secrets.toml"
SECRETS_KEYS = {"admin_password_hash"}  # the rest of secrets.toml is Streamlit's business


class StreamlitSecrets(TomlConfigSettingsSource):
    """The admin hash from `.streamlit/secrets.toml`, the file Streamlit itself reads."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls, toml_file=Path.cwd() / SECRETS_FILE)

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in super().__call__().items() if k in SECRETS_KEYS}


def _env(name: str, field: str) -> Any:
    return AliasChoices(name, field)


class Settings(BaseSettings):
    """Where the data lives, which stores to use, the quality gate and the admin password."""

    # env_ignore_empty: `VAR=` means "not set" (the default), never an empty path or URL
    model_config = SettingsConfigDict(env_prefix="RADONC_QA_", frozen=True, extra="ignore",
                                      env_ignore_empty=True)

    data_dir: Path = Field(default=Path("data"), validation_alias=_env("RADONC_QA_DATA",
                                                                        "data_dir"))
    # the installation's working corpus: under the data dir unless RADONC_QA_CORPUS / --corpus
    # names a folder (then that folder, as given); `ingest.seed` fills the default one on first use
    corpus_dir: Path = Field(default_factory=lambda given: given["data_dir"] / "corpus",
                             validation_alias=_env("RADONC_QA_CORPUS", "corpus_dir"))
    chroma_url: str | None = Field(default=None, validation_alias=_env("RADONC_QA_CHROMA_URL",
                                                                        "chroma_url"))
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "RADONC_QA_DATABASE_URL", "database_url"),
    )
    embed_precision: Literal["auto", "fp32", "bf16"] = Field(
        default="auto", validation_alias=_env("RADONC_QA_EMBED_PRECISION", "embed_precision"))
    top_k: int = Field(default=3, ge=1, le=20)
    keep_versions: int = Field(default=5, ge=2)
    # NoDecode: the variable is paths joined by ':' (like PATH), not JSON
    gate_sets: Annotated[tuple[Path, ...], NoDecode] = ()
    admin_password_hash: SecretStr | None = None
    admin_password: SecretStr | None = None  # scripted CLI use only; people are prompted
    # this machine's state (the admin lockout counts), whatever --data says
    state_home: Path = Field(default_factory=lambda: Path.home() / ".local" / "state",
                             validation_alias=AliasChoices("XDG_STATE_HOME", "state_home"))

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, StreamlitSecrets(settings_cls)

    @field_validator("gate_sets", mode="before")
    @classmethod
    def _split_paths(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(Path(p) for p in value.split(os.pathsep) if p.strip())
        return value

    @field_validator("admin_password_hash", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    @property
    def corpus_given(self) -> bool:
        """Whether RADONC_QA_CORPUS / --corpus named the corpus folder (else it is DATA/corpus)."""
        return "corpus_dir" in self.model_fields_set

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

    @property
    def state_dir(self) -> Path:
        """Machine-wide state of this app (the admin lockout counts, per password hash)."""
        return self.state_home / "radonc-qa"

    @property
    def calibration_file(self) -> Path:
        """This installation's calibration (`evals calibrate` writes it), over the shipped one."""
        return self.data_dir / "calibration.toml"


def _variable(loc: tuple[Any, ...]) -> str:
    """The environment variable a validation error is about (fields without an alias use the
    prefix)."""
    name = str(loc[0]) if loc else "value"
    return name if name.isupper() else f"RADONC_QA_{name.upper()} / {name}"


def load_settings(**overrides: object) -> Settings:
    """Build Settings from the environment, letting CLI flags (non-None overrides) win.

    Raises SettingsError naming the variable or file for a value that cannot be used.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{SECRETS_FILE} is not valid TOML ({e}); fix it") from None
    except ValidationError as e:
        # a default built from another setting is not called when that one is invalid: only the
        # invalid one is the admin's to fix
        problems = "; ".join(f"{_variable(err['loc'])}: {err['msg']}" for err in e.errors()
                             if err["type"] != "default_factory_not_called")
        raise SettingsError(f"invalid setting ({problems}); see the settings table in the "
                            "README") from None
