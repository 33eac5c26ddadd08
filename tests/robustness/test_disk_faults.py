"""A full disk and a read-only data dir (real tmpfs mounts): the active version keeps answering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CORPUS, EVAL_SETS
from tests.robustness.conftest import clean, cli, remount_read_only, tmpfs

pytestmark = pytest.mark.slow

QUESTION = "can we bill 77370 after radiation ended?"


def answer(data: Path) -> dict:  # type: ignore[type-arg]
    p = cli("retrieval", QUESTION, "--data", str(data), "--json")
    clean(p)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert not out["abstained"] and out["results"][0]["disclaimer"]
    return out  # type: ignore[no-any-return]


def test_read_only_data_dir_still_answers_and_refuses_ingest_clearly(
        tmp_path: Path, seed_data_dir: Path) -> None:
    with tmpfs(tmp_path / "ro", "8m") as data:
        shutil.copytree(seed_data_dir / "kb", data / "kb")
        active = json.loads((data / "kb" / "active.json").read_text())["version"]
        remount_read_only(data)
        assert answer(data)["kb_version"] == active
        run = cli("evals", "run", str(EVAL_SETS / "seed-regression-dev.jsonl"), "--data", str(data))
        clean(run)
        assert run.returncode == 0, run.stderr
        ing = cli("ingest", "--data", str(data), "--corpus", str(CORPUS), "--force")
        clean(ing)
        assert ing.returncode == 4, ing.stderr
        assert f"Cannot write to the data directory {data}" in ing.stderr
        assert "Read-only file system" in ing.stderr and "need write access" in ing.stderr
        dry = cli("ingest", "--data", str(data), "--corpus", str(CORPUS), "--dry-run",
                  "--json")
        clean(dry)
        assert dry.returncode == 0, dry.stderr
        assert json.loads(dry.stdout)["kb_version"] == active
        assert answer(data)["kb_version"] == active


def test_full_disk_fails_ingest_cleanly_and_keeps_serving(tmp_path: Path,
                                                          seed_data_dir: Path) -> None:
    kb_bytes = sum(f.stat().st_size for f in (seed_data_dir / "kb").rglob("*") if f.is_file())
    size_kib = kb_bytes // 1024 + 200  # room for the KB and its app.db, not a second version
    with tmpfs(tmp_path / "full", f"{size_kib}k") as data:
        shutil.copytree(seed_data_dir / "kb", data / "kb")
        active = json.loads((data / "kb" / "active.json").read_text())["version"]
        before = sorted(p.name for p in (data / "kb" / "versions").iterdir())
        ing = cli("ingest", "--data", str(data), "--corpus", str(CORPUS), "--force")
        clean(ing)
        assert ing.returncode == 4, (ing.returncode, ing.stderr)
        assert "(No space left on device" in ing.stderr, ing.stderr
        assert "nothing was activated" in ing.stderr or f"{active} stays active" in ing.stderr
        assert len(ing.stderr) < 1000, ing.stderr  # one clear line, not a list per file
        assert sorted(p.name for p in (data / "kb" / "versions").iterdir()) == before
        assert not list((data / "kb").rglob(".*.tmp"))
        assert answer(data)["kb_version"] == active
        again = cli("ingest", "--data", str(data), "--corpus", str(CORPUS), "--force")
        clean(again)
        assert again.returncode == 4  # still full: the same clear refusal, nothing left over
        assert sorted(p.name for p in (data / "kb" / "versions").iterdir()) == before
