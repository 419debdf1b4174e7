"""The evidence behind docs/errata.md: each test demonstrates one entry.

Each entry of the errata names what a source article or a popular reference says,
the correct statement, and the test here that shows it on the pinned stack.
"""
import numpy as np
import pytest

keras = pytest.importorskip("keras")


def test_dropout_is_not_scaled_at_test_time():
    """Inverted dropout scales by 1/keep_prob while training; at test time it does nothing.

    Article 004 ("divide the outputs by p at test time"), TensorFlow's "Overfit and
    underfit" tutorial and *Deep Learning with Python* ("scaled down by a factor equal
    to the dropout rate") describe a test-time scaling that Keras does not do.
    """
    x = np.random.default_rng(0).uniform(0.5, 1.5, (2000, 50)).astype("float32")
    layer = keras.layers.Dropout(0.2, seed=1)
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    trained = np.asarray(layer(x, training=True))
    kept = trained != 0
    np.testing.assert_allclose(trained[kept], x[kept] / 0.8, rtol=1e-6)  # 1/keep_prob
    assert abs(trained.mean() - x.mean()) < 0.01  # the mean is kept, no test-time fix needed


def test_l2_under_adam_is_not_weight_decay():
    """With Adam, an L2 penalty's gradient is normalised away; AdamW's decay is not."""
    import tensorflow as tf

    start = np.array([1.0, 100.0], dtype="float32")
    l2_var, decay_var = tf.Variable(start), tf.Variable(start)
    adam = keras.optimizers.Adam(learning_rate=0.01)
    adamw = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1)
    for _ in range(10):
        adam.apply_gradients([(2 * 0.1 * l2_var, l2_var)])          # gradient of 0.1 * w**2
        adamw.apply_gradients([(tf.zeros_like(decay_var), decay_var)])  # no data gradient
    l2_step = start - l2_var.numpy()
    decay_step = start - decay_var.numpy()
    np.testing.assert_allclose(l2_step, [0.1, 0.1], rtol=1e-2)  # the same step for 1 and 100
    np.testing.assert_allclose(decay_step / start, decay_step[0] / start[0], rtol=1e-4)
    assert decay_step[1] > 50 * decay_step[0]  # AdamW shrinks in proportion to the weight


@pytest.mark.parametrize("make_layer", [
    lambda: keras.layers.RandomFlip("horizontal", seed=3),
    lambda: keras.layers.RandomTranslation(0.3, 0.3, seed=3),
], ids=["RandomFlip", "RandomTranslation"])
def test_keras_augmentation_layers_are_on_unless_told_otherwise(make_layer):
    """Keras 3 image preprocessing layers default to training=True in a plain call."""
    images = np.arange(2 * 8 * 8, dtype="float32").reshape(2, 8, 8, 1)
    layer = make_layer()
    changed = [not np.array_equal(np.asarray(layer(images)), images) for _ in range(8)]
    assert any(changed), "a plain call should augment"
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
    model = keras.Sequential([keras.Input((8, 8, 1)), make_layer()])
    np.testing.assert_array_equal(model.predict(images, verbose=0), images)


@pytest.mark.parametrize("make_layer", [lambda: keras.layers.Dropout(0.5, seed=1),
                                        lambda: keras.layers.GaussianNoise(0.5, seed=1)],
                         ids=["Dropout", "GaussianNoise"])
def test_dropout_and_noise_are_off_unless_told_otherwise(make_layer):
    x = np.ones((4, 8), dtype="float32")
    np.testing.assert_array_equal(np.asarray(make_layer()(x)), x)


def test_a_regularizer_is_not_an_initializer():
    """Article 002 says to set 'kernel_initializer' to the L2 function; it is kernel_regularizer."""
    with pytest.raises(TypeError):
        keras.layers.Dense(3, kernel_initializer=keras.regularizers.l2(0.001)).build((None, 2))
    layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.001))
    layer.build((None, 2))
    assert len(layer.losses) == 1


def test_l2_takes_no_l_keyword_in_keras_3():
    """Article 000's `tf.keras.regularizers.l2(l=0.01)` fails; the argument is `l2`."""
    with pytest.raises(TypeError, match="unexpected keyword argument 'l'"):
        keras.regularizers.l2(l=0.01)
    assert float(keras.regularizers.l2(l2=0.01).l2) == pytest.approx(0.01)


def test_history_has_accuracy_not_acc():
    """Article 000 plots history.history["acc"]; Keras 3 records "accuracy"."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(np.zeros((4, 2)), np.zeros(4), validation_data=(np.zeros((2, 2)),
                        np.zeros(2)), epochs=1, verbose=0)
    assert "acc" not in history.history and "val_acc" not in history.history
    assert {"accuracy", "val_accuracy"} <= set(history.history)


def test_a_dense_layer_added_after_the_softmax_output_breaks_the_model():
    """Article 001 appends `Dense(64, relu, kernel_regularizer=l2(0.01))` after the
    Dense(10, softmax) output: the model then outputs 64 non-negative numbers, not 10
    probabilities. The regularizer belongs on the existing hidden Dense(64)."""
    layers = keras.layers
    model = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 3, activation="relu"),
                              layers.Flatten(), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.add(layers.Dense(64, activation="relu",
                           kernel_regularizer=keras.regularizers.l2(0.01)))  # as article 001
    out = np.asarray(model(np.ones((2, 32, 32, 3), dtype="float32")))
    assert out.shape == (2, 64)
    assert not np.allclose(out.sum(axis=1), 1.0)
    fixed = keras.Sequential([keras.Input((32, 32, 3)), layers.Conv2D(8, 3, activation="relu"),
                              layers.Flatten(),
                              layers.Dense(64, activation="relu",
                                           kernel_regularizer=keras.regularizers.l2(0.01)),
                              layers.Dense(10, activation="softmax")])
    probabilities = np.asarray(fixed(np.ones((2, 32, 32, 3), dtype="float32")))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_choosing_on_the_test_set_inflates_the_reported_score():
    """Articles 000 and 001 pick λ (and watch curves) on the test set. Picking the best of
    K candidates by their test score reports the maximum of K noisy numbers: here 100
    classifiers that are all coin flips (true accuracy 0.5) on a 70-point test set."""
    rng = np.random.default_rng(0)
    reported, fresh = [], []
    for _ in range(200):
        test_scores = rng.binomial(70, 0.5, size=100) / 70  # every candidate is a coin flip
        reported.append(test_scores.max())
        fresh.append(rng.binomial(70, 0.5) / 70)           # the chosen one on new data
    assert np.mean(reported) > 0.6 and abs(np.mean(fresh) - 0.5) < 0.02


def test_tf_image_rot90_turns_counter_clockwise():
    """Article 004 captions its rotations "clockwise"; tf.image.rot90 (like np.rot90)
    turns counter-clockwise: the top-right corner goes to the top-left."""
    import tensorflow as tf

    image = np.array([[1, 2], [3, 4]])[..., None]
    turned = tf.image.rot90(image)[..., 0].numpy()
    np.testing.assert_array_equal(turned, [[2, 4], [1, 3]])
    np.testing.assert_array_equal(turned, np.rot90(image[..., 0]))
    np.testing.assert_array_equal(tf.image.rot90(image, k=3)[..., 0].numpy(), [[3, 1], [4, 2]])


def test_article_000_says_400_epochs_and_runs_4000():
    """The article's text says the model iterates 400 times; its code runs epochs=4000
    (the course follows the code)."""
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    article = next(iter(sorted(seeds.glob("000_*.txt"))), None)
    if article is None:
        pytest.skip("the source articles are not beside this checkout")
    text = article.read_text(encoding="utf-8")
    assert "迭代数据集400次" in text and "epochs=4000" in text
