import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_helpers_take_and_return_the_axes():
    fig, (a, b, c) = plotting.new_figure(ncols=3)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.2]])
    y = np.array([0, 1, 1])
    assert plotting.plot_points(a, X, y) is a
    assert len(a.collections) == 2
    assert plotting.plot_decision_boundary(b, lambda g: (g[:, 0] > 0.5).astype(float), X, y,
                                           grid_size=20) is b
    assert plotting.plot_curves(c, {"train acc": [0.5, 0.9], "test acc": [0.5, 0.7]}) is c
    assert [line.get_label() for line in c.lines] == ["train acc", "test acc"]
    assert c.lines[0].get_color() == plotting.COLORS["train"]


def test_bad_inputs_are_explained():
    fig, ax = plotting.new_figure()
    with pytest.raises(ValueError, match="X must have 2 columns"):
        plotting.plot_points(ax, np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="same number of rows"):
        plotting.plot_points(ax, np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="ncols must be >= 1"):
        plotting.new_figure(ncols=0)


def test_course_style_applies():
    plotting.use_course_style()
    assert plt.rcParams["axes.grid"] is True


def test_labels_other_than_0_and_1_are_refused():
    fig, ax = plotting.new_figure()
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1.*\(y \+ 1\) / 2"):
        plotting.plot_points(ax, X, np.array([-1, 1, -1, 1]))
    with pytest.raises(ValueError, match="y must hold labels 0 and 1"):
        plotting.plot_decision_boundary(ax, lambda g: np.zeros(len(g)), X, [0, 2, 0, 2],
                                        grid_size=5)


def test_plot_helpers_refuse_empty_and_mismatched_input():
    fig, ax = plotting.new_figure()
    with pytest.raises(ValueError, match="X is empty"):
        plotting.plot_decision_boundary(ax, lambda g: np.zeros(len(g)), np.zeros((0, 2)), [])
    with pytest.raises(TypeError, match="predict_proba must be a function"):
        plotting.plot_decision_boundary(ax, None, np.zeros((2, 2)), [0, 1])
    with pytest.raises(ValueError, match="one probability per row"):
        plotting.plot_decision_boundary(ax, lambda g: np.zeros(3), np.zeros((2, 2)), [0, 1],
                                        grid_size=5)
    with pytest.raises(ValueError, match="at least one named curve"):
        plotting.plot_curves(ax, {})
    with pytest.raises(ValueError, match="x has 3 values but curve 'train' has 2"):
        plotting.plot_curves(ax, {"train": [1, 2]}, x=[1, 2, 3])
    with pytest.raises(ValueError, match="train contains NaN"):
        plotting.plot_curves(ax, {"train": [1, float("nan")]})


def test_fast_figure_has_fixed_margins_and_no_constrained_layout():
    fig, axes = plotting.fast_figure(1, 3, width=9, height=3, left=0.1)
    assert len(axes) == 3 and fig.dpi == 72
    assert not fig.get_constrained_layout()
    assert fig.subplotpars.left == 0.1
