"""Chapter 3's checks accept inverted dropout and name each common wrong version."""
import numpy as np
import pytest

from utils.checks import ExerciseNotImplemented
from utils.dropout import (
    check_dropout_backward,
    check_dropout_forward,
    draw_dropout_state,
    mask_statistics,
    rate_from_keep_prob,
    reference_dropout_backward,
    reference_dropout_forward,
    train_keep_prob_grid,
)


def dropout_forward(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA_out, mask, keep_prob):
    return dA_out * mask / keep_prob


def test_accepts_correct_answers(capsys):
    check_dropout_forward(dropout_forward)
    check_dropout_backward(dropout_backward)
    check_dropout_forward(reference_dropout_forward)
    check_dropout_backward(reference_dropout_backward)
    out = capsys.readouterr().out
    assert "dropout_forward passed" in out and "dropout_backward passed" in out


def _no_scaling(A, p, rng):
    mask = rng.random(A.shape) < p
    return A * mask, mask


def _keep_as_drop(A, p, rng):
    mask = rng.random(A.shape) < 1 - p
    return A * mask / p, mask


def _times_keep(A, p, rng):
    mask = rng.random(A.shape) < p
    return A * mask * p, mask


def _global_rng(A, p, rng):
    mask = np.random.rand(*A.shape) < p
    return A * mask / p, mask


def _fixed_seed(A, p, rng):
    mask = np.random.default_rng(0).random(A.shape) < p
    return A * mask / p, mask


def _float_mask(A, p, rng):
    mask = (rng.random(A.shape) < p).astype(float)
    return A * mask / p, mask


def _in_place(A, p, rng):
    mask = rng.random(A.shape) < p
    A *= mask / p
    return A, mask


def _one_mask_per_unit(A, p, rng):
    mask = np.broadcast_to(rng.random((1, A.shape[1])) < p, A.shape)
    return A * mask / p, mask


def _one_mask_per_example(A, p, rng):
    mask = np.broadcast_to(rng.random((A.shape[0], 1)) < p, A.shape)
    return A * mask / p, mask


def _no_return(A, p, rng):
    rng.random(A.shape)


def _only_output(A, p, rng):
    return A * (rng.random(A.shape) < p) / p


@pytest.mark.parametrize("wrong, message", [
    (_no_scaling, "there is no scaling"),
    (_keep_as_drop, "keep_prob as the drop probability"),
    (_times_keep, "multiplied by keep_prob"),
    (_global_rng, "global np.random"),
    (_fixed_seed, "not from a fixed seed"),
    (_float_mask, "should be boolean"),
    (_in_place, "modified its input"),
    (_one_mask_per_unit, "every example got the same mask"),
    (_one_mask_per_example, "every unit of an example got the same mask"),
    (_no_return, "forget a `return`"),
    (_only_output, r"a pair \(A_out, mask\)"),
])
def test_forward_rejects_each_common_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_dropout_forward(wrong)


def test_forward_check_leaves_the_global_rng_alone():
    np.random.seed(99)
    expected = np.random.rand(3)
    np.random.seed(99)
    check_dropout_forward(dropout_forward)
    assert np.array_equal(np.random.rand(3), expected)


@pytest.mark.parametrize("wrong, message", [
    (lambda d, m, p: d / p, "forgot the mask"),
    (lambda d, m, p: d * m, "forgot the scaling"),
    (lambda d, m, p: d * m * p, "multiplied by keep_prob"),
    (lambda d, m, p: d, "forgot both"),
    (lambda d, m, p: None, "forget a `return`"),
])
def test_backward_rejects_each_common_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_dropout_backward(wrong)


def test_backward_rejects_in_place_update():
    def in_place(d, m, p):
        d *= m / p
        return d

    with pytest.raises(AssertionError, match="modified its inputs"):
        check_dropout_backward(in_place)


def test_stubs_are_not_implemented_yet():
    def stub(*args):
        raise NotImplementedError()

    for check in (check_dropout_forward, check_dropout_backward):
        with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
            check(stub)


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.2])
def test_keep_prob_outside_unit_interval_is_a_value_error(bad):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        reference_dropout_forward(np.ones((2, 2)), bad, rng)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        reference_dropout_backward(np.ones((2, 2)), np.ones((2, 2), bool), bad)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        rate_from_keep_prob(bad)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        mask_statistics(np.ones(3), np.ones(3), bad)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        train_keep_prob_grid(np.ones((2, 2)), np.ones(2), np.ones((2, 2)), np.ones(2), [bad])


def test_other_bad_arguments():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        reference_dropout_forward(np.ones((2, 2)), 0.5, 0)
    with pytest.raises(ValueError, match="same shape"):
        reference_dropout_backward(np.ones((2, 2)), np.ones((2, 3), bool), 0.5)
    with pytest.raises(ValueError, match="no zero entries"):
        mask_statistics(np.zeros(3), np.zeros(3), 0.5)


def test_mask_statistics_and_rate():
    A = np.full((200, 200), 2.0)
    A_out, _ = reference_dropout_forward(A, 0.75, np.random.default_rng(0))
    stats = mask_statistics(A, A_out, 0.75)
    assert abs(stats["kept_fraction"] - 0.75) < 0.01
    assert np.isclose(stats["scale"], 1 / 0.75)
    assert abs(stats["mean_out"] - 2.0) < 5 * stats["se_mean"]
    assert np.isclose(rate_from_keep_prob(0.8), 0.2)


def test_grid_trainer_without_dropout_fits_the_training_set():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(float)
    runs = train_keep_prob_grid(X, y, X, y, [0.5, 1.0], hidden=(8,), epochs=200,
                                record_every=50)
    assert runs["train_acc"].shape == (2, 4) and runs["epoch"].tolist() == [50, 100, 150, 200]
    assert runs["train_acc"][1, -1] >= 0.95
    assert len(runs["params"]) == 2


def test_explorer_pieces():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from utils.datasets import moons_split

    split = moons_split(n_samples=60, noise=0.3, n_train=20)
    runs = train_keep_prob_grid(split.X_train, split.y_train, split.X_test, split.y_test,
                                [0.5, 1.0], epochs=40, record_every=10)
    fig, axes = plt.subplots(1, 3)
    assert draw_dropout_state(axes, 0.5, runs, split) is axes
    assert "mask" in axes[0].get_title()
    with pytest.raises(ValueError, match="not precomputed"):
        draw_dropout_state(axes, 0.7, runs, split)
    plt.close(fig)


def test_explorer_builds_and_reacts(monkeypatch):
    import ipywidgets as widgets
    import matplotlib

    matplotlib.use("Agg")
    import utils.dropout as module
    from utils.datasets import moons_split

    split = moons_split(n_samples=60, noise=0.3, n_train=20)
    runs = train_keep_prob_grid(split.X_train, split.y_train, split.X_test, split.y_test,
                                [0.5, 0.8, 1.0], epochs=40, record_every=10)
    monkeypatch.setattr(module, "explorer_runs", lambda: (split, runs))
    box = module.make_dropout_explorer()
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.ValueWidget)]
    sliders[0].value = 0.5
    sliders[1].value = 3
