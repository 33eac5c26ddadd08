"""Helpers for the fault tour: real tmpfs mounts (full disk, read-only) and CLI runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """`python -m ...` in a new process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def clean(p: subprocess.CompletedProcess[str]) -> None:
    """No traceback reached the user, whatever the exit code."""
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout, p.stderr[-3000:]


@contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A real size-limited filesystem at `where` (the tests run as root in CI and here)."""
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs (the fault tests need root): {r.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


@pytest.fixture
def seed_copy(tmp_path: Path, seed_data_dir: Path) -> Path:
    """A private data dir holding the seed knowledge base (real model, real Chroma)."""
    d = tmp_path / "data"
    shutil.copytree(seed_data_dir / "kb", d / "kb")
    return d
