"""The nginx configuration of several app processes (mandate_core/deploy.py): sticky, websocket-ready, the
upload limit of the app, and — when nginx is installed — accepted by ``nginx -t`` itself."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from helpers_nginx import require_or_skip

from mandate_core import deploy, uploads
from tests.bench import cluster as launcher


def _block(text: str, head: str) -> str:
    """The body of the first ``head { ... }`` block (braces balanced)."""
    start = text.index(head + " {") + len(head) + 2
    depth, i = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start:i - 1]


CLUSTER = deploy.Cluster((8601, 8602, 8603), 8080)


def test_every_process_is_an_upstream_server_picked_by_the_route_cookie() -> None:
    text = deploy.http_block(CLUSTER)
    upstream = _block(text, "upstream mandate_app")
    assert re.findall(r"server (\S+) ", upstream) == ["127.0.0.1:8601", "127.0.0.1:8602", "127.0.0.1:8603"]
    assert "hash $route_key consistent;" in upstream
    assert "ip_hash" not in text and "sticky" not in upstream  # neither exists/works in Debian's nginx here
    # The key is the browser's cookie, or a fresh random id, which is then handed to the browser as its cookie.
    key = _block(text, "map $cookie_mandate_route $route_key")
    assert re.search(r"''\s+\$request_id;", key) and re.search(r"default\s+\$cookie_mandate_route;", key)
    cookie = _block(text, "map $cookie_mandate_route $route_set_cookie")
    assert '"mandate_route=$request_id; Path=/; HttpOnly; SameSite=Lax"' in cookie
    assert re.search(r"default\s+'';", cookie)  # a browser that has the cookie gets no new one
    assert text.count("add_header Set-Cookie $route_set_cookie always;") == 2  # both locations


def test_the_websocket_location_upgrades_and_stays_open() -> None:
    text = deploy.http_block(CLUSTER)
    stream = _block(text, "location /_stcore/stream")
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    assert "proxy_http_version 1.1;" in stream
    assert "proxy_read_timeout 86400s;" in stream and "proxy_buffering off;" in stream
    upgrade = _block(text, "map $http_upgrade $connection_upgrade")
    assert re.search(r"default\s+upgrade;", upgrade) and re.search(r"''\s+close;", upgrade)
    # The host the browser used reaches the app (the join link of a workshop is built from it).
    assert "proxy_set_header Host $http_host;" in stream


def test_upload_limit_and_listen_address_follow_the_app() -> None:
    text = deploy.http_block(CLUSTER)
    assert f"client_max_body_size {uploads.MAX_UPLOAD_MB}m;" in text and uploads.MAX_UPLOAD_MB == 200
    assert "listen 127.0.0.1:8080;" in text
    six = deploy.http_block(deploy.Cluster((8601,), 443, listen_host="::"))
    assert "listen [::]:443;" in six
    config = (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {uploads.MAX_UPLOAD_MB}" in config


def test_standalone_config_keeps_every_file_under_its_prefix(tmp_path: Path) -> None:
    text = deploy.standalone_config(CLUSTER, tmp_path)
    assert "daemon off;" in text and f'pid "{tmp_path}/nginx.pid";' in text
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        assert f'{kind}_temp_path "{tmp_path}/tmp-{kind}";' in text
    assert f'access_log "{tmp_path}/access.log" mandate_upstream;' in text
    assert not text.startswith("user")
    assert deploy.standalone_config(CLUSTER, tmp_path, user="www-data").startswith("user www-data;\n")


@pytest.mark.parametrize(("make", "words"), [
    (lambda: deploy.Cluster((), 80), "at least one"),
    (lambda: deploy.Cluster((8601, 8601), 80), "a port of their own"),
    (lambda: deploy.Cluster((8601,), 8601), "a port of their own"),
    (lambda: deploy.Cluster((0,), 80), "from 1 to 65535"),
    (lambda: deploy.Cluster((70000,), 80), "from 1 to 65535"),
    (lambda: deploy.Cluster((8601,), 80, listen_host="x; include /etc/passwd"), "not a host"),
    (lambda: deploy.Cluster((8601,), 80, max_upload_mb=0), "megabytes"),
    (lambda: deploy.cluster(0, 8601, 80), "1 or more"),
    (lambda: deploy.standalone_config(CLUSTER, '/tmp/x"; evil'), "may not contain"),
    (lambda: deploy.standalone_config(CLUSTER, "/tmp/x", user="root; x"), "not a user name"),
    (lambda: deploy.streamlit_command(0), "from 1 to 65535"),
])
def test_settings_that_cannot_work_get_a_clear_error(make: object, words: str) -> None:
    with pytest.raises(deploy.DeployError, match=words):
        make()  # type: ignore[operator]


def test_consecutive_ports_and_the_app_command() -> None:
    assert deploy.cluster(3, 9001, 80).backend_ports == (9001, 9002, 9003)
    assert deploy.streamlit_command(9001, "py") == [
        "py", "dashboard.py", "--server.port", "9001", "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    lines = deploy.shell_commands(deploy.cluster(2, 9001, 80), "/srv/my data.duckdb", "/srv/ngx")
    assert lines[0].startswith("MANDATE_DB='/srv/my data.duckdb' python dashboard.py "
                               "--server.port 9001 ") and lines[0].endswith(" &")
    assert "--server.port 9002" in lines[1]
    assert lines[2] == "nginx -p /srv/ngx -c /srv/ngx/nginx.conf -e /srv/ngx/error.log"


def test_access_log_lines_map_each_route_to_the_processes_that_served_it() -> None:
    log = "\n".join([
        "2026-12-03T05:36:04+00:00 200 GET / upstream=127.0.0.1:8601 route=aaa",
        "2026-12-03T05:36:05+00:00 101 GET /_stcore/stream upstream=127.0.0.1:8601 route=aaa",
        "2026-12-03T05:36:05+00:00 101 GET /_stcore/stream upstream=127.0.0.1:8602 route=bbb",
        "2026-12-03T05:36:06+00:00 200 GET /x upstream=127.0.0.1:8602, 127.0.0.1:8603 route=ccc",  # a retry
        "2026-12-03T05:36:06+00:00 404 GET /y upstream=- route=ddd",  # nginx answered itself
        "not a log line",
    ])
    assert deploy.upstreams_seen(log) == {"aaa": {"127.0.0.1:8601"}, "bbb": {"127.0.0.1:8602"},
                                          "ccc": {"127.0.0.1:8602", "127.0.0.1:8603"}}
    assert deploy.upstreams_seen(log, "/_stcore/stream") == {"aaa": {"127.0.0.1:8601"}, "bbb": {"127.0.0.1:8602"}}


def test_nginx_itself_accepts_the_rendered_config(tmp_path: Path) -> None:
    """``nginx -t`` on the standalone file: every directive exists in this nginx and the file parses."""
    nginx = launcher.nginx_binary()
    require_or_skip(nginx is not None, "NGINX NOT INSTALLED: the rendered config was not checked by nginx -t "
                    "(apt-get install nginx)")
    (tmp_path / "nginx.conf").write_text(deploy.standalone_config(CLUSTER, tmp_path))
    done = subprocess.run([str(nginx), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_a_missing_nginx_skips_loudly_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="NGINX NOT INSTALLED"):
        require_or_skip(False, "NGINX NOT INSTALLED: x")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        require_or_skip(False, "NGINX NOT INSTALLED: x")
    require_or_skip(True, "never shown")  # present: nothing happens, in CI or not


def test_print_commands_writes_a_config_nginx_accepts(tmp_path: Path) -> None:
    """The by-hand recipe of docs/deployment.md: its config step prints a standalone file ``nginx -t`` takes."""
    import sys

    root = Path(__file__).resolve().parents[1]
    args = [sys.executable, "-m", "tests.bench.cluster", "--processes", "2", "--first-port", "9101", "--port", "9100",
            "--prefix", str(tmp_path), "--db", "/srv/x.duckdb"]
    commands = subprocess.run([*args, "--print-commands"], cwd=root, capture_output=True, text=True, timeout=60)
    assert commands.returncode == 0, commands.stderr
    lines = commands.stdout.splitlines()
    assert lines[0] == f"mkdir -p {tmp_path}" and "--print-standalone" in lines[1]
    assert lines[2].startswith("MANDATE_DB=/srv/x.duckdb python dashboard.py --server.port 9101 ")
    assert "--server.port 9102" in lines[3] and lines[4].startswith(f"nginx -p {tmp_path} ")
    config = subprocess.run([*args, "--print-standalone"], cwd=root, capture_output=True, text=True, timeout=60)
    assert config.returncode == 0, config.stderr
    assert "server 127.0.0.1:9101 " in config.stdout and "listen 127.0.0.1:9100;" in config.stdout
    nginx = launcher.nginx_binary()
    require_or_skip(nginx is not None, "NGINX NOT INSTALLED: the printed config was not checked by nginx -t")
    (tmp_path / "nginx.conf").write_text(config.stdout)
    done = subprocess.run([str(nginx), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                           "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
