"""The benchmark: its probe reads the explorer registry, its report marks the budgets."""
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as W
import nbformat

from tools import bench, bench_probes

ROOT = Path(__file__).resolve().parents[1]


def _fake_explorer(name, controls, *, connected=True, build_seconds=0.25):
    """An object with the registry's attributes whose controls count redraws."""
    explorer = SimpleNamespace(name=name, controls=controls, build_seconds=build_seconds,
                               redraws=0, widget=W.VBox(list(controls.values())))

    def redraw(change):
        explorer.redraws += 1

    for control_name, control in controls.items():
        if connected or control_name != "off":
            control.observe(redraw, names="value")
    return explorer


def test_probe_moves_every_control_of_every_registered_explorer_and_times_it():
    first = _fake_explorer("make_a_explorer", {
        "lambd": W.FloatLogSlider(value=1e-3, min=-5, max=0),
        "epochs": W.IntSlider(value=10, min=0, max=100),
        "kind": W.Dropdown(options=[("L1", "l1"), ("L2", "l2")], value="l2"),
        "noisy": W.Checkbox(value=False)})
    second = _fake_explorer("make_b_explorer", {"keep": W.FloatSlider(0.5, min=0.1, max=1.0)},
                            build_seconds=1.5)
    report = bench_probes.explorer_report([first, second])
    assert list(report) == ["make_a_explorer", "make_b_explorer"]
    moved = [control for control, _ in report["make_a_explorer"]["moves"]]
    assert moved == ["lambd"] * 3 + ["epochs"] * 3 + ["kind"] * 2 + ["noisy"] * 2
    assert all(seconds >= 0 for _, seconds in report["make_a_explorer"]["moves"])
    assert report["make_b_explorer"]["build"] == 1.5
    assert report["make_a_explorer"]["missed_redraws"] == 0
    # each control ends where it started
    assert first.controls["epochs"].value == 10 and first.controls["kind"].value == "l2"


def test_every_move_changes_the_value_even_at_the_ends():
    at_max = W.FloatLogSlider(value=1.0, min=-5, max=0)
    assert bench_probes.new_values(at_max) == [1e-5 ** 0.5, 1e-5, 1.0]
    assert bench_probes.new_values(W.Dropdown(options=["only"])) == []
    assert bench_probes.new_values(W.IntSlider(value=0, min=0, max=1)) == [1, 0]


def test_probe_counts_moves_that_do_not_redraw_and_names_repeated_explorers():
    controls = {"on": W.IntSlider(1, min=0, max=4), "off": W.IntSlider(1, min=0, max=4)}
    broken = _fake_explorer("make_x_explorer", controls, connected=False)
    again = _fake_explorer("make_x_explorer", {"on": W.IntSlider(1, min=0, max=4)})
    report = bench_probes.explorer_report([broken, again])
    assert report["make_x_explorer"]["missed_redraws"] == 3
    assert report["make_x_explorer #2"]["missed_redraws"] == 0


def test_bench_notebook_reads_the_registry_in_the_notebook_kernel(tmp_path):
    """A two-cell notebook builds an explorer with utils.plotting.explorer; bench times it."""
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})"),
        nbformat.v4.new_code_cell(
            "import ipywidgets as W\nfrom utils.plotting import explorer, fast_figure\n"
            "def draw(ax, n):\n    ax.plot(range(n))\n"
            "box = explorer('tiny', {'n': W.IntSlider(3, min=1, max=9)}, draw,\n"
            "               figure=fast_figure)")])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    result = bench.bench_notebook(path, timeout=120)
    assert result["notebook"] == "tiny" and result["seconds"] > 0
    assert result["memory_mb"] > 10
    assert [c for c, _ in result["explorers"]["tiny"]["moves"]] == ["n"] * 3
    assert result["explorers"]["tiny"]["missed_redraws"] == 0


def _report(seconds, memory, move, speedup, missed=0):
    notebooks = [{"notebook": "01_x", "seconds": seconds, "memory_mb": memory,
                  "explorers": {"make_x_explorer": {"build": 0.1, "moves": [["s", move]],
                                                    "missed_redraws": missed}}}]
    study = {"models": 7, "epochs": 4000, "naive_epochs": 50, "course_seconds": 1.0,
             "seed_seconds_per_epoch": speedup / 28000, "seed_style_study_seconds": speedup,
             "speedup": speedup}
    host = {"cores": 2, "cpu": "cpu", "system": "Linux", "python": "3.11", "tensorflow": "2.21",
            "keras": "3.15"}
    return bench.report(notebooks, study, None, host)


def test_report_marks_what_meets_its_budget_and_what_does_not():
    good = _report(seconds=20, memory=800, move=0.2, speedup=300)
    assert "✘" not in good and "| 01_x | 20.0 | 800 | 45 s, 1200 MB | ✔ |" in good and "**300×**" in good
    bad = _report(seconds=200, memory=1300, move=0.7, speedup=50)
    assert bad.count("✘ over budget") == 4   # notebook, all notebooks, explorer, speed-up
    assert "✘ 2 moves did not redraw" in _report(20, 800, 0.2, 300, missed=2)


def test_the_capstone_has_its_own_time_budget_outside_the_chapters_total():
    host = {"cores": 2, "cpu": "cpu", "system": "Linux", "python": "3.11", "tensorflow": "2.21",
            "keras": "3.15"}
    notebooks = [{"notebook": "05_x", "seconds": 40.0, "memory_mb": 900, "explorers": {}},
                 {"notebook": "06_x", "seconds": 150.0, "memory_mb": 900, "explorers": {}}]
    text = bench.report(notebooks, None, None, host)
    assert "| 05_x | 40.0 | 900 | 45 s, 1200 MB | ✔ |" in text
    assert "| 06_x | 150.0 | 900 | 90 s, 1200 MB | ✘ over budget |" in text
    assert "chapters 0–5: **40.0 s** (budget 180 s: ✔)" in text


def test_output_may_be_any_path(tmp_path, monkeypatch):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), solutions / "00_x.ipynb")
    monkeypatch.setattr(bench, "SOLUTIONS", solutions)
    monkeypatch.setattr(bench, "ROOT", tmp_path)   # no moons study here
    monkeypatch.setattr(bench, "machine", lambda: {
        "cores": 2, "cpu": "cpu", "system": "Linux", "python": "3.11", "tensorflow": "2.21",
        "keras": "3.15"})
    monkeypatch.setattr(bench, "bench_notebook", lambda path: {
        "notebook": path.stem, "seconds": 1.0, "memory_mb": 100.0, "explorers": {}})
    output = tmp_path / "elsewhere" / "BENCH.md"
    output.parent.mkdir()
    assert bench.main(["--output", str(output)]) == 0
    assert "| 00_x | 1.0 | 100 | 45 s, 1200 MB | ✔ |" in output.read_text(encoding="utf-8")
