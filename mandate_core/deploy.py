"""Several app processes behind one nginx: the configuration, rendered from a few numbers (docs/deployment.md).

One Streamlit process runs every session's script under one interpreter lock, so more people means more
processes (README "One process, many users", docs/deployment.md). A Streamlit session lives inside the
process that opened it — its session state, its widgets, the file a user is uploading (streamlit issue
4173) — so the balancer must send every request of a browser to the same process: *sticky* sessions.
Debian's open-source nginx has no ``sticky`` directive, and ``ip_hash`` would pin a whole office behind one
NAT or proxy to one process. Instead nginx gives each new browser a random route cookie
(``$request_id``) on its first response and picks the process with ``hash $route consistent``: the same
cookie always lands on the same process, and adding a process moves only about 1/N of the browsers.

This module is pure (strings in, strings out; no files, no processes) so the configuration is tested
without nginx; tests/bench/cluster.py starts the processes and an unprivileged nginx with it.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .uploads import MAX_UPLOAD_MB

#: The cookie that pins a browser to one app process. Random per browser, so it says nothing about anyone.
ROUTE_COOKIE = "mandate_route"
#: Streamlit's websocket: one long-lived connection per browser tab.
STREAM_PATH = "/_stcore/stream"
#: A facilitator's projector tab can stay open for a whole day; nginx's default 60 s would cut it when quiet.
WEBSOCKET_TIMEOUT_S = 86400
#: The access log's format: which process served each request, so an operator (and the end-to-end test) can
#: see the stickiness. The route cookie is logged, not the client address.
LOG_FORMAT_NAME = "mandate_upstream"
LOG_FORMAT = "$time_iso8601 $status $request_method $uri upstream=$upstream_addr route=$route_key"

_HOST = re.compile(r"^[A-Za-z0-9.:\[\]-]+$")


class DeployError(ValueError):
    """A deployment setting that cannot work; the message says which and why."""


@dataclass(frozen=True)
class Cluster:
    """N app processes on loopback ports behind one nginx listen address."""

    backend_ports: tuple[int, ...]
    listen_port: int
    listen_host: str = "127.0.0.1"
    backend_host: str = "127.0.0.1"
    max_upload_mb: int = MAX_UPLOAD_MB

    def __post_init__(self) -> None:
        ports = (*self.backend_ports, self.listen_port)
        if not self.backend_ports:
            raise DeployError("a cluster needs at least one app process")
        if any(not isinstance(p, int) or isinstance(p, bool) or not 1 <= p <= 65535 for p in ports):
            raise DeployError(f"ports are whole numbers from 1 to 65535 (got {list(ports)})")
        if len(set(ports)) != len(ports):
            raise DeployError(f"every app process and nginx need a port of their own (got {list(ports)})")
        for host in (self.listen_host, self.backend_host):
            if not _HOST.match(host):
                raise DeployError(f"not a host name or address: {host!r}")
        if not isinstance(self.max_upload_mb, int) or self.max_upload_mb < 1:
            raise DeployError("the upload limit is a whole number of megabytes, 1 or more")


def cluster(processes: int, first_port: int, listen_port: int, listen_host: str = "127.0.0.1") -> Cluster:
    """``processes`` app processes on consecutive ports from ``first_port``."""
    if not isinstance(processes, int) or processes < 1:
        raise DeployError(f"the number of app processes is 1 or more (got {processes!r})")
    return Cluster(tuple(range(first_port, first_port + processes)), listen_port, listen_host)


def _listen(host: str, port: int) -> str:
    return f"[{host.strip('[]')}]:{port}" if ":" in host.strip("[]") else f"{host}:{port}"


def http_block(spec: Cluster, access_log: str | Path | None = None) -> str:
    """The ``http { }`` content: maps, the upstream and the server. Drop it into /etc/nginx/conf.d/ as is.

    ``access_log`` None keeps nginx's own access log setting; a path logs in ``LOG_FORMAT`` there.
    """
    servers = "\n".join(f"    server {_listen(spec.backend_host, p)} max_fails=3 fail_timeout=10s;"
                        for p in spec.backend_ports)
    log = "" if access_log is None else f"    access_log {_quote(str(access_log))} {LOG_FORMAT_NAME};\n"
    proxy = """        proxy_pass http://mandate_app;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_buffering off;
        proxy_request_buffering off;
        add_header Set-Cookie $route_set_cookie always;"""
    return f"""# Rendered by mandate_core/deploy.py ({len(spec.backend_ports)} app processes); see docs/deployment.md.
log_format {LOG_FORMAT_NAME} '{LOG_FORMAT}';

# Websocket upgrade: pass "Connection: upgrade" only when the browser asks for it.
map $http_upgrade $connection_upgrade {{
    default upgrade;
    ''      close;
}}

# Sticky sessions: a browser's route cookie, or a fresh random one on its first request.
map $cookie_{ROUTE_COOKIE} $route_key {{
    ''      $request_id;
    default $cookie_{ROUTE_COOKIE};
}}
map $cookie_{ROUTE_COOKIE} $route_set_cookie {{
    ''      "{ROUTE_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
    default '';
}}

upstream mandate_app {{
    hash $route_key consistent;
{servers}
}}

server {{
    listen {_listen(spec.listen_host, spec.listen_port)};
    # Streamlit's own upload limit (server.maxUploadSize), so nginx never refuses what the Data page takes.
    client_max_body_size {spec.max_upload_mb}m;
{log}
    location {STREAM_PATH} {{
{proxy}
        proxy_read_timeout {WEBSOCKET_TIMEOUT_S}s;
        proxy_send_timeout {WEBSOCKET_TIMEOUT_S}s;
    }}

    location / {{
{proxy}
        proxy_read_timeout 300s;
    }}
}}
"""


def standalone_config(spec: Cluster, prefix: str | Path, user: str | None = None) -> str:
    """A whole nginx.conf that runs without root under ``prefix``: in the foreground, its pid file, logs and
    temp folders inside ``prefix`` (start with ``nginx -p PREFIX -c nginx.conf -e PREFIX/error.log``).

    ``user`` is for a master started as root: its workers then run as that user, who must be able to write
    ``prefix`` (nginx ignores the setting, with a warning, when not root, so it is left out by default).
    """
    root = Path(prefix)
    temps = "\n".join(f"    {kind}_temp_path {_quote(str(root / ('tmp-' + kind)))};"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    http = "\n".join(("    " + line) if line else "" for line in
                     http_block(spec, access_log=root / "access.log").splitlines())
    user_line = "" if user is None else f"user {_word(user)};\n"
    return f"""{user_line}daemon off;
master_process on;
worker_processes 1;
pid {_quote(str(root / 'nginx.pid'))};
error_log {_quote(str(root / 'error.log'))} warn;

events {{
    worker_connections 4096;
}}

http {{
{temps}
{http}
}}
"""


def streamlit_command(port: int, python: str = "python", address: str = "127.0.0.1") -> list[str]:
    """The command line of one app process: headless, on loopback, its own port (the database is whatever
    ``MANDATE_DB`` says — a DuckDB file or, once supported, a postgresql:// URL — the same for every process)."""
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise DeployError(f"a port is a whole number from 1 to 65535 (got {port!r})")
    # ``python dashboard.py`` rather than ``streamlit run``: it starts with the pages-folder router off
    # (dashboard.serve), so a restarted process answers a first request in any spelling.
    return [python, "dashboard.py", "--server.port", str(port),
            "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false"]


def shell_commands(spec: Cluster, db: str, prefix: str | Path, python: str = "python") -> list[str]:
    """What an operator types, one line each: the app processes in the background, then nginx."""
    env = f"MANDATE_DB={shlex.quote(db)}"
    lines = [f"{env} {shlex.join(streamlit_command(p, python, spec.backend_host))} &" for p in spec.backend_ports]
    root = str(prefix)
    lines.append(shlex.join(["nginx", "-p", root, "-c", str(Path(root) / "nginx.conf"), "-e",
                             str(Path(root) / "error.log")]))
    return lines


def _quote(path: str) -> str:
    """A path as one nginx word: quoted, and refused if it holds what would end the quote or the line."""
    if any(c in path for c in "\"'\\;{}\n\r$"):
        raise DeployError(f"nginx paths here may not contain quotes, backslashes, ';', braces or '$': {path!r}")
    return f'"{path}"'


def _word(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", text):
        raise DeployError(f"not a user name: {text!r}")
    return text


def upstreams_seen(access_log: str, uri_prefix: str = "/") -> dict[str, set[str]]:
    """From an access log in ``LOG_FORMAT``: each route cookie → the app addresses that served it (a sticky
    deployment has exactly one address per route). Requests nginx answered itself (no upstream) are left out."""
    seen: dict[str, set[str]] = {}
    for line in access_log.splitlines():
        match = _LOG_LINE.match(line)
        if not match or not match["uri"].startswith(uri_prefix) or not match["route"]:
            continue
        addresses = {a.strip() for a in re.split(r"[,:]\s", match["upstream"]) if a.strip() not in ("", "-")}
        if addresses:
            seen.setdefault(match["route"], set()).update(addresses)
    return seen


_LOG_LINE = re.compile(r"^\S+ \d{3} \S+ (?P<uri>\S+) upstream=(?P<upstream>.*) route=(?P<route>\S*)$")


__all__: Sequence[str] = ("ROUTE_COOKIE", "Cluster", "DeployError", "cluster", "http_block", "shell_commands",
                          "standalone_config", "streamlit_command", "upstreams_seen")
