"""The multi-class grid engine: every regularizer does what its docstring says, a model of
a grid is the model trained alone, and bad input is refused with a clear message."""
import numpy as np
import pytest

from utils import training as T
from utils.datasets import Split, load_mnist1d
from utils.training import (
    GridRun,
    Recipe,
    grid_initial_weights,
    train_grid,
)

tf = pytest.importorskip("tensorflow")

EPOCHS = 3


@pytest.fixture(scope="module")
def data():
    """A small MNIST-1D problem: 600 training, 200 validation and 200 test signals."""
    full = load_mnist1d()
    split = Split(full.X_train[:600], full.y_train[:600], full.X_test[:200], full.y_test[:200])
    return split, full.X_train[3800:], full.y_train[3800:]


def grid(data, recipes, seeds, **kwargs):
    split, X_val, y_val = data
    kwargs = {"epochs": EPOCHS, "progress": False, **kwargs}
    return train_grid(split, recipes, seeds, X_val=X_val, y_val=y_val, **kwargs)


ALL_ON = Recipe(l2=1e-3, l1=1e-5, dropout=0.2, input_noise=0.1, label_smoothing=0.1,
                shift=3, scale=0.2)


@pytest.fixture(scope="module")
def mixed(data):
    """Four recipes x two seeds, every regularizer compiled in."""
    return grid(data, [Recipe(), Recipe(dropout=0.3), ALL_ON, Recipe(l2=1e-3)], [3, 11])


# ----------------------------------------------------------------------------- Recipe
def test_recipe_defaults_are_off_and_labels_read_well():
    assert Recipe().label() == "none"
    assert Recipe(l2=1e-3, dropout=0.3).label() == "L2 1e-3 + dropout 0.3"
    assert Recipe(l1=2.5e-4).label() == "L1 2.5e-4"
    assert Recipe(shift=4, scale=0.2).label() == "shift 4 + scale 0.2"
    assert Recipe(input_noise=0.1, label_smoothing=0.05).label() == "noise 0.1 + smoothing 0.05"
    assert Recipe() == Recipe(l2=0.0) and hash(Recipe(l2=1e-3)) == hash(Recipe(l2=0.001))


@pytest.mark.parametrize("field, value, error", [
    ("l2", -1e-3, ValueError), ("l1", float("nan"), ValueError), ("dropout", 1.0, ValueError),
    ("dropout", -0.1, ValueError), ("input_noise", "0.1", TypeError),
    ("label_smoothing", 1.5, ValueError), ("shift", 2.5, TypeError), ("shift", -1, ValueError),
    ("scale", 1.0, ValueError), ("l2", float("inf"), ValueError),
])
def test_recipe_refuses_bad_values_naming_the_field(field, value, error):
    with pytest.raises(error, match=field):
        Recipe(**{field: value})


# ----------------------------------------------------------------------------- the grid
def test_models_are_recipe_major_and_curves_are_shaped(mixed):
    assert isinstance(mixed, GridRun) and mixed.n_models == 8 and mixed.epochs == EPOCHS
    assert mixed.recipes[:3] == [Recipe(), Recipe(), Recipe(dropout=0.3)]
    np.testing.assert_array_equal(mixed.seeds, [3, 11] * 4)
    for name in ("train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc",
                 "weight_norm"):
        values = getattr(mixed, name)
        assert values.shape == (8, EPOCHS) and np.all(np.isfinite(values)), name
    for name in ("train_acc", "val_acc", "test_acc"):
        assert np.all((getattr(mixed, name) >= 0) & (getattr(mixed, name) <= 1))
    assert mixed.arch == "mlp" and mixed.seconds > 0


def test_the_networks_learn(mixed):
    """After three epochs on 600 signals, unregularized models are far above chance (10 %)."""
    assert mixed.val_acc[:2, -1].min() > 0.25 and mixed.train_acc[:2, -1].min() > 0.25


def test_a_model_of_the_grid_is_the_model_trained_alone(data, mixed):
    alone = grid(data, [ALL_ON], [11])
    k = 5  # ALL_ON with seed 11
    for name in ("train_loss", "val_loss", "test_acc", "weight_norm"):
        np.testing.assert_allclose(getattr(alone, name)[0], getattr(mixed, name)[k],
                                   rtol=2e-5, atol=2e-5, err_msg=name)


def test_zero_strengths_change_nothing(data, mixed):
    """Recipe() in a grid that compiles dropout, noise and augmentation in (for the other
    models) trains exactly as in a grid without them: off really is off."""
    plain = grid(data, [Recipe()], [3, 11])
    np.testing.assert_allclose(plain.val_loss, mixed.val_loss[:2], rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(plain.weight_norm, mixed.weight_norm[:2], rtol=2e-5)


def test_regularizers_act_in_the_expected_direction(mixed):
    """L2 shrinks the kernels; every run with the same seed starts from the same weights
    (the first-epoch norms differ only by the regularization)."""
    none, l2 = mixed.weight_norm[0:2, -1], mixed.weight_norm[6:8, -1]
    assert np.all(l2 < none)


def test_same_seed_same_initial_weights_and_glorot_limits():
    for arch in ("mlp", "cnn"):
        first, again = grid_initial_weights(arch, 4), grid_initial_weights(arch, 4)
        other = grid_initial_weights(arch, 5)
        for a, b in zip(first, again):
            np.testing.assert_array_equal(a, b)
        assert not np.array_equal(first[0], other[0])
        kernels, biases = first[0::2], first[1::2]
        assert all(np.all(b == 0) for b in biases)
        for kernel, (shape, fan_in, fan_out) in zip(kernels, T._layer_shapes(arch, 40)):
            limit = np.sqrt(6 / (fan_in + fan_out))
            assert kernel.shape == shape and np.abs(kernel).max() <= limit
            assert np.abs(kernel).max() > 0.9 * limit
    shapes = [w.shape for w in grid_initial_weights("mlp", 0)]
    assert shapes == [(40, 100), (100,), (100, 100), (100,), (100, 10), (10,)]
    shapes = [w.shape for w in grid_initial_weights("cnn", 0)]
    assert shapes == [(5, 25), (25,), (75, 25), (25,), (75, 25), (25,), (125, 10), (10,)]


def test_the_test_set_is_only_recorded(data, mixed):
    """Shuffling the test labels changes the test curves and nothing else."""
    split, X_val, y_val = data
    rng = np.random.default_rng(0)
    shuffled = split._replace(y_test=rng.permutation(split.y_test))
    run = train_grid(shuffled, [Recipe()], [3], X_val=X_val, y_val=y_val, epochs=EPOCHS,
                     progress=False)
    np.testing.assert_allclose(run.val_loss[0], mixed.val_loss[0], rtol=2e-5)
    np.testing.assert_allclose(run.train_acc[0], mixed.train_acc[0], rtol=2e-5)
    assert not np.allclose(run.test_acc[0], mixed.test_acc[0])


def test_metrics_are_the_inference_mode_cross_entropy_and_accuracy(data):
    """Recompute the recorded curves of a 1-epoch model from its final weights: rebuild the
    training in NumPy-free TF ops is not needed, the evaluation is checked on weights given."""
    split, X_val, y_val = data
    weights = grid_initial_weights("mlp", 2)
    params = tuple(tf.constant(w[None]) for w in weights)
    X_eval, y_eval, member = T._eval_set(
        [(split.X_train, split.y_train.astype(np.int32)), (X_val, y_val.astype(np.int32)),
         (split.X_test, split.y_test.astype(np.int32))], n_models=1, width=2000000)
    got = T._evaluate("mlp", params, tf.constant(X_eval), tf.constant(y_eval),
                      tf.constant(member)).numpy()[0]
    assert X_eval.shape[0] > 1  # several chunks, padded

    def numpy_metrics(X, y):
        h = np.maximum(X @ weights[0] + weights[1], 0)
        h = np.maximum(h @ weights[2] + weights[3], 0)
        logits = h @ weights[4] + weights[5]
        logp = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1,
                                                                               keepdims=True)) \
            - logits.max(1, keepdims=True)
        return -logp[np.arange(len(y)), y].mean(), (logits.argmax(1) == y).mean()

    expected = [*numpy_metrics(split.X_train, split.y_train), *numpy_metrics(X_val, y_val),
                *numpy_metrics(split.X_test, split.y_test)]
    np.testing.assert_allclose(got[:6], expected, rtol=1e-4)
    norm = np.sqrt(sum((w ** 2).sum() for w in weights[0::2]))
    np.testing.assert_allclose(got[6], norm, rtol=1e-5)


# ----------------------------------------------------------------------------- regularizers
def hyper_for(recipes, seeds):
    return T._hyper_tensors(list(recipes), np.asarray(seeds))


def batch(data, n=64):
    split = data[0]
    X = tf.constant(np.stack([split.X_train[:n]] * 2))
    y = tf.constant(np.stack([split.y_train[:n].astype(np.int32)] * 2))
    return X, y


def objective(params, X, y, hyper, static=("mlp", 64, False, False, False)):
    with tf.GradientTape() as tape:
        tape.watch(params)
        loss = T._grid_loss(static[0], static, params, X, y, hyper, tf.constant(0))
        total = tf.reduce_sum(loss)
    return loss.numpy(), [g.numpy() for g in tape.gradient(total, params)]


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_l2_and_l1_add_their_penalty_on_kernels_only(data, arch):
    weights = grid_initial_weights(arch, 0)
    params = tuple(tf.constant(np.stack([w, w])) for w in weights)
    X, y = batch(data)
    static = (arch, 64, False, False, False)
    plain, plain_grads = objective(params, X, y, hyper_for([Recipe()] * 2, [0, 0]), static)
    l2, l1 = 1e-2, 1e-3
    loss, grads = objective(params, X, y, hyper_for([Recipe(l2=l2), Recipe(l1=l1)], [0, 0]),
                            static)
    kernels = weights[0::2]
    np.testing.assert_allclose(loss - plain, [l2 * sum((k ** 2).sum() for k in kernels),
                                              l1 * sum(np.abs(k).sum() for k in kernels)],
                               rtol=1e-4)
    for i, w in enumerate(weights):
        extra_l2, extra_l1 = grads[i][0] - plain_grads[i][0], grads[i][1] - plain_grads[i][1]
        if i % 2 == 0:   # a kernel: 2 l2 W and l1 sign(W)
            np.testing.assert_allclose(extra_l2, 2 * l2 * w, atol=1e-6)
            np.testing.assert_allclose(extra_l1, l1 * np.sign(w), atol=1e-6)
        else:            # a bias: no penalty
            np.testing.assert_allclose(extra_l2, 0, atol=1e-7)
            np.testing.assert_allclose(extra_l1, 0, atol=1e-7)


def test_label_smoothing_is_keras_categorical_crossentropy(data):
    import keras

    weights = grid_initial_weights("mlp", 1)
    params = tuple(tf.constant(np.stack([w, w])) for w in weights)
    X, y = batch(data)
    loss, _ = objective(params, X, y, hyper_for([Recipe(label_smoothing=0.2), Recipe()], [1, 1]))
    logits = T._forward("mlp", params, X).numpy()[0]
    onehot = np.eye(10)[y.numpy()[0]]
    for k, smoothing in enumerate((0.2, 0.0)):
        expected = keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=smoothing)(onehot, logits)
        np.testing.assert_allclose(loss[k], float(expected), rtol=1e-5)


def test_dropout_keeps_the_expected_fraction_and_rescales():
    h = tf.ones([3, 400, 100])
    rates = tf.constant([0.0, 0.3, 0.6])
    keys = tf.constant(T._seed_keys(np.array([0, 1, 2])))
    out = T._dropout(h, rates, keys, tf.constant(5), 0).numpy()
    for k, rate in enumerate((0.0, 0.3, 0.6)):
        kept = out[k] > 0
        assert abs(kept.mean() - (1 - rate)) < 0.01
        np.testing.assert_allclose(out[k][kept], 1 / (1 - rate), rtol=1e-6)
    again = T._dropout(h, rates, keys, tf.constant(5), 0).numpy()
    other_step = T._dropout(h, rates, keys, tf.constant(6), 0).numpy()
    np.testing.assert_array_equal(out, again)
    assert not np.array_equal(out[1] > 0, other_step[1] > 0)


def test_input_noise_has_the_recipe_sd_and_augmentation_shifts_and_scales(data):
    X = tf.constant(np.stack([data[0].X_train[:500]] * 4))
    recipes = [Recipe(), Recipe(input_noise=0.5), Recipe(shift=4), Recipe(scale=0.3)]
    hyper = hyper_for(recipes, [0, 1, 2, 3])
    noisy = T._training_inputs(X, hyper, tf.constant(7), use_noise=True,
                               use_augment=False).numpy()
    np.testing.assert_array_equal(noisy[0], X[0])
    noise = noisy[1] - X.numpy()[1]
    assert abs(noise.std() - 0.5) < 0.01 and abs(noise.mean()) < 0.01
    moved = T._training_inputs(X, hyper, tf.constant(7), use_noise=False,
                               use_augment=True).numpy()
    assert moved.shape == X.shape
    np.testing.assert_array_equal(moved[0], X[0])
    original = X.numpy()[0]
    shifts = []
    for row, signal in zip(moved[2], original):   # a zero-filled shift by -4..4
        matches = [s for s in range(-4, 5) if np.array_equal(row, np.roll(signal, s)
                                                             * _kept(s, len(signal)))]
        assert matches, "each augmented signal is a zero-filled shift of its original"
        shifts.append(matches[0])
    assert set(shifts) == set(range(-4, 5))
    factors = moved[3][:, 20] / original[:, 20]
    np.testing.assert_allclose(moved[3], original * factors[:, None], rtol=1e-5, atol=1e-6)
    assert factors.min() >= 0.7 and factors.max() <= 1.3
    assert factors.min() < 0.75 and factors.max() > 1.25


def _kept(shift, length):
    mask = np.ones(length)
    if shift > 0:
        mask[:shift] = 0
    elif shift < 0:
        mask[shift:] = 0
    return mask


def test_random_streams_are_uniform_and_keyed_by_seed():
    keys = tf.constant(T._seed_keys(np.array([0, 1, 0])))
    u = T._uniform(keys, tf.constant(3), 2, tf.constant([20000])).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u[0].mean() - 0.5) < 0.01
    assert abs(u[0].std() - np.sqrt(1 / 12)) < 0.005
    np.testing.assert_array_equal(u[0], u[2])            # same seed, same numbers
    assert abs(np.corrcoef(u[0], u[1])[0, 1]) < 0.03     # other seed, unrelated numbers
    z = T._normal(keys, tf.constant(3), 4, tf.constant([20000])).numpy()[0]
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03


def test_conv_layer_is_a_stride_2_convolution():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 19, 4)).astype(np.float32)
    kernel = rng.normal(size=(2, 3 * 4, 6)).astype(np.float32)
    bias = rng.normal(size=(2, 6)).astype(np.float32)
    got = T._conv_stride2(tf.constant(x), tf.constant(kernel), tf.constant(bias), 3, 1).numpy()
    for m in range(2):
        padded = np.pad(x[m], [(0, 0), (1, 1), (0, 0)])
        expected = tf.nn.conv1d(padded, kernel[m].reshape(3, 4, 6), stride=2,
                                padding="VALID").numpy() + bias[m]
        np.testing.assert_allclose(got[m], expected, rtol=1e-5, atol=1e-5)
    assert T._cnn_lengths(40) == [40, 19, 10, 5]


def test_cnn_grid_trains(data):
    run = grid(data, [Recipe(), Recipe(dropout=0.2, shift=2)], [0], arch="cnn")
    assert run.arch == "cnn" and run.val_acc.shape == (2, EPOCHS)
    assert run.val_acc[0, -1] > 0.15  # above chance (10 %) after three epochs on 600 signals


# ----------------------------------------------------------------------------- GridRun tools
def test_early_stopped_is_keras_early_stopping(mixed):
    from utils.early_stopping import keras_early_stopping

    best, test_acc = mixed.early_stopped(patience=1)
    for k in range(mixed.n_models):
        assert best[k] == keras_early_stopping(mixed.val_loss[k], 1)[0]
        assert test_acc[k] == mixed.test_acc[k, best[k]]


def test_select_keeps_the_chosen_models(mixed):
    mask = np.array([r.dropout > 0 for r in mixed.recipes])
    chosen = mixed.select(mask)
    assert chosen.n_models == 4 and all(r.dropout > 0 for r in chosen.recipes)
    np.testing.assert_array_equal(chosen.val_acc, mixed.val_acc[mask])
    np.testing.assert_array_equal(chosen.seeds, mixed.seeds[mask])
    with pytest.raises(ValueError, match="mask"):
        mixed.select([True, False])
    with pytest.raises(ValueError, match="mask"):
        mixed.select(np.ones(mixed.n_models))


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("change, error, name", [
    (lambda a: {**a, "recipes": []}, ValueError, "recipes"),
    (lambda a: {**a, "recipes": Recipe()}, TypeError, "recipes"),
    (lambda a: {**a, "recipes": [{"l2": 1e-3}]}, TypeError, "recipes"),
    (lambda a: {**a, "seeds": []}, ValueError, "seeds"),
    (lambda a: {**a, "seeds": 3}, TypeError, "seeds"),
    (lambda a: {**a, "seeds": [-1]}, ValueError, "seeds"),
    (lambda a: {**a, "seeds": [1.5]}, TypeError, "seeds"),
    (lambda a: {**a, "epochs": 0}, ValueError, "epochs"),
    (lambda a: {**a, "batch_size": 0}, ValueError, "batch_size"),
    (lambda a: {**a, "learning_rate": 0.0}, ValueError, "learning_rate"),
    (lambda a: {**a, "arch": "rnn"}, ValueError, "arch"),
    (lambda a: {**a, "y_val": a["y_val"] + 10}, ValueError, "y_val"),
    (lambda a: {**a, "y_val": a["y_val"][:-1]}, ValueError, "y_val"),
    (lambda a: {**a, "X_val": a["X_val"][:, :30]}, ValueError, "X_val"),
    (lambda a: {**a, "X_val": np.full_like(a["X_val"], np.nan)}, ValueError, "X_val"),
    (lambda a: {**a, "split": a["split"]._replace(y_train=a["split"].y_train - 1)},
     ValueError, "split.y_train"),
    (lambda a: {**a, "split": a["split"]._replace(y_test=a["split"].y_test + 0.5)},
     ValueError, "split.y_test"),
    (lambda a: {**a, "split": tuple(a["split"])}, TypeError, "split"),
    (lambda a: {**a, "recipes": [Recipe(shift=40)]}, ValueError, "shift"),
])
def test_bad_input_is_refused_naming_the_argument(data, change, error, name):
    split, X_val, y_val = data
    args = {"split": split, "recipes": [Recipe()], "seeds": [0], "X_val": X_val,
            "y_val": y_val, "epochs": 1, "batch_size": 10, "learning_rate": 1e-2,
            "arch": "mlp"}
    args = change(args)
    with pytest.raises(error, match=name):
        train_grid(args.pop("split"), args.pop("recipes"), args.pop("seeds"), progress=False,
                   **args)


# ----------------------------------------------------------------------------- progress
def test_progress_bar_is_silent_outside_a_kernel():
    from utils.progress import ProgressBar, in_kernel

    assert not in_kernel()
    with ProgressBar(5, "test", min_seconds=0) as bar:
        for i in range(5):
            bar.update(i + 1, f"{i + 1}/5")
        assert bar._box is None
    bar.close()  # twice is fine
    forced = ProgressBar(3, "forced")
    forced.show("compiling")
    assert forced._box is None  # nothing to show outside a kernel
    with pytest.raises(ValueError, match="done"):
        ProgressBar(3).update(-1)


def test_defaults_are_per_architecture(data):
    assert T.GRID_EPOCHS == {"mlp": 40, "cnn": 60} and T.GRID_BATCH_SIZE == 50
    assert T.GRID_LEARNING_RATE == {"mlp": 5e-3, "cnn": 1e-2}
    split, X_val, y_val = data
    tiny = Split(split.X_train[:100], split.y_train[:100], split.X_test[:20], split.y_test[:20])
    run = train_grid(tiny, [Recipe()], [0], X_val=X_val[:20], y_val=y_val[:20], progress=False)
    assert run.epochs == 40 and run.val_acc.shape == (1, 40)


def test_splitting_the_models_over_cores_changes_nothing(data, monkeypatch):
    """Models are trained in equal parts, one thread per core, the last part padded with a
    copy of its last model: any number of parts gives the same curves."""
    recipes = [Recipe(), Recipe(dropout=0.2, shift=2), Recipe(l2=1e-3, input_noise=0.1)]
    runs = []
    for cores in (1, 2, 4):
        monkeypatch.setattr(T, "_available_cores", lambda cores=cores: cores)
        runs.append(grid(data, recipes, [5], epochs=2))
    for run in runs[1:]:
        assert run.n_models == 3 and run.recipes == runs[0].recipes
        for name in ("val_loss", "train_acc", "weight_norm"):
            np.testing.assert_allclose(getattr(run, name), getattr(runs[0], name),
                                       rtol=2e-5, atol=2e-5, err_msg=name)


def test_full_batch_training_is_keras_adam_on_the_same_network(data):
    """With one batch per epoch (batch_size = the whole set, so the shuffle does not matter)
    the grid's MLP trains exactly as the Keras model Dense(100, relu) -> Dense(100, relu) ->
    Dense(10) with Adam and L2 on every kernel, from the same initial weights."""
    import keras

    split, X_val, y_val = data
    small = Split(split.X_train[:200], split.y_train[:200], split.X_test[:50], split.y_test[:50])
    l2, rate = 1e-3, 5e-3
    run = train_grid(small, [Recipe(l2=l2)], [9], X_val=X_val[:50], y_val=y_val[:50],
                     epochs=3, batch_size=200, learning_rate=rate, progress=False)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((40,))] + [
        keras.layers.Dense(units, activation=act, kernel_regularizer=keras.regularizers.L2(l2))
        for units, act in ((100, "relu"), (100, "relu"), (10, None))])
    model.set_weights(grid_initial_weights("mlp", 9))
    model.compile(optimizer=keras.optimizers.Adam(rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    X, y = small.X_train, small.y_train
    data_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for epoch in range(3):
        model.train_on_batch(X, y)
        expected = float(data_loss(y, model.predict_on_batch(X)))
        np.testing.assert_allclose(run.train_loss[0, epoch], expected, rtol=2e-4)
    norm = np.sqrt(sum((w ** 2).sum() for w in model.get_weights()[0::2]))
    np.testing.assert_allclose(run.weight_norm[0, -1], norm, rtol=1e-4)


# ----------------------------------------------------------------------------- cache
def test_a_cached_grid_is_the_trained_one_and_any_change_retrains(data, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("COURSE_CACHE", raising=False)
    recipes, seeds = [Recipe(), Recipe(l2=1e-3)], [3, 11]
    trained = grid(data, recipes, seeds, cache=True)
    files = sorted(tmp_path.glob("grid-*.npz"))
    assert len(files) == 1
    loaded = grid(data, recipes, seeds, cache=True)
    assert loaded.recipes == trained.recipes and loaded.epochs == trained.epochs
    assert loaded.seconds == trained.seconds and loaded.arch == trained.arch
    assert loaded.from_cache and not trained.from_cache
    for name in ("seeds", "train_loss", "val_acc", "test_acc", "weight_norm"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(trained, name))
    grid(data, recipes, [3], cache=True)                      # other seeds
    grid(data, [Recipe(l2=2e-3)], seeds, cache=True)         # another recipe
    split, X_val, y_val = data
    grid((split, X_val[1:], y_val[1:]), recipes, seeds, cache=True)   # other data
    assert len(list(tmp_path.glob("grid-*.npz"))) == 4


def test_a_damaged_cache_file_is_trained_again_and_caching_can_be_turned_off(
        data, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    trained = grid(data, [Recipe()], [5], cache=True)
    (cached,) = tmp_path.glob("grid-*.npz")
    cached.write_bytes(b"not a numpy file")
    again = grid(data, [Recipe()], [5], cache=True)
    np.testing.assert_array_equal(again.val_acc, trained.val_acc)
    assert np.load(cached)["val_acc"].shape == trained.val_acc.shape   # rewritten
    monkeypatch.setenv("COURSE_CACHE", "off")
    off = tmp_path / "off"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(off))
    grid(data, [Recipe()], [5], cache=True)
    assert not off.exists()
    with pytest.raises(TypeError, match="cache must be True or False"):
        grid(data, [Recipe()], [5], cache="yes")


def test_without_cache_nothing_is_written(data, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    grid(data, [Recipe()], [5])
    assert not list(tmp_path.iterdir())
