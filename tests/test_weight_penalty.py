"""Chapter 2 (L1/L2 derived): the checks accept right answers and name each common mistake."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.checks import ExerciseNotImplemented  # noqa: E402
from utils.weight_penalty import (  # noqa: E402
    CONVENTIONS,
    ball_boundary,
    check_compute_cost_with_l2,
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
    penalty_by_hand,
    reference_soft_threshold,
)


def cost_right(data_cost, weights, lambd, m):
    return data_cost + lambd / (2 * m) * sum(np.sum(W ** 2) for W in weights)


def grad_right(dW, W, lambd, m):
    return dW + lambd / m * W


def soft_right(w, t):
    w = np.asarray(w, dtype=float)
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def stub(*args):
    raise NotImplementedError()


# ------------------------------------------------------------------ compute_cost_with_l2
def test_cost_accepts_a_correct_answer(capsys):
    check_compute_cost_with_l2(cost_right)
    assert "passed" in capsys.readouterr().out


def _sq(ws):
    return sum(np.sum(W ** 2) for W in ws)


@pytest.mark.parametrize("wrong, message", [
    (lambda dc, ws, lam, m: dc + lam / m * _sq(ws), "forget the 1/2"),
    (lambda dc, ws, lam, m: dc + lam / 2 * _sq(ws), "divide by m"),
    (lambda dc, ws, lam, m: dc + lam * _sq(ws), "Keras's l2"),
    (lambda dc, ws, lam, m: dc + lam / (2 * m) * sum(np.abs(W).sum() for W in ws), r"\|w\|"),
    (lambda dc, ws, lam, m: dc + lam / (2 * m) * sum(np.linalg.norm(W) for W in ws), "without squaring"),
    (lambda dc, ws, lam, m: dc + lam / (2 * m) * np.sum(ws[0] ** 2), "only the first layer"),
    (lambda dc, ws, lam, m: dc + lam / (2 * m) * np.sum(ws[-1] ** 2), "only the last layer"),
    (lambda dc, ws, lam, m: lam / (2 * m) * _sq(ws), "forget to add the data cost"),
    (lambda dc, ws, lam, m: dc + lam / (2 * m) * sum(np.mean(W ** 2) for W in ws), "average"),
    (lambda dc, ws, lam, m: None, "forget a `return`"),
])
def test_cost_rejects_each_common_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_compute_cost_with_l2(wrong)


def test_cost_rejects_modifying_the_weights_and_array_results():
    def modifies(dc, ws, lam, m):
        out = cost_right(dc, ws, lam, m)
        ws[0] *= 2
        return out

    with pytest.raises(AssertionError, match="changed the weight matrices"):
        check_compute_cost_with_l2(modifies)
    with pytest.raises(AssertionError, match="one number"):
        check_compute_cost_with_l2(lambda dc, ws, lam, m: np.array([cost_right(dc, ws, lam, m)]))


def test_cost_stub_is_not_implemented_yet():
    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_compute_cost_with_l2(stub)


# ------------------------------------------------------------------ l2_grad
def test_grad_accepts_a_correct_answer(capsys):
    check_l2_grad(grad_right)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (lambda dW, W, lam, m: dW + 2 * lam / m * W, "2\\*lambd/m"),
    (lambda dW, W, lam, m: dW + lam * W, "divide by m"),
    (lambda dW, W, lam, m: dW + lam / (2 * m) * W, r"lambd/\(2m\)"),
    (lambda dW, W, lam, m: dW - lam / m * W, "wrong sign"),
    (lambda dW, W, lam, m: dW + lam / m * np.sign(W), r"sign\(W\)"),
    (lambda dW, W, lam, m: lam / m * W, "data gradient dW"),
])
def test_grad_rejects_each_common_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_l2_grad(wrong)


def test_grad_rejects_in_place_updates():
    def in_place(dW, W, lam, m):
        dW += lam / m * W
        return dW

    with pytest.raises(AssertionError, match="in place"):
        check_l2_grad(in_place)


def test_grad_stub_is_not_implemented_yet():
    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_l2_grad(stub)


# ------------------------------------------------------------------ soft_threshold
def test_soft_threshold_accepts_a_correct_answer(capsys):
    check_soft_threshold(soft_right)
    check_soft_threshold(reference_soft_threshold)
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, message", [
    (lambda w, t: np.maximum(np.asarray(w) - t, 0.0), "negative weights"),
    (lambda w, t: np.asarray(w) - t * np.sign(w), "crossed zero"),
    (lambda w, t: np.asarray(w) / (1 + t), "L2 shrink"),
    (lambda w, t: np.asarray(w) * (np.abs(w) > t), "hard thresholding"),
    (lambda w, t: np.maximum(np.abs(w) - t, 0.0), "sign back"),
])
def test_soft_threshold_rejects_each_common_mistake(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_soft_threshold(wrong)


def test_soft_threshold_stub_is_not_implemented_yet():
    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_soft_threshold(stub)


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
    with pytest.raises(ValueError, match="needs m"):
        l2_coefficient("course notes", 0.1)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        l2_coefficient("d2l", -1.0)
    with pytest.raises(ValueError, match="m must be >= 1"):
        l2_coefficient("course notes", 0.1, m=0)


def test_penalty_by_hand():
    assert penalty_by_hand([np.ones((2, 2)), -np.ones(3)], l1=0.1, l2=0.5) == pytest.approx(
        0.1 * 7 + 0.5 * 7)
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        penalty_by_hand([np.ones(2)], l2=-0.1)


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
    assert len(calls) == 7


def test_sparse_regression_and_fit_reject_bad_input():
    with pytest.raises(ValueError, match="k .* must be <= d"):
        make_sparse_regression(d=3, k=5)
    X, y, _ = make_sparse_regression(n=10, d=4, k=2)
    with pytest.raises(ValueError, match="l1 must be >= 0"):
        fit_linear(X, y, l1=-0.1)
    with pytest.raises(ValueError, match="method must be"):
        fit_linear(X, y, method="newton")
    with pytest.raises(ValueError, match="same number of rows"):
        fit_linear(X, y[:-1])


# ------------------------------------------------------------------ geometry
def test_l1_optimum_sits_on_a_corner_and_l2_does_not():
    w1 = constrained_optimum("l1", 1.0)
    w2 = constrained_optimum("l2", 1.0)
    assert w1[1] == 0.0 and w1[0] == pytest.approx(1.0)
    assert np.all(np.abs(w2) > 0.1) and np.linalg.norm(w2) == pytest.approx(1.0, abs=1e-3)
    big = constrained_optimum("l2", 10.0)
    assert np.allclose(big, [2.2, 0.9])
    assert np.allclose(np.abs(ball_boundary("l1", 2.0)).sum(axis=1), 2.0)
    with pytest.raises(ValueError, match="kind must be"):
        ball_boundary("l3", 1.0)
    with pytest.raises(ValueError, match="radius must be >= 0"):
        ball_boundary("l1", -1.0)


def test_drawings_and_explorer_run_headless():
    fig, (a, b) = plt.subplots(1, 2)
    assert draw_penalty_geometry(a, 0.8) is a and "t = 0.80" in a.get_title()
    assert draw_shrinkage_maps(b, 0.5) is b
    plt.close(fig)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        draw_shrinkage_maps(b, -0.5)
    import ipywidgets as widgets

    box = make_penalty_geometry_explorer()
    sliders = [w for w in box.children[0].children if isinstance(w, widgets.FloatSlider)]
    assert len(sliders) == 2
    sliders[0].value = 2.0
    sliders[1].value = 1.5
    plt.close("all")
