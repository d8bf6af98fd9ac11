"""A throwaway PostgreSQL cluster on loopback for the suite (`.ci/run` starts one; tests can too).

`python -m tests.pg_cluster start DIR PORT` initialises a cluster in DIR (as the ``postgres`` user when
run as root, since PostgreSQL refuses to run as root), starts it on 127.0.0.1:PORT with trust
authentication, and prints the URL of its ``postgres`` database; `stop DIR` stops it.  The tests read
the URL from ``MANDATE_TEST_PG``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ENV = "MANDATE_TEST_PG"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def available() -> bool:
    """Whether this machine has PostgreSQL's server programs."""
    return _bin("initdb") is not None and _bin("pg_ctl") is not None


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


def start(folder: str | os.PathLike[str], port: int) -> str:
    """Start a cluster in ``folder`` on loopback ``port``; return the URL of its ``postgres`` database."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    base = Path(folder)
    data = base / "data"
    owner = "postgres" if os.geteuid() == 0 else None
    base.mkdir(parents=True, exist_ok=True)
    if owner:
        shutil.chown(base, owner)
    if not (data / "PG_VERSION").exists():
        subprocess.run(_as_owner([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
                                 owner), check=True, stdout=subprocess.DEVNULL)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(_as_owner([pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"],
                             owner), check=True, stdout=subprocess.DEVNULL)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready = subprocess.run([_bin("pg_isready") or "pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                               capture_output=True)
        if ready.returncode == 0:
            return url
        time.sleep(0.2)
    raise RuntimeError(f"PostgreSQL did not start on port {port}; see {base / 'log'}")


def stop(folder: str | os.PathLike[str]) -> None:
    pg_ctl = _bin("pg_ctl")
    data = Path(folder) / "data"
    if pg_ctl and data.exists():
        owner = "postgres" if os.geteuid() == 0 else None
        subprocess.run(_as_owner([pg_ctl, "-D", str(data), "-m", "fast", "stop"], owner),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "start" and len(sys.argv) == 4:
        print(start(sys.argv[2], int(sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] == "stop":
        stop(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.pg_cluster start DIR PORT | stop DIR")
