"""The Admin page behind its password (Streamlit AppTest on the real page, real KB and model)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from admin.auth import ENV_HASH, hash_password
from tests.conftest import REPO, digest

pytestmark = pytest.mark.slow
PAGE = str(REPO / "pages" / "admin.py")
PASSWORD = "correct horse battery"
ADMIN_TEXT = ("Upload a guidance document", "Activation history", "Questions per day")


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password(PASSWORD)


@pytest.fixture(scope="module")
def data_dir(seed_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("admin") / "data"
    shutil.copytree(seed_data_dir, d)
    return d


@pytest.fixture
def page(data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    (data_dir / "admin-auth.json").unlink(missing_ok=True)  # no lockout carried between tests
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml of the developer's
    monkeypatch.setenv("RADONC_QA_DATA", str(data_dir))
    monkeypatch.delenv("RADONC_QA_CORPUS", raising=False)  # DATA/corpus, seeded from corpus/
    monkeypatch.delenv(ENV_HASH, raising=False)

    def make() -> AppTest:
        return AppTest.from_file(PAGE, default_timeout=180)

    return make


def everything(at: AppTest) -> str:
    """All text the page drew (markdown, captions, headers, alerts, labels)."""
    parts = [str(getattr(e, "value", "")) for e in at.main] + [
        str(getattr(e, "label", "")) for e in at.main]
    for kind in ("markdown", "caption", "subheader", "title", "error", "warning", "info",
                 "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    return at.button[0].click().run()


def test_without_a_configured_password_it_says_how_and_offers_nothing(page) -> None:  # type: ignore[no-untyped-def]
    at = page()
    at.run()
    assert not at.exception
    assert "python -m ingest hash-password" in at.warning[0].value
    assert len(at.text_input) == 0 and len(at.tabs) == 0 and len(at.button) == 0
    assert not any(t in everything(at) for t in ADMIN_TEXT)


def test_wrong_password_shows_nothing_of_the_page(page, hashed, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(ENV_HASH, hashed)
    at = page()
    at.run()
    assert len(at.text_input) == 1 and at.text_input[0].label == "Admin password"
    sign_in(at, "correct horse batter")
    assert not at.exception
    assert "Wrong password" in at.error[0].value
    assert len(at.tabs) == 0 and len(at.dataframe) == 0
    text = everything(at)
    assert not any(t in text for t in ADMIN_TEXT) and "astro-daily-practice" not in text


def test_right_password_then_sign_out(page, hashed, monkeypatch, data_dir) -> None:  # type: ignore[no-untyped-def]
    shipped = digest(REPO / "corpus")
    monkeypatch.setenv(ENV_HASH, hashed)
    at = page()
    at.run()
    sign_in(at, PASSWORD)
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Documents", "Versions", "Gaps & feedback"]
    text = everything(at)
    assert all(t in text for t in ADMIN_TEXT)
    assert "The active version matches the corpus folder." in text
    # the corpus is this installation's copy under the data dir, and the page says where
    assert f"The corpus folder is `{(data_dir / 'corpus').resolve()}`" in text
    assert "seeded from the corpus shipped with the app" in text
    assert digest(data_dir / "corpus") == digest(REPO / "corpus") == shipped
    at.sidebar.button[0].click().run()  # sign out
    assert len(at.tabs) == 0 and at.text_input[0].label == "Admin password"


def test_hash_from_secrets_and_lockout(page, hashed) -> None:  # type: ignore[no-untyped-def]
    at = page()
    at.secrets["admin_password_hash"] = hashed
    at.run()
    for _ in range(5):
        sign_in(at, "guess guess guess")
    assert "locked" in at.error[0].value
    sign_in(at, PASSWORD)  # even the right password waits out the lockout
    assert "Too many wrong passwords" in at.error[0].value and len(at.tabs) == 0
