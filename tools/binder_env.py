"""Write environment.yml, the environment Binder (repo2docker) builds, from constraints.txt.

    python -m tools.binder_env          # rewrite environment.yml
    python -m tools.binder_env check    # exit 1 if environment.yml is not what it writes

conda-forge provides only Python and pip; pip then installs every package of
constraints.txt (the full set CI tests, a `pip freeze` on Linux) at its exact
version. So Binder runs the tested set, no conda-forge build has to exist for our
pins, and no relative `-r`/`-c` path has to resolve inside repo2docker.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = ROOT / "environment.yml"
CONSTRAINTS = ROOT / "constraints.txt"
PYTHON = "python>=3.11.5,<3.12"   # the Python CI tests with (3.11), above the pins' floor

HEADER = """\
# The environment Binder (repo2docker) builds. Generated from constraints.txt by
# `python -m tools.binder_env`; tests/test_environment_files.py keeps the two equal.
# conda-forge gives only Python and pip; pip installs every package at the exact
# version CI tests, so Binder runs the tested set.
"""


def pins(path: Path = CONSTRAINTS) -> list[str]:
    """The ``name==version`` lines of a requirements or constraints file."""
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def render() -> str:
    lines = [HEADER.rstrip("\n"), "name: regularization-course", "channels:", "  - conda-forge",
             "dependencies:", f'  - "{PYTHON}"', "  - pip", "  - pip:"]
    lines += [f"      - {pin}" for pin in pins()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        if ENVIRONMENT.read_text() != render():
            print("environment.yml differs from constraints.txt: run "
                  "`python -m tools.binder_env`", file=sys.stderr)
            return 1
        return 0
    ENVIRONMENT.write_text(render())
    print(f"wrote {ENVIRONMENT.name} ({len(pins())} pinned packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
