"""The deployment recipes run as written: the example site's Procfile (release, then web)
against PostgreSQL and MySQL given as platforms give them, and the container image's
entry command and health check (the image build itself needs a container runtime).

The commands are read from examples/blog/Procfile and examples/Dockerfile, so a change
there is what gets tested.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import SERVER_URLS, clear_server_database

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def platform_url(backend: str) -> str:
    """The test database's URL the way a platform hands it over: ``postgres://`` or
    ``mysql://``, no driver name, no query string."""
    url = make_url(SERVER_URLS[backend])
    scheme = "postgres" if backend == "postgresql" else "mysql"
    auth = url.username + (f":{url.password}" if url.password else "")
    return f"{scheme}://{auth}@{url.host}:{url.port}/{url.database}"


def procfile() -> dict[str, str]:
    lines = (EXAMPLES / "blog" / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def copy_site(tmp_path: Path) -> Path:
    site = tmp_path / "release-1"
    shutil.copytree(
        EXAMPLES / "blog",
        site,
        ignore=shutil.ignore_patterns(".octavo", "*.db*", "__pycache__", "_img"),
    )
    return site


def environment(**extra: str) -> dict[str, str]:
    """A clean platform-like environment: this venv's commands first on PATH."""
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "TZ")}
    return {**keep, "PATH": f"{BIN}:/usr/bin:/bin", **extra}


def run_ok(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run a recipe's command to its end; it must succeed."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


class Server:
    """A web command started in its own process group, stopped with SIGTERM."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_for(self, url: str, status: int = 200, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if fetch(url)[0] == status:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"{url} never answered {status}:\n{self.log.read_text()}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=40)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_procfile_release_then_web(backend, tmp_path, servers):
    clear_server_database(SERVER_URLS[backend])
    site = copy_site(tmp_path)
    port = free_port()
    env = environment(
        DATABASE_URL=platform_url(backend),
        SECRET_KEY="a-secret-every-instance-shares",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        LOG_FORMAT="json",
    )
    commands = procfile()
    assert set(commands) == {"release", "web"}

    run_ok(["bash", "-c", commands["release"]], site, env)
    run_ok(["octavo", "reindex", "--check"], site, env)

    web = Server(["bash", "-c", commands["web"]], site, env, tmp_path / "web.log")
    servers.append(web)
    base = f"http://127.0.0.1:{port}"
    web.wait_for(base + "/_ready")
    status, body, headers = fetch(base + "/_ready")
    assert json.loads(body) == {
        "ready": True,
        "index": "present",
        "rendition_store": "ok",
        "page_cache": "off",
    }
    assert headers["Cache-Control"] == "no-store"
    status, body, headers = fetch(base + "/_health")
    assert (status, json.loads(body), headers["Cache-Control"]) == (
        200,
        {"alive": True},
        "no-store",
    )
    status, body, _ = fetch(base + "/")
    assert status == 200 and b"Making this example site" in body

    assert web.stop() == 0  # SIGTERM: a clean, graceful exit
    lines = [line for line in web.log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    messages = [r["message"] for r in records]
    assert any(m.startswith("Listening at: http://0.0.0.0:") for m in messages), messages
    assert sum(m.startswith("Booting worker") for m in messages) == 2  # WEB_CONCURRENCY
    assert any(m.startswith("Handling signal: term") for m in messages), messages


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, argument) pairs of examples/Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (EXAMPLES / "Dockerfile").read_text())
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, argument = line.strip().partition(" ")
            pairs.append((instruction.upper(), argument.strip()))
    return pairs


def final_stage(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (instruction, _) in enumerate(pairs) if instruction == "FROM"]
    return pairs[starts[-1] :]


def test_container_image_recipe_is_slim_and_unprivileged():
    pairs = dockerfile()
    final = final_stage(pairs)
    assert final[0] == ("FROM", "python:3.11-slim")
    users = [argument for instruction, argument in final if instruction == "USER"]
    assert users and users[-1] not in ("root", "0")
    for instruction, argument in pairs:  # every file the image copies exists
        if instruction == "COPY" and "--from=" not in argument:
            sources = [word for word in shlex.split(argument) if not word.startswith("--")][:-1]
            assert all((REPO / source).exists() for source in sources), argument


def test_container_entry_command_and_health_check(tmp_path, servers):
    final = final_stage(dockerfile())
    env_pairs: dict[str, str] = {}
    for instruction, argument in final:
        if instruction == "ENV":
            env_pairs.update(pair.split("=", 1) for pair in shlex.split(argument))
    command = json.loads(next(arg for ins, arg in final if ins == "CMD"))
    health = next(arg for ins, arg in final if ins == "HEALTHCHECK")
    health_command = json.loads(health[health.index("CMD") + 3 :])
    assert next(arg for ins, arg in final if ins == "WORKDIR") == "/srv/site"

    site = copy_site(tmp_path)  # what the image holds in /srv/site
    port = free_port()
    env_pairs.pop("PATH")  # the image's venv: this test's venv stands in for it
    env = environment(**{**env_pairs, "PORT": str(port)})
    container = Server(command, site, env, tmp_path / "container.log")
    servers.append(container)
    container.wait_for(f"http://127.0.0.1:{port}/_ready")
    healthcheck = subprocess.run(health_command, env=env, capture_output=True, timeout=10)
    assert healthcheck.returncode == 0, healthcheck.stderr
    assert fetch(f"http://127.0.0.1:{port}/")[0] == 200
    assert container.stop() == 0
    healthcheck = subprocess.run(health_command, env=env, capture_output=True, timeout=10)
    assert healthcheck.returncode != 0  # the check fails once the server is gone


def test_graceful_reload_under_load_fails_no_request(tmp_path, servers):
    """SIGHUP (systemctl reload, a platform's config change): gunicorn starts new workers
    and lets the old ones finish, on the same listening socket, so nothing is refused."""
    site = copy_site(tmp_path)
    port = free_port()
    env = environment(PORT=str(port), WEB_CONCURRENCY="2", SECRET_KEY="k")
    web = Server(["bash", "-c", procfile()["web"]], site, env, tmp_path / "web.log")
    servers.append(web)
    base = f"http://127.0.0.1:{port}"
    web.wait_for(base + "/_ready")
    out, stop = tmp_path / "load.json", tmp_path / "load.stop"
    load = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "load_client.py"), base, str(out),
         str(stop), "/", "/blog/", "/feed", "/_ready"],
    )  # fmt: skip
    time.sleep(1.5)
    for _ in range(2):
        web.process.send_signal(signal.SIGHUP)
        time.sleep(4)
    stop.touch()
    assert load.wait(timeout=60) == 0
    records = json.loads(out.read_text())
    assert len(records) > 20
    assert [r for r in records if r[2] != 200] == []
    assert web.stop() == 0
    log = web.log.read_text()
    assert log.count("Handling signal: hup") == 2
    assert log.count("Booting worker") >= 6  # two, then two more at each reload


def test_systemd_unit_verifies_and_runs_the_recipe_commands(tmp_path):
    """systemd's own checker reads the unit (with this venv in place of /srv/octavo/venv);
    its commands are the Procfile's: reindex before start, gunicorn app:app."""
    unit = (EXAMPLES / "single-box" / "octavo.service").read_text()
    local = tmp_path / "octavo.service"
    local.write_text(unit.replace("/srv/octavo/venv/bin", str(BIN)))
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(local)], capture_output=True, text=True, timeout=60
    )
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")
    commands = dict(
        line.split("=", 1) for line in unit.splitlines() if line.startswith("ExecStart")
    )
    assert commands["ExecStartPre"].endswith("/octavo reindex --quiet")
    assert commands["ExecStart"].endswith("/gunicorn --bind 127.0.0.1:8000 app:app")
    assert procfile()["release"] == "octavo reindex --quiet"
