"""Chapter 2's moons case study: timings API, drawing helpers, explorer, migration table."""
import gc

import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import moons_study  # noqa: E402
from utils.datasets import moons_split  # noqa: E402
from utils.moons_study import (  # noqa: E402
    LAMBDAS,
    MIGRATIONS,
    course_study_seconds,
    make_lambda_explorer,
    migrations_markdown,
    plot_lambda_grid,
    plot_lambda_view,
    seed_style_seconds_per_epoch,
)
from utils.training import train_mlp  # noqa: E402


@pytest.fixture(scope="module")
def split():
    return moons_split()


@pytest.fixture(scope="module")
def small_run(split):
    return train_mlp(split, l2=[0.0, 1e-2], hidden=16, epochs=30)


def test_lambdas_are_the_seeds_grid():
    assert LAMBDAS == (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def test_seed_style_timing_is_a_positive_per_epoch_cost():
    assert seed_style_seconds_per_epoch(2) > 0


def test_course_study_timing_runs_on_a_short_study():
    assert course_study_seconds(5) > 0


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError),
                                        (2.5, TypeError), ("50", TypeError)])
def test_timings_reject_bad_epochs(bad, error):
    with pytest.raises(error, match="epochs"):
        seed_style_seconds_per_epoch(bad)
    with pytest.raises(error, match="epochs"):
        course_study_seconds(bad)


def test_plot_lambda_grid_draws_two_curves_and_baselines():
    fig, ax = plt.subplots()
    plot_lambda_grid(ax, LAMBDAS, np.linspace(0.9, 1, 6), np.linspace(0.8, 0.9, 6),
                     baseline=(1.0, 0.9))
    assert ax.get_xscale() == "log" and len(ax.lines) == 4
    plt.close(fig)


@pytest.mark.parametrize("lambdas, train, test, match", [
    ([1e-1, 0.0], [1, 1], [1, 1], "positive"),
    ([1e-1, 1e-2], [1, 1, 1], [1, 1], "same number of rows"),
    ([1e-1, 1e-2], [1, 1], [1], "same number of rows"),
])
def test_plot_lambda_grid_rejects_bad_input(lambdas, train, test, match):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=match):
        plot_lambda_grid(ax, lambdas, train, test)
    plt.close(fig)


def test_plot_lambda_view_draws_three_panels(split, small_run):
    fig, axes = plt.subplots(1, 3)
    plot_lambda_view(axes, small_run, split, model=1, grid_size=20, title="t")
    assert axes[0].get_title() == "t"
    assert len(axes[1].lines) == 2 and axes[1].get_title().startswith("final: train")
    assert len(axes[2].patches) == 40  # histogram bars
    plt.close(fig)


@pytest.mark.parametrize("n_axes, model, match", [(2, 0, "3 axes"), (3, 2, "model must be")])
def test_plot_lambda_view_rejects_bad_input(split, small_run, n_axes, model, match):
    fig, axes = plt.subplots(1, n_axes)
    with pytest.raises(ValueError, match=match):
        plot_lambda_view(axes, small_run, split, model=model)
    plt.close(fig)


def _find(widget, kind):
    if isinstance(widget, kind):
        return widget
    for child in getattr(widget, "children", ()):
        found = _find(child, kind)
        if found is not None:
            return found
    return None


def test_explorer_builds_and_retrains_on_every_change(split, monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return train_mlp(*args, **kwargs)

    import utils.training
    monkeypatch.setattr(utils.training, "train_mlp", spy)
    explorer = make_lambda_explorer(split, epochs=20, hidden=8, grid_size=20)
    assert isinstance(explorer, widgets.VBox)
    slider = _find(explorer, widgets.FloatLogSlider)
    toggle = _find(explorer, widgets.ToggleButtons)
    assert slider is not None and not slider.continuous_update
    assert (slider.min, slider.max) == (-6, -1)
    slider.value = 1e-2
    toggle.value = "L1"
    assert [c["l2"] for c in calls] == pytest.approx([1e-3, 1e-2, 0.0])
    assert calls[-1]["l1"] == pytest.approx(1e-2)
    assert gc.get_freeze_count() > 0, "the explorer freezes what exists (cheap full collections)"
    assert set(explorer.timings) == {"train", "draw and display"}
    gc.unfreeze()
    plt.close("all")


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 0}, "epochs"), ({"hidden": -1}, "hidden"), ({"grid_size": 0}, "grid_size"),
    ({"initial": -1e-3}, "initial"), ({"initial": 0.5}, "initial"),
])
def test_explorer_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_lambda_explorer(**kwargs)


def test_migrations_are_complete_triples_covering_the_seeds():
    assert len(MIGRATIONS) >= 15
    for row in MIGRATIONS:
        assert len(row) == 3 and all(isinstance(x, str) and x.strip() for x in row)
    olds = " ".join(old for old, _, _ in MIGRATIONS)
    for form in ("l2(l=", "tf.contrib.layers.l2_regularizer", "tf.get_collection",
                 "tf.trainable_variables()", "tf.InteractiveSession", 'history["acc"]',
                 "Sequential(tf.keras.layers.Dense", "input_length", "weight_decay"):
        assert form in olds, f"{form} is missing from MIGRATIONS"


def test_migrations_markdown_has_one_row_per_migration():
    table = migrations_markdown().splitlines()
    assert table[0].startswith("| old") and len(table) == 2 + len(MIGRATIONS)
    assert all(line.replace("\\|", "").count(" | ") == 2 for line in table[2:])
    assert moons_study.MIGRATIONS is MIGRATIONS
