"""Chapter 6 (capstone): the protocol's references against independent computations, the
table's paired differences, and bad input to the chapter's public functions."""
import numpy as np
import pytest
import scipy.stats

from utils import capstone
from utils.training import GridRun, Recipe


@pytest.mark.parametrize(("p", "dof"), [(0.975, 1), (0.975, 4), (0.95, 7), (0.995, 2), (0.9, 30),
                                        (0.6, 3), (0.025, 4)])
def test_t_quantile_agrees_with_scipy(p, dof):
    assert capstone.t_quantile(p, dof) == pytest.approx(scipy.stats.t.ppf(p, dof), abs=1e-6)


@pytest.mark.parametrize(("p", "dof", "error"), [(1.0, 4, ValueError), (0.0, 4, ValueError),
                                                 (1.5, 4, ValueError), (0.9, 0, ValueError),
                                                 ("0.9", 4, TypeError), (0.9, 2.5, TypeError)])
def test_t_quantile_refuses_bad_input(p, dof, error):
    with pytest.raises(error, match="p|dof"):
        capstone.t_quantile(p, dof)


def test_reference_interval_is_scipys_t_interval():
    scores = np.array([0.61, 0.66, 0.64, 0.70, 0.65])
    for confidence in (0.9, 0.95, 0.99):
        mean, half = capstone.reference_mean_and_interval(scores, confidence)
        low, high = scipy.stats.t.interval(confidence, len(scores) - 1, loc=scores.mean(),
                                           scale=scipy.stats.sem(scores))
        assert mean == pytest.approx(scores.mean())
        assert (mean - half, mean + half) == pytest.approx((low, high), abs=1e-7)


def test_reference_split_is_stratified_disjoint_and_covering_on_mnist1d_labels():
    from utils.datasets import load_mnist1d

    y = load_mnist1d().y_train
    train_idx, val_idx = capstone.reference_train_val_split(y, 0.2, 0)
    assert np.intersect1d(train_idx, val_idx).size == 0
    assert np.array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(len(y)))
    for label in range(10):
        n_class = np.sum(y == label)
        assert np.sum(y[val_idx] == label) == round(0.2 * n_class)
    again = capstone.reference_train_val_split(y, 0.2, 0)[1]
    other = capstone.reference_train_val_split(y, 0.2, 1)[1]
    assert np.array_equal(again, val_idx) and not np.array_equal(other, val_idx)


def _run(val_final, n_seeds=2):
    val_final = np.asarray(val_final, dtype=float)
    n_models = len(val_final)
    curves = np.stack([np.zeros(n_models), val_final], axis=1)
    recipes = [Recipe(dropout=0.1 * (k // n_seeds)) for k in range(n_models)]
    return GridRun(recipes=recipes, seeds=np.tile(np.arange(n_seeds), n_models // n_seeds),
                   train_loss=curves, train_acc=curves, val_loss=curves, val_acc=curves,
                   test_loss=curves, test_acc=curves[:, ::-1].copy(), weight_norm=curves,
                   epochs=2, arch="mlp")


def test_reference_selection_takes_the_best_mean_and_ties_to_the_weaker():
    run = _run([0.5, 0.7, 0.8, 0.6, 0.6, 0.6])           # means 0.6, 0.7, 0.6
    assert capstone.reference_select_on_validation(run) == Recipe(dropout=0.1)
    tie = _run([0.5, 0.5, 0.75, 0.25, 0.5, 0.5])          # all three means 0.5
    assert capstone.reference_select_on_validation(tie) == Recipe()


def test_stretch_at_is_the_identity_at_factor_one_and_doubles_a_ramp_about_the_centre():
    X = np.arange(12, dtype=np.float32).reshape(2, 6)
    assert np.array_equal(capstone.stretch_at(X, [1.0, 1.0]), X)
    ramp = np.arange(41, dtype=float)[None] - 20.0           # centre 20: values = t - 20
    stretched = capstone.stretch_at(ramp, [2.0])[0]
    assert np.allclose(stretched, (np.arange(41) - 20) / 2)  # half the slope, fixed at the centre
    narrowed = capstone.stretch_at(ramp, [0.5])[0]
    assert np.allclose(narrowed[10:31], 2 * (np.arange(10, 31) - 20))
    assert np.all(narrowed[:10] == 0) and np.all(narrowed[31:] == 0)   # zeros where it reads outside


@pytest.mark.parametrize(("X", "factors", "match"), [
    (np.ones((2, 5)), [1.0], "one factor per signal"),
    (np.ones((2, 5)), [1.0, 0.0], "factors must be > 0"),
    (np.ones(5), [1.0], "X must have 2"),
    (np.ones((2, 5)), [1.0, np.nan], "factors contains NaN"),
])
def test_stretch_at_refuses_bad_input(X, factors, match):
    with pytest.raises(ValueError, match=match):
        capstone.stretch_at(X, factors)


def _result(name, test, val=None):
    test = np.asarray(test, dtype=float)
    return capstone.Result(name, name, test if val is None else np.asarray(val), test,
                           np.ones_like(test))


def test_compare_pairs_the_seeds_and_flags_differences_beyond_the_spread():
    none = _result("none", [0.60, 0.65, 0.62, 0.70, 0.58])
    better = _result("better", [0.64, 0.69, 0.66, 0.73, 0.63])     # +3 to +5 points on every seed
    shuffled = _result("noise", [0.70, 0.58, 0.65, 0.60, 0.62])    # same scores, other seeds
    rows = {row.result.name: row for row in capstone.compare([none, better, shuffled])}
    diff = better.test_acc - none.test_acc
    assert rows["better"].diff_mean == pytest.approx(diff.mean())
    assert rows["better"].diff_half == pytest.approx(
        scipy.stats.t.ppf(0.975, 4) * diff.std(ddof=1) / np.sqrt(5))
    assert rows["better"].beats_spread and not rows["noise"].beats_spread
    assert rows["none"].diff_mean == 0 and not rows["none"].beats_spread
    assert rows["better"].gap_mean == pytest.approx(np.mean(1 - better.test_acc))


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"baseline": "nothing"}, ValueError, "baseline 'nothing'"),
    ({"interval": 3}, TypeError, "interval must be a function"),
    ({"confidence": 1.5}, ValueError, "confidence"),
])
def test_compare_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        capstone.compare([_result("none", [0.6, 0.7])], **kwargs)


def test_compare_refuses_different_seed_counts_and_non_results():
    with pytest.raises(ValueError, match="same seeds"):
        capstone.compare([_result("none", [0.6, 0.7]), _result("L2", [0.6, 0.7, 0.8])])
    with pytest.raises(TypeError, match="results"):
        capstone.compare([])


def test_result_of_and_early_stopping_result_pick_the_recipes_models():
    run = _run([0.5, 0.7, 0.8, 0.6])
    result = capstone.result_of(run, "dropout", Recipe(dropout=0.1))
    assert np.array_equal(result.val_acc, [0.8, 0.6]) and result.setting == "dropout 0.1"
    with pytest.raises(ValueError, match="not in the run"):
        capstone.result_of(run, "L2", Recipe(l2=1.0))
    stopped = capstone.early_stopping_result(run, Recipe(), 0)
    assert stopped.setting == "patience 0" and len(stopped.test_acc) == 2


def test_concat_runs_stacks_models_and_refuses_mismatches():
    a, b = _run([0.5, 0.7]), _run([0.8, 0.6, 0.1, 0.2])
    both = capstone.concat_runs(a, b)
    assert both.n_models == 6 and np.array_equal(both.val_acc[:, -1], [0.5, 0.7, 0.8, 0.6, 0.1, 0.2])
    with pytest.raises(TypeError, match="GridRun"):
        capstone.concat_runs(a, "b")
    with pytest.raises(ValueError, match="at least one"):
        capstone.concat_runs()
    longer = capstone.demo_grid_run(epochs=5)
    with pytest.raises(ValueError, match="share epochs"):
        capstone.concat_runs(a, longer)


def test_plot_signals_draws_one_panel_per_class_and_refuses_too_few_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.random.default_rng(0).normal(size=(30, 40))
    y = np.repeat(np.arange(10), 3)
    fig, axes = plt.subplots(2, 5)
    capstone.plot_signals(axes, X, y, per_class=2)
    assert all(len(ax.lines) == 2 for ax in axes.ravel())
    with pytest.raises(ValueError, match="one axis per class"):
        capstone.plot_signals(axes.ravel()[:3], X, y)
    with pytest.raises(TypeError, match="per_class"):
        capstone.plot_signals(axes, X, y, per_class=1.5)
    plt.close("all")


def test_the_explorer_redraws_fast_on_the_demo_grid():
    import time

    box = capstone.make_capstone_explorer()
    slider = box.explorer.controls["recipe"]
    start = time.perf_counter()
    slider.value = slider.options[-1][1]
    assert time.perf_counter() - start < 1.0
    assert box.explorer.redraws == 2
