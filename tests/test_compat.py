"""tools/compat.py (`make compat`): what it compares and how it checks explorers' widgets.

Here it runs with the course's ipywidgets 8; `make compat` runs the same checks with
Colab's ipywidgets 7.7."""
from pathlib import Path

import ipywidgets as W
import nbformat

from tools import compat

ROOT = Path(__file__).resolve().parents[1]


def test_widget_models_cover_children_layouts_and_styles():
    box = W.VBox([W.HBox([W.IntSlider(description="n")]), W.Output()])
    names = {m["model"] for m in compat.widget_models(box)}
    assert {"VBoxModel", "HBoxModel", "IntSliderModel", "OutputModel", "LayoutModel",
            "SliderStyleModel"} <= names


def test_the_installed_front_end_knows_the_core_widgets_and_not_others():
    bundle = compat.front_end_bundle()
    box = W.VBox([W.FloatLogSlider(), W.Dropdown(options=["a"]), W.Checkbox(), W.Output()])
    assert compat.unknown_models(compat.widget_models(box), bundle) == []
    foreign = [{"model": "MplCanvasModel", "module": "jupyter-matplotlib", "version": "0.11.0",
                "view": "MPLCanvasView"},
               {"model": "IntSliderModel", "module": "@jupyter-widgets/controls",
                "version": "9.9.9", "view": "IntSliderView"}]
    assert compat.unknown_models(foreign, bundle) == [
        "IntSliderModel: @jupyter-widgets/controls 9.9.9 is not the version this front end "
        "declares", "MplCanvasModel (jupyter-matplotlib) is not in this front end"]


def test_checked_cells_compare_like_nbval():
    patterns = compat.sanitizers()

    def cell(*outputs):
        return nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nx", outputs=list(outputs))

    def out(text, name="stdout"):
        return nbformat.v4.new_output("stream", name=name, text=text)

    saved = nbformat.v4.new_notebook(cells=[
        cell(out("acc 0.796 in 1.2 s\n"), out("warning\n", "stderr")), cell(out("0.5\n")),
        nbformat.v4.new_code_cell("print(1)", outputs=[out("1\n")]), cell(out("same\n"))])
    run = nbformat.v4.new_notebook(cells=[
        cell(out("acc 0.796 in 3.4 s\n")), cell(out("0.6\n")),
        nbformat.v4.new_code_cell("print(1)", outputs=[out("2\n")]), cell(out("other\n"))])
    assert compat.differing_checked_cells(saved, run, patterns) == [
        {"cell": 1, "saved": "0.5\n", "colab": "0.6\n"},
        {"cell": 3, "saved": "same\n", "colab": "other\n"}]
    assert compat.differing_checked_cells(saved, run, patterns, upto=2) == [
        {"cell": 1, "saved": "0.5\n", "colab": "0.6\n"}]


def test_a_notebook_runs_and_its_explorer_is_checked_in_a_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import sys; sys.path.insert(0, {str(ROOT)!r})"),
        nbformat.v4.new_code_cell(
            "# NBVAL_CHECK_OUTPUT\nimport ipywidgets as W\n"
            "from utils.plotting import explorer, fast_figure\n"
            "def draw(ax, n):\n    ax.plot(range(n))\n"
            "box = explorer('tiny', {'n': W.IntSlider(3, min=1, max=9)}, draw, "
            "figure=fast_figure)\nprint('built')",
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="built\n")])])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(notebook, path)
    result = compat.run_notebook(path, timeout=120)
    assert result["error"] is None and result["differences"] == []
    assert result["widgets"]["ipywidgets"] == W.__version__
    assert result["widgets"]["explorers"] == {"tiny": []}
    assert not compat.failed([result])
    text = compat.markdown([result], 1.0)
    assert "| tiny.ipynb |" in text and "tiny (0)" in text


def test_an_error_fails_the_run_and_names_its_cell(tmp_path):
    path = tmp_path / "bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]), path)
    result = compat.run_notebook(path, timeout=60)
    assert result["error"]["cell"] == 1 and "ZeroDivisionError" in result["error"]["message"]
    assert compat.failed([result])
