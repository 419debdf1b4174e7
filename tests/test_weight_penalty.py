"""Chapter 2 (L1/L2 derived): checks, conventions, sparse regression, geometry, bad input."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import weight_penalty as wp  # noqa: E402
from utils.checks import CheckFailed, run_check_quietly  # noqa: E402
from utils.numpy_net import numerical_gradient, relative_error  # noqa: E402
from utils.weight_penalty import (  # noqa: E402
    CONVENTIONS,
    ball_boundary,
    check_backward_with_l2,
    check_compute_cost_with_l2,
    check_convert_lambd,
    check_ista_step,
    check_l2_grad,
    check_soft_threshold,
    constrained_optimum,
    convert_l2,
    draw_penalty_geometry,
    draw_shrinkage_maps,
    fit_linear,
    l2_coefficient,
    make_penalty_geometry_explorer,
    make_sparse_regression,
    numerical_gradients,
    penalty_by_hand,
    reference_backward_with_l2,
    reference_compute_cost_with_l2,
    reference_convert_lambd,
    reference_ista_step,
    reference_l2_grad,
    reference_soft_threshold,
    three_layer_forward,
    weight_norms,
)

CHECKS = {"compute_cost_with_l2": check_compute_cost_with_l2, "l2_grad": check_l2_grad,
          "soft_threshold": check_soft_threshold, "backward_with_l2": check_backward_with_l2,
          "ista_step": check_ista_step, "convert_lambd": check_convert_lambd}
MISTAKES = [(name, m) for name, check in CHECKS.items() for m in check.catalogue]


# ------------------------------------------------------------------ the checks
@pytest.mark.parametrize(("name", "mistake"), MISTAKES,
                         ids=[f"{n}-{m.key}" for n, m in MISTAKES])
def test_each_catalogued_mistake_gets_its_own_one_sentence_message(name, mistake):
    key, message = run_check_quietly(CHECKS[name], mistake.answer)
    assert key == mistake.key, message
    assert "\n" not in message and "array of shape" not in message


def test_the_references_pass_and_are_registered():
    for name, check in CHECKS.items():
        assert check.reference is getattr(wp, f"reference_{name}")
        assert run_check_quietly(check, check.reference) is None


def test_reference_l2_grad_is_the_numerical_gradient_of_the_penalty():
    # (was a check step after an exact comparison, where it could never fail)
    rng = np.random.default_rng(3)
    W, lambd, m = rng.normal(0, 1, (4, 3)), 0.7, 5
    numeric = numerical_gradient(lambda w: lambd / (2 * m) * np.sum(w ** 2), W.copy())
    assert relative_error(reference_l2_grad(np.zeros_like(W), W, lambd, m), numeric) < 1e-8
    assert relative_error(reference_l2_grad(np.ones_like(W), W, lambd, m), numeric + 1) < 1e-8


def test_one_array_sum_is_named_not_a_numpy_error():
    def one_array(data_cost, weights, lambd, m):
        return data_cost + lambd / (2 * m) * np.sum(np.square(weights))

    key, message = run_check_quietly(check_compute_cost_with_l2, one_array)
    assert key == "one_array_sum" and "inhomogeneous" not in message
    assert "sum each matrix separately" in message


def test_an_answer_that_raises_on_every_shape_is_not_called_one_array_sum():
    def wrong_everywhere(data_cost, weights, lambd, m):
        return data_cost + lambd * np.sum(np.square(weights))  # raises on ragged, wrong on equal

    key, message = run_check_quietly(check_compute_cost_with_l2, wrong_everywhere)
    assert key == "raised" and "ValueError" in message and "np.square(weights)" in message


def test_the_learner_receives_plain_arrays_and_returning_dW_at_lambda_zero_is_caught():
    received = []

    def spy(dW, W, lambd, m):
        received.append((type(dW), type(W)))
        return dW + (lambd / m) * W

    assert run_check_quietly(check_l2_grad, spy) is None
    assert all(types == (np.ndarray, np.ndarray) for types in received)

    def copy_then_return(dW, W, lambd, m):
        return dW.copy() if lambd == 0 else dW + (lambd / m) * W

    assert run_check_quietly(check_l2_grad, copy_then_return) is None  # a new array is fine
    key, _ = run_check_quietly(check_l2_grad, lambda dW, W, lambd, m: dW + lambd / m * W
                               if lambd else dW)
    assert key == "returned_dW_itself"


@pytest.mark.parametrize("learning_rate", [1.0, 0.1, 0.01])
def test_an_update_rule_is_named_whatever_its_learning_rate(learning_rate):
    key, _ = run_check_quietly(
        check_l2_grad, lambda dW, W, lambd, m: W - learning_rate * (dW + lambd / m * W))
    assert key == "returned_update"


def test_soft_threshold_that_only_handles_vectors_is_named():
    import math

    def loop(w, t):
        return np.array([math.copysign(max(abs(v) - t, 0.0), v) for v in w])

    assert run_check_quietly(check_soft_threshold, loop)[0] == "vector_only"


def test_a_failing_check_is_one_line_in_jupyter():
    with pytest.raises(CheckFailed) as failure:
        check_l2_grad(lambda dW, W, lambd, m: dW + 2 * lambd / m * W)
    lines = failure.value._render_traceback_()
    assert len(lines) == 1 and "twice too large" in lines[0]


# ------------------------------------------------------------------ exercise 3: backward pass
def _small_net(seed=5, sizes=(3, 6, 5, 1), n=7):
    from utils import numpy_net as nn

    rng = np.random.default_rng(seed)
    params = nn.init_params(list(sizes), rng)
    for key in ("b1", "b2", "b3"):
        params[key] = rng.normal(0, 0.5, params[key].shape)
    X, y = rng.normal(0, 1, (n, sizes[0])), (rng.random(n) > 0.5).astype(float)
    return X, y, params


def test_three_layer_forward_is_the_engines_forward_pass():
    from utils import numpy_net as nn

    X, y, params = _small_net()
    scores, caches = three_layer_forward(X, params)
    engine_scores, _ = nn.forward(params, X)
    assert np.allclose(scores, engine_scores) and scores.shape == (7,)
    fc1, relu1, fc2, relu2, fc3 = caches
    assert fc1[0] is not None and np.array_equal(fc1[1], params["W1"])
    assert np.array_equal(fc2[0], np.maximum(relu1, 0)) and np.array_equal(fc3[0], np.maximum(relu2, 0))


@pytest.mark.parametrize("lambd", [0.0, 0.3, 2.0])
def test_reference_backward_is_the_engines_and_the_numerical_gradient(lambd):
    from utils import numpy_net as nn

    X, y, params = _small_net()
    scores, caches = three_layer_forward(X, params)
    data_cost, dscores = nn.sigmoid_cross_entropy(scores, y)
    grads = reference_backward_with_l2(dscores, caches, params, lambd, len(X))
    cost, engine = nn.loss_and_grads(params, X, y, lambd=lambd)
    numeric = numerical_gradients(X, y, params, lambd)
    assert set(grads) == set(params)
    for key in params:
        assert np.allclose(grads[key], engine[key], rtol=1e-12, atol=1e-14)
        assert relative_error(grads[key], numeric[key]) < 1e-7, key
    assert np.allclose(grads["b1"], reference_backward_with_l2(dscores, caches, params, 0.0,
                                                               len(X))["b1"])  # biases: no penalty


def test_the_backward_check_problem_keeps_every_pre_activation_off_the_kink():
    X, y, params = wp._backward_problem()
    _, (fc1, relu1, fc2, relu2, fc3) = three_layer_forward(X, params)
    for Z in (relu1, relu2):
        assert np.abs(Z).min() > 0.1                    # centered differences are exact
        assert np.all((Z > 0).any(axis=0)) and np.all((Z < 0).any(axis=0))  # masks matter
    assert relu1.shape == relu2.shape                   # so swapped caches give values, not errors


def test_the_backward_check_names_a_learner_who_forgot_to_reshape_dscores():
    def forgot_reshape(dscores, caches, params, lambd, m):
        from utils import numpy_net as nn

        fc1, relu1, fc2, relu2, fc3 = caches
        dA2, dW3, db3 = nn.affine_backward(dscores, fc3)
        dA1, dW2, db2 = nn.affine_backward(nn.relu_backward(dA2, relu2), fc2)
        _, dW1, db1 = nn.affine_backward(nn.relu_backward(dA1, relu1), fc1)
        return {"W1": dW1 + lambd / m * params["W1"], "b1": db1, "W2": dW2 + lambd / m
                * params["W2"], "b2": db2, "W3": dW3 + lambd / m * params["W3"], "b3": db3}

    assert run_check_quietly(check_backward_with_l2, forgot_reshape)[0] == "flat_dscores"

    def raises_always(dscores, caches, params, lambd, m):
        return {"W1": caches[7]}

    key, message = run_check_quietly(check_backward_with_l2, raises_always)
    assert key == "raised" and "IndexError" in message


def test_the_backward_check_accepts_float32_arithmetic_and_names_in_place_relu():
    def float32(dscores, caches, params, lambd, m):
        grads = reference_backward_with_l2(dscores, caches, params, lambd, m)
        return {key: value.astype(np.float32) for key, value in grads.items()}

    assert run_check_quietly(check_backward_with_l2, float32) is None

    def relu_in_place(dscores, caches, params, lambd, m):
        caches[1][caches[1] < 0] = 0.0      # writes into the cached Z1
        return reference_backward_with_l2(dscores, caches, params, lambd, m)

    key, message = run_check_quietly(check_backward_with_l2, relu_in_place)
    assert key == "mutated_input" and "`caches`" in message


# ------------------------------------------------------------------ exercises 5 and 6
def test_reference_ista_step_is_the_proximal_step_of_the_l1_objective():
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(8)
    w, grad, lr, lambd = rng.normal(0, 1, 6), rng.normal(0, 1, 6), 0.4, 0.9
    got = reference_ista_step(w, grad, lr, lambd, reference_soft_threshold)
    for j in range(6):  # argmin_u 1/2 (u - (w - lr grad))^2 + lr lambd |u|, one entry at a time
        v = w[j] - lr * grad[j]
        best = minimize_scalar(lambda u, v=v: 0.5 * (u - v) ** 2 + lr * lambd * abs(u),
                               bounds=(-5, 5), method="bounded", options={"xatol": 1e-10}).x
        assert got[j] == pytest.approx(best, abs=1e-6)
    assert np.array_equal(reference_ista_step(w, grad, lr, 0.0, reference_soft_threshold),
                          w - lr * grad)


def test_reference_ista_steps_converge_to_fit_linear():
    X, y, _ = make_sparse_regression(n=40, d=12, k=3, seed=3)
    step = 1 / np.linalg.eigvalsh(X.T @ X / len(X))[-1]
    w = np.zeros(12)
    for _ in range(500):
        w = reference_ista_step(w, X.T @ (X @ w - y) / len(X), step, 0.1, reference_soft_threshold)
    assert np.allclose(w, fit_linear(X, y, l1=0.1, epochs=500), atol=1e-12)


def test_reference_convert_lambd_gives_the_same_penalty_and_gradient():
    W, lambd, m = np.array([[1.0, -2.0], [0.5, 3.0]]), 0.3, 12
    keras_l2, weight_decay = reference_convert_lambd(lambd, m)
    assert keras_l2 * np.sum(W ** 2) == pytest.approx(lambd / (2 * m) * np.sum(W ** 2))
    assert np.allclose(weight_decay * W, reference_l2_grad(np.zeros_like(W), W, lambd, m))
    assert reference_convert_lambd(0.0, 5) == (0.0, 0.0)


# ------------------------------------------------------------------ conventions
def test_conventions_agree_on_one_matrix():
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    squares = np.sum(W ** 2)
    assert l2_coefficient("keras l2", 0.5) * squares == pytest.approx(45.5)
    assert l2_coefficient("tf.nn.l2_loss", 1.0) * squares == pytest.approx(45.5)
    assert l2_coefficient("course notes", 0.1, m=10) == pytest.approx(0.005)
    assert convert_l2(0.1, "course notes", "keras l2", m=10) == pytest.approx(0.005)
    assert convert_l2(0.01, "keras l2", "pytorch weight_decay") == pytest.approx(0.02)
    for name in CONVENTIONS:
        assert convert_l2(convert_l2(0.3, "d2l", name, m=7), name, "d2l", m=7) == pytest.approx(0.3)


def test_conventions_reject_bad_input():
    with pytest.raises(ValueError, match="convention must be one of"):
        l2_coefficient("sklearn", 0.1)
    with pytest.raises(ValueError, match="target must be one of"):
        convert_l2(0.1, "d2l", "sklearn")
    with pytest.raises(ValueError, match="source must be one of"):
        convert_l2(0.1, ["d2l"], "d2l")
    with pytest.raises(ValueError, match="needs m"):
        l2_coefficient("course notes", 0.1)
    with pytest.raises(ValueError, match="lambd must be"):
        l2_coefficient("d2l", -1.0)
    with pytest.raises(ValueError, match="lambd must be"):
        convert_l2(float("inf"), "d2l", "keras l2")
    with pytest.raises(ValueError, match="m must be >= 1"):
        l2_coefficient("course notes", 0.1, m=0)
    with pytest.raises(TypeError, match="m must be a positive integer"):
        l2_coefficient("course notes", 0.1, m=2.5)


def test_penalty_by_hand_and_weight_norms():
    weights = [np.ones((2, 2)), -np.ones(3)]
    assert penalty_by_hand(weights, l1=0.1, l2=0.5) == pytest.approx(0.1 * 7 + 0.5 * 7)
    assert np.allclose(weight_norms(weights), [2.0, np.sqrt(3)])


# ------------------------------------------------------------------ bad input, by family
@pytest.mark.parametrize(("call", "error", "match"), [
    # NaN / inf
    (lambda: constrained_optimum("l1", 1.0, c=[np.nan, 0.0]), ValueError, "c contains NaN"),
    (lambda: constrained_optimum("l2", 1.0, A=[[1, 0], [0, np.inf]]), ValueError, "A contains"),
    (lambda: reference_soft_threshold([1.0, np.nan], 0.1), ValueError, "w contains NaN"),
    (lambda: reference_l2_grad(np.ones(2), np.array([1, np.inf]), 0.1, 3), ValueError,
     "W contains NaN"),
    (lambda: reference_compute_cost_with_l2(np.nan, [np.ones(2)], 0.1, 3), ValueError,
     "data_cost must be finite"),
    (lambda: fit_linear(np.full((3, 2), np.nan), np.ones(3)), ValueError, "X contains NaN"),
    (lambda: penalty_by_hand([np.array([np.inf])], l2=0.1), ValueError, r"weights\[0\]"),
    (lambda: draw_shrinkage_maps(None, np.inf), ValueError, "lambd must be"),
    # wrong shape or rank
    (lambda: constrained_optimum("l2", 1.0, c=[1.0, 2.0, 3.0]), ValueError, "c of length 2"),
    (lambda: constrained_optimum("l2", 1.0, A=np.eye(3)), ValueError, "A must be 2 x 2"),
    (lambda: constrained_optimum("l2", 1.0, A=[[1, 2], [2, 1]]), ValueError,
     "positive definite"),
    (lambda: reference_l2_grad(np.ones((2, 3)), np.ones((3, 2)), 0.1, 3), ValueError,
     "same shape"),
    (lambda: fit_linear(np.ones(4), np.ones(4)), ValueError, "X must have 2 dimension"),
    (lambda: fit_linear(np.ones((4, 2)), np.ones(3)), ValueError, "same number of rows"),
    (lambda: weight_norms(np.ones((2, 2))), TypeError, "list of weight arrays"),
    # wrong type or dtype
    (lambda: penalty_by_hand([np.array(["a", "b"])], l1=0.1), TypeError, "array-like of numbers"),
    (lambda: reference_compute_cost_with_l2("0.5", [np.ones(2)], 0.1, 3), TypeError,
     "data_cost must be a number"),
    (lambda: fit_linear(np.ones((4, 2)), np.ones(4), soft_threshold="prox"), TypeError,
     "soft_threshold must be a function"),
    (lambda: make_sparse_regression(seed=1.5), TypeError, "seed must be a non-negative integer"),
    (lambda: ball_boundary("l1", 1.0, n=10.0), TypeError, "n must be a positive integer"),
    # out-of-range scalars and unknown choices
    (lambda: constrained_optimum("l3", 1.0), ValueError, "kind must be"),
    (lambda: constrained_optimum("l1", -1.0), ValueError, "radius must be"),
    (lambda: ball_boundary("l1", float("inf")), ValueError, "radius must be"),
    (lambda: reference_soft_threshold([1.0], -0.1), ValueError, "t must be"),
    (lambda: reference_l2_grad(np.ones(2), np.ones(2), 0.1, 0), ValueError, "m must be >= 1"),
    (lambda: make_sparse_regression(d=3, k=5), ValueError, "k .* must be <= d"),
    (lambda: make_sparse_regression(seed=-1), ValueError, "seed must be >= 0"),
    (lambda: fit_linear(np.ones((4, 2)), np.ones(4), l1=-0.1), ValueError, "l1 must be"),
    (lambda: fit_linear(np.ones((4, 2)), np.ones(4), epochs=0), ValueError, "epochs must be >= 1"),
    (lambda: fit_linear(np.ones((4, 2)), np.ones(4), method="newton"), ValueError,
     "method must be"),
    # the three-layer network, the ISTA step and the conversion
    (lambda: three_layer_forward(np.ones((2, 3)), {"W1": np.ones((3, 2))}), ValueError,
     "params must hold exactly W1, b1, W2, b2, W3, b3"),
    (lambda: three_layer_forward(np.ones((2, 3)), [np.ones((3, 2))]), TypeError,
     "params must be a dict"),
    (lambda: three_layer_forward(np.ones((2, 4)), _small_net()[2]), ValueError,
     "X has 4 columns but W1 expects 3"),
    (lambda: three_layer_forward(np.ones(3), _small_net()[2]), ValueError,
     "X must have 2 dimension"),
    (lambda: three_layer_forward(np.ones((2, 3)), _small_net(sizes=(3, 4, 4, 2))[2]),
     ValueError, "W3 must have one output column"),
    (lambda: reference_backward_with_l2(np.ones((7, 1)), (), _small_net()[2], 0.1, 7),
     ValueError, "dscores must have 1 dimension"),
    (lambda: reference_backward_with_l2(np.ones(7), (1, 2), _small_net()[2], 0.1, 7),
     TypeError, "caches must be the 5 caches"),
    (lambda: reference_backward_with_l2(np.ones(7), three_layer_forward(
        np.ones((7, 3)), _small_net()[2])[1], _small_net()[2], -0.1, 7), ValueError,
     "lambd must be"),
    (lambda: numerical_gradients(np.ones((2, 3)), [0, 2], _small_net()[2], 0.1), ValueError,
     "y must hold labels 0 and 1"),
    (lambda: reference_ista_step(np.ones(3), np.ones(4), 0.1, 0.1, reference_soft_threshold),
     ValueError, "w and grad must have the same shape"),
    (lambda: reference_ista_step(np.ones(3), np.ones(3), 0.0, 0.1, reference_soft_threshold),
     ValueError, "learning_rate must be"),
    (lambda: reference_ista_step(np.ones(3), np.ones(3), 0.1, -1.0, reference_soft_threshold),
     ValueError, "lambd must be"),
    (lambda: reference_ista_step(np.ones(3), np.ones(3), 0.1, 0.1, "soft"), TypeError,
     "soft_threshold must be a function"),
    (lambda: reference_convert_lambd(0.1, 0), ValueError, "m must be >= 1"),
    (lambda: reference_convert_lambd(-0.1, 3), ValueError, "lambd must be"),
    (lambda: reference_convert_lambd(0.1, 2.5), TypeError, "m must be a positive integer"),
    # empty input
    (lambda: reference_compute_cost_with_l2(0.5, [], 0.1, 3), ValueError, "weights is empty"),
    (lambda: penalty_by_hand([], l2=0.1), ValueError, "weights is empty"),
    (lambda: fit_linear(np.ones((0, 2)), np.ones(0)), ValueError, "X is empty"),
])
def test_public_functions_refuse_bad_input_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_fit_linear_names_a_broken_learner_soft_threshold():
    X, y, _ = make_sparse_regression(n=10, d=4, k=2)
    with pytest.raises(TypeError, match="soft_threshold returned None"):
        fit_linear(X, y, l1=0.1, soft_threshold=lambda w, t: None)
    with pytest.raises(ValueError, match="soft_threshold returned shape"):
        fit_linear(X, y, l1=0.1, soft_threshold=lambda w, t: w[:-1])


# ------------------------------------------------------------------ sparse regression
def test_proximal_fit_matches_scikit_learn_lasso_and_gives_exact_zeros():
    from sklearn.linear_model import Lasso

    X, y, w_true = make_sparse_regression(n=80, d=20, k=3, seed=1)
    w = fit_linear(X, y, l1=0.1, epochs=3000)
    ref = Lasso(alpha=0.1, fit_intercept=False, tol=1e-10, max_iter=100000).fit(X, y).coef_
    assert np.allclose(w, ref, atol=1e-6)
    assert np.sum(w == 0.0) >= 10
    assert np.all(w[:3] != 0.0)
    w_sub = fit_linear(X, y, l1=0.1, epochs=3000, method="subgradient")
    assert np.sum(w_sub == 0.0) == 0
    w_ridge = fit_linear(X, y, l2=0.1, epochs=3000)
    assert np.sum(w_ridge == 0.0) == 0


def test_fit_linear_uses_the_given_soft_threshold():
    X, y, _ = make_sparse_regression(n=30, d=5, k=2, seed=2)
    calls = []

    def prox(w, t):
        calls.append(t)
        return reference_soft_threshold(w, t)

    fit_linear(X, y, l1=0.2, epochs=7, soft_threshold=prox)
    assert len(calls) == 7 and all(t > 0 for t in calls)


# ------------------------------------------------------------------ geometry
def _brute_force_optimum(kind, radius, n=200_000):
    pts = ball_boundary(kind, radius, n)
    inside = np.abs(wp.GEOMETRY_C).sum() if kind == "l1" else np.linalg.norm(wp.GEOMETRY_C)
    if inside <= radius:
        return wp.GEOMETRY_C
    return pts[np.argmin(wp._quadratic_loss(pts[:, 0], pts[:, 1]))]


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("radius", [0.3, 1.0, 1.6, 1.8, 2.5, 3.5])
def test_the_exact_optimum_agrees_with_a_fine_search_of_the_boundary(kind, radius):
    exact = constrained_optimum(kind, radius)
    assert np.allclose(exact, _brute_force_optimum(kind, radius), atol=2e-3)
    loss = wp._quadratic_loss(*exact)
    pts = ball_boundary(kind, min(radius, 10.0), 4000)
    assert loss <= wp._quadratic_loss(pts[:, 0], pts[:, 1]).min() + 1e-12


def test_l1_optimum_sits_on_a_corner_until_t_1_7_and_l2_never_does():
    # At the corner (t, 0) the loss's descent direction -A((t, 0) - c) stays in the
    # corner's normal cone while 2.695 - t >= 1.93 - 0.55 t, i.e. t <= 1.7.
    assert constrained_optimum("l1", 1.0)[1] == 0.0 and constrained_optimum("l1", 1.69)[1] == 0.0
    assert constrained_optimum("l1", 1.71)[1] > 0.0
    w2 = constrained_optimum("l2", 1.0)
    assert np.all(np.abs(w2) > 0.1) and np.linalg.norm(w2) == pytest.approx(1.0, abs=1e-12)
    gradient = wp.GEOMETRY_A @ (w2 - wp.GEOMETRY_C)  # KKT: -gradient is parallel to w
    assert np.cross(gradient, w2) == pytest.approx(0.0, abs=1e-10)
    assert np.allclose(constrained_optimum("l2", 10.0), [2.2, 0.9])
    assert np.array_equal(constrained_optimum("l1", 0.0), [0.0, 0.0])
    assert np.allclose(np.abs(ball_boundary("l1", 2.0)).sum(axis=1), 2.0)


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_the_geometry_legend_counts_exact_zeros():
    fig, (a, b) = plt.subplots(1, 2)
    assert draw_penalty_geometry(a, 1.0) is a and "t = 1.00" in a.get_title()
    assert "L1 optimum (1.00, 0.00), 1 exact zero(s)" in _legend(a)
    draw_penalty_geometry(b, 2.5)
    assert any(t.startswith("L1 optimum") and t.endswith("0 exact zero(s)") for t in _legend(b))
    plt.close(fig)


def test_the_shrinkage_maps_draw_the_three_proximal_steps():
    fig, ax = plt.subplots()
    draw_shrinkage_maps(ax, 0.5)
    lines = {line.get_label(): line for line in ax.get_lines()}
    soft = next(line for label, line in lines.items() if label.startswith("L1 prox"))
    w, after = soft.get_data()
    assert np.allclose(after, reference_soft_threshold(w, 0.5))
    assert np.all(after[np.abs(w) <= 0.5] == 0.0)
    plt.close(fig)


def test_the_explorer_draws_both_panels_at_the_controls_values():
    box = make_penalty_geometry_explorer()
    state = box.explorer
    assert set(state.controls) == {"radius", "lambd"}
    state.controls["radius"].value = 2.5
    assert state.last_values == {"radius": 2.5, "lambd": 0.8}
    fig, axes = state.make_figure()
    state.draw(axes, **state.last_values)
    assert "t = 2.50" in axes[0].get_title() and "0.80" in axes[1].get_title()
    assert any(t.endswith("0 exact zero(s)") and t.startswith("L1") for t in _legend(axes[0]))
    plt.close("all")
