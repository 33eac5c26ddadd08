"""Real servers the suite starts on loopback: a Chroma server and a private PostgreSQL cluster.

Both bind 127.0.0.1 on a free port, live in a temporary folder and can be stopped and started
again on the same port and data (for the fault tests).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class ChromaServer:
    """`chroma run --path DIR --port PORT --host 127.0.0.1` from the venv's chromadb package."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = Path(path)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.path.parent / f"chroma-{self.port}.log"

    def start(self, timeout: float = 30) -> ChromaServer:
        exe = VENV_BIN / "chroma"
        if not exe.exists():
            raise RuntimeError(f"{exe} is missing; install chromadb into the venv (make install)")
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [str(exe), "run", "--path", str(self.path), "--port", str(self.port),
                 "--host", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"chroma run exited {self.proc.returncode}: "
                                   f"{self.log.read_text(errors='replace')[-2000:]}")
            if _listening(self.port) and self._heartbeat():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"chroma run did not answer on port {self.port} in {timeout} s")

    def _heartbeat(self) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        deadline = time.monotonic() + 10
        while _listening(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


def pg_bin() -> Path | None:
    """Folder of PostgreSQL's server programs (Debian puts them under /usr/lib/postgresql/N)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return versions[0].parent if versions else None


class PostgresCluster:
    """A private throwaway cluster (initdb + pg_ctl) on 127.0.0.1, trust auth, db `radonc`.

    PostgreSQL refuses to run as root, so as root the programs run as the `postgres` user.
    """

    def __init__(self, port: int | None = None) -> None:
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL server programs not found (apt-get install postgresql)")
        self.bin = bindir
        # its own folder directly in /tmp: pytest's tmp dirs are private to root
        self.root = Path(tempfile.mkdtemp(prefix="radonc-pg-"))
        self.data = self.root / "pgdata"
        self.port = port or free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/radonc"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {out.stdout[-1000:]} {out.stderr[-1000:]}")

    def init(self) -> PostgresCluster:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")
        return self

    def start(self) -> PostgresCluster:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "pg.log"),
                  "-w", "-t", "60", "start")
        return self

    def create_db(self) -> PostgresCluster:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE radonc")
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def postgres_problem(url: str) -> str | None:
    """None if `url` answers a query, else why not."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as e:  # any failure: report it
        return f"{type(e).__name__}: {e}"
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database on the server of `url` (dropped afterwards); yields its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
