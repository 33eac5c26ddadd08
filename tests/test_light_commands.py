"""Commands that need no model or store never load torch, Chroma or sentence-transformers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "chromadb", "sentence_transformers", "transformers")

RUN = """
import runpy, sys
sys.argv = {argv!r}
try:
    runpy.run_module({module!r}, run_name="__main__", alter_sys=True)
except SystemExit as e:
    code = e.code
else:
    code = 0
print("EXIT", code)
print("HEAVY", sorted(m for m in {heavy!r} if m in sys.modules))
"""


def run_command(module: str, *args: str) -> tuple[int, list[str], str]:
    """`python -m MODULE ARGS` in a fresh interpreter: exit code, heavy modules loaded, output."""
    code = RUN.format(argv=[module, *args], module=module, heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    lines = proc.stdout.splitlines()
    exit_line = next(line for line in lines if line.startswith("EXIT "))
    heavy_line = next(line for line in lines if line.startswith("HEAVY "))
    heavy = ast.literal_eval(heavy_line.split(" ", 1)[1])
    return int(exit_line.split()[1]), heavy, proc.stdout + proc.stderr


@pytest.mark.parametrize("command", [
    ("ingest", "--help"),
    ("retrieval", "--help"),
    ("evals", "--help"),
    ("evals", "run", "--help"),
])
def test_help_loads_nothing_heavy(command: tuple[str, ...]) -> None:
    code, heavy, out = run_command(*command)
    assert code == 0 and "Usage" in out
    assert heavy == [], f"{' '.join(command)} loaded {heavy}"


def test_listing_versions_loads_nothing_heavy(tmp_path: Path) -> None:
    code, heavy, out = run_command("ingest", "--list-versions", "--data", str(tmp_path), "--json")
    assert code == 0 and out.lstrip().startswith("[]")
    assert heavy == []


def test_an_empty_question_is_refused_before_the_model_loads(tmp_path: Path) -> None:
    code, heavy, out = run_command("retrieval", "   ", "--data", str(tmp_path))
    assert code == 8 and "empty" in out
    assert heavy == []
