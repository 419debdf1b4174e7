"""tools/make_venv.sh, behind `make lab` / `make test`: checks the Python, shows pip's
errors, removes an environment whose install failed, and rebuilds one made by another
Python when the learner names a Python. Offline and small: requirements here are local
files with `--no-index`, so nothing is downloaded."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYENV = Path("/root/.pyenv/versions")


def _python(version):
    path = next(iter(sorted(PYENV.glob(f"{version}*/bin/python"))), None)
    if path is None:
        pytest.skip(f"no Python {version} on this machine")
    return str(path)


def _make_venv(folder, python, requirements, *, given=True):
    env = {**os.environ, "PYTHON": python, "PYTHON_GIVEN": "1" if given else ""}
    done = subprocess.run(["sh", str(ROOT / "tools" / "make_venv.sh"), "venv", requirements,
                           "constraints.txt"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "ok.txt").write_text("--no-index\n")
    (tmp_path / "bad.txt").write_text("--no-index\nnot-a-real-package-xyz==1.0\n")
    (tmp_path / "constraints.txt").write_text("")
    return tmp_path


def test_python_3_10_is_refused_with_the_supported_range(folder):
    code, out = _make_venv(folder, _python("3.10"), "ok.txt")
    assert code == 1 and "needs Python 3.11.5 to 3.13" in out and "PYTHON=" in out
    assert not (folder / "venv").exists()


def test_a_missing_python_is_named(folder):
    code, out = _make_venv(folder, "python3.99", "ok.txt")
    assert code == 1 and "python3.99" in out and not (folder / "venv").exists()


def test_a_failed_install_shows_pips_reason_and_leaves_no_environment(folder):
    code, out = _make_venv(folder, _python("3.11"), "bad.txt")
    assert code == 1
    assert "No matching distribution found for not-a-real-package-xyz" in out
    assert "was removed" in out and not (folder / "venv").exists()


def test_leftovers_are_rebuilt_a_good_environment_kept_another_named_python_rebuilds(folder):
    (folder / "venv" / "bin").mkdir(parents=True)        # an interrupted install
    (folder / "venv" / "half-installed").write_text("")
    code, out = _make_venv(folder, _python("3.11"), "ok.txt")
    assert code == 0, out
    assert (folder / "venv" / ".installed").is_file()
    assert not (folder / "venv" / "half-installed").exists()
    code, out = _make_venv(folder, _python("3.11"), "ok.txt")
    assert code == 0 and out == ""                       # up to date: nothing to do
    code, out = _make_venv(folder, _python("3.10"), "ok.txt")
    assert code == 1 and "needs Python 3.11.5 to 3.13" in out
    assert (folder / "venv" / ".installed").is_file()    # refused, and the good one kept
    code, out = _make_venv(folder, _python("3.12"), "ok.txt", given=False)
    assert code == 0 and out == ""                       # `make test` keeps what exists
    code, out = _make_venv(folder, _python("3.12"), "ok.txt")
    assert code == 0 and "rebuilding it with" in out, out
    version = subprocess.run([str(folder / "venv" / "bin" / "python"), "--version"],
                             capture_output=True, text=True).stdout
    assert version.startswith("Python 3.12")
