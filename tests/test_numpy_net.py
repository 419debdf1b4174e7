"""The NumPy engine: layers pass gradient checks, a grid of models equals models
trained alone, and bad input is refused with a message naming the argument."""
import numpy as np
import pytest

from utils import numpy_net as nn


def dropout_forward(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


def _off_kink(params, rng):
    """Biases off zero, so no ReLU input sits on the kink of a gradient check."""
    for key in params:
        if key.startswith("b"):
            params[key] = rng.normal(0, 0.1, params[key].shape)
    return params


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    params = _off_kink(nn.init_params([3, 5, 4, 1], rng), rng)
    return params, rng.normal(size=(8, 3)), (rng.random(8) > 0.5).astype(float)


@pytest.fixture
def grid_problem():
    """M = 3 models with different weights, 8 shared examples."""
    rng = np.random.default_rng(1)
    models = [_off_kink(nn.init_params([3, 5, 4, 1], rng), rng) for _ in range(3)]
    return nn.stack_models(models), rng.normal(size=(8, 3)), (rng.random(8) > 0.5).astype(float)


def _check_layer(forward, backward, inputs, seed=0):
    """Gradient check of one layer via the scalar sum(out * dout) (CS231n's recipe)."""
    out, cache = forward(*inputs)
    dout = np.random.default_rng(seed).normal(size=out.shape)
    analytic = backward(dout, cache)
    analytic = analytic if isinstance(analytic, tuple) else (analytic,)
    for position, (value, grad) in enumerate(zip(inputs, analytic)):
        numeric = nn.numerical_gradient(lambda _: np.sum(forward(*inputs)[0] * dout), value)
        assert grad.shape == value.shape, position
        assert nn.relative_error(numeric, grad) < 1e-8, position


@pytest.mark.parametrize("shapes", [
    ((6, 3), (3, 4), (4,)),             # single model
    ((6, 3), (2, 3, 4), (2, 4)),        # 2 models sharing x
    ((2, 6, 3), (2, 3, 4), (2, 4)),     # 2 models, one x each
])
def test_affine_layer_gradient_check(shapes):
    rng = np.random.default_rng(2)
    inputs = [rng.normal(size=s) for s in shapes]
    _check_layer(nn.affine_forward, nn.affine_backward, inputs)
    out, _ = nn.affine_forward(*inputs)
    assert out.shape == shapes[1][:-2] + (6, 4)


@pytest.mark.parametrize("name", ["relu", "tanh"])
@pytest.mark.parametrize("shape", [(6, 4), (3, 6, 4)])
def test_activation_gradient_check(name, shape):
    x = np.random.default_rng(3).normal(size=shape)
    forward, backward = nn.ACTIVATIONS[name]
    _check_layer(forward, backward, [x])


@pytest.mark.parametrize("keep_prob", [0.7, np.array([0.5, 1.0, 0.8])])
def test_dropout_layer_gradient_check_with_fixed_masks(keep_prob):
    grid = np.ndim(keep_prob) == 1
    x = np.random.default_rng(4).normal(size=(3, 6, 4) if grid else (6, 4))

    def forward(x_var):  # fresh Generators with the same seeds: the same masks every call
        rng = [np.random.default_rng(k) for k in range(3)] if grid else np.random.default_rng(9)
        return nn.dropout_layer_forward(x_var, {"mode": "train", "keep_prob": keep_prob,
                                                "dropout_forward": dropout_forward, "rng": rng})

    _check_layer(forward, lambda d, c: nn.dropout_layer_backward(d, c, dropout_backward), [x])
    out, (mask, _) = forward(x)
    if grid:
        assert mask[1] is None and np.array_equal(out[1], x[1])  # keep_prob 1: identity
    test_out, test_cache = nn.dropout_layer_forward(x, {"mode": "test", "keep_prob": keep_prob})
    assert test_out is x and nn.dropout_layer_backward(x, test_cache, None) is x


@pytest.mark.parametrize("loss, labels", [
    ("sigmoid_cross_entropy", lambda r, s: (r.random(s) > 0.5).astype(float)),
    ("mse", lambda r, s: r.normal(size=s)),
])
@pytest.mark.parametrize("shape", [(7,), (3, 7)])
def test_one_output_losses_gradient_check(loss, labels, shape):
    rng = np.random.default_rng(5)
    scores, y = rng.normal(size=shape), labels(rng, shape)
    cost, dscores = nn.LOSSES[loss](scores, y)
    # Each model's cost depends on its own row only, so d(sum of costs) = dscores.
    numeric = nn.numerical_gradient(lambda _: np.sum(nn.LOSSES[loss](scores, y)[0]), scores)
    assert nn.relative_error(numeric, dscores) < 1e-8
    assert np.shape(cost) == shape[:-1]


@pytest.mark.parametrize("shape", [(7, 4), (2, 7, 4)])
def test_softmax_cross_entropy_gradient_check_and_value(shape):
    rng = np.random.default_rng(6)
    scores, y = rng.normal(size=shape), rng.integers(0, 4, shape[:-1])
    _, dscores = nn.softmax_cross_entropy(scores, y)
    numeric = nn.numerical_gradient(lambda _: np.sum(nn.softmax_cross_entropy(scores, y)[0]),
                                    scores)
    assert nn.relative_error(numeric, dscores) < 1e-8
    cost, _ = nn.softmax_cross_entropy(np.zeros((5, 4)), np.arange(5) % 4)
    assert cost == pytest.approx(np.log(4))  # uniform over 4 classes


def _check_network(params, X, y, **kw):
    _, grads = nn.loss_and_grads(params, X, y, **kw)
    for key, value in params.items():
        numeric = nn.numerical_gradient(
            lambda _: np.sum(nn.loss_and_grads(params, X, y, **kw)[0]), value)
        assert nn.relative_error(numeric, grads[key]) < 1e-7, key


def test_network_gradients_without_and_with_l2(problem):
    params, X, y = problem
    _check_network(params, X, y)
    _check_network(params, X, y, lambd=0.7)
    _check_network(params, X, y, lambd=0.7, penalize=("W2",))


def test_network_gradients_with_a_fixed_dropout_mask(problem):
    params, X, y = problem

    def fwd(A, p, _rng):  # a fresh Generator per layer and call: the same masks every time
        return dropout_forward(A, p, np.random.default_rng(5 + A.shape[1]))
    _check_network(params, X, y, keep_probs=[0.6, 0.8], dropout_forward=fwd,
                   dropout_backward=dropout_backward, rng=np.random.default_rng(0))


def test_grid_gradients_with_per_model_settings_and_tanh_mse(grid_problem):
    params, X, y = grid_problem
    rngs = lambda: [np.random.default_rng(k) for k in range(3)]  # noqa: E731
    _check_network(params, X, y, lambd=np.array([0.0, 0.5, 2.0]))

    def fwd(A, p, rng):
        return dropout_forward(A, p, np.random.default_rng(int(100 * p) + A.shape[-1]))
    _check_network(params, X, y, keep_probs=[np.array([0.5, 1.0, 0.8]), 0.9], dropout_forward=fwd,
                   dropout_backward=dropout_backward, rng=rngs())
    X_each = np.random.default_rng(7).normal(size=(3, 8, 3))
    y_each = np.random.default_rng(8).normal(size=(3, 8))
    _check_network(params, X_each, y_each, loss="mse", activation="tanh", lambd=0.3)


def test_softmax_network_gradients():
    rng = np.random.default_rng(9)
    params = _off_kink(nn.init_params([3, 6, 4], rng), rng)
    X, y = rng.normal(size=(10, 3)), rng.integers(0, 4, 10)
    _check_network(params, X, y, loss="softmax_cross_entropy", lambd=0.2)
    assert nn.predict_proba(params, X).shape == (10, 4)
    assert np.allclose(nn.predict_proba(params, X).sum(axis=1), 1.0)
    assert 0.0 <= nn.accuracy(params, X, y) <= 1.0


def test_injected_l2_grad_is_used_once_per_matrix_and_model(problem, grid_problem):
    params, X, y = problem
    calls = []

    def my_l2_grad(dW, W, lambd, m):
        calls.append((W.shape, lambd, m))
        return dW + (lambd / m) * W

    nn.loss_and_grads(params, X, y, lambd=0.5, l2_grad=my_l2_grad)
    assert calls == [((3, 5), 0.5, 8), ((5, 4), 0.5, 8), ((4, 1), 0.5, 8)]
    calls.clear()
    grid, Xg, yg = grid_problem
    nn.loss_and_grads(grid, Xg, yg, lambd=np.array([0.1, 0.2, 0.3]), l2_grad=my_l2_grad,
                      penalize=["W1"])
    assert calls == [((3, 5), 0.1, 8), ((3, 5), 0.2, 8), ((3, 5), 0.3, 8)]


def test_cost_includes_the_l2_penalty(problem):
    params, X, y = problem
    plain, _ = nn.loss_and_grads(params, X, y)
    penalized, _ = nn.loss_and_grads(params, X, y, lambd=2.0)
    expected = 2.0 / (2 * 8) * sum(np.sum(W ** 2) for W in nn.weight_matrices(params))
    assert penalized - plain == pytest.approx(expected)
    only_w1, _ = nn.loss_and_grads(params, X, y, lambd=2.0, penalize="W1")
    assert only_w1 - plain == pytest.approx(2.0 / 16 * np.sum(params["W1"] ** 2))


def test_layers_shapes_and_stable_sigmoid():
    Z, cache = nn.affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(2))
    dX, dW, db = nn.affine_backward(np.ones((4, 2)), cache)
    assert Z.shape == (4, 2) and dX.shape == (4, 3) and dW.shape == (3, 2) and db.shape == (2,)
    s = nn.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])
    cost, _ = nn.sigmoid_cross_entropy(np.array([1000.0, -1000.0]), np.array([1.0, 0.0]))
    assert np.isfinite(cost) and cost == pytest.approx(0.0)


def test_forward_modes_and_cache_layout(problem):
    params, X, _ = problem
    kw = dict(keep_probs=0.5, dropout_forward=dropout_forward)
    train_a = nn.forward(params, X, rng=np.random.default_rng(1), **kw)[0]
    train_b = nn.forward(params, X, rng=np.random.default_rng(2), **kw)[0]
    test_a, caches = nn.forward(params, X, mode="test", **kw)
    assert not np.allclose(train_a, train_b)
    np.testing.assert_array_equal(test_a, nn.forward(params, X)[0])
    # caches[-1][0][0] is the input of the output layer
    np.testing.assert_allclose(caches[-1][0][0] @ params["W3"] + params["b3"], test_a[:, None])


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)
    params = nn.init_params([2, 16, 1], rng)
    run = nn.train(params, X, y, epochs=300, learning_rate=0.01, record_every=50)
    assert run.cost[-1] < run.cost[0] / 2 and run.train_acc[-1] > 0.95
    assert list(run.epoch) == [50, 100, 150, 200, 250, 300]
    assert run.params is params and run.test_acc is None and run.n_models is None
    assert run.train_loss[-1] == pytest.approx(nn.loss_and_grads(params, X, y)[0])


@pytest.mark.parametrize("optimizer", ["sgd", "sgd_momentum", "adam", "adam_keras"])
def test_every_update_rule_trains(optimizer):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] - X[:, 1] > 0).astype(float)
    run = nn.train(nn.init_params([2, 8, 1], rng), X, y, epochs=200, learning_rate=0.05,
                   optimizer=optimizer, record_every=200)
    first = nn.loss_and_grads(nn.init_params([2, 8, 1], np.random.default_rng(2)), X, y)[0]
    assert run.train_loss[-1] < first / 2, optimizer


# ------------------------------------------------------------------------------ grids
def _grid_settings():
    """Five models: different initial weights, keep_probs, L2 strengths."""
    rng = np.random.default_rng(11)
    inits = [nn.init_params([2, 16, 8, 1], rng) for _ in range(5)]
    keep = np.array([0.5, 1.0, 0.8, 0.6, 0.9])
    lambd = np.array([0.0, 0.3, 1.0, 0.1, 0.0])
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    X_test = rng.normal(size=(30, 2))
    return inits, keep, lambd, X, y, X_test, (X_test[:, 0] * X_test[:, 1] > 0).astype(float)


def _train(params, X, y, X_test, y_test, keep, lambd, rng, optimizer="adam"):
    return nn.train(params, X, y, epochs=60, learning_rate=0.01, optimizer=optimizer,
                    X_test=X_test, y_test=y_test, record_every=20, rng=rng,
                    keep_probs=[keep, keep], lambd=lambd, dropout_forward=dropout_forward,
                    dropout_backward=dropout_backward)


@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum"])
def test_model_k_of_a_grid_equals_model_k_trained_alone(optimizer):
    inits, keep, lambd, X, y, X_test, y_test = _grid_settings()
    K = 3
    grid = _train(nn.stack_models(inits[:K]), X, y, X_test, y_test, keep[:K], lambd[:K],
                  nn.spawn_rngs(5, K), optimizer)
    assert grid.cost.shape == grid.test_acc.shape == (K, 3) and grid.n_models == K
    for k in range(K):
        alone = _train({key: v.copy() for key, v in inits[k].items()}, X, y, X_test, y_test,
                       float(keep[k]), float(lambd[k]), nn.spawn_rngs(5, K)[k], optimizer)
        for key in inits[k]:
            np.testing.assert_array_equal(grid.model(k)[key], alone.params[key], err_msg=key)
        np.testing.assert_array_equal(grid.cost[k], alone.cost)
        np.testing.assert_array_equal(grid.test_acc[k], alone.test_acc)
    # the grid really trained different models (a grid that ignored settings would fail above)
    assert not np.allclose(grid.model(0)["W1"], grid.model(2)["W1"])


def test_a_model_does_not_change_when_the_grid_grows():
    inits, keep, lambd, X, y, X_test, y_test = _grid_settings()
    small = _train(nn.stack_models(inits[:2]), X, y, X_test, y_test, keep[:2], lambd[:2],
                   nn.spawn_rngs(3, 2))
    large = _train(nn.stack_models(inits), X, y, X_test, y_test, keep, lambd,
                   nn.spawn_rngs(3, 5))
    for key in inits[0]:
        np.testing.assert_array_equal(small.params[key], large.params[key][:2])
    np.testing.assert_array_equal(small.test_acc, large.test_acc[:2])


def test_per_model_data_sets_tanh_regression_grid():
    """Chapter 1's setting: M regression nets, one resampled training set each."""
    rng = np.random.default_rng(12)
    M, n = 4, 15
    X = rng.uniform(-1, 1, size=(M, n, 1))
    Y = np.sin(3 * X[..., 0]) + 0.1 * rng.normal(size=(M, n))
    inits = [nn.init_params([1, 8, 1], rng) for _ in range(M)]
    kw = dict(epochs=100, learning_rate=0.03, optimizer="adam_keras", loss="mse",
              activation="tanh", record_every=100, lambd=0.05)
    grid = nn.train(nn.stack_models(inits), X, Y, **kw)
    assert grid.train_acc is None and grid.train_loss.shape == (M, 1)
    for k in (0, 3):
        alone = nn.train(dict(inits[k]), X[k], Y[k], **kw)
        np.testing.assert_array_equal(grid.model(k)["W1"], alone.params["W1"])
    assert nn.predict(grid.params, np.linspace(-1, 1, 9)[:, None], activation="tanh").shape == (M, 9)
    assert np.all(grid.train_loss[:, -1] < np.var(Y, axis=1))


def test_spawned_streams_depend_on_seed_and_index_only():
    few, many = nn.spawn_rngs(4, 2), nn.spawn_rngs(4, 6)
    assert few[1].random() == many[1].random()
    assert nn.spawn_rngs(4, 2)[0].random() != nn.spawn_rngs(4, 2)[1].random()


# ------------------------------------------------------------------------------ bad input
def test_numerical_gradient_refuses_int_and_float32_arrays():
    square_sum = lambda v: float(np.sum(v ** 2))  # noqa: E731
    for bad in (np.array([2, 4, 6]), np.array([200.0, 400.0], dtype=np.float32)):
        with pytest.raises(TypeError, match=r"x must be a float64 array.*x\.astype\(float\)"):
            nn.numerical_gradient(square_sum, bad)
    with pytest.raises(TypeError, match="x must be a numpy array"):
        nn.numerical_gradient(square_sum, [1.0, 2.0])
    np.testing.assert_allclose(nn.numerical_gradient(square_sum, np.array([2, 4, 6.0])),
                               [4, 8, 12], rtol=1e-8)
    for h in (0.0, -1e-5, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="h must be a small positive number"):
            nn.numerical_gradient(square_sum, np.ones(2), h=h)
    with pytest.raises(TypeError, match="f returned None"):
        nn.numerical_gradient(lambda v: None, np.ones(2))
    with pytest.raises(ValueError, match="f returned nan"):
        nn.numerical_gradient(lambda v: float("nan"), np.ones(2))
    with pytest.raises(ValueError, match="f must return a scalar"):
        nn.numerical_gradient(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        nn.relative_error(np.ones(3), np.ones(2))


def test_bad_parameters_and_rngs(problem, grid_problem):
    params, X, y = problem
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.init_params([2, 3, 1], None)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        nn.init_params([2, 3, 1], 0)
    with pytest.raises(ValueError, match="layer size must be >= 1"):
        nn.init_params([2, 0, 1], np.random.default_rng())
    with pytest.raises(TypeError, match="params must be a dict"):
        nn.forward([params["W1"]], X)
    with pytest.raises(ValueError, match="params must hold W1, b1"):
        nn.forward({"W1": params["W1"]}, X)
    with pytest.raises(ValueError, match="W2 has 4 rows but layer 1 has 5 outputs"):
        nn.forward(dict(params, W2=np.ones((4, 4))), X)
    with pytest.raises(ValueError, match="W2 must hold finite numbers"):
        nn.forward(dict(params, W2=np.full((5, 4), np.nan)), X)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        nn.spawn_rngs(-1, 3)
    with pytest.raises(ValueError, match="every parameter needs the same model axis"):
        nn.forward(dict(params, W2=np.ones((2, 5, 4))), X)
    grid, Xg, yg = grid_problem
    with pytest.raises(TypeError, match=r"one Generator per model \(rng=spawn_rngs\(seed, 3\)\)"):
        nn.forward(grid, Xg, keep_probs=0.5, dropout_forward=dropout_forward,
                   rng=np.random.default_rng())
    with pytest.raises(ValueError, match="rng must hold 3 numpy.random.Generators"):
        nn.forward(grid, Xg, keep_probs=0.5, dropout_forward=dropout_forward,
                   rng=nn.spawn_rngs(0, 2))
    with pytest.raises(ValueError, match=r"model must be an index in \[0, 3\)"):
        nn.model_params(grid, 3)
    with pytest.raises(ValueError, match="stack_models takes single-model"):
        nn.stack_models([grid])
    with pytest.raises(ValueError, match="models is empty"):
        nn.stack_models([])
    with pytest.raises(ValueError, match="params has no model axis"):
        nn.model_params(params, 0)


def test_bad_data(problem, grid_problem):
    params, X, y = problem
    nan_X = X.copy()
    nan_X[0, 0] = np.nan
    cases = [
        (dict(X=nan_X), ValueError, "X contains NaN or infinity"),
        (dict(X=X * np.inf), ValueError, "X contains NaN or infinity"),
        (dict(X=X[0]), ValueError, r"X must have shape \(n, d\), got \(3,\)"),
        (dict(X=X[:0]), ValueError, "X has no rows"),
        (dict(X=X[:, :2]), ValueError, "X has 2 columns but W1 expects 3 inputs"),
        (dict(X=[["a"] * 3] * 8), TypeError, "X must be array-like of numbers"),
        (dict(y=y[:1]), ValueError, "X and y must have the same number of rows, got 8 and 1"),
        (dict(y=y[:, None]), ValueError, r"y must have shape \(n,\)"),
        (dict(y=2 * y), ValueError, r"y must hold 0/1 labels .* got values such as \[2.0\]"),
        (dict(y=2 * y - 1), ValueError, r"0/1 labels.*\(y \+ 1\) / 2"),
        (dict(y=np.where(y > 0, np.nan, 0)), ValueError, "y contains NaN"),
    ]
    for change, error, message in cases:
        kw = dict(X=X, y=y) | change
        with pytest.raises(error, match=message):
            nn.loss_and_grads(params, kw["X"], kw["y"])
    grid, Xg, yg = grid_problem
    with pytest.raises(ValueError, match=r"X must have shape \(n, d\) or \(3, n, d\), got \(2, 8, 3\)"):
        nn.loss_and_grads(grid, np.ones((2, 8, 3)), yg)
    with pytest.raises(ValueError, match=r"X must have shape \(n, d\), got \(3, 8, 3\)"):
        nn.loss_and_grads(params, np.ones((3, 8, 3)), y)
    with pytest.raises(ValueError, match="mse needs a network with one output unit"):
        nn.loss_and_grads(nn.init_params([3, 4, 2], np.random.default_rng()), X, y, loss="mse")
    with pytest.raises(ValueError, match=r"integer class labels in \[0, 2\)"):
        nn.loss_and_grads(nn.init_params([3, 4, 2], np.random.default_rng()), X, y + 1,
                          loss="softmax_cross_entropy")
    with pytest.raises(ValueError, match="loss must be one of"):
        nn.loss_and_grads(params, X, y, loss="hinge")
    with pytest.raises(ValueError, match="activation must be one of"):
        nn.forward(params, X, activation="sigmoid")
    for public in (nn.predict, nn.predict_proba):
        with pytest.raises(ValueError, match="X contains NaN or infinity"):
            public(params, nan_X)
    with pytest.raises(ValueError, match="X and y must have the same number of rows"):
        nn.accuracy(params, X, y[:3])


def test_bad_hyperparameters(problem, grid_problem):
    params, X, y = problem
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="lambd must be (>= 0|finite)"):
            nn.loss_and_grads(params, X, y, lambd=bad)
    with pytest.raises(ValueError, match="lambd must be a number for a single model"):
        nn.loss_and_grads(params, X, y, lambd=[0.1, 0.2])
    with pytest.raises(ValueError, match="keep_probs needs one value per hidden layer"):
        nn.forward(params, X, keep_probs=[0.5], dropout_forward=dropout_forward,
                   rng=np.random.default_rng())
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        nn.forward(params, X, keep_probs=1.5)
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        nn.forward(params, X, keep_probs=0.0)
    with pytest.raises(ValueError, match="dropout needs both dropout_forward and rng"):
        nn.forward(params, X, keep_probs=0.5)
    with pytest.raises(ValueError, match="mode must be one of"):
        nn.forward(params, X, mode="eval")
    with pytest.raises(ValueError, match="penalize must name weight matrices"):
        nn.loss_and_grads(params, X, y, lambd=1.0, penalize=("b1",))
    grid, Xg, yg = grid_problem
    with pytest.raises(ValueError, match=r"lambd must be a number or one value per model \(3,\)"):
        nn.loss_and_grads(grid, Xg, yg, lambd=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"\[probs\] \* 2"):
        nn.forward(grid, Xg, keep_probs=[0.5, 0.6, 0.7], dropout_forward=dropout_forward,
                   rng=nn.spawn_rngs(0, 3))
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        nn.forward(grid, Xg, keep_probs=[np.array([0.5, 1.2, 0.7]), 1.0])
    for bad in (-0.01, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="learning_rate must be (>= 0|finite)"):
            nn.train(params, X, y, epochs=2, learning_rate=bad)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        nn.train(params, X, y, epochs=0)
    with pytest.raises(TypeError, match="epochs must be a positive integer"):
        nn.train(params, X, y, epochs=10.5)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        nn.train(params, X, y, optimizer="rmsprop")
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['weight_decay'\]"):
        nn.train(params, X, y, weight_decay=0.1)
    with pytest.raises(ValueError, match="pass both X_test and y_test"):
        nn.train(params, X, y, X_test=X)
    with pytest.raises(ValueError, match="X_test has 2 columns but W1 expects 3 inputs"):
        nn.train(params, X, y, X_test=X[:, :2], y_test=y)


def test_learner_functions_returning_nothing_are_named(problem):
    params, X, y = problem
    with pytest.raises(TypeError, match="l2_grad returned None for W1"):
        nn.loss_and_grads(params, X, y, lambd=0.1, l2_grad=lambda dW, W, lambd, m: None)
    with pytest.raises(ValueError, match=r"l2_grad returned shape \(\) for W1"):
        nn.loss_and_grads(params, X, y, lambd=0.1, l2_grad=lambda dW, W, lambd, m: lambd / m)
    kw = dict(keep_probs=0.5, rng=np.random.default_rng())
    with pytest.raises(TypeError, match="dropout_forward returned None"):
        nn.loss_and_grads(params, X, y, dropout_forward=lambda A, p, r: None, **kw)
    with pytest.raises(TypeError, match=r"dropout_forward must return a pair \(A_out, mask\)"):
        nn.loss_and_grads(params, X, y, dropout_forward=lambda A, p, r: A, **kw)
    with pytest.raises(TypeError, match="dropout_backward returned None"):
        nn.loss_and_grads(params, X, y, dropout_forward=dropout_forward,
                          dropout_backward=lambda d, m, p: None, **kw)
    with pytest.raises(TypeError, match="dropout_forward returned the mask None"):
        nn.loss_and_grads(params, X, y, dropout_forward=lambda A, p, r: (A / p, None),
                          dropout_backward=dropout_backward, **kw)
    with pytest.raises(ValueError, match="the forward pass used dropout: pass dropout_backward"):
        nn.loss_and_grads(params, X, y, dropout_forward=dropout_forward, **kw)
