"""Chapter 4: the NumPy rule against the real Keras callback, the check, the study and drawing.

The catalogue itself (every wrong answer earns its own message, the reference passes,
stub / exception / None / a write into the input are named) is tested for every
chapter by tests/test_catalogues.py; the explorer's wiring by tests/test_explorers.py.
"""
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from utils.checks import run_check_quietly  # noqa: E402
from utils.early_stopping import (  # noqa: E402
    CHECK_CASES,
    EARLY_STOPPING_EPOCH,
    PatienceStudy,
    check_early_stopping_epoch,
    demo_validation_curve,
    draw_early_stopping,
    early_stopping_rule,
    keras_early_stopping,
    make_early_stopping_explorer,
    patience_study,
    reference_early_stopping_epoch,
)


def float64_loop(val_losses, patience, min_delta=0.0):
    """The rule as the chapter's text states it, compared in float64 (Python floats)."""
    best_loss, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        if best_loss is None or loss + min_delta < best_loss:
            best_loss, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def float32_loop(val_losses, patience, min_delta=0.0):
    """The same loop comparing as Keras does: float32(loss + min_delta) < float32(best)."""
    best_loss, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        loss = float(loss)
        if best_loss is None or np.float32(loss + min_delta) < np.float32(best_loss):
            best_loss, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def random_sequences(seed=0):
    """(curve, patience, min_delta) triples where float32 and float64 comparisons can differ:
    losses rounded to 2 or 4 decimals, so decreases of exactly min_delta are common."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(1500):  # coarse values in [0, 1], min_delta a multiple of 0.01
        curve = np.round(rng.random(int(rng.integers(1, 13))), 2)
        cases.append((curve, int(rng.integers(0, 5)),
                      float(rng.choice([0.0, 0.01, 0.02, 0.05, 0.1]))))
    for _ in range(1000):  # a slow random walk in steps of 1e-4, min_delta 1e-4
        steps = rng.integers(-2, 2, int(rng.integers(2, 16))) * 1e-4
        cases.append((np.round(0.35 + np.cumsum(steps), 4), int(rng.integers(0, 5)), 1e-4))
    for _ in range(500):  # losses around 0.01, min_delta 0.001
        curve = np.round(0.01 + 0.02 * rng.random(int(rng.integers(2, 13))), 3)
        cases.append((curve, int(rng.integers(0, 4)), 0.001))
    return cases


def test_the_rule_agrees_exactly_with_the_keras_callback_on_3000_random_curves():
    cases = random_sequences()
    float64_disagrees = 0
    for curve, patience, min_delta in cases:
        keras_answer = keras_early_stopping(curve, patience, min_delta)
        assert early_stopping_rule(curve, patience, min_delta) == keras_answer, \
            (curve.tolist(), patience, min_delta)
        assert float32_loop(curve.tolist(), patience, min_delta) == keras_answer
        float64_disagrees += float64_loop(curve.tolist(), patience, min_delta) != keras_answer
    # the curves reach the cases float32 decides: comparing in float64 gets some wrong
    assert float64_disagrees >= 20, float64_disagrees


def test_the_batched_rule_equals_the_rule_on_each_curve():
    rng = np.random.default_rng(3)
    curves = np.round(rng.random((200, 15)), 2)
    best, stop = early_stopping_rule(curves, 2, 0.01)
    assert best.shape == stop.shape == (200,)
    singles = [early_stopping_rule(c, 2, 0.01) for c in curves]
    assert [tuple(pair) for pair in zip(best.tolist(), stop.tolist())] == singles


@pytest.mark.parametrize(("curve", "patience", "min_delta", "keras", "float64"), [
    ([0.68, 0.58], 1, 0.1, (0, 1), (1, 1)),           # 0.58 + 0.1 < 0.68 in float64 only
    ([1.0, 0.99], 1, 0.01, (0, 1), (0, 1)),           # a decrease of exactly min_delta
])
def test_float32_decides_near_ties_like_keras(curve, patience, min_delta, keras, float64):
    assert keras_early_stopping(curve, patience, min_delta) == keras
    assert reference_early_stopping_epoch(curve, patience, min_delta) == keras
    assert float64_loop(curve, patience, min_delta) == float64


def test_patience_zero_is_patience_one_and_stop_is_not_best_plus_patience():
    curve = [1.0, 0.8, 0.9, 0.7, 0.95, 0.99]
    assert early_stopping_rule(curve, 0) == early_stopping_rule(curve, 1) == (1, 2)
    assert keras_early_stopping(curve, 0) == (1, 2)
    assert early_stopping_rule([1.0], 3) == (0, 0)


def test_the_check_curves_hold_no_float_rounding_ties():
    """A learner comparing in float64 (the text's rule) is right on every check curve."""
    for case in CHECK_CASES:
        assert float64_loop(list(case.curve), case.patience, case.min_delta) == \
            keras_early_stopping(case.curve, case.patience, case.min_delta), case.what


@pytest.mark.parametrize("answer", [float64_loop, float32_loop, reference_early_stopping_epoch])
def test_the_check_accepts_correct_answers(answer, capsys):
    check_early_stopping_epoch(answer)
    assert "passed: your rule stops and restores at the same epochs" in capsys.readouterr().out


def _review_mistake(kind):
    """Wrong answers the learner-path review found accepted, written as a learner would."""
    def early_stopping_epoch(val_losses, patience, min_delta=0.0):
        best_loss, best_epoch, wait = None, 0, 0
        for epoch, loss in enumerate(val_losses):
            if kind == "relative":
                better = best_loss is None or loss * (1 + min_delta) < best_loss
            elif kind == "double":
                better = best_loss is None or loss + 2 * min_delta < best_loss
            elif kind == "literal":
                better = best_loss is None or best_loss - loss > min_delta
            else:
                better = best_loss is None or loss + min_delta < best_loss
            if better:
                best_loss, best_epoch, wait = loss, epoch, 0
            else:
                wait += 1
                if wait >= patience:
                    return best_epoch, epoch
        if kind == "last_as_best":
            return len(val_losses) - 1, len(val_losses) - 1
        if kind == "argmin_as_best":
            return int(np.argmin(val_losses)), len(val_losses) - 1
        if kind == "list":
            return [best_epoch, len(val_losses) - 1]
        return best_epoch, len(val_losses) - 1
    return early_stopping_epoch


@pytest.mark.parametrize(("kind", "key"), [
    ("relative", "relative_min_delta"), ("double", "doubled_min_delta"),
    ("literal", "difference_above_min_delta"), ("last_as_best", "never_stops_last_as_best"),
    ("argmin_as_best", "never_stops_lowest_as_best"), ("list", "not_a_tuple"),
])
def test_answers_the_review_found_accepted_are_rejected_by_name(kind, key):
    result = run_check_quietly(check_early_stopping_epoch, _review_mistake(kind))
    assert result is not None and result[0] == key, result


def test_messages_are_one_sentence_with_epochs_as_ints():
    for mistake in EARLY_STOPPING_EPOCH:
        key, message = run_check_quietly(check_early_stopping_epoch, mistake.answer)
        assert "\n" not in message and message.endswith(".")
        assert "{" not in message, f"{key}: an unfilled placeholder in {message!r}"
        if key != "not_ints":
            assert not re.search(r"\(\d+\.\d*, \d+\.\d*\)", message), message


@pytest.mark.parametrize(("call", "error", "message"), [
    # NaN / inf
    (lambda: early_stopping_rule([1.0, np.nan], 2), ValueError, "val_losses contains NaN"),
    (lambda: keras_early_stopping([1.0, np.inf], 2), ValueError, "val_losses contains NaN"),
    (lambda: patience_study([1.0, 0.5], [1], [np.inf]), ValueError, "noise_levels"),
    (lambda: early_stopping_rule([1.0, 0.5], 2, np.nan), ValueError, "min_delta"),
    (lambda: early_stopping_rule([1.0, 0.5], 2, np.inf), ValueError, "min_delta"),
    # wrong shape or rank
    (lambda: early_stopping_rule(np.zeros((2, 2, 2)), 2), ValueError, "1-D .* or 2-D"),
    (lambda: keras_early_stopping([[1.0, 0.5]], 1), ValueError, "val_losses must have 1"),
    (lambda: reference_early_stopping_epoch([[1.0, 0.5]], 1), ValueError, "val_losses must have 1"),
    (lambda: patience_study(np.zeros((2, 3)), [1], [0.1]), ValueError, "clean_curve"),
    (lambda: draw_early_stopping(None, [1.0, 0.5, 0.6], 1, train_losses=[1.0]), ValueError,
     "train_losses must have one value per epoch"),
    (lambda: make_early_stopping_explorer([1.0, 0.5], [1.0, 0.5, 0.2]), ValueError,
     "train_losses"),
    # wrong dtype
    (lambda: early_stopping_rule(["a", "b"], 1), TypeError, "val_losses must be array-like"),
    (lambda: keras_early_stopping([1.0, 0.5], 1.5), TypeError, "patience must be a non-negative"),
    (lambda: early_stopping_rule([1.0, 0.5], True), TypeError, "patience"),
    (lambda: patience_study([1.0, 0.5], [1], [0.1], n_draws=2.0), TypeError, "n_draws"),
    (lambda: early_stopping_rule([1.0, 0.5], 1, "0.1"), TypeError, "min_delta"),
    # out-of-range scalars
    (lambda: early_stopping_rule([1.0, 0.5], -1), ValueError, "patience"),
    (lambda: keras_early_stopping([1.0, 0.5], -2), ValueError, "patience"),
    (lambda: early_stopping_rule([1.0, 0.5], 2, -0.1), ValueError, "min_delta"),
    (lambda: patience_study([1.0, 0.5], [1], [0.1], min_delta=-0.01), ValueError, "min_delta"),
    (lambda: patience_study([1.0, 0.5], [-1], [0.1]), ValueError, "patiences"),
    (lambda: patience_study([1.0, 0.5], [1], [-0.1]), ValueError, "noise_levels"),
    (lambda: patience_study([1.0, 0.5], [1], [0.1], n_draws=0), ValueError, "n_draws"),
    (lambda: demo_validation_curve(epochs=0), ValueError, "epochs"),
    (lambda: demo_validation_curve(noise=-1.0), ValueError, "noise"),
    (lambda: demo_validation_curve(seed=-1), ValueError, "seed"),
    (lambda: make_early_stopping_explorer(noise_scale=0.0), ValueError, "noise_scale"),
    # empty input
    (lambda: early_stopping_rule([], 2), ValueError, "val_losses is empty"),
    (lambda: early_stopping_rule(np.zeros((3, 0)), 2), ValueError, "val_losses is empty"),
    (lambda: keras_early_stopping([], 2), ValueError, "val_losses is empty"),
    (lambda: patience_study([1.0, 0.5], [], [0.1]), ValueError, "at least one value"),
])
def test_bad_inputs_are_clear_errors_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_patience_study_noise_free_limit_and_cost_of_waiting():
    clean, _ = demo_validation_curve(200)
    study = patience_study(clean, [1, 5, 20], [0.0, 0.02], n_draws=30)
    assert isinstance(study, PatienceStudy)
    assert study.excess.shape == study.stop.shape == study.best.shape == (2, 3)
    # without noise every patience restores the true minimum, and stops patience epochs later
    assert np.allclose(study.excess[0], 0.0) and np.all(study.best[0] == np.argmin(clean))
    assert np.allclose(study.stop[0], np.argmin(clean) + np.array([1, 5, 20]))
    # with noise a patience of 1 stops earlier, and restores a worse epoch, than 20
    assert study.stop[1, 0] < study.stop[1, 2] and study.excess[1, 0] > study.excess[1, 2]


def test_patience_study_min_delta_is_used():
    clean, _ = demo_validation_curve(200)
    loose = patience_study(clean, [5], [0.0], n_draws=2, min_delta=0.01)
    assert loose.best[0, 0] < np.argmin(clean)  # stops on the slow part of the descent


def _vertical_lines(ax):
    return sorted(line.get_xdata()[0] for line in ax.lines
                  if len(set(line.get_xdata())) == 1 and len(line.get_xdata()) == 2)


def test_draw_marks_the_rules_best_and_stop_epochs():
    clean, noisy = demo_validation_curve(120)
    best, stop = early_stopping_rule(noisy, 5, 1e-3)
    fig, ax = plt.subplots()
    assert draw_early_stopping(ax, noisy, 5, 1e-3, train_losses=clean * 0.5,
                               clean_losses=clean) is ax
    assert _vertical_lines(ax) == sorted([best, stop])
    assert f"best {best}, stop {stop}" in ax.get_title()
    plt.close(fig)


def test_the_explorer_accepts_a_curve_and_draws_its_noise_slider():
    curve = demo_validation_curve(150)[0]
    box = make_early_stopping_explorer(curve)
    state = box.explorer
    controls = state.controls
    controls["patience"].value = 2
    controls["min_delta"].value = 0.0
    fig, ax = plt.subplots()
    state.draw(ax, **state.values())
    assert _vertical_lines(ax) == sorted(early_stopping_rule(curve, 2))
    plt.close(fig)
    controls["noise"].value = controls["noise"].max
    fig, ax = plt.subplots()
    state.draw(ax, **state.values())
    assert "noise-free" in ax.get_title()  # the noisy curve is drawn over the clean one
    plt.close("all")


# ------------------------------------------------- the chapter's test-set claims, over data draws
L2_GRID = [0.0, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3]


@pytest.fixture(scope="module")
def five_draws():
    """Section 6 of the chapter on five other data draws (random_state 2-6, each with its own
    initialization): test (accuracy, loss) of early stopping (patience 200, min_delta 1e-4),
    of training all 3000 epochs without a penalty, and of the L2 strength of L2_GRID with the
    lowest final validation loss. The test set only evaluates; nothing is chosen on it."""
    from utils.datasets import Split, moons_split
    from utils.training import train_mlp

    rows = []
    for draw in range(2, 7):
        data = moons_split(n_samples=400, noise=0.3, random_state=draw, n_train=30)
        with_val = Split(data.X_train, data.y_train, data.X_test[:70], data.y_test[:70])
        with_test = Split(data.X_train, data.y_train, data.X_test[70:], data.y_test[70:])
        chosen = train_mlp(with_val, l2=L2_GRID, epochs=3000, seed=draw)
        scored = train_mlp(with_test, l2=L2_GRID, epochs=3000, seed=draw)  # same weights, test recorded
        best_epoch, _ = reference_early_stopping_epoch(chosen.test_loss[0], 200, 1e-4)
        best_l2 = 1 + int(np.argmin(chosen.test_loss[1:, -1]))
        rows.append([(scored.test_acc[0, best_epoch], scored.test_loss[0, best_epoch]),
                     (scored.test_acc[0, -1], scored.test_loss[0, -1]),
                     (scored.test_acc[best_l2, -1], scored.test_loss[best_l2, -1])])
    return np.array(rows)  # (draw, [early stopping, all epochs, tuned L2], [accuracy, loss])


def test_early_stopping_beats_training_to_the_end_on_test_loss_but_not_reliably_on_accuracy(five_draws):
    es, full = five_draws[:, 0], five_draws[:, 1]
    assert np.all(es[:, 1] < full[:, 1] / 2)             # loss: 0.39 +- 0.08 against 2.1 +- 1.0
    acc_gain = es[:, 0] - full[:, 0]                       # accuracy: +0.001 +- 0.033
    assert abs(acc_gain.mean()) < acc_gain.std(ddof=1)     # no reliable effect
    assert np.sum(acc_gain > 0) < 5


def test_early_stopping_and_an_l2_strength_chosen_on_validation_are_comparable(five_draws):
    es, l2 = five_draws[:, 0], five_draws[:, 2]
    for metric in (0, 1):                                  # accuracy 0.834 vs 0.827, loss 0.39 vs 0.45
        difference = es[:, metric] - l2[:, metric]
        assert abs(difference.mean()) < 2 * difference.std(ddof=1)


# ------------------------------------------------- exercise 2: early stopping in a training loop
from utils.early_stopping import (  # noqa: E402
    CHOOSE_PATIENCE,
    LOOP_CASES,
    PATIENCE_CASES,
    RecordedCurves,
    ScriptedModel,
    check_choose_patience,
    check_train_with_early_stopping,
    record_minibatch_curves,
    reference_choose_patience,
    reference_train_with_early_stopping,
)


def test_the_loop_cases_expect_what_the_keras_callback_does():
    for case in LOOP_CASES:
        scripted = list(case.curve[:case.max_epochs])
        assert case.expected() == keras_early_stopping(scripted, case.patience, case.min_delta)
        assert float64_loop(scripted, case.patience, case.min_delta) == case.expected(), case.what


@pytest.mark.parametrize("case", LOOP_CASES, ids=[c.what for c in LOOP_CASES])
def test_the_reference_loop_trains_records_and_restores_like_keras(case):
    model = case.model()
    best, stop, losses = reference_train_with_early_stopping(
        model.step, model.evaluate, model.get_weights, model.set_weights, case.max_epochs,
        case.patience, case.min_delta)
    assert (best, stop) == case.expected()
    assert model.steps == stop + 1 and losses == list(case.curve[:stop + 1])
    assert model.events == ["step", "evaluate"] * (stop + 1)
    assert model.restored == [best] and model.epoch_of_weights() == best


def test_the_scripted_model_hands_out_live_arrays_and_names_the_epoch_of_a_copy():
    model = ScriptedModel([0.5, 0.4, 0.3], untrained_loss=2.0)
    assert model.evaluate() == 2.0 and model.epoch_of_weights() == -1
    model.step()
    live, copied = model.get_weights(), [w.copy() for w in model.get_weights()]
    model.step()
    assert model.evaluate() == 0.4 and model.epoch_of_weights() == 1
    model.set_weights(live)
    assert model.restored == ["live"]      # the live arrays hold epoch 1 by now
    model.set_weights(copied)
    assert model.restored[-1] == 0 and model.epoch_of_weights() == 0
    model.set_weights([w * 1.5 for w in copied])
    assert model.restored[-1] is None      # no epoch's weights


@pytest.mark.parametrize(("weights", "error", "message"), [
    (None, TypeError, "set_weights got None: no epoch stored a copy"),
    ([np.zeros((2, 3))], TypeError, "set_weights takes a list of arrays"),
    ([np.zeros((3, 2)), np.zeros(3)], ValueError, "set_weights got arrays of shapes"),
])
def test_the_scripted_model_refuses_what_is_not_its_weights(weights, error, message):
    with pytest.raises(error, match=message):
        ScriptedModel([0.5], 1.0).set_weights(weights)


def test_a_loop_that_copies_with_keras_style_get_weights_passes(capsys):
    """The loop the chapter ran before this exercise (np.inf start, get_weights copies)."""
    def train_with_early_stopping(step, evaluate, get_weights, set_weights, max_epochs, patience,
                                  min_delta=0.0):
        best_loss, best_weights, wait, history, best_epoch = np.inf, None, 0, [], 0
        for epoch in range(max_epochs):
            step()
            current = float(evaluate())
            history.append(current)
            if current + min_delta < best_loss:
                best_loss, best_epoch, wait = current, epoch, 0
                best_weights = [np.array(w) for w in get_weights()]
            else:
                wait += 1
                if wait >= patience:
                    break
        set_weights(best_weights)
        return best_epoch, epoch, history
    check_train_with_early_stopping(train_with_early_stopping)
    assert "passed" in capsys.readouterr().out


# ------------------------------------------------- exercise 3: choosing the patience
def _choose_independently(val, test, patiences, cost):
    """The objective from the float64 loop, one run at a time."""
    objective, restored = [], []
    for p in patiences:
        pairs = [float64_loop(list(curve), p) for curve in val]
        objective.append(np.mean([curve[b] for curve, (b, _) in zip(val, pairs)])
                         + cost * np.mean([s + 1 for _, s in pairs]))
        restored.append([b for b, _ in pairs])
    k = int(np.argmin(objective))
    return patiences[k], np.array(objective), np.mean([c[b] for c, b in zip(test, restored[k])])


def test_the_reference_choice_matches_an_independent_loop():
    cases = [(c.val_curves, c.test_curves, list(c.patiences), c.cost_per_epoch)
             for c in PATIENCE_CASES]
    rng = np.random.default_rng(5)
    cases.append((np.round(rng.random((3, 30)), 3), np.round(rng.random((3, 30)), 3), [0, 1, 4], 1e-3))
    for val, test, patiences, cost in cases:
        chosen, objective, test_loss = reference_choose_patience(val, test, patiences, cost)
        other = _choose_independently(val, test, patiences, cost)
        assert chosen == other[0] and np.allclose(objective, other[1])
        assert np.isclose(test_loss, other[2])


def test_the_patience_cases_separate_validation_from_test():
    """Choosing on the test curves gives another patience on the check's first case."""
    case = PATIENCE_CASES[0]
    on_val = reference_choose_patience(case.val_curves, case.test_curves, case.patiences,
                                       case.cost_per_epoch)[0]
    on_test = reference_choose_patience(case.test_curves, case.test_curves, case.patiences,
                                        case.cost_per_epoch)[0]
    assert on_val != on_test


def test_choosing_by_stopping_on_the_test_curves_is_named_too():
    def choose_patience(val_curves, test_curves, patiences, cost_per_epoch):
        return reference_choose_patience(test_curves, test_curves, patiences, cost_per_epoch)
    result = run_check_quietly(check_choose_patience, choose_patience)
    assert result is not None and result[0] == "chose_on_test", result
    assert "TEST curves" in CHOOSE_PATIENCE.message("chose_on_test", what="objective")


def _moons_sets():
    from utils.datasets import moons_split
    data = moons_split(n_samples=130, noise=0.3, random_state=1, n_train=30)
    return (data.X_train, data.y_train, data.X_test[:50], data.y_test[:50], data.X_test[50:],
            data.y_test[50:])


def test_recorded_curves_are_seeded_shaped_and_fall_at_first():
    sets = _moons_sets()
    first = record_minibatch_curves(*sets, runs=3, epochs=12, hidden=20, seed=4)
    again = record_minibatch_curves(*sets, runs=3, epochs=12, hidden=20, seed=4)
    other = record_minibatch_curves(*sets, runs=3, epochs=12, hidden=20, seed=5)
    assert isinstance(first, RecordedCurves)
    assert first.val_loss.shape == first.test_loss.shape == (3, 12)
    assert np.array_equal(first.val_loss, again.val_loss)
    assert not np.allclose(first.val_loss, other.val_loss)
    assert np.all(first.val_loss[:, -1] < first.val_loss[:, 0])
    assert len({tuple(row) for row in first.val_loss.round(8)}) == 3  # each run its own


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda s: (s[0], s[1][:-1], *s[2:]), ValueError, "y_train must have one label per row"),
    (lambda s: (s[0][:, :1], *s[1:]), ValueError, "X_val must have as many columns as X_train"),
    (lambda s: (s[0], s[1] * 2, *s[2:]), ValueError, "y_train must hold labels 0 and 1"),
    (lambda s: (*s[:2], s[2][:, 0], *s[3:]), ValueError, "X_val must have 2 dimension"),
    (lambda s: (*s[:4], s[4], s[5][:-1]), ValueError, "y_test must have one label per row"),
    (lambda s: ([["a", "b"]] * 30, *s[1:]), TypeError, "X_train must be array-like"),
])
def test_record_minibatch_curves_refuses_bad_data(change, error, message):
    with pytest.raises(error, match=message):
        record_minibatch_curves(*change(_moons_sets()), runs=1, epochs=1)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"runs": 0}, ValueError, "runs"), ({"epochs": 1.5}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"), ({"hidden": -1}, ValueError, "hidden"),
    ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_record_minibatch_curves_refuses_bad_settings(kwargs, error, message):
    with pytest.raises(error, match=message):
        record_minibatch_curves(*_moons_sets(), **{"runs": 1, "epochs": 1, **kwargs})
