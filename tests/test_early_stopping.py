"""Chapter 4: the early-stopping check against Keras, the NumPy rule, the study and the explorer."""
import numpy as np
import pytest

from utils.checks import ExerciseNotImplemented
from utils.early_stopping import (
    check_early_stopping_epoch,
    demo_validation_curve,
    draw_early_stopping,
    early_stopping_rule,
    keras_early_stopping,
    make_early_stopping_explorer,
    patience_study,
)


def make_rule(*, late=0, ignore_delta=False, delta_sign=1.0, ties=False, vs_previous=False,
              stop_as_best=False, one_based=False, lowest_as_best=False, never_len=False,
              never_none=False):
    """A learner's early_stopping_epoch, right unless one mistake is switched on."""

    def early_stopping_epoch(val_losses, patience, min_delta=0.0):
        delta = 0.0 if ignore_delta else min_delta
        best, best_epoch, wait = np.inf, 0, 0
        stop = None
        for epoch, loss in enumerate(val_losses):
            new = loss + delta_sign * delta
            if (new <= best) if ties else (new < best):
                best, best_epoch, wait = loss, epoch, 0
            else:
                wait += 1
                if wait >= max(patience + late, 0) and epoch > 0:
                    stop = epoch
                    break
            if vs_previous:
                best = loss
        if stop is None:
            stop = None if never_none else (len(val_losses) if never_len else len(val_losses) - 1)
        if stop_as_best:
            best_epoch = stop
        if lowest_as_best:
            best_epoch = int(np.argmin(np.asarray(val_losses)[:stop + 1]))
        if one_based:
            return best_epoch + 1, stop + 1
        return best_epoch, stop

    return early_stopping_epoch


def test_accepts_a_correct_answer(capsys):
    check_early_stopping_epoch(make_rule())
    assert "early_stopping_epoch passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake, message", [
    (dict(late=1), "one too late"),
    (dict(late=-1), "one too early"),
    (dict(ignore_delta=True), "ignores min_delta"),
    (dict(delta_sign=-1.0), "wrong sign"),
    (dict(ties=True), "a tie counts"),
    (dict(vs_previous=True), "previous epoch"),
    (dict(stop_as_best=True), "stop epoch as the best"),
    (dict(one_based=True), "1-based"),
    (dict(lowest_as_best=True), "lowest loss seen"),
    (dict(never_len=True), "never triggers"),
    (dict(never_none=True), "never triggers"),
])
def test_rejects_each_common_mistake_with_its_message(mistake, message):
    with pytest.raises(AssertionError, match=message):
        check_early_stopping_epoch(make_rule(**mistake))


def test_rejects_missing_return_bad_types_and_no_default():
    with pytest.raises(AssertionError, match="forget a `return`"):
        check_early_stopping_epoch(lambda v, p, min_delta=0.0: None)
    with pytest.raises(AssertionError, match="pair"):
        check_early_stopping_epoch(lambda v, p, min_delta=0.0: 3)
    right = make_rule()
    with pytest.raises(AssertionError, match="should be ints"):
        check_early_stopping_epoch(lambda v, p, min_delta=0.0: tuple(
            float(x) for x in right(v, p, min_delta)))
    with pytest.raises(AssertionError, match="default to 0.0"):
        check_early_stopping_epoch(lambda v, p, min_delta=0.05: right(v, p, min_delta))


def test_stub_is_not_implemented_yet():
    def early_stopping_epoch(val_losses, patience, min_delta=0.0):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_early_stopping_epoch(early_stopping_epoch)


def test_numpy_rule_matches_keras_on_random_curves():
    rng = np.random.default_rng(1)
    for _ in range(40):
        curve = np.round(rng.random(int(rng.integers(1, 25))), 2)  # rounding makes ties
        patience = int(rng.integers(0, 5))
        min_delta = float(rng.choice([0.0, 0.02, 0.1]))
        assert early_stopping_rule(curve, patience, min_delta) == \
            keras_early_stopping(curve, patience, min_delta)


def test_rule_semantics_and_batch_shape():
    assert early_stopping_rule([1.0], 3) == (0, 0)
    # patience 0 and 1 are the same rule in Keras
    curve = [1.0, 0.8, 0.9, 0.7, 0.95, 0.99]
    assert early_stopping_rule(curve, 0) == early_stopping_rule(curve, 1) == (1, 2)
    best, stop = early_stopping_rule(np.array([curve, curve[::-1]]), 2)
    assert best.shape == stop.shape == (2,) and list(best) == [3, 2] and list(stop) == [5, 4]


@pytest.mark.parametrize("call, message", [
    (lambda: early_stopping_rule([1.0, 0.5], -1), "patience"),
    (lambda: early_stopping_rule([1.0, 0.5], 2, -0.1), "min_delta"),
    (lambda: early_stopping_rule([], 2), "at least one epoch"),
    (lambda: early_stopping_rule([1.0, np.nan], 2), "NaN"),
    (lambda: early_stopping_rule(np.zeros((2, 2, 2)), 2), "1-D or 2-D"),
    (lambda: keras_early_stopping([1.0, 0.5], -2), "patience"),
    (lambda: keras_early_stopping([[1.0, 0.5]], 1), "val_losses"),
    (lambda: patience_study([1.0, 0.5], [1], [0.1], n_draws=0), "n_draws"),
    (lambda: patience_study([1.0, 0.5], [1], [-0.1]), "noise level"),
    (lambda: demo_validation_curve(epochs=0), "epochs"),
])
def test_bad_inputs_are_clear_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_a_fractional_patience_is_a_type_error():
    with pytest.raises(TypeError, match="patience must be a non-negative integer"):
        keras_early_stopping([1.0, 0.5], 1.5)


def test_patience_study_shapes_and_noise_free_limit():
    clean, _ = demo_validation_curve(200)
    study = patience_study(clean, [1, 5, 20], [0.0, 0.02], n_draws=30)
    assert study["excess"].shape == study["stop"].shape == (2, 3)
    # without noise every patience restores the true minimum
    assert np.allclose(study["excess"][0], 0.0)
    # with noise a patience of 1 stops earlier than a patience of 20
    assert study["stop"][1, 0] < study["stop"][1, 2]


def test_drawing_and_explorer_headless():
    import matplotlib

    matplotlib.use("Agg")
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    clean, noisy = demo_validation_curve(120)
    fig, ax = plt.subplots()
    assert draw_early_stopping(ax, noisy, 5, 1e-3, train_losses=clean * 0.5,
                               clean_losses=clean) is ax
    assert "best" in ax.get_title() and "stop" in ax.get_title()
    plt.close(fig)
    explorer = make_early_stopping_explorer()
    assert isinstance(explorer, widgets.VBox)
    sliders = [w for w in explorer.children[0].children
               if isinstance(w, (widgets.IntSlider, widgets.SelectionSlider, widgets.FloatSlider))]
    assert len(sliders) == 3
    sliders[0].value = 3
    sliders[1].value = 1e-3
    sliders[2].value = sliders[2].max
    plt.close("all")
