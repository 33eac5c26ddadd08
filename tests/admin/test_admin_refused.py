"""The Admin page lists every refused corpus file and builds from the rest only when asked
(Streamlit AppTest on the real page, real KB, model and quality gate)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from admin.auth import ENV_HASH, hash_password
from pages._admin_corpus import SKIP
from retrieval.settings import Settings
from retrieval.store import open_store
from tests.admin.test_admin_page import PAGE, PASSWORD, everything, sign_in
from tests.conftest import CORPUS
from tests.ingest.layouts import write
from tests.ingest.test_refused import BACKWARDS, GOOD, NO_QA

pytestmark = pytest.mark.slow


def test_refused_files_are_listed_and_left_out_only_on_request(
        seed_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(seed_data_dir, data)
    shutil.copytree(CORPUS, corpus)
    write(corpus, "skin-electrons.txt", GOOD)
    write(corpus, "backwards.txt", BACKWARDS)
    write(corpus, "news.html", NO_QA)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RADONC_QA_DATA", str(data))
    monkeypatch.setenv("RADONC_QA_CORPUS", str(corpus))
    monkeypatch.setenv(ENV_HASH, hash_password(PASSWORD))
    store = open_store(Settings(data_dir=data, corpus_dir=corpus))
    before = store.active_version()

    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    sign_in(at, PASSWORD)
    assert not at.exception
    (refusal,) = [e.value.replace("\\", "") for e in at.error  # Markdown escapes dropped
                  if "corpus folder has a problem" in e.value]
    assert "2 of the" in refusal and "files were refused" in refusal
    assert "backwards.txt, line 1" in refusal and "runs backwards" in refusal
    assert "news.html" in refusal and "no Q&A pairs found" in refusal
    assert refusal.count("*Fix:*") == 2
    assert not [b for b in at.button if b.key == "admin_activate_corpus"]  # no build offered

    at.checkbox(key=SKIP).check().run()  # the explicit opt-in
    assert not at.exception
    text = everything(at)
    assert "corpus folder has a problem" not in text
    assert "left out backwards.txt:1, a refused new document" in text
    assert "left out news.html, a refused new document" in text
    at.button(key="admin_activate_corpus").click().run()
    assert not at.exception, at.exception
    flash = " ".join(s.value for s in at.success)
    assert "Activated" in flash and "Left out (refused new documents): backwards.txt, " \
        "news.html" in flash

    assert at.checkbox(key=SKIP).value is False  # the opt-in was for that build only

    now = store.active_version()
    assert now != before
    manifest = store.read_manifest(now)
    assert "skin-electrons" in manifest.documents
    assert [Path(r["file"]).name for r in manifest.info["left_out"]] == [
        "backwards.txt", "news.html"]
    assert "Left out (refused at ingest): backwards.txt line 1, news.html" in everything(at)
