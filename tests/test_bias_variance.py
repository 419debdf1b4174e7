"""Chapter 1: the checks accept right answers and name each common mistake; utils validate."""
import matplotlib
import numpy as np
import pytest

from utils import bias_variance as bv
from utils.checks import ExerciseNotImplemented

matplotlib.use("Agg")


def decompose(preds, f_true):
    preds, f_true = np.asarray(preds, dtype=float), np.asarray(f_true, dtype=float)
    return float(np.mean((preds.mean(axis=0) - f_true) ** 2)), float(np.mean(preds.var(axis=0)))


def diagnose(train_error, dev_error, base_error=0.0):
    high_bias = train_error - base_error > 0.02
    high_variance = dev_error - train_error > 0.02
    if high_bias and high_variance:
        return "high bias and high variance"
    if high_bias:
        return "high bias"
    if high_variance:
        return "high variance"
    return "good fit"


# ------------------------------------------------------------------------------ decompose
def test_check_decompose_accepts_a_correct_answer(capsys):
    bv.check_decompose(decompose)
    assert "decompose passed" in capsys.readouterr().out


def _mean(p, f):
    return np.asarray(p, float).mean(axis=0) - np.asarray(f, float)


WRONG_DECOMPOSE = [
    (lambda p, f: decompose(p, f)[::-1], "swapped"),
    (lambda p, f: (decompose(p, f)[0], float(np.mean(np.var(p, axis=1)))), "wrong axis"),
    (lambda p, f: (decompose(p, f)[0], float(np.var(p))), "all numbers at once"),
    (lambda p, f: (decompose(p, f)[0], float(np.mean(np.std(p, axis=0)))),
     "standard deviation instead of the variance"),
    (lambda p, f: (decompose(p, f)[0], float(np.sqrt(np.mean(np.var(p, axis=0))))),
     "square root of the variance"),
    (lambda p, f: (decompose(p, f)[0], float(np.mean(np.var(p, axis=0, ddof=1)))), "ddof=1"),
    (lambda p, f: (float(np.mean(_mean(p, f))), decompose(p, f)[1]), "not squared"),
    (lambda p, f: (float(np.mean(np.abs(_mean(p, f)))), decompose(p, f)[1]), r"\|bias\|"),
    (lambda p, f: (float(np.mean(_mean(p, f)) ** 2), decompose(p, f)[1]), "squares after"),
    (lambda p, f: (float(np.mean((np.asarray(p) - f) ** 2)), decompose(p, f)[1]),
     "mean squared error of the predictions"),
    (lambda p, f: tuple(len(f) * v for v in decompose(p, f)), "sums over points"),
    (lambda p, f: None, "forget a `return`"),
    (lambda p, f: list(decompose(p, f)), "should return a tuple"),
    (lambda p, f: (np.var(p, axis=0), 0.0), "one number averaged over the points"),
    (lambda p, f: (0.1, 0.2), r"is \[0\.1"),
]


@pytest.mark.parametrize("wrong, message", WRONG_DECOMPOSE)
def test_check_decompose_names_each_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        bv.check_decompose(wrong)


def test_check_decompose_rejects_answers_that_fail_on_lists():
    def arrays_only(p, f):
        if isinstance(p, list):
            return (1.0, 1.0)
        return decompose(p, f)

    with pytest.raises(AssertionError, match="for lists"):
        bv.check_decompose(arrays_only)


def test_stubs_are_not_implemented_yet():
    def stub(*args):
        raise NotImplementedError()

    for check in (bv.check_decompose, bv.check_diagnose):
        with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
            check(stub)


def test_check_measured_bias2_names_noisy_targets(capsys):
    preds, f_true = bv._decompose_fixture()
    y_noisy = f_true + 0.3 * np.random.default_rng(0).standard_normal(f_true.shape)
    bv.check_measured_bias2(decompose(preds, f_true)[0], preds, f_true, y_noisy)
    assert "true function" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="noisy targets instead of the true function"):
        bv.check_measured_bias2(decompose(preds, y_noisy)[0], preds, f_true, y_noisy)
    with pytest.raises(AssertionError, match="measured bias2 is"):
        bv.check_measured_bias2(123.0, preds, f_true, y_noisy)


# ------------------------------------------------------------------------------- diagnose
def test_check_diagnose_accepts_a_correct_answer(capsys):
    bv.check_diagnose(diagnose)
    assert "diagnose passed" in capsys.readouterr().out


def test_reference_rule_matches_the_cases():
    for train, dev, base, expected, _ in bv.DIAGNOSE_CASES:
        assert bv.diagnose_reference(train, dev, base) == expected


@pytest.mark.parametrize("wrong, message", [
    (bv._wrong_base_ignored, "base error is ignored"),
    (bv._wrong_gap_from_base, "not dev_error - base_error"),
    (bv._wrong_bias_from_dev, "not on the dev error"),
    (bv._wrong_swapped, "swapped"),
    (bv._wrong_one_label, "both problems at once"),
    (lambda t, d, b=0.0: "overfitting", "return exactly one of"),
    (lambda t, d, b=0.0: None, "forget a `return`"),
    (lambda t, d, b=0.0: "good fit", r"expected 'high variance' \(the notes: 1% train"),
    (lambda t, d, b: diagnose(t, d, b), "base_error must default"),
])
def test_check_diagnose_names_each_mistake(wrong, message):
    if message == "base_error must default":
        def wrong(t, d, b=0.5):  # noqa: F811 - a bad default the check must catch
            return diagnose(t, d, b)
    with pytest.raises(AssertionError, match=message):
        bv.check_diagnose(wrong)


def test_diagnose_reference_validates():
    with pytest.raises(ValueError, match="train_error must be in"):
        bv.diagnose_reference(15, 16)
    with pytest.raises(ValueError, match="base_error must be in"):
        bv.diagnose_reference(0.1, 0.2, -0.1)


# --------------------------------------------------------------------------------- utils
def test_polynomial_fit_recovers_a_polynomial_in_every_round():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (4, 10))
    Y = 1 - 2 * X + 3 * X ** 2
    coef = bv.fit_polynomials(X, Y, 2)
    grid = np.linspace(0, 1, 5)
    assert np.allclose(bv.predict_polynomials(coef, grid), 1 - 2 * grid + 3 * grid ** 2)
    assert np.allclose(bv.predict_polynomials(coef, X), Y)


def test_sampled_sets_are_stratified_and_noisy():
    X, Y = bv.sample_training_sets(3, 5, seed=1)
    assert X.shape == Y.shape == (3, 5)
    assert np.all((X >= np.arange(5) / 5) & (X <= np.arange(1, 6) / 5))
    X0, Y0 = bv.sample_training_sets(3, 5, noise_std=0.0, seed=1)
    assert np.allclose(Y0, bv.true_function(X0)) and not np.allclose(Y, bv.true_function(X))


def test_measured_error_adds_up_to_bias2_variance_noise():
    preds, _ = bv.polynomial_experiment(3, 20, rounds=300, seed=2)
    f = bv.true_function(bv.X_TEST)
    b2, var = bv.bias2_variance(preds, f)
    err = bv.measure_test_error(preds, f, seed=5)
    assert abs(err.mse - (b2 + var + bv.NOISE_STD ** 2)) < 4 * err.gap_se
    assert abs(b2 + var - np.mean((preds - f) ** 2)) < 1e-12


def test_tanh_nets_fit_and_weight_decay_shrinks_variance():
    X, Y = bv.sample_training_sets(20, 15, seed=0)
    f = bv.true_function(bv.X_TEST)
    plain = bv.train_tanh_nets(X, Y, hidden=8, steps=300, seed=1)
    decayed = bv.train_tanh_nets(X, Y, hidden=8, steps=300, weight_decay=0.05, seed=1)
    train_mse = np.mean((bv.predict_tanh_nets(plain, X) - Y) ** 2)
    assert train_mse < np.var(Y)
    assert (bv.bias2_variance(bv.predict_tanh_nets(decayed, bv.X_TEST), f)[1]
            < bv.bias2_variance(bv.predict_tanh_nets(plain, bv.X_TEST), f)[1])


def test_split_sizes_and_standard_error():
    assert bv.split_sizes(1_000_000, [0.98, 0.01, 0.01]).tolist() == [980_000, 10_000, 10_000]
    assert bv.split_sizes(1_000_000, [0.995, 0.0025, 0.0025]).tolist() == [995_000, 2500, 2500]
    assert bv.split_sizes(101, [0.6, 0.2, 0.2]).sum() == 101
    assert bv.error_standard_error(0.1, 100) == pytest.approx(0.03)


def test_learning_curve_shapes():
    train, test = bv.learning_curve(1, [10, 40], rounds=20)
    assert train.shape == test.shape == (2,)
    assert np.all(test > train)


@pytest.mark.parametrize("call, message", [
    (lambda: bv.sample_training_sets(0, 5), "rounds must be >= 1"),
    (lambda: bv.sample_training_sets(2, 5, noise_std=-1.0), "noise_std must be >= 0"),
    (lambda: bv.fit_polynomials(np.zeros((2, 3)), np.zeros((2, 4)), 1), "same shape"),
    (lambda: bv.fit_polynomials(np.zeros((2, 3)), np.zeros((2, 3)), -1), "degree must be >= 0"),
    (lambda: bv.bias2_variance(np.zeros((3, 4)), np.zeros(5)), "points = len"),
    (lambda: bv.bias2_variance(np.zeros(4), np.zeros(4)), "must have 2 dimension"),
    (lambda: bv.measure_test_error(np.zeros((1, 4)), np.zeros(4)), "at least 2 rounds"),
    (lambda: bv.split_sizes(100, [0.5, 0.2]), "sum to 1"),
    (lambda: bv.split_sizes(0, [1.0]), "n_examples must be >= 1"),
    (lambda: bv.error_standard_error(1.5, 10), "error_rate must be in"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), weight_decay=-1.0),
     "weight_decay must be >= 0"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), hidden=0),
     "hidden must be >= 1"),
    (lambda: bv.bias2_variance(np.full((2, 2), np.nan), np.zeros(2)), "NaN"),
])
def test_utils_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------ plots and explorer
def test_drawing_functions_headless():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out, b2, var = bv.draw_fits(ax, 3, 20, rounds=30)
    assert out is ax and "degree 3" in ax.get_title() and b2 >= 0 and var >= 0
    plt.close(fig)
    fig, ax = plt.subplots()
    assert bv.draw_bars(ax, 0.1, 0.2, 0.09, 0.4) is ax
    plt.close(fig)
    plt.close(bv.explorer_figure(5, 15, rounds=30))


def test_explorer_builds_and_redraws_on_every_slider():
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    box = bv.make_bias_variance_explorer()
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.widget.Widget)]
    assert len(sliders) == 2
    sliders[0].value = 7
    sliders[1].value = 50
    plt.close("all")
