"""`statusgen serve` as a responder runs it: a real server process on 127.0.0.1."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time

import pytest
from conftest import INCIDENT, NOW_TEXT, write_repo


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def served(tmp_path):
    """(port, server process) of `statusgen serve` over a small repository, once it answers."""
    root = write_repo(tmp_path / "repo", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "statusgen",
        "-C",
        str(root),
        "--now",
        NOW_TEXT,
        "serve",
        "-a",
        f"127.0.0.1:{port}",
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/", f"127.0.0.1:{port}")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "statusgen serve did not answer within 60 s"
            time.sleep(0.3)
        yield port, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_its_own_address_and_localhost_and_refuses_other_host_names(served):
    port, server = served
    assert get(port, "/", f"127.0.0.1:{port}")[0] == 200
    assert get(port, "/", f"localhost:{port}")[0] == 200
    status, body = get(port, "/", f"rebind.attacker.example:{port}")
    assert status == 403
    assert b"127.0.0.1 and localhost only" in body
    assert get(port, "/incidents/2026-11-20-api-errors/", "attacker.example")[0] == 403
    server.terminate()
    _, log = server.communicate(timeout=10)
    assert "refused a request for Host 'rebind.attacker.example" in log
