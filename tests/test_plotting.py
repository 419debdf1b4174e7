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
