"""Chapter 3: the dropout checks accept every correct answer and name each wrong one;
the reference answers are right by independent means; public functions refuse bad input."""
import matplotlib
import numpy as np
import pytest

from utils import numpy_net
from utils.checks import COMMON, run_check_quietly
from utils.dropout import (
    BACKWARD_MISTAKES,
    FORWARD_MISTAKES,
    MASK_COLORS,
    MC_MISTAKES,
    NET_MISTAKES,
    check_dropout_backward,
    check_dropout_forward,
    check_dropout_net_loss,
    check_mc_dropout_predict,
    draw_dropout_state,
    explorer_figure,
    explorer_runs,
    mask_statistics,
    mc_moments,
    plot_mask,
    rate_from_keep_prob,
    reference_dropout_backward,
    reference_dropout_forward,
    reference_dropout_net_loss,
    reference_mc_dropout_predict,
    train_keep_prob_grid,
)
from utils.numpy_net import numerical_gradient, relative_error

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


# ---------------------------------------------------------------- the checks
def forward_uniform(A, keep_prob, rng):
    mask = rng.uniform(size=A.shape) < keep_prob
    return np.where(mask, A / keep_prob, 0.0), mask


def forward_binomial(A, keep_prob, rng):
    mask = rng.binomial(1, keep_prob, size=A.shape).astype(bool)
    return A * mask / keep_prob, mask


def forward_upper_tail_float32_draws(A, keep_prob, rng):
    mask = rng.random(A.shape, dtype=np.float32) >= np.float32(1 - keep_prob)
    return A * mask / keep_prob, mask


def forward_list_of_rows(A, keep_prob, rng):
    rows = [rng.random(A.shape[1]) < keep_prob for _ in range(A.shape[0])]
    mask = np.array(rows)
    return [list(row) for row in A * mask / keep_prob], mask  # a list pair is fine too


@pytest.mark.parametrize("answer", [reference_dropout_forward, forward_uniform, forward_binomial,
                                    forward_upper_tail_float32_draws, forward_list_of_rows])
def test_forward_check_accepts_any_valid_way_of_drawing_the_mask(answer):
    assert run_check_quietly(check_dropout_forward, answer) is None


@pytest.mark.parametrize("answer", [
    reference_dropout_backward,
    lambda dA_out, mask, keep_prob: np.where(mask, dA_out / keep_prob, 0.0),
    lambda dA_out, mask, keep_prob: np.multiply(dA_out, mask) * (1 / keep_prob),
])
def test_backward_check_accepts_correct_answers(answer):
    assert run_check_quietly(check_dropout_backward, answer) is None


def test_a_fixed_count_per_row_is_rejected_as_not_independent():
    def shuffled_rows(A, keep_prob, rng):
        keep = round(keep_prob * A.shape[1])
        mask = np.array([rng.permutation(A.shape[1]) < keep for _ in range(A.shape[0])])
        return A * mask / keep_prob, mask

    assert run_check_quietly(check_dropout_forward, shuffled_rows)[0] == "fixed_count"


def test_a_fresh_unseeded_generator_is_told_to_use_rng():
    def new_generator(A, keep_prob, rng):
        mask = np.random.default_rng().random(A.shape) < keep_prob
        return A * mask / keep_prob, mask

    assert run_check_quietly(check_dropout_forward, new_generator)[0] == "global_rng"


def test_an_integer_mask_is_told_to_be_boolean():
    def int_mask(A, keep_prob, rng):
        mask = (rng.random(A.shape) < keep_prob).astype(int)
        return A * mask / keep_prob, mask

    key, message = run_check_quietly(check_dropout_forward, int_mask)
    assert key == "float_mask" and "dtype int64" in message


def test_no_message_gives_the_answer_away():
    for catalogue in (FORWARD_MISTAKES, BACKWARD_MISTAKES, NET_MISTAKES, MC_MISTAKES):
        for mistake in catalogue:
            text = catalogue.message(mistake.key).replace(" ", "")
            for formula in ("mask/keep_prob", "*mask", "rng.random(", "<keep_prob"):
                assert formula not in text, (mistake.key, formula)


def test_every_message_is_one_sentence():
    for catalogue in (FORWARD_MISTAKES, BACKWARD_MISTAKES, NET_MISTAKES, MC_MISTAKES):
        for mistake in (m for m in catalogue if m.key not in COMMON):
            text = catalogue.message(mistake.key)
            assert text.endswith(".") and "\n" not in text
            assert text.rstrip(".").count(". ") == 0, (mistake.key, text)


def test_forward_check_leaves_the_global_rng_alone():
    np.random.seed(99)
    expected = np.random.rand(3)
    np.random.seed(99)
    run_check_quietly(check_dropout_forward, reference_dropout_forward)
    assert np.array_equal(np.random.rand(3), expected)


# ---------------------------------------------------------------- the references, independently
@pytest.mark.parametrize("keep_prob", [0.2, 0.5, 0.8, 1.0])
def test_reference_forward_preserves_the_mean_and_keeps_the_right_fraction(keep_prob):
    A = np.random.default_rng(3).uniform(0.5, 1.5, size=(300, 200))
    A_out, mask = reference_dropout_forward(A, keep_prob, np.random.default_rng(4))
    stats = mask_statistics(A, A_out, keep_prob)
    assert mask.dtype == bool and mask.shape == A.shape
    assert abs(stats.kept_fraction - keep_prob) <= 5 * np.sqrt(keep_prob * (1 - keep_prob) / A.size)
    assert np.isclose(stats.scale, 1 / keep_prob)
    assert abs(stats.mean_out - stats.mean_in) <= 5 * stats.se_mean + 1e-12


def test_reference_backward_matches_a_numerical_gradient_with_a_fixed_mask():
    rng = np.random.default_rng(5)
    A, weights = rng.normal(size=(6, 8)), rng.normal(size=(6, 8))
    keep_prob = 0.7

    def cost(A_var):  # the mask is replayed from the same seed on every evaluation
        return float(np.sum(weights * reference_dropout_forward(A_var, keep_prob,
                                                                np.random.default_rng(9))[0]))

    _, mask = reference_dropout_forward(A, keep_prob, np.random.default_rng(9))
    analytic = reference_dropout_backward(weights, mask, keep_prob)
    assert relative_error(analytic, numerical_gradient(cost, A.copy())) < 1e-8


def test_keras_and_tf_dropout_have_the_statistics_of_the_reference():
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    keep_prob = 0.8
    A = np.random.default_rng(7).uniform(0.5, 1.5, size=(400, 250)).astype(np.float32)
    outputs = [reference_dropout_forward(A, keep_prob, np.random.default_rng(1))[0],
               np.asarray(keras.layers.Dropout(rate=1 - keep_prob, seed=1)(A, training=True)),
               tf.nn.dropout(A, rate=1 - keep_prob, seed=1).numpy()]
    for out in outputs:
        stats = mask_statistics(A, out, keep_prob)
        assert abs(stats.kept_fraction - keep_prob) < 5 * np.sqrt(0.16 / A.size)
        assert np.isclose(stats.scale, 1 / keep_prob, rtol=1e-5)
        assert abs(stats.mean_out - stats.mean_in) < 5 * stats.se_mean


def test_mask_statistics_of_a_known_output():
    A = np.array([[1.0, 2.0], [4.0, 8.0]])
    A_out = np.array([[2.0, 0.0], [8.0, 0.0]])
    stats = mask_statistics(A, A_out, 0.5)
    assert stats.kept_fraction == 0.5 and stats.scale == 2.0
    assert stats.mean_in == 3.75 and stats.mean_out == 2.5
    assert np.isclose(stats.se_mean, np.sqrt(85.0) / 4)
    assert rate_from_keep_prob(0.8) == pytest.approx(0.2)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [0.0, -0.1, 1.2, float("nan")])
def test_keep_prob_outside_the_unit_interval_is_a_value_error(bad):
    rng = np.random.default_rng(0)
    match = r"keep_prob must be in \(0, 1\]"
    with pytest.raises(ValueError, match=match):
        reference_dropout_forward(np.ones((2, 2)), bad, rng)
    with pytest.raises(ValueError, match=match):
        reference_dropout_backward(np.ones((2, 2)), np.ones((2, 2), bool), bad)
    with pytest.raises(ValueError, match=match):
        rate_from_keep_prob(bad)
    with pytest.raises(ValueError, match=match):
        mask_statistics(np.ones(3), np.ones(3), bad)


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_keep_prob_that_is_not_a_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match="keep_prob must be a number"):
        reference_dropout_forward(np.ones((2, 2)), bad, np.random.default_rng(0))


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_nan_or_inf_activations_are_refused(value):
    A = np.ones((2, 3))
    A[0, 1] = value
    with pytest.raises(ValueError, match="A contains NaN or infinity"):
        reference_dropout_forward(A, 0.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="dA_out contains NaN or infinity"):
        reference_dropout_backward(A, np.ones((2, 3), bool), 0.5)
    with pytest.raises(ValueError, match="A_out contains NaN or infinity"):
        mask_statistics(np.ones((2, 3)), A, 0.5)


def test_wrong_types_shapes_and_masks_are_refused():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        reference_dropout_forward(np.ones((2, 2)), 0.5, 0)
    with pytest.raises(TypeError, match="A must be array-like of numbers"):
        reference_dropout_forward("activations", 0.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="must have the same shape"):
        reference_dropout_backward(np.ones((2, 2)), np.ones((2, 3), bool), 0.5)
    with pytest.raises(ValueError, match="mask must be boolean"):
        reference_dropout_backward(np.ones((2, 2)), np.full((2, 2), 0.5), 0.5)
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        reference_dropout_backward(np.ones(2), np.array(["yes", "no"]), 0.5)
    with pytest.raises(ValueError, match="no zero entries"):
        mask_statistics(np.zeros(3), np.zeros(3), 0.5)
    with pytest.raises(ValueError, match="A is empty"):
        mask_statistics(np.ones(0), np.ones(0), 0.5)


def test_a_zero_one_mask_is_accepted_as_boolean():
    got = reference_dropout_backward(np.ones((1, 3)), np.array([[1, 0, 1]]), 0.5)
    assert got.tolist() == [[2.0, 0.0, 2.0]]


# ---------------------------------------------------------------- mask plot and explorer
def test_plot_mask_draws_kept_entries_green_and_dropped_ones_black():
    mask = np.array([[True, False, True], [False, False, True]])
    fig, ax = plt.subplots()
    plot_mask(ax, mask, title="m")
    image = ax.get_images()[0]
    colours = image.to_rgba(image.get_array())[..., :3]
    green, black = (matplotlib.colors.to_rgb(c) for c in (MASK_COLORS[1], MASK_COLORS[0]))
    assert np.allclose(colours[mask], green) and np.allclose(colours[~mask], black)
    assert image.get_extent() == [0.5, 3.5, 2.5, 0.5]  # rows and columns numbered from 1
    plt.close(fig)
    with pytest.raises(ValueError, match="non-empty 2-D"):
        plot_mask(ax, np.ones(4, bool))
    with pytest.raises(ValueError, match="mask must be boolean"):
        plot_mask(ax, np.full((2, 2), 0.3))


@pytest.fixture(scope="module")
def small_runs():
    from utils.datasets import moons_split

    split = moons_split(n_samples=60, noise=0.3, n_train=20)
    runs = train_keep_prob_grid(split.X_train, split.y_train, split.X_test, split.y_test,
                                [0.5, 1.0], epochs=40, record_every=10)
    return split, runs


def test_explorer_panels_show_the_mask_the_activations_and_the_curves(small_runs):
    split, runs = small_runs
    fig, axes = explorer_figure()
    draw_dropout_state(axes, 0.5, runs, split, seed=3)
    shown = axes[0].get_images()[0].get_array()
    params = runs.params(0.5)
    A_all = np.maximum(split.X_train @ params["W1"] + params["b1"], 0.0)
    units = np.sort(np.argsort(-A_all.mean(axis=0))[:32])
    _, mask = reference_dropout_forward(A_all[:10, units], 0.5, np.random.default_rng(3))
    assert np.array_equal(np.asarray(shown, bool), mask)       # the mask of that seed
    assert f"{mask.mean():.2f} kept" in axes[0].get_title()
    before, after = (np.asarray(c.get_segments())[:, 1, 1] for c in axes[1].collections[:2])
    assert np.allclose(after[after > 0], 2 * before[after > 0])  # kept bars doubled
    assert np.allclose(axes[2].get_lines()[1].get_ydata(), runs.run.test_acc[runs.index(0.5)])
    assert len(axes[2].get_lines()) == 3                       # train, test, no-dropout test
    plt.close(fig)


def test_explorer_pieces_refuse_bad_input(small_runs):
    split, runs = small_runs
    fig, axes = explorer_figure()
    with pytest.raises(ValueError, match="not precomputed"):
        draw_dropout_state(axes, 0.7, runs, split)
    with pytest.raises(ValueError, match="axes must hold 3"):
        draw_dropout_state(axes[:2], 0.5, runs, split)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        draw_dropout_state(axes, 0.5, runs, split, seed=-1)
    with pytest.raises(TypeError, match="runs must be what train_keep_prob_grid returns"):
        draw_dropout_state(axes, 0.5, {"keep_probs": [0.5]}, split)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        explorer_runs(0)
    plt.close(fig)


# ---------------------------------------------------------------- the grid trainer
@pytest.fixture(scope="module")
def tiny_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    return X, (X[:, 0] > 0).astype(float)


def _grid(problem, keep_probs, seed=1, **kw):
    X, y = problem
    return train_keep_prob_grid(X, y, X, y, keep_probs, hidden=(8, 6), epochs=60,
                                record_every=20, seed=seed, **kw)


def test_grid_trainer_shapes_and_fit(tiny_problem):
    X, y = tiny_problem
    runs = train_keep_prob_grid(X, y, X, y, [0.5, 1.0], hidden=(8,), epochs=200, record_every=50)
    assert runs.run.train_acc.shape == (2, 4) and runs.run.epoch.tolist() == [50, 100, 150, 200]
    assert runs.final("train_acc").shape == (1, 2) and runs.final("train_acc")[0, 1] >= 0.95
    assert runs.params(0.5)["W1"].shape == (2, 8)


def test_a_grid_model_is_the_single_network_with_the_same_seed(tiny_problem):
    """Model (seed, keep_prob) = numpy_net.train on one network whose Generator,
    seeded alike, draws the initial weights and then the masks."""
    from utils import numpy_net

    X, y = tiny_problem
    runs = _grid(tiny_problem, [0.6, 1.0], seed=[1, 4])
    for seed in (1, 4):
        rng = np.random.default_rng(seed)
        params = numpy_net.init_params([2, 8, 6, 1], rng)
        alone = numpy_net.train(params, X, y, epochs=60, learning_rate=0.01, X_test=X, y_test=y,
                                record_every=20, rng=rng, keep_probs=0.6,
                                dropout_forward=reference_dropout_forward,
                                dropout_backward=reference_dropout_backward)
        for key, value in runs.params(0.6, seed=seed).items():
            np.testing.assert_array_equal(value, alone.params[key], err_msg=key)
        np.testing.assert_array_equal(runs.run.cost[runs.index(0.6, seed)], alone.cost)
    assert not np.allclose(runs.params(0.6, 1)["W1"], runs.params(0.6, 4)["W1"])


def test_a_model_does_not_depend_on_the_rest_of_the_grid(tiny_problem):
    """Issue 13: keep_prob 0.6 once scored 0.826 in one grid and 0.767 in another."""
    alone = _grid(tiny_problem, [0.6])
    in_a_grid = _grid(tiny_problem, [0.3, 1.0, 0.6, 0.9])
    for key, value in alone.params(0.6).items():
        np.testing.assert_array_equal(in_a_grid.params(0.6)[key], value, err_msg=key)
    np.testing.assert_array_equal(in_a_grid.run.test_acc[in_a_grid.index(0.6)],
                                  alone.run.test_acc[0])
    assert in_a_grid.final("cost").shape == (1, 4)


def test_grid_trainer_refuses_bad_input(tiny_problem):
    X, y = tiny_problem
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        train_keep_prob_grid(np.ones((2, 2)), np.ones(2), np.ones((2, 2)), np.ones(2), [0.0])
    with pytest.raises(ValueError, match="keep_probs is empty"):
        train_keep_prob_grid(X, y, X, y, [])
    with pytest.raises(ValueError, match="seed must be an integer or distinct integers"):
        train_keep_prob_grid(X, y, X, y, [0.5], seed=[1, 1])
    with pytest.raises(ValueError, match="seed must be >= 0"):
        train_keep_prob_grid(X, y, X, y, [0.5], seed=-1)
    with pytest.raises(ValueError, match="learning_rate must be (>= 0|finite)"):
        train_keep_prob_grid(X, y, X, y, [0.5], learning_rate=float("nan"), epochs=2)
    with pytest.raises(ValueError, match="X and y must have the same number of rows, got 30 and 1"):
        train_keep_prob_grid(X, y[:1], X, y, [0.5], epochs=2)
    runs = _grid(tiny_problem, [0.5, 1.0])
    with pytest.raises(ValueError, match=r"keep_prob 0.7 was not trained; choose one of \[0.5, 1.0\]"):
        runs.index(0.7)
    with pytest.raises(ValueError, match=r"seed 2 was not trained; choose one of \[1\]"):
        runs.params(0.5, seed=2)


# ---------------------------------------------------------------- exercise 3: dropout_net_loss
def _small_net(seed=3, n=7, sizes=(3, 5, 4, 1), keep_probs=(0.7, 0.5)):
    rng = np.random.default_rng(seed)
    params = numpy_net.init_params(list(sizes), rng)
    for key in ("b1", "b2", "b3"):
        params[key] = rng.normal(0, 0.1, params[key].shape)
    X = rng.normal(size=(n, sizes[0]))
    y = (rng.random(n) < 0.5).astype(float)
    masks = tuple(rng.random((n, h)) < p for h, p in zip(sizes[1:3], keep_probs))
    return params, X, y, masks, keep_probs


def _replay(masks):
    queue = list(masks)

    def given(A, keep_prob, rng):
        mask = queue.pop(0)
        return A * mask / keep_prob, mask
    return given


def test_reference_net_loss_is_the_engine_with_the_same_masks():
    params, X, y, masks, keep_probs = _small_net()
    cost, grads = reference_dropout_net_loss(params, X, y, masks, keep_probs)
    engine_cost, engine_grads = numpy_net.loss_and_grads(
        params, X, y, keep_probs=list(keep_probs), rng=np.random.default_rng(0),
        dropout_forward=_replay(masks), dropout_backward=reference_dropout_backward)
    assert cost == pytest.approx(engine_cost, rel=1e-12)
    assert set(grads) == set(params)
    for key in params:
        np.testing.assert_allclose(grads[key], engine_grads[key], rtol=1e-12, atol=1e-15)


def test_reference_net_loss_matches_a_numerical_gradient_with_the_masks_fixed():
    params, X, y, masks, keep_probs = _small_net(seed=8)
    _, grads = reference_dropout_net_loss(params, X, y, masks, keep_probs)
    for key in params:
        numeric = numerical_gradient(
            lambda _: reference_dropout_net_loss(params, X, y, masks, keep_probs)[0], params[key])
        assert relative_error(grads[key], numeric) < 1e-7, key


def test_all_units_kept_is_the_network_without_dropout():
    params, X, y, masks, _ = _small_net()
    kept = tuple(np.ones_like(m) for m in masks)
    cost, grads = reference_dropout_net_loss(params, X, y, kept, (1.0, 1.0))
    plain_cost, plain_grads = numpy_net.loss_and_grads(params, X, y)
    assert cost == pytest.approx(plain_cost, rel=1e-12)
    for key in params:
        np.testing.assert_allclose(grads[key], plain_grads[key], rtol=1e-12, atol=1e-15)


def test_net_loss_check_accepts_zero_one_masks_read_as_numbers():
    def with_float_masks(params, X, y, masks, keep_probs):
        return reference_dropout_net_loss(params, X, y, [m.astype(float) for m in masks],
                                          keep_probs)

    assert run_check_quietly(check_dropout_net_loss, with_float_masks) is None


def test_net_loss_refuses_bad_input():
    params, X, y, masks, keep_probs = _small_net()
    with pytest.raises(ValueError, match="params must be a dict holding W1, b1"):
        reference_dropout_net_loss({"W1": params["W1"]}, X, y, masks, keep_probs)
    with pytest.raises(TypeError, match=r"masks must be a pair \(mask1, mask2\)"):
        reference_dropout_net_loss(params, X, y, masks[0], keep_probs)
    with pytest.raises(TypeError, match=r"keep_probs must be a pair"):
        reference_dropout_net_loss(params, X, y, masks, 0.5)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        reference_dropout_net_loss(params, X, y, masks, (0.5, 0.0))
    with pytest.raises(ValueError, match=r"mask2 must have shape \(7, 4\)"):
        reference_dropout_net_loss(params, X, y, (masks[0], masks[0]), keep_probs)
    with pytest.raises(ValueError, match="mask1 must be boolean"):
        reference_dropout_net_loss(params, X, y, (masks[0] * 0.5, masks[1]), keep_probs)
    with pytest.raises(ValueError, match="X has 2 columns but W1 expects 3 inputs"):
        reference_dropout_net_loss(params, X[:, :2], y, masks, keep_probs)
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        reference_dropout_net_loss(params, X, y[:3], masks, keep_probs)
    with pytest.raises(ValueError, match="y must hold 0/1 labels"):
        reference_dropout_net_loss(params, X, y + 2, masks, keep_probs)
    deeper = numpy_net.init_params([3, 5, 4, 4, 1], np.random.default_rng(0))
    with pytest.raises(ValueError, match="exactly two hidden layers"):
        reference_dropout_net_loss(deeper, X, y, masks, keep_probs)


# ---------------------------------------------------------------- exercise 4: mc_dropout_predict
def _one_hidden_layer():
    """2 inputs -> 2 hidden ReLU units -> 1 output: 4 possible masks per point, enumerable."""
    params = {"W1": np.array([[1.0, -0.5], [0.3, 1.2]]), "b1": np.array([0.2, 0.1]),
              "W2": np.array([[1.5], [-2.0]]), "b2": np.array([0.3])}
    X = np.array([[1.0, 0.5], [-0.4, 1.0], [0.7, -0.2]])
    return params, X


def test_reference_mc_matches_the_exact_moments_over_every_mask():
    params, X = _one_hidden_layer()
    keep_prob = 0.6
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    probs, weights = [], []
    for m1 in (0, 1):
        for m2 in (0, 1):
            mask = np.array([m1, m2])
            z = (hidden * mask / keep_prob) @ params["W2"][:, 0] + params["b2"][0]
            probs.append(1 / (1 + np.exp(-z)))
            weights.append(keep_prob ** mask.sum() * (1 - keep_prob) ** (2 - mask.sum()))
    probs, weights = np.array(probs), np.array(weights)
    exact_mean = weights @ probs
    exact_sd = np.sqrt(weights @ (probs - exact_mean) ** 2)
    T = 20_000
    mean, sd = reference_mc_dropout_predict(params, X, keep_prob, T, np.random.default_rng(4))
    assert np.all(np.abs(mean - exact_mean) < 5 * exact_sd / np.sqrt(T))
    np.testing.assert_allclose(sd, exact_sd, rtol=0.03)
    moments = mc_moments(params, X, [keep_prob], T=T, seed=5)
    assert np.all(np.abs(moments.prob_mean - exact_mean) < 5 * exact_sd / np.sqrt(T))


def test_reference_mc_is_reproducible_and_one_pass_has_no_spread():
    params, X = _one_hidden_layer()
    first = reference_mc_dropout_predict(params, X, 0.5, 50, np.random.default_rng(1))
    again = reference_mc_dropout_predict(params, X, 0.5, 50, np.random.default_rng(1))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    _, sd_one = reference_mc_dropout_predict(params, X, 0.5, 1, np.random.default_rng(1))
    assert np.all(sd_one == 0)


@pytest.mark.parametrize("seed", range(6))
def test_mc_check_accepts_any_valid_draw(seed):
    def other_stream(params, X, keep_probs, T, rng):
        own = np.random.default_rng([seed, int(rng.integers(2**31))])
        return reference_mc_dropout_predict(params, X, keep_probs, T, own)

    assert run_check_quietly(check_mc_dropout_predict, other_stream) is None


def test_mc_refuses_bad_input():
    params, X = _one_hidden_layer()
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="T must be >= 1"):
        reference_mc_dropout_predict(params, X, 0.5, 0, rng)
    with pytest.raises(TypeError, match="T must be a positive integer"):
        reference_mc_dropout_predict(params, X, 0.5, 2.5, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        reference_mc_dropout_predict(params, X, 0.5, 10, 0)
    with pytest.raises(ValueError, match="every keep_prob is 1"):
        reference_mc_dropout_predict(params, X, 1.0, 10, rng)
    with pytest.raises(ValueError, match=r"keep_probs needs one value per hidden layer \(1\)"):
        reference_mc_dropout_predict(params, X, [0.5, 0.5], 10, rng)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        reference_mc_dropout_predict(params, X, 1.5, 10, rng)
    with pytest.raises(ValueError, match=r"X must have 2 dimension\(s\), got shape \(2,\)"):
        reference_mc_dropout_predict(params, X[0], 0.5, 10, rng)
    two_outputs = numpy_net.init_params([2, 3, 2], rng)
    with pytest.raises(ValueError, match="one sigmoid output"):
        reference_mc_dropout_predict(two_outputs, X, 0.5, 10, rng)
