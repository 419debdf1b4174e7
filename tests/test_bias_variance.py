"""Chapter 1: the checks accept right answers and name each catalogued mistake; utils validate."""
import matplotlib
import numpy as np
import pytest

from utils import bias_variance as bv
from utils.checks import CheckFailed, ExerciseNotImplemented, run_check_quietly, show_mistakes

matplotlib.use("Agg")


# ------------------------------------------------------------------------------ decompose
def test_check_decompose_accepts_the_reference_and_says_so_in_one_line(capsys):
    bv.check_decompose(bv.reference_decompose)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "passed" in out


@pytest.mark.parametrize("pair", [tuple, list, np.array], ids=["tuple", "list", "array"])
def test_check_decompose_accepts_any_pair_of_two_numbers(pair):
    def decompose(preds, f_true):
        return pair(bv.reference_decompose(preds, f_true))

    assert run_check_quietly(bv.check_decompose, decompose) is None


def test_check_decompose_gives_float_arrays_as_its_docstring_promises():
    received = []

    def decompose(preds, f_true):
        received.append((preds, f_true))
        return bv.reference_decompose(preds, f_true)

    assert run_check_quietly(bv.check_decompose, decompose) is None
    assert received and all(isinstance(a, np.ndarray) and a.dtype == float
                            for call in received for a in call)


def test_check_decompose_fixture_is_square_so_axis_mistakes_are_named():
    preds, f_true = bv._decompose_fixture()
    assert preds.shape == (len(f_true), len(f_true))


@pytest.mark.parametrize("mistake", list(bv.DECOMPOSE), ids=lambda m: m.key)
def test_check_decompose_names_each_catalogued_mistake_in_one_line(mistake):
    key, message = run_check_quietly(bv.check_decompose, mistake.answer)
    assert key == mistake.key, message
    assert "\n" not in message and "{" not in message


def test_writing_into_preds_is_named_not_called_a_wrong_value():
    # The review's case: right numbers, but `preds -= mean` inside decompose. The check
    # must blame the mutation, not compute its expectation from the mutated array.
    def decompose(preds, f_true):
        mean_pred = preds.mean(axis=0)
        bias2 = float(np.mean((mean_pred - f_true) ** 2))
        preds -= mean_pred
        return bias2, float(np.mean(preds ** 2))

    key, message = run_check_quietly(bv.check_decompose, decompose)
    assert key == "mutated_input" and "`preds`" in message


def test_each_decompose_candidate_differs_from_the_answer_and_the_others():
    preds, f_true = bv._decompose_fixture()
    right = np.array(bv.reference_decompose(preds, f_true))
    values = {k: np.array(bv.DECOMPOSE[k].answer(preds.copy(), f_true.copy()), dtype=float)
              for k in bv._DECOMPOSE_CANDIDATES}
    for key, value in values.items():
        assert not np.allclose(value, right, rtol=1e-4), key
        for other, other_value in values.items():
            assert key == other or not np.allclose(value, other_value, rtol=1e-4), (key, other)


def test_show_mistakes_runs_over_both_catalogues(capsys):
    said = show_mistakes(bv.check_decompose, ["both_axes", "ddof1"])
    assert set(said) == {"both_axes", "ddof1"}
    assert len(show_mistakes(bv.check_diagnose)) == len(bv.DIAGNOSE)


def test_stubs_are_not_implemented_yet():
    def stub(*args):
        raise NotImplementedError()

    for check in (bv.check_decompose, bv.check_diagnose):
        with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
            check(stub)


def test_reference_decompose_adds_up_to_the_mean_squared_deviation():
    preds, f_true = bv._decompose_fixture()
    bias2, variance = bv.reference_decompose(preds, f_true)
    assert bias2 + variance == pytest.approx(np.mean((preds - f_true) ** 2), rel=1e-12)
    assert bv.reference_decompose(np.tile(f_true + 0.5, (4, 1)), f_true) == pytest.approx(
        (0.25, 0.0))


def test_check_measured_bias2_names_noisy_targets(capsys):
    preds, f_true = bv._decompose_fixture()
    y_noisy = f_true + 0.3 * np.random.default_rng(0).standard_normal(f_true.shape)
    bv.check_measured_bias2(bv.reference_decompose(preds, f_true)[0], preds, f_true, y_noisy)
    assert "true function" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="noisy targets instead of the true function") as failed:
        bv.check_measured_bias2(bv.reference_decompose(preds, y_noisy)[0], preds, f_true,
                                y_noisy)
    assert failed.value.mistake == "noisy_targets"
    with pytest.raises(CheckFailed, match="got 123, expected"):
        bv.check_measured_bias2(123.0, preds, f_true, y_noisy)
    with pytest.raises(ValueError, match="y_noisy must hold one target per point"):
        bv.check_measured_bias2(0.1, preds, f_true, y_noisy[:3])


# ------------------------------------------------------------------------------- diagnose
def test_check_diagnose_accepts_the_reference(capsys):
    bv.check_diagnose(bv.reference_diagnose)
    assert "diagnose passed" in capsys.readouterr().out


def test_reference_rule_matches_the_cases():
    for train, dev, base, expected, _ in bv.DIAGNOSE_CASES:
        assert bv.reference_diagnose(train, dev, base) == expected


@pytest.mark.parametrize("mistake", list(bv.DIAGNOSE), ids=lambda m: m.key)
def test_check_diagnose_names_each_catalogued_mistake_in_one_line(mistake):
    key, message = run_check_quietly(bv.check_diagnose, mistake.answer)
    assert key == mistake.key, message
    assert "\n" not in message and "{" not in message


def test_every_wrong_rule_is_told_apart_on_the_cases():
    answers = {"right": [c[3] for c in bv.DIAGNOSE_CASES]}
    for key in (*bv._DIAGNOSE_RULES, "wrong_diagnosis"):
        answers[key] = [bv.DIAGNOSE[key].answer(*c[:3]) for c in bv.DIAGNOSE_CASES]
    assert len({tuple(a) for a in answers.values()}) == len(answers)


def test_no_case_is_decided_by_float_rounding():
    # Each gap is either at least 0.004 from the tolerance, or exactly the tolerance
    # because 0.0 is subtracted (exact in floating point).
    for train, dev, base, _, _ in bv.DIAGNOSE_CASES:
        for high, low, tolerance in ((train, base, bv.BIAS_TOLERANCE),
                                     (dev, train, bv.VARIANCE_TOLERANCE)):
            gap = high - low
            assert abs(gap - tolerance) > 0.004 or (low == 0.0 and high == tolerance)
    at_tolerance = [c for c in bv.DIAGNOSE_CASES if "exactly" in c[4]]
    assert len(at_tolerance) == 2


def test_diagnose_boundary_cases_reject_ge_and_abs():
    def ge(train_error, dev_error, base_error=0.0):
        return bv._label(train_error - base_error >= 0.02, dev_error - train_error > 0.02)

    def absolute(train_error, dev_error, base_error=0.0):
        return bv._label(train_error - base_error > 0.02, abs(train_error - dev_error) > 0.02)

    assert run_check_quietly(bv.check_diagnose, ge)[0] == "wrong_diagnosis"  # only one >=
    assert run_check_quietly(bv.check_diagnose, absolute)[0] == "abs_gap"


def test_a_diagnose_without_a_default_base_error_is_told_which_line_failed():
    def diagnose(train_error, dev_error, base_error):
        return bv.reference_diagnose(train_error, dev_error, base_error)

    key, message = run_check_quietly(bv.check_diagnose, diagnose)
    assert key == "raised" and "base_error" in message


@pytest.mark.parametrize(("args", "error", "message"), [
    ((15, 16), ValueError, "train_error must be in"),
    ((0.1, 0.2, -0.1), ValueError, "base_error must be in"),
    ((0.1, float("nan")), ValueError, "dev_error must be in"),
    (("0.1", 0.2), TypeError, "train_error must be a number"),
])
def test_reference_diagnose_validates(args, error, message):
    with pytest.raises(error, match=message):
        bv.reference_diagnose(*args)


# --------------------------------------------------------------------------------- utils
def test_polynomial_fit_recovers_a_polynomial_in_every_round():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (4, 10))
    Y = 1 - 2 * X + 3 * X ** 2
    coef = bv.fit_polynomials(X, Y, 2)
    grid = np.linspace(0, 1, 5)
    assert np.allclose(bv.predict_polynomials(coef, grid), 1 - 2 * grid + 3 * grid ** 2)
    assert np.allclose(bv.predict_polynomials(coef, X), Y)


def test_rows_with_repeated_x_get_the_minimum_norm_fit_not_a_linalg_error():
    X = np.tile(np.repeat([0.2, 0.7], 6), (3, 1))       # 12 points, only 2 distinct x
    X[1] = np.linspace(0, 1, 12)                        # this row is well posed
    Y = np.sin(3 * X)
    coef = bv.fit_polynomials(X, Y, 3)
    assert np.all(np.isfinite(coef))
    assert np.allclose(bv.predict_polynomials(coef, X)[[0, 2]], Y[[0, 2]])  # through both x
    alone = bv.fit_polynomials(X[1:2], Y[1:2], 3)
    assert np.allclose(coef[1], alone[0])               # rows do not affect each other
    pinv = np.linalg.pinv(bv.polynomial_features(X[1], 3)) @ Y[1]
    assert np.allclose(coef[1], pinv)                   # normal equations = least squares


def test_sampled_sets_are_stratified_and_noisy():
    X, Y = bv.sample_training_sets(3, 5, seed=1)
    assert X.shape == Y.shape == (3, 5)
    assert np.all((X >= np.arange(5) / 5) & (X <= np.arange(1, 6) / 5))
    X0, Y0 = bv.sample_training_sets(3, 5, noise_std=0.0, seed=1)
    assert np.allclose(Y0, bv.true_function(X0)) and not np.allclose(Y, bv.true_function(X))
    assert np.array_equal(bv.sample_training_sets(3, 5, seed=1)[1], Y)  # seeded


def test_measured_error_adds_up_to_bias2_variance_noise():
    preds, _ = bv.polynomial_experiment(3, 20, rounds=300, seed=2)
    f = bv.true_function(bv.X_TEST)
    b2, var = bv.reference_decompose(preds, f)
    err = bv.measure_test_error(preds, f, seed=5)
    assert abs(err.mse - (b2 + var + bv.NOISE_STD ** 2)) < 4 * err.gap_se
    assert abs(err.noise - bv.NOISE_STD ** 2) < 0.01


def test_tanh_nets_fit_and_l2_shrinks_variance():
    X, Y = bv.sample_training_sets(20, 15, seed=0)
    f = bv.true_function(bv.X_TEST)
    plain = bv.train_tanh_nets(X, Y, hidden=8, steps=300, seed=1)
    penalized = bv.train_tanh_nets(X, Y, hidden=8, steps=300, l2=0.05, seed=1)
    fitted = bv.predict_tanh_nets(plain.params, X)
    assert fitted.shape == (20, 15) and plain.train_loss.shape == (20, 1)
    np.testing.assert_allclose(np.mean((fitted - Y) ** 2, axis=1), plain.train_loss[:, 0])
    assert np.mean((fitted - Y) ** 2) < np.var(Y)
    assert (bv.reference_decompose(bv.predict_tanh_nets(penalized.params, bv.X_TEST), f)[1]
            < bv.reference_decompose(bv.predict_tanh_nets(plain.params, bv.X_TEST), f)[1])


def test_tanh_nets_objective_is_mse_plus_keras_style_l2():
    """The first recorded cost is MSE + l2 * (sum W1^2 + sum W2^2) at the initial weights,
    computed here by hand (the engine's gradient of that cost is tested in test_numpy_net)."""
    X, Y = bv.sample_training_sets(3, 5, seed=2)
    l2, h = 0.1, 4
    run = bv.train_tanh_nets(X, Y, hidden=h, steps=1, learning_rate=0.03, l2=l2, seed=7)
    rng = np.random.default_rng(7)  # the same initial weights, drawn in the same order
    W1, b1 = rng.normal(0, 2.0, (3, h)), rng.uniform(-2, 2, (3, h))
    W2 = rng.normal(0, 1 / np.sqrt(h), (3, h))
    H = np.tanh((2 * X - 1)[:, :, None] * W1[:, None, :] + b1[:, None, :])
    mse = np.mean((np.einsum("rnh,rh->rn", H, W2) - Y) ** 2, axis=1)
    expected = mse + l2 * (np.sum(W1 ** 2, axis=1) + np.sum(W2 ** 2, axis=1))
    np.testing.assert_allclose(run.cost[:, 0], expected, rtol=1e-12)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), l2=-1.0),
     ValueError, "l2 must be"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), l2=float("inf")),
     ValueError, "l2 must be"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), weight_decay=0.1),
     TypeError, "weight_decay"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), hidden=0),
     ValueError, "hidden must be >= 1"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 3)), learning_rate=float("nan")),
     ValueError, "learning_rate must be (>= 0|finite)"),
    (lambda: bv.train_tanh_nets(np.zeros((2, 3)), np.zeros((2, 4))),
     ValueError, "X and Y must have the same shape"),
    (lambda: bv.predict_tanh_nets({}, np.zeros((2, 3, 1))),
     ValueError, r"x must be \(points,\) or \(rounds, points\)"),
])
def test_tanh_nets_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_split_sizes_and_standard_error():
    assert bv.split_sizes(1_000_000, [0.98, 0.01, 0.01]).tolist() == [980_000, 10_000, 10_000]
    assert bv.split_sizes(1_000_000, [0.995, 0.0025, 0.0025]).tolist() == [995_000, 2500, 2500]
    assert bv.split_sizes(101, [0.6, 0.2, 0.2]).sum() == 101
    assert bv.error_standard_error(0.1, 100) == pytest.approx(0.03)


def test_learning_curve_of_a_line_is_flat_and_high():
    train, test = bv.expected_learning_curve(1, [10, 40], rounds=20)
    assert train.shape == test.shape == (2,)
    assert np.all(test > train) and np.all(test > 3 * bv.NOISE_STD ** 2)


def test_the_moons_bayes_rule_errs_on_real_make_moons_data_as_estimated():
    from sklearn.datasets import make_moons

    error, se = bv.moons_bayes_error()
    assert 0.025 < error < 0.04 and se < 0.001
    mistakes = [np.mean((bv.moons_posterior(X) > 0.5) != y) for X, y in
                (make_moons(100, noise=0.2, random_state=s) for s in range(100))]
    measured, measured_se = np.mean(mistakes), np.std(mistakes, ddof=1) / 10
    assert abs(measured - error) < 4 * np.hypot(se, measured_se)


def test_the_moons_posterior_has_the_moons_point_symmetry():
    # make_moons' lower arc is the upper arc turned half a turn about (0.5, 0.25)
    x = np.random.default_rng(0).normal(0.5, 1.0, (50, 2))
    mirrored = np.array([1.0, 0.5]) - x
    assert np.allclose(bv.moons_posterior(x) + bv.moons_posterior(mirrored), 1.0)


# ------------------------------------------------------------- resample_predictions, models
def _polyfit_model(degree):
    """An independent least-squares polynomial (NumPy's power basis) as fit -> predict."""
    def fit(x, y):
        coef = np.polyfit(x, y, degree)
        return lambda x_new: np.polyval(coef, x_new)
    return fit


def test_the_drawer_is_sample_training_sets_one_round_at_a_time():
    x, y = bv.training_set_drawer(12)(np.random.default_rng(5))
    X, Y = bv.sample_training_sets(1, 12, seed=5)
    assert np.array_equal(x, X[0]) and np.array_equal(y, Y[0])
    assert np.all((np.arange(12) <= 12 * x) & (12 * x < np.arange(1, 13)))  # one per bin


def test_the_unstratified_drawer_is_uniform_and_unsorted():
    x, y = bv.training_set_drawer(2000, stratified=False)(np.random.default_rng(0))
    assert np.all((0 <= x) & (x < 1)) and np.any(np.diff(x) < 0)
    assert abs(x.mean() - 0.5) < 4 * np.sqrt(1 / 12 / 2000)
    residual = y - bv.true_function(x)
    assert abs(residual.std() - bv.NOISE_STD) < 0.02


def test_the_polynomial_fitter_agrees_with_numpy_polyfit():
    x, y = bv.training_set_drawer(30)(np.random.default_rng(1))
    x_new = np.linspace(0, 1, 9)
    assert np.allclose(bv.polynomial_fitter(4)(x, y)(x_new), _polyfit_model(4)(x, y)(x_new),
                       atol=1e-9)


def test_reference_resample_predictions_against_an_independent_loop():
    preds, train_mse = bv.reference_resample_predictions(
        bv.training_set_drawer(15), bv.polynomial_fitter(3), bv.X_TEST, 6, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    for r in range(6):
        u = rng.uniform(0, 1, 15)
        x = (np.arange(15) + u) / 15
        y = np.sin(2 * np.pi * x) + bv.NOISE_STD * rng.standard_normal(15)
        coef = np.polyfit(x, y, 3)
        assert np.allclose(preds[r], np.polyval(coef, bv.X_TEST), atol=1e-9)
        assert train_mse[r] == pytest.approx(np.mean((np.polyval(coef, x) - y) ** 2), rel=1e-9)


def test_one_round_of_the_loop_is_one_round_of_polynomial_experiment():
    preds, train_mse = bv.reference_resample_predictions(
        bv.training_set_drawer(20), bv.polynomial_fitter(5), bv.X_TEST, 1, bv.numpy_rng(8))
    expected_preds, expected_mse = bv.polynomial_experiment(5, 20, rounds=1, seed=8)
    assert np.allclose(preds, expected_preds) and np.allclose(train_mse, expected_mse)


def test_resampled_polynomials_decompose_like_the_vectorized_experiment():
    # 300 rounds each: the two estimates of the variance agree within sampling error
    preds, _ = bv.reference_resample_predictions(
        bv.training_set_drawer(25), bv.polynomial_fitter(3), bv.X_TEST, 300, np.random.default_rng(0))
    vectorized, _ = bv.polynomial_experiment(3, 25, rounds=300, seed=1)
    f = bv.true_function(bv.X_TEST)
    (b_loop, v_loop), (b_vec, v_vec) = bv.reference_decompose(preds, f), bv.reference_decompose(
        vectorized, f)
    assert v_loop == pytest.approx(v_vec, rel=0.25) and b_loop == pytest.approx(b_vec, abs=0.003)


@pytest.mark.parametrize("answer_key", ["one_training_set", "same_seed_each_round"])
def test_a_reused_training_set_has_no_variance(answer_key):
    answer = bv.RESAMPLE[answer_key].answer
    preds, _ = answer(bv.training_set_drawer(10), bv.polynomial_fitter(2), bv.X_TEST, 5,
                      np.random.default_rng(0))
    assert bv.reference_decompose(preds, bv.true_function(bv.X_TEST))[1] < 1e-20


def test_check_resample_predictions_accepts_the_reference_in_one_line(capsys):
    bv.check_resample_predictions(bv.reference_resample_predictions)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "passed" in out


# ------------------------------------------------------------------------ learning_curve
def test_reference_learning_curve_against_numpy_polyfit():
    rng = np.random.default_rng(4)
    x, y = bv.training_set_drawer(60, stratified=False)(rng)
    x_dev, y_dev = bv.training_set_drawer(25)(rng)
    sizes = [5, 10, 60]
    train, dev = bv.reference_learning_curve(_polyfit_model(3), x, y, x_dev, y_dev, sizes)
    for i, n in enumerate(sizes):
        coef = np.polyfit(x[:n], y[:n], 3)
        assert train[i] == pytest.approx(np.mean((np.polyval(coef, x[:n]) - y[:n]) ** 2))
        assert dev[i] == pytest.approx(np.mean((np.polyval(coef, x_dev) - y_dev) ** 2))


def test_a_line_has_no_gap_on_a_large_set_and_a_degree_10_polynomial_a_huge_one_on_a_small():
    rng = np.random.default_rng(2)
    x, y = bv.training_set_drawer(400, stratified=False)(rng)
    x_dev, y_dev = bv.training_set_drawer(200)(rng)
    train1, dev1 = bv.reference_learning_curve(bv.polynomial_fitter(1), x, y, x_dev, y_dev, [400])
    train10, dev10 = bv.reference_learning_curve(bv.polynomial_fitter(10), x, y, x_dev, y_dev,
                                                 [12, 400])
    assert abs(dev1[0] - train1[0]) < 0.05 and dev1[0] > 2.5 * bv.NOISE_STD ** 2
    assert dev10[0] - train10[0] > 10 * (dev10[1] - train10[1])


def test_check_learning_curve_accepts_the_reference_in_one_line(capsys):
    bv.check_learning_curve(bv.reference_learning_curve)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "passed" in out


BAD_INPUT = [
    # NaN / inf
    (lambda: bv.true_function([0.1, np.nan]), ValueError, "x contains NaN"),
    (lambda: bv.fit_polynomials(np.array([[0.1, np.inf]]), np.zeros((1, 2)), 1), ValueError,
     "X contains NaN or infinity"),
    (lambda: bv.reference_decompose(np.full((2, 2), np.nan), np.zeros(2)), ValueError,
     "preds contains NaN"),
    (lambda: bv.sample_training_sets(2, 5, noise_std=np.inf), ValueError, "noise_std must be"),
    (lambda: bv.draw_bars(None, 0.1, np.nan, 0.09), ValueError, "variance must be"),
    (lambda: bv.measure_test_error(np.zeros((3, 2)), [0.0, np.inf]), ValueError,
     "f_true contains NaN"),
    # wrong shape or rank
    (lambda: bv.fit_polynomials(np.zeros((2, 3)), np.zeros((2, 4)), 1), ValueError,
     "same shape"),
    (lambda: bv.fit_polynomials(np.zeros(3), np.zeros(3), 1), ValueError,
     "X must have 2 dimension"),
    (lambda: bv.reference_decompose(np.zeros((3, 4)), np.zeros(5)), ValueError, "points = len"),
    (lambda: bv.reference_decompose(np.zeros(4), np.zeros(4)), ValueError,
     "preds must have 2 dimension"),
    (lambda: bv.predict_polynomials(np.zeros((2, 3)), np.zeros((3, 5))), ValueError,
     "rounds = 2"),
    (lambda: bv.split_sizes(100, [[0.5, 0.5]]), ValueError, "fractions must have 1 dimension"),
    (lambda: bv.decomposition_table(np.zeros((2, 2), int), 10), ValueError,
     "degrees must be a non-empty 1-D"),
    # wrong dtype
    (lambda: bv.sample_training_sets(2.5, 5), TypeError, "rounds must be a positive integer"),
    (lambda: bv.sample_training_sets(2, 5, seed=1.5), TypeError, "seed must be"),
    (lambda: bv.fit_polynomials(np.zeros((2, 3)), np.zeros((2, 3)), 1.0), TypeError,
     "degree must be a non-negative integer"),
    (lambda: bv.expected_learning_curve(1, [10.5, 20.0]), TypeError, "sizes must hold integers"),
    (lambda: bv.reference_decompose([["a", "b"]], [0.0, 1.0]), TypeError,
     "preds must be array-like of numbers"),
    (lambda: bv.error_standard_error("5%", 10), TypeError, "error_rate must be a number"),
    # out-of-range scalars
    (lambda: bv.sample_training_sets(0, 5), ValueError, "rounds must be >= 1"),
    (lambda: bv.sample_training_sets(2, 5, noise_std=-1.0), ValueError, "noise_std must be"),
    (lambda: bv.sample_training_sets(2, 5, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: bv.fit_polynomials(np.zeros((2, 3)), np.zeros((2, 3)), -1), ValueError,
     "degree must be >= 0"),
    (lambda: bv.measure_test_error(np.zeros((1, 4)), np.zeros(4)), ValueError,
     "at least 2 rounds"),
    (lambda: bv.split_sizes(100, [0.5, 0.2]), ValueError, "sum to 1"),
    (lambda: bv.split_sizes(0, [1.0]), ValueError, "n_examples must be >= 1"),
    (lambda: bv.error_standard_error(1.5, 10), ValueError, "error_rate must be in"),
    (lambda: bv.expected_learning_curve(1, [1, 20]), ValueError, "sizes must all be >= 2"),
    (lambda: bv.draw_fits(None, 3, 20, shown=0), ValueError, "shown must be >= 1"),
    # empty input
    (lambda: bv.fit_polynomials(np.zeros((2, 0)), np.zeros((2, 0)), 1), ValueError,
     "X is empty"),
    (lambda: bv.reference_decompose(np.zeros((0, 3)), np.zeros(3)), ValueError,
     "preds is empty"),
    (lambda: bv.split_sizes(10, []), ValueError, "fractions is empty"),
    (lambda: bv.decomposition_table([], 10), ValueError, "degrees must be a non-empty"),
    (lambda: bv.polynomial_experiment(1, 10, x_test=[]), ValueError, "x_test is empty"),
    (lambda: bv.moons_posterior(np.zeros((3, 3))), ValueError, "x must have 2 columns"),
    (lambda: bv.moons_posterior(np.zeros((3, 2)), noise=0.0), ValueError, "noise must be > 0"),
    (lambda: bv.moons_bayes_error(draws=0), ValueError, "draws must be >= 1"),
    (lambda: bv.moons_bayes_error(n_samples=1), ValueError, "n_samples must be >= 2"),
    # the exercises' data sources, models and references
    (lambda: bv.training_set_drawer(0), ValueError, "n_train must be >= 1"),
    (lambda: bv.training_set_drawer(5, noise_std=-0.1), ValueError, "noise_std must be"),
    (lambda: bv.training_set_drawer(5)(0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: bv.polynomial_fitter(2.0), TypeError, "degree must be a non-negative integer"),
    (lambda: bv.polynomial_fitter(1)([0.1, 0.2], [1.0]), ValueError, "same shape"),
    (lambda: bv.polynomial_fitter(1)([], []), ValueError, "x_train is empty"),
    (lambda: bv.reference_resample_predictions("data", len, [0.5], 2, np.random.default_rng()),
     TypeError, "draw_training_set must be a function"),
    (lambda: bv.reference_resample_predictions(len, None, [0.5], 2, np.random.default_rng()),
     TypeError, "fit must be a function"),
    (lambda: bv.reference_resample_predictions(len, len, [[0.5]], 2, np.random.default_rng()),
     ValueError, "x_eval must have 1 dimension"),
    (lambda: bv.reference_resample_predictions(len, len, [0.5], 0, np.random.default_rng()),
     ValueError, "rounds must be >= 1"),
    (lambda: bv.reference_resample_predictions(len, len, [0.5], 2, 42), TypeError,
     "rng must be a numpy.random.Generator"),
    (lambda: bv.reference_learning_curve("fit", [0.1], [0.1], [0.1], [0.1], [1]), TypeError,
     "fit must be a function"),
    (lambda: bv.reference_learning_curve(len, [0.1, 0.2], [0.1], [0.1], [0.1], [1]), ValueError,
     "same shape"),
    (lambda: bv.reference_learning_curve(len, [0.1], [0.1], [0.1], [0.1], [2]), ValueError,
     "sizes must all be <= len"),
    (lambda: bv.reference_learning_curve(len, [0.1], [0.1], [0.1], [0.1], [0]), ValueError,
     "sizes must all be >= 1"),
    (lambda: bv.reference_learning_curve(len, [0.1], [0.1], [], [], [1]), ValueError,
     "x_dev is empty"),
    # degenerate data: every x of a row equal
    (lambda: bv.fit_polynomials(np.full((2, 5), 0.5), np.zeros((2, 5)), 2), ValueError,
     "X row 0 has all its x values equal"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUT,
                         ids=[f"{i}-{m[:30]}" for i, (_, _, m) in enumerate(BAD_INPUT)])
def test_utils_reject_bad_input_naming_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_constant_fits_identical_x():
    coef = bv.fit_polynomials(np.full((1, 4), 0.5), np.array([[1.0, 2.0, 3.0, 4.0]]), 0)
    assert np.allclose(bv.predict_polynomials(coef, [0.1, 0.9]), [[2.5, 2.5]])


# ------------------------------------------------------------------------ plots and explorer
def _bar_labels(ax):
    return {t.get_text().split("\n")[0]: float(t.get_text().split("\n")[1])
            for t in ax.get_xticklabels()}


def test_the_explorer_drawing_shows_the_measured_terms():
    fig, axes = bv._explorer_axes()
    bv.draw_bias_variance(axes, degree=3, n_train=50)
    fit_ax, bar_ax = axes
    assert "degree 3, n = 50" in fit_ax.get_title()
    preds, _ = bv.polynomial_experiment(3, 50, rounds=200, seed=0)
    bias2, variance = bv.reference_decompose(preds, bv.true_function(bv.X_TEST))
    labels = _bar_labels(bar_ax)
    assert labels["bias²"] == pytest.approx(bias2, abs=5e-4)
    assert labels["variance"] == pytest.approx(variance, abs=5e-4)
    assert labels["sum"] == pytest.approx(bias2 + variance + bv.NOISE_STD ** 2, abs=5e-4)
    assert bar_ax.get_yscale() == "linear"
    matplotlib.pyplot.close(fig)


def test_the_explorer_switches_to_a_log_axis_when_the_variance_explodes():
    fig, axes = bv._explorer_axes()
    bv.draw_bias_variance(axes, degree=12, n_train=15)    # 13 coefficients, 15 points
    labels = _bar_labels(axes[1])
    assert labels["variance"] > 20 * bv.NOISE_STD ** 2 and axes[1].get_yscale() == "log"
    matplotlib.pyplot.close(fig)


def test_the_explorer_redraws_with_the_slider_values():
    box = bv.make_bias_variance_explorer()
    state = box.explorer
    state.controls["degree"].value = 7
    state.controls["n_train"].value = 50
    assert state.redraws == 3 and state.last_values == {"degree": 7, "n_train": 50}
    matplotlib.pyplot.close("all")
