"""A throw-away PostgreSQL cluster for the test session (platform §2.4)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if candidates:
        return Path(candidates[0])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresCluster:
    bin_dir: Path
    data_dir: Path
    port: int
    as_user: str | None

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            command = [
                "su",
                self.as_user,
                "-s",
                "/bin/sh",
                "-c",
                " ".join(f"'{a}'" for a in command),
            ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-w",
            "-l",
            str(self.data_dir / "log"),
            "start",
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        # A suite leaves hundreds of test databases (gigabytes) behind: delete them in the
        # background rather than hold the end of the run for tens of seconds.
        subprocess.Popen(
            ["rm", "-rf", str(self.data_dir.parent)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def start_cluster() -> PostgresCluster | None:
    """Start a cluster in a fresh temporary directory; None when PostgreSQL is not installed."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return None
    as_user = "postgres" if os.geteuid() == 0 else None
    # Not under pytest's tmp dirs: those are private to root and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="colophon-pg-"))
    data_dir = base / "cluster"
    if as_user:
        pwd.getpwnam(as_user)  # KeyError when the package did not create the user
        os.chmod(base, 0o777)
    cluster = PostgresCluster(bin_dir, data_dir, _free_port(), as_user)
    cluster.start()
    return cluster
