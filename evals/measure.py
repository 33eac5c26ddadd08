"""Measuring the benchmark's child processes (wall time, their own peak RSS) and latencies."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

COLD_START_RUNS = 3
Progress = Callable[[str, int, int | None], None]  # (phase, done, total)


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    a = np.asarray(ms, dtype=float)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {
        "median": round(float(p50), 2),
        "p95": round(float(p95), 2),
        "p99": round(float(p99), 2),
    }


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    stdout: bytes = b""


PEAK_FILE_ENV = "RADONC_QA_BENCH_PEAK_FILE"


def write_peak_rss_at_exit() -> None:
    """In a measured child: write this process's own peak RSS (kB) where the parent asked.

    VmHWM belongs to the process's own memory after exec. The rusage the parent gets from
    wait4 does not: Linux folds the memory the child had between fork and exec, a copy of the
    parent's, into its ru_maxrss, so a child of a parent holding 3 GB reports at least 3 GB.
    """
    path = os.environ.get(PEAK_FILE_ENV)
    if not path:
        return

    def write() -> None:
        try:
            status = Path("/proc/self/status").read_text()
            kb = next(int(line.split()[1]) for line in status.splitlines()
                      if line.startswith("VmHWM:"))
            Path(path).write_text(str(kb))
        except (OSError, StopIteration, ValueError):
            pass  # the parent falls back to rusage

    atexit.register(write)


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> ChildRun:
    """Wall time and peak RSS of a child process started through `measured_command`."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f, \
            tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak-kb"
        child_env = {**(env or os.environ), PEAK_FILE_ENV: str(peak_file)}
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=child_env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
        peak_kb = int(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode()[-2000:]}")
    if not out.strip():
        raise RuntimeError(f"{' '.join(cmd)} printed no answer")
    return ChildRun(seconds, peak_kb / 1024, out)


def measured_command(module: str, *args: str) -> list[str]:
    """`python -m MODULE ARGS…`, run so that it reports its own peak RSS (see run_child)."""
    return [sys.executable, "-m", "evals.bench", "run-module", module, *args]


def cold_start(cmd: list[str]) -> ChildRun:
    """Median of a few fresh starts (the OS file cache is warm, as after a restart)."""
    runs = sorted((run_child(cmd) for _ in range(COLD_START_RUNS)), key=lambda r: r.seconds)
    mid = runs[len(runs) // 2]
    return ChildRun(round(mid.seconds, 2), round(max(r.peak_rss_mb for r in runs), 1))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out
