"""A throwaway PostgreSQL cluster on a free local port (for the tests and benchmarks).

``initdb`` into a temporary folder, run as the ``postgres`` user when we are root
(PostgreSQL refuses to run as root), password authentication over TCP on
127.0.0.1, ``fsync=off``. Start-up takes about a second.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER_PASSWORD = "qualcode-test"


def find_bindir() -> Path | None:
    """The newest PostgreSQL server binaries (Debian keeps them off PATH)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster."""

    port: int
    bindir: Path
    base: Path
    as_postgres: bool

    def url(self, database: str, user: str, password: str, driver: str = "+psycopg") -> str:
        """A connection URL (``driver=""`` for plain libpq)."""
        return f"postgresql{driver}://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def superuser_url(self, database: str = "postgres") -> str:
        """The superuser's libpq URL."""
        return self.url(database, "postgres", SUPERUSER_PASSWORD, driver="")

    def stop(self) -> None:
        """Stop the server and remove its files."""
        _run(
            [str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate", "stop"],
            self.as_postgres,
            check=False,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def _run(cmd: list[str], as_postgres: bool, check: bool = True) -> None:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, check=check, capture_output=True, text=True)


def start(bindir: Path, *, max_connections: int = 200, durable: bool = False) -> Cluster:
    """Initialise and start a cluster (``durable``: with ``fsync`` and synchronous
    commits on, as a real server runs, for benchmarks that time commits).

    Raises:
        subprocess.CalledProcessError: initdb or pg_ctl failed.
    """
    as_postgres = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
    pwfile = base / "pw"
    pwfile.write_text(SUPERUSER_PASSWORD + "\n")
    if as_postgres:
        uid = pwd.getpwnam("postgres").pw_uid
        for p in (base, pwfile):
            os.chown(p, uid, -1)
    base.chmod(0o700)
    data = base / "data"
    port = free_port()
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            as_postgres,
        )
        fast = "" if durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 {fast}"
            f"-c max_connections={max_connections}"
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(base / "log"),
                "start",
            ],
            as_postgres,
        )
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return Cluster(port, bindir, base, as_postgres)
