"""One Settings for every variable: environment, Streamlit's secrets file, CLI overrides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.config import calibration_path, load_calibration
from retrieval.errors import SettingsError
from retrieval.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml of the developer's
    for name in list(os.environ):
        if name.startswith("RADONC_QA_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)


def test_gate_sets_are_paths_joined_like_path_and_a_flag_wins(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().gate_sets == ()
    monkeypatch.setenv("RADONC_QA_GATE_SETS", "/sets/a.jsonl:/sets/b.jsonl")
    assert load_settings().gate_sets == (Path("/sets/a.jsonl"), Path("/sets/b.jsonl"))
    assert load_settings(gate_sets=(Path("c.jsonl"),)).gate_sets == (Path("c.jsonl"),)


def test_an_empty_variable_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADONC_QA_DATA", "")
    monkeypatch.setenv("RADONC_QA_CHROMA_URL", "")
    s = load_settings()
    assert s.data_dir == Path("data") and s.chroma_url is None


def test_admin_hash_from_secrets_file_and_the_environment_wins(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load_settings().admin_password_hash is None
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        'admin_password_hash = " $argon2id$from-file "\ndata_dir = "/not/from/secrets"\n',
        encoding="utf-8")
    s = load_settings()
    assert s.admin_password_hash is not None
    assert s.admin_password_hash.get_secret_value() == "$argon2id$from-file"
    assert s.data_dir == Path("data")  # only the admin hash is taken from Streamlit's file
    assert "from-file" not in repr(s)  # a secret is never printed
    monkeypatch.setenv("RADONC_QA_ADMIN_PASSWORD_HASH", "$argon2id$from-env")
    assert load_settings().admin_password_hash.get_secret_value() == "$argon2id$from-env"  # type: ignore[union-attr]


def test_a_broken_secrets_file_or_value_is_a_clear_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RADONC_QA_TOP_K", "three")
    with pytest.raises(SettingsError, match="RADONC_QA_TOP_K"):
        load_settings()
    monkeypatch.delenv("RADONC_QA_TOP_K")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("admin_password_hash = ",
                                                          encoding="utf-8")
    with pytest.raises(SettingsError, match=r"secrets\.toml is not valid TOML"):
        load_settings()


def test_the_installations_calibration_overrides_single_shipped_keys(tmp_path: Path) -> None:
    shipped = load_calibration()
    assert load_calibration(overlay=tmp_path / "missing.toml") == shipped
    overlay = tmp_path / "calibration.toml"
    overlay.write_text("[decision]\nmin_score = 0.7\n[previous]\nmin_score = 0.5\n",
                       encoding="utf-8")
    mine = load_calibration(overlay=overlay)
    assert mine.decision.min_score == 0.7
    assert mine.decision.close_margin == shipped.decision.close_margin
    assert mine.fusion == shipped.fusion
    overlay.write_text("[decision]\nmin_scor = 0.7\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=f"may only change keys the shipped "
                                            f"{calibration_path().name} has"):
        load_calibration(overlay=overlay)


def test_importing_the_embedding_module_leaves_the_environment_alone() -> None:
    code = ("import os; before = dict(os.environ); import retrieval.embedding; "
            "print(dict(os.environ) == before)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "True"
