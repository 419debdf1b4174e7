"""Every explorer of the course, built by its factory and driven like a learner would.

Each ``make_*_explorer`` is registered by ``utils.plotting.explorer_factory``. Here
each is built with its defaults, then every value control found in the box that
is shown (not only the ones the factory wired) is moved to a new value: the
explorer must redraw exactly once, with that value. A control that is shown but
not connected fails this test.
"""
import importlib

import learner_path as lp
import matplotlib
import pytest

matplotlib.use("Agg")

from utils import plotting  # noqa: E402

CHAPTER_MODULES = lp.CHAPTER_MODULES
for _module in CHAPTER_MODULES:
    importlib.import_module(f"utils.{_module}")

VALUE_WIDGETS = ("IntSlider", "FloatSlider", "FloatLogSlider", "SelectionSlider", "Dropdown",
                 "ToggleButtons", "RadioButtons", "Checkbox", "IntText", "FloatText",
                 "ToggleButton", "SelectionRangeSlider", "IntRangeSlider", "FloatRangeSlider")


def shown_controls(box):
    """Every value widget in the box's tree, in display order."""
    import ipywidgets as widgets

    kinds = tuple(getattr(widgets, name) for name in VALUE_WIDGETS)
    found, stack = [], [box]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, kinds):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found


def another_value(widget):
    """A valid value different from the widget's current one."""
    import ipywidgets as widgets

    if isinstance(widget, (widgets.Checkbox, widgets.ToggleButton)):
        return not widget.value
    if hasattr(widget, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        return next(v for v in reversed(values) if v != widget.value)
    if isinstance(widget, widgets.FloatLogSlider):
        low = widget.base ** widget.min
        return low if abs(widget.value - low) > 1e-12 * low else widget.base ** widget.max
    if isinstance(widget, (widgets.IntText, widgets.FloatText)):
        return widget.value + 1
    return widget.min if widget.value != widget.min else widget.max


def test_every_chapter_has_an_explorer_factory():
    modules = {name.rsplit(".", 1)[0] for name in plotting.EXPLORER_FACTORIES}
    assert {f"utils.{m}" for m in CHAPTER_MODULES} <= modules


@pytest.mark.parametrize("name", sorted(plotting.EXPLORER_FACTORIES))
def test_every_shown_control_redraws_exactly_once_with_its_new_value(name):
    box = plotting.EXPLORER_FACTORIES[name]()
    state = box.explorer
    assert state in plotting.EXPLORERS and state.build_seconds > 0
    assert state.redraws == 1, "an explorer draws once when built"
    controls = shown_controls(box)
    assert controls, f"{name} shows no control"
    wired = {id(c): key for key, c in state.controls.items()}
    for control in controls:
        assert id(control) in wired, f"{name} shows {control.description!r} but does not wire it"
        before = state.redraws
        control.value = another_value(control)
        assert state.redraws == before + 1, f"moving {control.description!r} redrew " \
                                            f"{state.redraws - before} times"
        assert state.last_values[wired[id(control)]] == control.value
    matplotlib.pyplot.close("all")


def test_explorer_refuses_bad_controls_and_rows():
    import ipywidgets as widgets

    slider = widgets.IntSlider()
    figure = lambda: plotting.fast_figure()  # noqa: E731
    with pytest.raises(ValueError, match="at least one widget"):
        plotting.explorer("x", {}, lambda ax: None, figure=figure)
    with pytest.raises(TypeError, match="control 'n' must be an ipywidgets value widget"):
        plotting.explorer("x", {"n": 3}, lambda ax, n: None, figure=figure)
    with pytest.raises(ValueError, match="rows must list every control once"):
        plotting.explorer("x", {"n": slider}, lambda ax, n: None, figure=figure, rows=[[]])


def test_explorer_factory_requires_an_explorer_result():
    @plotting.explorer_factory
    def make_broken_explorer():
        return "not a box"

    try:
        with pytest.raises(TypeError, match="must return what utils.plotting.explorer returns"):
            make_broken_explorer()
    finally:
        plotting.EXPLORER_FACTORIES.pop(f"{__name__}.make_broken_explorer")
