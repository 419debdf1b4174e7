"""requirements.txt, constraints.txt, environment.yml (Binder) and the Python range agree."""
import re
import tomllib
from pathlib import Path

import yaml

from tools import binder_env

ROOT = Path(__file__).resolve().parents[1]
FLOOR, CEILING = (3, 11, 5), (3, 13)


def _pins(path):
    pins = {}
    for line in binder_env.pins(ROOT / path):
        name, version = line.split("==")
        pins[name.lower().replace("_", "-")] = version
    return pins


def test_requirements_are_all_pinned_exactly():
    for line in binder_env.pins(ROOT / "requirements.txt"):
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==\d+(\.\d+)+(\.post\d+)?", line), f"not pinned: {line}"


def test_constraints_agree_with_requirements():
    constraints = _pins("constraints.txt")
    for name, version in _pins("requirements.txt").items():
        assert constraints.get(name) == version, f"constraints.txt pins {name}=={constraints.get(name)}"


def test_binder_installs_exactly_the_tested_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = [d for d in env["dependencies"] if not isinstance(d, dict)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert conda == [binder_env.PYTHON, "pip"], "conda-forge gives only Python and pip"
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", spec) for spec in pip), (
        "environment.yml's pip section holds exact pins only (no -r/-c paths)")
    binder = {n.lower().replace("_", "-"): v for n, v in (s.split("==") for s in pip)}
    assert binder == _pins("constraints.txt"), "run `python -m tools.binder_env`"
    assert (ROOT / "environment.yml").read_text() == binder_env.render(), (
        "environment.yml is generated: run `python -m tools.binder_env`")


def test_binder_reads_the_top_level_environment_file():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "repo2docker ignores top-level environment.yml when binder/ exists")


def test_binder_python_is_inside_the_supported_range():
    low, high = re.fullmatch(r"python>=([\d.]+),<([\d.]+)", binder_env.PYTHON).groups()
    assert tuple(map(int, low.split("."))) >= FLOOR
    assert tuple(map(int, high.split("."))) <= (CEILING[0], CEILING[1] + 1)


def test_the_supported_python_range_is_stated_alike_everywhere():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == ">=3.11.5,<3.14"
    assert pyproject["tool"]["ruff"]["target-version"] == "py311"
    script = (ROOT / "tools" / "make_venv.sh").read_text()
    assert "(3, 11, 5) <= v[:3] and v[:2] <= (3, 13)" in script
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.11.5 to 3.13" in readme
    assert not re.search(r"Python 3\.10\b", readme.split("## Platforms")[0]), (
        "the README promises Python 3.10, which cannot install the pins")


def test_colab_pins_hold_the_versions_colab_runs():
    colab = _pins("tools/colab-constraints.txt")
    assert colab["tensorflow"].startswith("2.") and colab["ipywidgets"].startswith("7.")
    assert {"nbclient", "nbformat", "ipykernel", "jupyter-client"} <= set(colab)
