"""Corpus folder oddities: each refused naming the file; nothing that hangs is opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.corpus import load_corpus
from retrieval.errors import CorpusError, CorpusFormatError
from tests.conftest import REPO, SEED


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(SEED, d / SEED.name)
    return d


def test_symlink_loop_is_named(corpus: Path) -> None:
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    with pytest.raises(CorpusError, match=r"loop\.txt: is a symbolic link that leads back to "
                                          r"itself \(a loop\)"):
        load_corpus(corpus)


def test_broken_symlink_is_named(corpus: Path) -> None:
    (corpus / "gone.txt").symlink_to(corpus / "nowhere.txt")
    with pytest.raises(CorpusError, match=r"gone\.txt: is a symbolic link to .*nowhere\.txt, "
                                          "which does not exist"):
        load_corpus(corpus)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", ["pipe.txt", "pipe.meta.toml", "pipe.bin"],
                         ids=["document", "sidecar", "unknown-suffix"])
def test_named_pipe_is_refused_without_opening(corpus: Path, name: str) -> None:
    os.mkfifo(corpus / name)  # opening it for reading would wait for a writer forever
    with pytest.raises(CorpusError, match=rf"{name}: is a named pipe, not a regular file"):
        load_corpus(corpus)


def test_unreadable_file_is_named(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the tests run as root, whom chmod 000 does not stop: deny the read at the OS boundary
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == SEED.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(CorpusError, match=rf"{SEED.name}: cannot be read \(permission denied\)"
                                          " — give the app read access"):
        load_corpus(corpus)


def test_alternates_entry_as_a_plain_list_is_named(corpus: Path) -> None:
    side = corpus / f"{SEED.stem}.alternates.toml"
    side.write_text("entry = [1, 2]\n", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"alternates\.toml: 'entry' is a list of values,"
                                                " not \\[\\[entry\\]\\] blocks"):
        load_corpus(corpus)


@pytest.mark.timeout(120)
def test_cli_dry_run_with_a_pipe_exits_2_and_names_it(corpus: Path, tmp_path: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")
    p = subprocess.run([sys.executable, "-m", "ingest", "--dry-run", "--corpus", str(corpus),
                        "--data", str(tmp_path / "data")], cwd=REPO, capture_output=True,
                       text=True, timeout=100)
    assert p.returncode == 8, p.stderr
    assert "pipe.txt: is a named pipe" in p.stderr and "Traceback" not in p.stderr


def test_corrupt_pdf_stream_is_damage_not_a_scan(tmp_path: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    import re

    from ingest.load import read_document
    from tests.ingest import docmaker

    good = docmaker.make_pdf(tmp_path / "good.pdf", docmaker.seed_text()).read_bytes()
    bad = tmp_path / "guidance.pdf"
    bad.write_bytes(re.sub(rb"<< /Length (\d+) >>\nstream",
                           rb"<< /Length \1 /Filter /FlateDecode >>\nstream", good))
    with pytest.raises(CorpusError) as err:
        read_document(bad)
    msg = str(err.value)
    assert msg.startswith(f"{bad}: the PDF's content cannot be decoded (") and "scan" not in msg
    out, errs = capfd.readouterr()
    assert "pypdf" not in errs + out and not errs.strip()  # no log lines before the message
    scan = docmaker.make_pdf(tmp_path / "scan.pdf", None)
    with pytest.raises(CorpusError, match="no text layer"):
        read_document(scan)


def test_supersedes_a_document_whose_name_has_a_colon(corpus: Path) -> None:
    (corpus / SEED.name).rename(corpus / "astro:2023.txt")
    shutil.copy(SEED, corpus / "astro-2024.txt")
    (corpus / "astro-2024.meta.toml").write_text('supersedes = ["astro:2023"]\n',
                                                 encoding="utf-8")
    c = load_corpus(corpus)
    assert [d.document.name for d in c.documents] == ["astro-2024"]
    assert set(c.superseded.values()) == {"astro-2024"} and len(c.superseded) == 5
