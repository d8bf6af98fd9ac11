"""``python -m tests.bench.cluster --processes N``: N app processes behind one nginx, on this machine.

The launcher of docs/deployment.md for one machine (and what the end-to-end test and ``--load --processes``
start): N ``python dashboard.py`` processes on loopback ports, all on the same store (``--db``, else
``MANDATE_DB``, else data/mandate.duckdb — a DuckDB file the processes share by taking turns, or a
postgresql:// URL once the PostgreSQL store is in), and nginx in the foreground with the configuration of
mandate_core/deploy.py under a temporary prefix (pid file, logs, temp folders), so no root and no
/etc/nginx are needed. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mandate_core import deploy, storage

ROOT = Path(__file__).resolve().parents[2]
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")
HEALTH_TIMEOUT_S = 120.0


def nginx_binary() -> str | None:
    """Debian's nginx, if installed (``apt-get install nginx``)."""
    found = shutil.which("nginx")
    if found:
        return found
    return next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (held open together while chosen, so none repeats)."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for sock in socks:
            sock.close()


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = HEALTH_TIMEOUT_S) -> None:
    """Until ``url``/_stcore/health answers ok; a process that exits first is an error with its log's tail."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0] if isinstance(proc.args, list) else proc.args} exited with "
                               f"{proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:]
            raise TimeoutError(f"{url} was not healthy within {timeout:.0f} s: {tail}")
        time.sleep(0.25)


@dataclass
class Running:
    """A started cluster: nginx's address, the app processes' addresses and pids, nginx's access log."""

    spec: deploy.Cluster
    prefix: Path
    app_pids: list[int] = field(default_factory=list)
    nginx_pid: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.spec.listen_host}:{self.spec.listen_port}"

    @property
    def backend_urls(self) -> list[str]:
        return [f"http://{self.spec.backend_host}:{p}" for p in self.spec.backend_ports]

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def upstreams_seen(self, uri_prefix: str = "/") -> dict[str, set[str]]:
        """Route cookie → the app addresses that served it, from nginx's access log (see deploy.upstreams_seen)."""
        try:
            text = self.access_log.read_text(errors="replace")
        except OSError:
            return {}
        return deploy.upstreams_seen(text, uri_prefix)


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop one started process group (Streamlit's or nginx's master with its workers), then reap it."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextlib.contextmanager
def running(processes: int, db: str | Path, prefix: Path | None = None, listen_port: int | None = None,
            listen_host: str = "127.0.0.1", tree: Path = ROOT, extra_env: dict[str, str] | None = None
            ) -> Iterator[Running]:
    """``processes`` app processes of ``tree`` on ``db`` behind nginx; every process stopped on the way out.

    ``db`` is handed to each process as ``MANDATE_DB`` unchanged: a DuckDB path or a postgresql:// URL.
    """
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    if "://" not in str(db) and not Path(db).exists():
        # The dashboard builds the demo database when none exists (docs/architecture.md#storage); built once here,
        # before the processes start, so they do not all race to build the same file.
        from mandate_core import demo

        demo.ensure_database(db)
    ports = free_ports(processes + (listen_port is None))
    spec = deploy.Cluster(tuple(ports[:processes]), listen_port or ports[-1], listen_host)
    with contextlib.ExitStack() as stack:
        if prefix is None:
            prefix = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mandate-cluster-")))
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "nginx.conf").write_text(deploy.standalone_config(spec, prefix))
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        env.update(extra_env or {})
        env["MANDATE_DB"] = str(db)
        env["PYTHONPATH"] = str(tree)
        started: list[tuple[subprocess.Popen[bytes], Path, str]] = []
        result = Running(spec, prefix)
        try:
            for i, port in enumerate(spec.backend_ports):
                log = prefix / f"app-{i}.log"
                with log.open("wb") as out:
                    proc = subprocess.Popen(deploy.streamlit_command(port, sys.executable, spec.backend_host),
                                            cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
                started.append((proc, log, result.backend_urls[i]))
                result.app_pids.append(proc.pid)
            for proc, log, url in started:
                wait_healthy(url, proc, log)
            log = prefix / "nginx.out"
            with log.open("wb") as out:
                proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                         "-e", str(prefix / "error.log")], stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
            started.append((proc, prefix / "error.log", result.url))
            result.nginx_pid = proc.pid
            wait_healthy(result.url, proc, prefix / "error.log", timeout=30)
            yield result
        finally:
            for proc, _, _ in reversed(started):
                _stop(proc, signal.SIGQUIT if proc.pid == result.nginx_pid else signal.SIGTERM)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cluster", description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="app processes, about one per core (default: this machine's cores)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port (default: 8500)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="nginx's address (default: 127.0.0.1; 0.0.0.0 to serve the network)")
    parser.add_argument("--db", help="the store: a DuckDB file, later a postgresql:// URL "
                        "(default: $MANDATE_DB or data/mandate.duckdb)")
    parser.add_argument("--prefix", help="nginx's folder for its config, pid and logs (default: a temp folder)")
    parser.add_argument("--print-config", action="store_true",
                        help="print nginx's http { } part for app processes on ports from --first-port, and exit")
    parser.add_argument("--print-standalone", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--print-commands", action="store_true",
                        help="print the shell commands that start the same by hand (app processes on ports from "
                        "--first-port, nginx on --prefix), and exit")
    parser.add_argument("--first-port", type=int, default=8501,
                        help="with --print-config/--print-commands (default: 8501)")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes is 1 or more")
    db = args.db or os.environ.get(storage.ENV_DB) or str(ROOT / "data" / "mandate.duckdb")
    try:
        if args.print_config:
            spec = deploy.cluster(args.processes, args.first_port, args.port, args.host)
            print(deploy.http_block(spec), end="")
            return 0
        if args.print_commands:
            spec = deploy.cluster(args.processes, args.first_port, args.port, args.host)
            where = Path(args.prefix or "/tmp/mandate-nginx").resolve()
            print(f"mkdir -p {shlex.quote(str(where))}")
            print(f"python -m tests.bench.cluster --print-standalone --processes {args.processes} "
                  f"--first-port {args.first_port} --port {args.port} --host {shlex.quote(args.host)} "
                  f"--prefix {shlex.quote(str(where))} > {shlex.quote(str(where / 'nginx.conf'))}")
            print("\n".join(deploy.shell_commands(spec, db, where)))
            return 0
        if args.print_standalone:
            spec = deploy.cluster(args.processes, args.first_port, args.port, args.host)
            print(deploy.standalone_config(spec, Path(args.prefix or "/tmp/mandate-nginx").resolve()), end="")
            return 0
        prefix = Path(args.prefix).resolve() if args.prefix else None
        # A service manager stops with SIGTERM: make it unwind like Ctrl-C, so every process is stopped too.
        signal.signal(signal.SIGTERM, _interrupt)
        with running(args.processes, db, prefix, args.port, args.host) as cluster:
            print(f"{args.processes} app processes ({', '.join(cluster.backend_urls)}) on {db}")
            print(f"open {cluster.url}  (nginx logs: {cluster.prefix}; Ctrl-C stops everything)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    except (deploy.DeployError, RuntimeError, TimeoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
