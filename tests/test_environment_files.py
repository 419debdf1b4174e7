"""requirements.txt, constraints.txt and environment.yml must agree."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(path):
    pins = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def _environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                name, version = spec.split("==")
                pip[name.lower()] = version
        elif dep != "pip":
            name, _, version = dep.partition("=")
            conda[name.lower()] = version
    return env, conda, pip


def test_requirements_are_all_pinned_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.-]+==\d+(\.\d+)+", line), f"not pinned: {line}"


def test_environment_names_the_same_packages_as_requirements():
    _, conda, pip = _environment()
    named = (set(conda) - {"python"}) | set(pip)
    assert named == set(_pins("requirements.txt"))


def test_environment_versions_are_compatible_with_the_pins():
    env, conda, pip = _environment()
    pins = _pins("requirements.txt")
    assert env["channels"] == ["conda-forge"]
    for name, version in conda.items():
        if name != "python":
            assert (pins[name] + ".").startswith(version + "."), f"{name}: {version} vs {pins[name]}"
    for name, version in pip.items():
        assert pins[name] == version, f"{name}: {version} vs {pins[name]}"
    assert "tensorflow" in pip and "tensorflow-cpu" not in pip


def test_binder_python_is_one_the_makefile_accepts():
    _, conda, _ = _environment()
    major, minor = map(int, conda["python"].split(".")[:2])
    assert (3, 10) <= (major, minor) <= (3, 13)


def test_constraints_agree_with_requirements():
    constraints = _pins("constraints.txt")
    for name, version in _pins("requirements.txt").items():
        assert constraints.get(name) == version, f"constraints.txt pins {name}=={constraints.get(name)}"
