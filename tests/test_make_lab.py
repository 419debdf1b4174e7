"""`make lab` serves JupyterLab on 127.0.0.1, honours JUPYTER_PORT and demands its token.

It runs with the environment that exists: `make -o venv` never starts an install, and
without a built .venv the tests are skipped.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not (ROOT / ".venv" / ".installed").is_file():
        pytest.skip("no built .venv here (run `make lab` once); this test never installs")
    port = _free_port()
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    env = {**os.environ, "JUPYTER_PORT": str(port), "LAB_ARGS": "--no-browser",
           "JUPYTER_RUNTIME_DIR": str(log.parent / "runtime")}
    with open(log, "w") as out:
        proc = subprocess.Popen(["make", "--no-print-directory", "-o", "venv", "lab"],
                                cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, token = time.time() + 90, None
        while time.time() < deadline and token is None:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited early:\n{log.read_text()}")
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\S*\?token=([0-9a-f]+)", log.read_text())
            token = match.group(1) if match else None
            time.sleep(0.5)
        assert token, f"no tokenized URL on port {port} in the log:\n{log.read_text()}"
        yield port, token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def test_lab_refuses_requests_without_the_token(lab):
    port, _ = lab
    status, _ = _get(f"http://127.0.0.1:{port}/api/contents/chapters")
    assert status == 403


def test_lab_serves_the_course_with_the_token(lab):
    port, token = lab
    status, body = _get(f"http://127.0.0.1:{port}/api/contents/chapters?token={token}")
    assert status == 200
    names = {item["name"] for item in json.loads(body)["content"]}
    assert "00_start_here.ipynb" in names


def test_lab_listens_on_loopback_only(lab):
    port, _ = lab
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    for address in addresses - {"127.0.0.1", "::1"}:
        with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as s:
            s.settimeout(2)
            assert s.connect_ex((address, port)) != 0, f"JupyterLab answers on {address}"
