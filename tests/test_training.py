"""The fast training path reproduces Keras and the seed's numbers."""
import numpy as np
import pytest

from utils import numpy_net as nn
from utils.datasets import Split, moons_split
from utils.training import (
    build_seed_model,
    fit_keras_fast,
    keras_initial_weights,
    predict_proba,
    train_mlp,
)


@pytest.fixture(scope="module")
def split():
    return moons_split()


@pytest.fixture(scope="module")
def seed_runs(split):
    return train_mlp(split, l2=[0.0, 1e-3, 1e-1])


def test_shapes_and_metadata(seed_runs):
    assert seed_runs.train_acc.shape == (3, 4000) and seed_runs.weight_norm.shape == (3, 4000)
    assert seed_runs.n_models == 3 and seed_runs.epochs == 4000
    w = seed_runs.weights(1)
    assert w["W1"].shape == (2, 500) and w["W2"].shape == (500, 1) and w["b2"].shape == (1,)
    np.testing.assert_allclose(seed_runs.l2, [0.0, 1e-3, 1e-1], rtol=1e-6)


def test_reproduces_the_seed_story(seed_runs):
    """train 1.000 / test 0.914 without L2; test 0.943 with l2(0.001); 0.1 underfits."""
    final_train, final_test = seed_runs.train_acc[:, -1], seed_runs.test_acc[:, -1]
    assert final_train[0] == 1.0 and round(float(final_test[0]), 3) == 0.914
    assert round(float(final_test[1]), 3) == 0.943
    assert final_train[2] < 1.0 and final_test[2] < final_test[1]


def test_penalty_shrinks_weights(seed_runs):
    norms = seed_runs.weight_norm[:, -1]
    assert norms[0] > norms[1] > norms[2]


def test_final_metrics_agree_with_the_numpy_forward_pass(split, seed_runs):
    for model in range(3):
        p = seed_runs.predict_proba(split.X_test, model)
        assert np.mean((p > 0.5) == split.y_test) == pytest.approx(seed_runs.test_acc[model, -1])


def test_models_trained_together_equal_models_trained_alone(split):
    together = train_mlp(split, l2=[0.0, 1e-3], epochs=300)
    alone = train_mlp(split, l2=1e-3, epochs=300)
    np.testing.assert_allclose(alone.predict_proba(split.X_test),
                               together.predict_proba(split.X_test, 1), atol=1e-5)


def test_matches_keras_fit_step_for_step(split):
    """Same initial weights, loss and Adam update as Keras: equal to float rounding.

    Over thousands of steps rounding differences get amplified (a ReLU flips),
    so this compares 100 steps exactly; the 4000-step agreement is the seed
    story test above (0.914 and 0.943 are what Keras's own fit gives).
    """
    import keras

    ours = train_mlp(split, l2=1e-3, epochs=100)
    keras.utils.set_random_seed(1)
    model = build_seed_model(l2=1e-3)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    fit_keras_fast(model, split.X_train, split.y_train, epochs=100)
    theirs = model.predict(split.X_test, verbose=0)[:, 0]
    np.testing.assert_allclose(ours.predict_proba(split.X_test), theirs, atol=1e-5)
    np.testing.assert_allclose(ours.weights()["W1"], model.get_weights()[0], atol=1e-5)


def _numpy_engine_run(split, steps, **kw):
    params = {k: v.astype(float) for k, v in keras_initial_weights(500, 2, seed=1).items()}
    return nn.train(params, split.X_train, split.y_train, epochs=steps, learning_rate=1e-3,
                    X_test=split.X_test, y_test=split.y_test, record_every=1, **kw)


@pytest.mark.parametrize("l2", [0.0, 1e-3])
def test_numpy_engine_agrees_with_train_mlp_over_300_steps(split, l2):
    """The NumPy engine (float64) and the compiled TF loop (float32) agree.

    Same initial weights, Keras-style Adam, and the Keras penalty l2 * sum(W1**2)
    written in the course's convention lambd / (2m) * sum(W1**2) on W1 only, so
    lambd = 2 m l2. Measured after 300 steps: the train loss agrees to 3e-6 at
    every step, the number of correct test points is the same at every step,
    probabilities agree to 1e-4 and weights to 1.4e-3 (float32 rounding,
    amplified where Adam divides a tiny gradient by its tiny RMS). Tolerances:
    1e-5 on the loss, 5e-4 on probabilities, 5e-3 on weights.
    """
    steps, m, n_test = 300, len(split.y_train), len(split.y_test)
    compiled = train_mlp(split, l2=l2, epochs=steps)
    right = dict(optimizer="adam_keras", lambd=2 * m * l2, penalize=("W1",))
    ours = _numpy_engine_run(split, steps, **right)
    np.testing.assert_allclose(ours.train_loss, compiled.train_loss[0], atol=1e-5)
    np.testing.assert_array_equal(np.round(ours.test_acc * n_test),
                                  np.round(compiled.test_acc[0] * n_test))
    np.testing.assert_allclose(nn.predict_proba(ours.params, split.X_test),
                               compiled.predict_proba(split.X_test), atol=5e-4)
    for key, value in compiled.weights().items():
        np.testing.assert_allclose(ours.params[key], value, atol=5e-3, err_msg=key)
    # The loss tolerance is tight enough to catch the wrong Adam (epsilon on the
    # bias-corrected sqrt(v): 4e-5 off) and, with a penalty, lambd = m * l2.
    wrong = [dict(right, optimizer="adam")] + ([dict(right, lambd=m * l2)] if l2 else [])
    for kw in wrong:
        gap = np.abs(_numpy_engine_run(split, steps, **kw).train_loss - compiled.train_loss[0])
        assert gap.max() > 2e-5, kw


def test_initial_weights_are_keras_glorot(split):
    w = keras_initial_weights(hidden=50, seed=3)
    limit = np.sqrt(6 / (2 + 50))
    assert np.abs(w["W1"]).max() <= limit and np.all(w["b1"] == 0)
    np.testing.assert_array_equal(w["W1"], keras_initial_weights(hidden=50, seed=3)["W1"])
    assert predict_proba(w, split.X_test).shape == (70,)


def test_l1_gives_sparser_weights_than_l2(split):
    run = train_mlp(split, l2=[1e-3, 0.0], l1=[0.0, 1e-3], hidden=100, epochs=1000)
    small = [np.mean(np.abs(run.params["W1"][m]) < 1e-3) for m in range(2)]
    assert small[1] > small[0]


def test_bad_arguments(split):
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        train_mlp(split, l2=[-1.0])
    with pytest.raises(ValueError, match="l2 and l1 must have the same length"):
        train_mlp(split, l2=[0.0, 1.0], l1=[0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        train_mlp(split, epochs=0)
    bad = Split(split.X_train, split.y_train[:5], split.X_test, split.y_test)
    with pytest.raises(ValueError, match="same number of rows"):
        train_mlp(bad)
    for rate in (-0.01, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="learning_rate must be (>= 0|finite)"):
            train_mlp(split, epochs=5, learning_rate=rate)
    with pytest.raises(TypeError, match=r"split must be a utils.datasets.Split, got tuple"):
        train_mlp(tuple(split), epochs=5)
    wide = np.hstack([split.X_test, split.X_test[:, :1]])
    with pytest.raises(ValueError, match="split.X_test has 3 columns but split.X_train has 2"):
        train_mlp(split._replace(X_test=wide), epochs=5)
    with pytest.raises(ValueError, match=r"split.y_train must hold 0/1 labels.*\[2.0\]"):
        train_mlp(split._replace(y_train=2 * split.y_train), epochs=5)
    with pytest.raises(ValueError, match=r"split.y_test must hold 0/1 labels.*\[-1.0\]"):
        train_mlp(split._replace(y_test=2 * split.y_test - 1), epochs=5)
    with pytest.raises(ValueError, match="split.X_test contains NaN"):
        train_mlp(split._replace(X_test=split.X_test * np.nan), epochs=5)
    with pytest.raises(ValueError, match="split.X_test has no rows"):
        train_mlp(split._replace(X_test=split.X_test[:0], y_test=split.y_test[:0]), epochs=5)
    with pytest.raises(ValueError, match="compile the model"):
        fit_keras_fast(build_seed_model(), split.X_train, split.y_train, 5)
