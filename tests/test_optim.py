"""The update rules of utils.optim against steps computed by hand."""
import numpy as np
import pytest

from utils import optim
from utils.optim import UPDATE_RULES, adam, adam_keras, get_update_rule, sgd, sgd_momentum

W = np.array([[1.0, -2.0], [0.5, 3.0]])
DW = np.array([[0.1, -0.4], [2.0, 0.0]])


def test_sgd_step_by_hand():
    next_w, config = sgd(W, DW, {"learning_rate": 0.5})
    np.testing.assert_array_equal(next_w, [[0.95, -1.8], [-0.5, 3.0]])
    assert config["learning_rate"] == 0.5
    _, default = sgd(W, DW)
    assert default["learning_rate"] == 1e-2


def test_momentum_two_steps_by_hand():
    config = {"learning_rate": 0.1, "momentum": 0.9}
    w1, config = sgd_momentum(W, DW, config)
    # v1 = -0.1 dw; w1 = w + v1
    np.testing.assert_allclose(w1, W - 0.1 * DW)
    w2, config = sgd_momentum(w1, DW, config)
    # v2 = 0.9 v1 - 0.1 dw = -0.19 dw
    np.testing.assert_allclose(config["velocity"], -0.19 * DW)
    np.testing.assert_allclose(w2, W - 0.29 * DW)


def test_adam_first_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w1, config = adam(W, DW, {"learning_rate": lr})
    # step 1: m_hat = dw, v_hat = dw^2, so the step is lr * sign(dw) (up to eps)
    np.testing.assert_allclose(w1, W - lr * DW / (np.abs(DW) + eps))
    assert config["t"] == 1
    dw2 = np.array([[0.3, 0.1], [-1.0, 0.5]])
    w2, config = adam(w1, dw2, config)
    m = b1 * (1 - b1) * DW + (1 - b1) * dw2
    v = b2 * (1 - b2) * DW ** 2 + (1 - b2) * dw2 ** 2
    expected = w1 - lr * (m / (1 - b1 ** 2)) / (np.sqrt(v / (1 - b2 ** 2)) + eps)
    np.testing.assert_allclose(w2, expected, rtol=1e-12)
    np.testing.assert_allclose(config["m"], m) and np.testing.assert_allclose(config["v"], v)


def test_adam_keras_step_by_hand_and_where_it_differs():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w1, config = adam_keras(W, DW, {"learning_rate": lr})
    alpha = lr * np.sqrt(1 - b2) / (1 - b1)
    m, v = (1 - b1) * DW, (1 - b2) * DW ** 2
    np.testing.assert_allclose(w1, W - alpha * m / (np.sqrt(v) + eps), rtol=1e-12)
    assert config["epsilon"] == 1e-7
    # Same moments; with a tiny epsilon the two forms are the same step...
    tiny = {"learning_rate": lr, "epsilon": 1e-300}
    np.testing.assert_allclose(adam(W, DW, dict(tiny))[0], adam_keras(W, DW, dict(tiny))[0],
                               rtol=1e-12)
    # ...but for a small gradient epsilon on the uncorrected sqrt(v) weighs ~30x more.
    small = np.full((2, 2), 1e-6)
    step_paper = W - adam(W, small, {"learning_rate": lr})[0]
    step_keras = W - adam_keras(W, small, {"learning_rate": lr})[0]
    assert np.all(step_keras < 0.9 * step_paper)


def test_adam_keras_equals_keras_adam_for_five_steps():
    import keras

    variable = keras.Variable(W.astype("float32"))
    keras_adam = keras.optimizers.Adam(learning_rate=0.05)
    w, config = W.copy(), {"learning_rate": 0.05}
    rng = np.random.default_rng(0)
    for _ in range(5):
        grad = rng.normal(size=W.shape)
        keras_adam.apply_gradients([(keras.ops.convert_to_tensor(grad.astype("float32")),
                                     variable)])
        w, config = adam_keras(w, grad, config)
    np.testing.assert_allclose(np.asarray(variable), w, rtol=1e-5, atol=1e-6)


def test_rules_are_pure_and_chosen_by_name():
    w, dw = W.copy(), DW.copy()
    for name, rule in UPDATE_RULES.items():
        next_w, _ = rule(w, dw, None)
        assert np.array_equal(w, W) and np.array_equal(dw, DW), name
        assert not np.array_equal(next_w, W), name
        assert get_update_rule(name) is rule
    assert set(UPDATE_RULES) == {"sgd", "sgd_momentum", "adam", "adam_keras"}


def test_a_model_axis_is_just_more_entries():
    stacked_w, stacked_dw = np.stack([W, 2 * W]), np.stack([DW, -DW])
    for rule in UPDATE_RULES.values():
        together, _ = rule(stacked_w, stacked_dw, {"learning_rate": 0.1})
        alone = [rule(w, dw, {"learning_rate": 0.1})[0] for w, dw in zip(stacked_w, stacked_dw)]
        np.testing.assert_array_equal(together, np.stack(alone))


@pytest.mark.parametrize("rule", list(UPDATE_RULES.values()))
@pytest.mark.parametrize("bad, error", [
    (-0.01, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
    ("0.1", TypeError), (True, TypeError), (None, TypeError),
])
def test_bad_learning_rates_are_refused(rule, bad, error):
    with pytest.raises(error, match="learning_rate"):
        rule(W, DW, {"learning_rate": bad})


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"w and dw must have the same shape, got \(2, 2\) and \(2,\)"):
        sgd(W, DW[0])
    with pytest.raises(ValueError, match="dw contains NaN or infinity"):
        adam(W, np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        sgd_momentum(W, DW, {"momentum": 1.0})
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\)"):
        adam(W, DW, {"beta2": -0.1})
    with pytest.raises(ValueError, match="epsilon must be a finite number > 0"):
        adam_keras(W, DW, {"epsilon": 0.0})
    with pytest.raises(TypeError, match="config must be a dict or None"):
        sgd(W, DW, 0.1)
    with pytest.raises(ValueError, match=r"optimizer must be one of \['adam', 'adam_keras'"):
        get_update_rule("rmsprop")
    with pytest.raises(TypeError, match="optimizer must be a rule's name"):
        get_update_rule(sgd)
    assert optim.require_learning_rate(0) == 0.0
