"""The benchmark's pure parts: finding explorers and writing the report (no timing here)."""
import re
from pathlib import Path

import nbformat

from tools import bench

ROOT = Path(__file__).resolve().parents[1]


def test_every_explorer_a_notebook_builds_is_found_with_its_module():
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        source = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        built = set(re.findall(r"\b(make_\w+_explorer)\(", source))
        calls = bench.explorer_calls(notebook)
        assert set(calls) == built, f"{path.name}: found {sorted(calls)}, builds {sorted(built)}"
        for name, (module, call) in calls.items():
            assert module.startswith("utils.") and call.startswith(name + "(")


def test_an_explorer_call_with_arguments_is_replayed_as_written():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from utils.x import (make_a_explorer, other)\nmake_a_explorer(curve[:10], f(2))")])
    assert bench.explorer_calls(notebook) == {
        "make_a_explorer": ("utils.x", "make_a_explorer(curve[:10], f(2))")}


def _report(seconds, memory, move, speedup):
    notebooks = [{"notebook": "01_x", "seconds": seconds, "memory_mb": memory,
                  "explorers": {"make_x_explorer": {"build": 0.1, "moves": [["s", move]]}}}]
    study = {"models": 7, "epochs": 4000, "naive_epochs": 50, "course_seconds": 1.0,
             "seed_seconds_per_epoch": speedup / 28000, "seed_style_study_seconds": speedup,
             "speedup": speedup}
    host = {"cores": 2, "cpu": "cpu", "system": "Linux", "python": "3.11", "tensorflow": "2.21",
            "keras": "3.15"}
    return bench.report(notebooks, study, None, host)


def test_report_marks_what_meets_its_budget_and_what_does_not():
    good = _report(seconds=20, memory=800, move=0.2, speedup=300)
    assert "✘" not in good and "| 01_x | 20.0 | 800 | ✔ |" in good and "**300×**" in good
    bad = _report(seconds=200, memory=1300, move=0.7, speedup=50)
    assert bad.count("✘ over budget") == 4   # notebook, all notebooks, explorer, speed-up
