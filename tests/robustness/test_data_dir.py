"""`--data` pointing at a file: exit 2 and a message naming it, from every CLI, before any work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EVAL_SETS
from tests.robustness.conftest import clean, cli


@pytest.mark.parametrize("args", [
    ("retrieval", "77370"), ("ingest", "--dry-run"), ("ingest", "--list-versions"),
    ("evals", "run", str(EVAL_SETS / "seed-regression-dev.jsonl"))], ids=["ask", "dry-run", "list",
                                                                   "evals"])
def test_data_is_a_file(tmp_path: Path, args: tuple[str, ...]) -> None:
    f = tmp_path / "data.txt"
    f.write_text("not a folder")
    p = cli(*args, "--data", str(f))
    clean(p)
    assert p.returncode == 8, p.stderr
    assert f"{f} is a file, not a folder: --data" in p.stderr
