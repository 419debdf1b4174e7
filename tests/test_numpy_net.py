import numpy as np
import pytest

from utils import numpy_net as nn


def dropout_forward(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    params = nn.init_params([3, 5, 4, 1], rng)
    for key in params:
        if key.startswith("b"):  # off zero, so no ReLU input sits on the kink
            params[key] = rng.normal(0, 0.1, params[key].shape)
    return params, rng.normal(size=(8, 3)), (rng.random(8) > 0.5).astype(float)


def _check_gradients(params, X, y, **kw):
    cost, grads = nn.loss_and_grads(params, X, y, **kw)
    for key, value in params.items():
        numeric = nn.numerical_gradient(lambda _: nn.loss_and_grads(params, X, y, **kw)[0], value)
        assert nn.relative_error(numeric, grads[key]) < 1e-7, key


def test_gradients_match_numerical_without_and_with_l2(problem):
    params, X, y = problem
    _check_gradients(params, X, y)
    _check_gradients(params, X, y, lambd=0.7)


def test_gradients_match_with_a_fixed_dropout_mask(problem):
    params, X, y = problem
    seed = 5
    # a fresh Generator with the same seed for every call gives the same masks
    def fwd(A, p, _rng):
        return dropout_forward(A, p, np.random.default_rng(seed + A.shape[1]))
    _check_gradients(params, X, y, keep_probs=[0.6, 0.8], dropout_forward=fwd,
                     dropout_backward=dropout_backward, rng=np.random.default_rng(0))


def test_injected_l2_grad_is_used(problem):
    params, X, y = problem
    calls = []

    def my_l2_grad(dW, W, lambd, m):
        calls.append(W.shape)
        return dW + (lambd / m) * W

    nn.loss_and_grads(params, X, y, lambd=0.5, l2_grad=my_l2_grad)
    assert calls == [(3, 5), (5, 4), (4, 1)]


def test_cost_includes_the_l2_penalty(problem):
    params, X, y = problem
    plain, _ = nn.loss_and_grads(params, X, y)
    penalized, _ = nn.loss_and_grads(params, X, y, lambd=2.0)
    expected = 2.0 / (2 * 8) * sum(np.sum(W ** 2) for W in nn.weight_matrices(params))
    assert penalized - plain == pytest.approx(expected)


def test_layers_shapes_and_stable_sigmoid():
    Z, cache = nn.affine_forward(np.ones((4, 3)), np.ones((3, 2)), np.zeros(2))
    dX, dW, db = nn.affine_backward(np.ones((4, 2)), cache)
    assert Z.shape == (4, 2) and dX.shape == (4, 3) and dW.shape == (3, 2) and db.shape == (2,)
    s = nn.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])
    cost, _ = nn.sigmoid_cross_entropy(np.array([1000.0, -1000.0]), np.array([1.0, 0.0]))
    assert np.isfinite(cost) and cost == pytest.approx(0.0)


def test_training_learns_a_separable_problem():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(float)
    params = nn.init_params([2, 16, 1], rng)
    history = nn.train(params, X, y, epochs=300, learning_rate=0.01, record_every=50)
    assert history["cost"][-1] < history["cost"][0] and history["train_acc"][-1] > 0.95
    assert list(history["epoch"]) == [50, 100, 150, 200, 250, 300]


def test_bad_arguments(problem):
    params, X, y = problem
    with pytest.raises(ValueError, match="keep_probs needs one value per hidden layer"):
        nn.forward(params, X, keep_probs=[0.5], dropout_forward=dropout_forward,
                   rng=np.random.default_rng())
    with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\]"):
        nn.forward(params, X, keep_probs=1.5)
    with pytest.raises(ValueError, match="dropout needs both dropout_forward and rng"):
        nn.forward(params, X, keep_probs=0.5)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        nn.loss_and_grads(params, X, y, lambd=-1)
    with pytest.raises(ValueError, match="X has 2 columns but W has 3 rows"):
        nn.forward(params, X[:, :2])
    with pytest.raises(ValueError, match="optimizer must be 'adam' or 'gd'"):
        nn.train(params, X, y, optimizer="sgd")
