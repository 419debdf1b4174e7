"""Chapter 5: the flip, crop, MixUp and pipeline checks accept every valid answer (other random draws
included) and name each wrong one without leaking the answer; the references agree
with tf.image; the data, augmenter, drawing, training loop and explorer work and
reject bad input with a message naming the argument."""
import importlib.util
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import augmentation  # noqa: E402
from utils.augmentation import (  # noqa: E402
    CROP,
    FLIP,
    MIXUP,
    PIPELINE,
    augment_batch,
    check_make_datasets,
    check_mixup,
    check_random_crop_with_padding,
    check_random_horizontal_flip,
    digits_split,
    explorer_source,
    image_grid,
    make_augmentation_explorer,
    make_cars,
    plot_augmentation_grid,
    plot_images,
    reference_make_datasets,
    reference_mixup,
    reference_random_crop_with_padding,
    reference_random_horizontal_flip,
    sample_image,
    train_image_classifiers,
)
from utils.checks import run_check_quietly  # noqa: E402

ANSWERS = Path(__file__).parent / "learner_answers" / "05_data_augmentation.py"
SIGNATURES = {"random_horizontal_flip": "images, rng, p=0.5",
              "random_crop_with_padding": "images, pad, rng",
              "mixup": "X, Y, alpha, rng",
              "make_datasets": "X_train, y_train, X_test, y_test, augment, batch_size, seed"}
CHECKS = {"random_horizontal_flip": check_random_horizontal_flip,
          "random_crop_with_padding": check_random_crop_with_padding,
          "mixup": check_mixup, "make_datasets": check_make_datasets}


def _alternatives():
    spec = importlib.util.spec_from_file_location("answers_05", ANSWERS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(name, i, body) for name, bodies in module.ALTERNATIVES.items()
            for i, body in enumerate(bodies)]


def _define(name, body):
    namespace = {"np": np}
    exec(f"def {name}({SIGNATURES[name]}):\n" + textwrap.indent(body, "    "), namespace)
    return namespace[name]


# ---------------------------------------------------------------- the checks
def test_there_are_at_least_three_alternative_answers_per_exercise():
    names = [name for name, _, _ in _alternatives()]
    assert {n: names.count(n) for n in CHECKS} == {n: max(3, names.count(n)) for n in CHECKS}


@pytest.mark.parametrize(("name", "index", "body"), _alternatives(),
                         ids=lambda v: v if isinstance(v, (str, int)) and len(str(v)) < 30 else "")
def test_every_alternative_correct_answer_passes(name, index, body):
    assert run_check_quietly(CHECKS[name], _define(name, body)) is None


def test_valid_draws_other_than_the_suggested_one_pass():
    """The review's cases: Bernoulli flags, crop rows and columns drawn one after the other."""
    def random_horizontal_flip(images, rng, p=0.5):
        flags = rng.binomial(1, p, len(images)).astype(bool)
        return np.where(flags.reshape((-1,) + (1,) * (images.ndim - 1)),
                        images[:, :, ::-1], images), flags

    def random_crop_with_padding(images, pad, rng):
        rows = rng.integers(0, 2 * pad + 1, len(images))
        cols = rng.integers(0, 2 * pad + 1, len(images))
        offsets = np.stack([rows, cols], axis=1)
        return augmentation._crop_at(images, pad, offsets), offsets

    assert run_check_quietly(check_random_horizontal_flip, random_horizontal_flip) is None
    assert run_check_quietly(check_random_crop_with_padding, random_crop_with_padding) is None


def test_a_keras_flip_that_ignores_rng_is_told_exactly_that():
    import keras

    def random_horizontal_flip(images, rng, p=0.5):
        layer = keras.layers.RandomFlip("horizontal")
        flipped = np.asarray(layer(images.astype("float32"))).astype(images.dtype)
        flags = np.array([not np.array_equal(a, b) for a, b in zip(flipped, images)])
        return flipped, flags

    key, message = run_check_quietly(check_random_horizontal_flip, random_horizontal_flip)
    assert key == "global_rng" and "rng argument" in message


def test_float_offsets_and_a_gray_crash_are_named_not_raised_inside_utils():
    key, message = run_check_quietly(check_random_crop_with_padding, CROP["offsets_not_int"].answer)
    assert key == "offsets_not_int" and "float64" in message
    key, message = run_check_quietly(check_random_horizontal_flip, FLIP["gray_raised"].answer)
    assert key == "gray_raised" and "IndexError" in message and "\n" not in message


@pytest.mark.parametrize("catalogue", [FLIP, CROP, MIXUP, PIPELINE],
                         ids=["flip", "crop", "mixup", "pipeline"])
def test_no_message_gives_the_answer_away_and_each_is_one_line(catalogue):
    for mistake in catalogue:
        assert "::-1" not in mistake.message and "np.where" not in mistake.message
        assert "\n" not in mistake.message and mistake.message.endswith((".", "}"))


def test_the_crop_check_names_a_crop_that_changes_the_dtype():
    def random_crop_with_padding(images, pad, rng):
        cropped, offsets = reference_random_crop_with_padding(images, pad, rng)
        return cropped.astype(np.float64), offsets

    assert run_check_quietly(check_random_crop_with_padding,
                             random_crop_with_padding)[0] == "dtype_changed"


def test_the_references_agree_with_tf_image():
    import tensorflow as tf

    images = np.random.default_rng(0).integers(0, 256, (20, 6, 5, 3)).astype(np.uint8)
    flipped, flags = reference_random_horizontal_flip(images, np.random.default_rng(1))
    assert 0 < flags.sum() < 20
    assert np.array_equal(flipped[flags], tf.image.flip_left_right(images[flags]).numpy())
    assert np.array_equal(flipped[~flags], images[~flags])
    cropped, offsets = reference_random_crop_with_padding(images, 2, np.random.default_rng(2))
    padded = tf.pad(images, [[0, 0], [2, 2], [2, 2], [0, 0]])
    for i, (r, c) in enumerate(offsets):
        window = tf.image.crop_to_bounding_box(padded[i], int(r), int(c), 6, 5)
        assert np.array_equal(cropped[i], window.numpy())
    assert cropped.dtype == np.uint8 and len(np.unique(offsets, axis=0)) > 1


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: reference_random_horizontal_flip(np.zeros((2, 3, 3)), np.random.default_rng(), p=1.5),
     ValueError, r"p must be in \[0, 1\]"),
    (lambda: reference_random_horizontal_flip(np.zeros((3, 3)), np.random.default_rng()),
     ValueError, r"images must be \(n, H, W\)"),
    (lambda: reference_random_horizontal_flip(np.zeros((2, 3, 3)), 0), TypeError, "rng must be"),
    (lambda: reference_random_crop_with_padding(np.zeros((2, 3, 3)), -1, np.random.default_rng()),
     ValueError, "pad must be >= 0"),
    (lambda: reference_random_crop_with_padding(np.zeros((2, 3, 3)), 1.5, np.random.default_rng()),
     TypeError, "pad must be a non-negative integer"),
    (lambda: reference_random_crop_with_padding(np.full((2, 3, 3), "a"), 1, np.random.default_rng()),
     TypeError, "images must be an array of numbers"),
])
def test_the_references_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_the_mixup_reference_mixes_images_and_labels_with_one_weight():
    """Independent of the reference's code: each mixed label row names two classes and a
    weight, and the mixed image is that blend of the two images; λ follows Beta(α, α)."""
    from scipy import stats

    n = 500
    X = np.random.default_rng(0).random((n, 4, 3, 2))
    X_mixed, Y_mixed = reference_mixup(X, np.eye(n), 0.3, np.random.default_rng(1))
    assert X_mixed.shape == X.shape and Y_mixed.shape == (n, n)
    assert np.allclose(Y_mixed.sum(axis=1), 1) and np.all((Y_mixed > 1e-12).sum(axis=1) <= 2)
    lam = np.diag(Y_mixed).copy()
    others = Y_mixed - np.diag(lam)
    partner = np.where(others.max(axis=1) > 0, others.argmax(axis=1), np.arange(n))
    for i in range(n):
        assert np.allclose(X_mixed[i], lam[i] * X[i] + (1 - lam[i]) * X[partner[i]])
    assert sorted(partner) == list(range(n))              # a permutation: every example used once
    assert stats.kstest(lam, stats.beta(0.3, 0.3).cdf).pvalue > 0.01


def test_the_pipeline_reference_shuffles_and_augments_the_training_set_only():
    import tensorflow as tf

    X = np.arange(20, dtype=np.float32).reshape(20, 1, 1, 1)
    y = np.arange(20)
    calls = tf.Variable(0)

    def augment(images):                       # counts the calls, adds 100
        calls.assign_add(1)
        return images + 100

    train_ds, test_ds = reference_make_datasets(X, y, X[:6], y[:6], augment, 8, 0)
    epochs = [[(xb.numpy(), yb.numpy()) for xb, yb in train_ds] for _ in range(2)]
    for batches in epochs:
        assert [len(yb) for _, yb in batches] == [8, 8, 4]
        images = np.concatenate([xb for xb, _ in batches]).ravel()
        labels = np.concatenate([yb for _, yb in batches])
        assert np.array_equal(images, labels + 100) and sorted(labels) == list(range(20))
    assert not np.array_equal(epochs[0][0][1], epochs[1][0][1])     # a new order every epoch
    assert int(calls.numpy()) == 6                                  # 3 batches × 2 epochs
    test = [(xb.numpy().ravel(), yb.numpy()) for xb, yb in test_ds]
    assert np.array_equal(np.concatenate([x for x, _ in test]), np.arange(6))
    assert np.array_equal(np.concatenate([t for _, t in test]), np.arange(6))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: reference_mixup(np.zeros((3, 2)), np.eye(3), 0, np.random.default_rng()),
     ValueError, "alpha must be > 0"),
    (lambda: reference_mixup(np.zeros((3, 2)), np.eye(4), 0.2, np.random.default_rng()),
     ValueError, "X and Y"),
    (lambda: reference_mixup(np.zeros((3, 2)), np.zeros(3), 0.2, np.random.default_rng()),
     ValueError, r"Y must be \(n, K\)"),
    (lambda: reference_mixup(np.zeros(3), np.eye(3), 0.2, np.random.default_rng()),
     ValueError, "X must be a non-empty"),
    (lambda: reference_mixup(np.zeros((3, 2)), np.eye(3), 0.2, 1), TypeError, "rng must be"),
    (lambda: reference_make_datasets(np.zeros((4, 2, 2, 1)), np.zeros(3), np.zeros((2, 2, 2, 1)),
                                     np.zeros(2), tf_identity, 2, 0), ValueError, "X_train and y_train"),
    (lambda: reference_make_datasets(np.zeros((4, 2, 2, 1)), np.zeros(4), np.zeros((2, 2, 2, 1)),
                                     np.zeros(2), None, 2, 0), TypeError, "augment must be a function"),
    (lambda: reference_make_datasets(np.zeros((4, 2, 2, 1)), np.zeros(4), np.zeros((2, 2, 2, 1)),
                                     np.zeros(2), tf_identity, 0, 0), ValueError, "batch_size"),
    (lambda: reference_make_datasets(np.zeros((4, 2, 2, 1)), np.zeros(4), np.zeros((0, 2, 2, 1)),
                                     np.zeros(0), tf_identity, 2, 0), ValueError, "X_test must be"),
    (lambda: reference_make_datasets(np.zeros((4, 2, 2, 1)), np.zeros(4), np.zeros((2, 2, 2, 1)),
                                     np.zeros(2), tf_identity, 2, -1), ValueError, "seed"),
])
def test_the_new_references_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def tf_identity(images):
    return images


# ---------------------------------------------------------------- data
def test_make_cars_biased_and_fair():
    X, y, right = make_cars(200, np.random.default_rng(0))
    assert X.shape == (200, 24, 24, 1) and X.dtype == np.float32
    assert np.array_equal(right, y == 1)
    _, y_test, right_test = make_cars(400, np.random.default_rng(1), facing="random")
    assert 0.3 < np.mean(right_test == y_test) < 0.7
    # the same car facing left is the mirror image of it facing right (no noise, same rng draws)
    left, _, _ = make_cars(3, np.random.default_rng(2), facing="left", noise=0.0)
    right_cars, _, _ = make_cars(3, np.random.default_rng(2), facing="right", noise=0.0)
    assert np.array_equal(left, right_cars[:, :, ::-1])


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    (dict(n=0), ValueError, "n must be >= 1"),
    (dict(n=2.5), TypeError, "n must be a positive integer"),
    (dict(n=5, facing="up"), ValueError, "facing must be one of"),
    (dict(n=5, noise=-0.1), ValueError, "noise must be"),
    (dict(n=5, noise=float("nan")), ValueError, "noise must be"),
    (dict(n=5, size=16), ValueError, "size must be >= 24"),
    (dict(n=5, rng=0), TypeError, "rng must be a numpy.random.Generator"),
])
def test_make_cars_rejects_bad_input(kwargs, error, message):
    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(error, match=message):
        make_cars(**kwargs)


def test_digits_split_and_sample_image():
    X_train, y_train, X_test, y_test = digits_split(100, seed=0)
    assert X_train.shape == (100, 8, 8, 1) and len(X_test) == 1797 - 100
    assert 0 <= X_train.min() and X_train.max() <= 1 and set(np.unique(y_train)) <= set(range(10))
    assert np.array_equal(digits_split(100, seed=0)[1], y_train)
    assert not np.array_equal(digits_split(100, seed=1)[1], y_train)
    image = sample_image("flower", 32)
    assert image.shape == (32, 32, 3) and 0 <= image.min() and image.max() <= 1


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: digits_split(5000), ValueError, "n_train must be <"),
    (lambda: digits_split(0), ValueError, "n_train must be >= 1"),
    (lambda: digits_split(10, seed=-1), ValueError, "seed must be >= 0"),
    (lambda: sample_image("cat"), ValueError, "'china' or 'flower'"),
    (lambda: sample_image("china", 0), ValueError, "size must be >= 1"),
    (lambda: sample_image("china", 10_000), ValueError, "size must be <="),
    (lambda: explorer_source("digit 9"), ValueError, "name must be one of"),
])
def test_data_helpers_reject_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- augmenter
def test_augment_batch_identity_and_flip():
    rng = np.random.default_rng(0)
    images = rng.random((5, 9, 11, 3))
    assert np.allclose(augment_batch(images, rng), images)
    gray = rng.random((40, 6, 7))
    flipped = augment_batch(gray, np.random.default_rng(1), flip=True)
    mirrored = [np.allclose(result, original[:, ::-1]) for original, result in zip(gray, flipped)]
    unchanged = [np.allclose(result, original) for original, result in zip(gray, flipped)]
    assert all(m or u for m, u in zip(mirrored, unchanged)) and 5 < sum(mirrored) < 35
    square = rng.random((1, 7, 7))        # a negligible rotation leaves the image as it is
    assert np.allclose(augment_batch(square, np.random.default_rng(2), rotation=1e-9), square)
    noisy = augment_batch(np.full((2, 8, 8), 0.5), rng, noise=0.1)
    assert 0.05 < noisy.std() < 0.15 and noisy.shape == (2, 8, 8)


def test_augment_batch_shift_moves_content_and_rotation_by_90_turns_it():
    image = np.zeros((1, 9, 9))
    image[0, 4, 4] = 1.0
    shifted = augment_batch(image, np.random.default_rng(3), translation=0.3)
    assert shifted.sum() > 0.5 and shifted[0, 4, 4] < 1.0
    arrow = np.zeros((1, 9, 9))
    arrow[0, 4, 4:] = 1.0                 # a bar from the center to the right edge
    turned = augment_batch(arrow, np.random.default_rng(0), rotation=90)
    assert turned[0, 4, 8] < 0.5          # it no longer points exactly right


@pytest.mark.parametrize(("images", "kwargs", "error", "message"), [
    (np.zeros((2, 4, 4)), dict(rotation=-1), ValueError, "rotation must be >= 0"),
    (np.zeros((2, 4, 4)), dict(zoom=1.0), ValueError, "zoom must be < 1"),
    (np.zeros((2, 4, 4)), dict(contrast=1.5), ValueError, "contrast must be <= 1"),
    (np.zeros((2, 4, 4)), dict(noise=float("inf")), ValueError, "noise must be finite"),
    (np.zeros((2, 4, 4)), dict(flip="yes"), TypeError, "flip must be True or False"),
    (np.zeros((4, 4)), {}, ValueError, r"\(n, H, W\) or \(n, H, W, C\)"),
    (np.zeros((0, 4, 4)), {}, ValueError, "images is empty"),
    (np.full((2, 4, 4), np.nan), {}, ValueError, "images contains NaN"),
    (np.full((2, 4, 4), "x"), {}, TypeError, "images must be array-like of numbers"),
])
def test_augment_batch_rejects_bad_input(images, kwargs, error, message):
    with pytest.raises(error, match=message):
        augment_batch(images, np.random.default_rng(0), **kwargs)


def test_augment_batch_rejects_a_seed_for_rng():
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        augment_batch(np.zeros((2, 4, 4)), 0)


# ---------------------------------------------------------------- drawing
def test_image_grid_places_tiles_with_gaps():
    grid = image_grid(np.arange(1, 6)[:, None, None] * np.ones((5, 3, 4)), ncols=2, gap=1, fill=0.0)
    assert grid.shape == (3 * 3 + 2, 2 * 4 + 1)
    assert grid[0, 0] == 1 and grid[0, 5] == 2 and grid[4, 0] == 3 and grid[8, 0] == 5
    assert grid[3].sum() == 0 and grid[8, 5] == 0          # the gap row; the empty sixth tile
    with pytest.raises(ValueError, match="images is empty"):
        image_grid(np.zeros((0, 3, 3)))
    with pytest.raises(ValueError, match="ncols must be >= 1"):
        image_grid(np.zeros((2, 3, 3)), ncols=0)


def test_plot_images_scales_uint8_and_rejects_0_255_floats():
    fig, ax = plt.subplots()
    images = np.random.default_rng(0).integers(0, 256, (4, 5, 5)).astype(np.uint8)
    assert plot_images(ax, images, ncols=4, title="t") is ax and ax.get_title() == "t"
    shown = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert np.allclose(shown[:, :5], images[0] / 255.0)    # not clipped to 0/1
    assert len(np.unique(shown[~np.isnan(shown)])) > 2
    with pytest.raises(ValueError, match="divide 0..255 floats by 255"):
        plot_images(ax, images.astype(float))
    with pytest.raises(ValueError, match="images is empty"):
        plot_images(ax, np.zeros((0, 5, 5)))
    plt.close(fig)


def _tiles(ax, size, n=16, ncols=4):
    mosaic = np.ma.filled(ax.images[0].get_array(), np.nan)
    return [mosaic[r * (size + 1):r * (size + 1) + size, c * (size + 1):c * (size + 1) + size]
            for r, c in (divmod(i, ncols) for i in range(n))]


def test_the_augmentation_grid_does_not_flip_digits_unless_asked():
    fig, ax = plt.subplots()
    still = dict(rotation=0, zoom=0, translation=0, contrast=0)
    six = explorer_source("digit 6")[0]
    plot_augmentation_grid(ax, "digit 6", **still)
    assert all(np.allclose(tile, six) for tile in _tiles(ax, 8))
    ax.clear()
    plot_augmentation_grid(ax, "digit 6", flip=True, **still)
    assert any(np.allclose(tile, six[:, ::-1]) for tile in _tiles(ax, 8)[1:])
    assert "15 augmented copies" in ax.get_title()
    plt.close(fig)


def test_the_explorer_starts_without_flips_on_the_photo():
    state = make_augmentation_explorer().explorer
    assert state.controls["flip"].value is False and state.last_values["name"] == "china"
    state.controls["name"].value = "digit 6"
    assert state.last_values == {**state.values(), "name": "digit 6"}
    plt.close("all")


# ---------------------------------------------------------------- training
def _digit_model(n_classes=10):
    import keras

    return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(n_classes)])


def test_training_loop_records_and_learns():
    import keras

    X_train, y_train, X_test, y_test = digits_split(50, seed=1)
    keras.utils.set_random_seed(1)
    record = train_image_classifiers([_digit_model(), _digit_model()], X_train, y_train,
                                     X_test[:200], y_test[:200], epochs=20, batch_size=25,
                                     record_every=10, label_noise=0.1, learning_rate=0.03,
                                     label_smoothing=0.1)
    assert list(record["epoch"]) == [10, 20]
    assert record["train_acc"].shape == (2, 2) and record["test_confidence"].shape == (2, 2)
    assert record["train_acc"][:, -1].min() > 0.8 and record["test_acc"][:, -1].min() > 0.5


@pytest.mark.parametrize(("change", "error", "message"), [
    (dict(seeds=(1, 2)), ValueError, "one seed per model"),
    (dict(batch_size=100), ValueError, "batch_size must be <="),
    (dict(label_noise=2.0), ValueError, "label_noise must be in"),
    (dict(learning_rate=float("nan")), ValueError, "learning_rate must be > 0"),
    (dict(y_train=np.full(50, 10)), ValueError, r"y_train must hold labels 0..9"),
    (dict(y_train=np.zeros(50)), TypeError, "y_train must be a 1-D array of integer"),
    (dict(X_train=np.zeros((50, 64))), ValueError, r"X_train must be a non-empty \(n, H, W, C\)"),
    (dict(y_test=np.zeros(3, int)), ValueError, "X_test and y_test must have the same number"),
    (dict(epochs=0), ValueError, "epochs must be >= 1"),
])
def test_training_loop_rejects_bad_input(change, error, message):
    X_train, y_train, X_test, y_test = digits_split(50, seed=1)
    args = dict(X_train=X_train, y_train=y_train, X_test=X_test, y_test=y_test, batch_size=25)
    args.update(change)
    with pytest.raises(error, match=message):
        train_image_classifiers([_digit_model()], **args)


def test_expected_calibration_error_on_known_cases():
    from utils.augmentation import expected_calibration_error

    proba = np.tile([0.75, 0.25], (4, 1))              # confidence 0.75 on class 0, four times
    calibrated, sure_but_right = np.array([0, 0, 0, 1]), np.array([0, 0, 0, 0])
    assert expected_calibration_error(proba, calibrated) == pytest.approx(0.0)
    assert expected_calibration_error(proba, sure_but_right) == pytest.approx(0.25)
    both = expected_calibration_error(np.stack([proba, proba]), calibrated)
    assert both.shape == (2,) and np.allclose(both, 0.0)
    mixed = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.55, 0.45]])
    # bin 9: confidence 0.95, accuracy 1/2; bin 5: confidence 0.55, accuracy 1: (2·0.45 + 2·0.45)/4
    assert expected_calibration_error(mixed, np.array([0, 1, 0, 0])) == pytest.approx(0.45)


@pytest.mark.parametrize(("proba", "labels", "message"), [
    (np.full((3, 2), 0.5), np.array([0, 1]), "labels must be 3 integer class labels"),
    (np.full((3, 2), 0.5), np.array([0, 1, 2]), r"labels must lie in 0..1"),
    (np.full((3, 2), 0.5), np.array([0.0, 1.0, 0.0]), "integer class labels"),
    (np.full((3, 2), 0.7), np.array([0, 1, 0]), "each row summing to 1"),
    (np.full(3, 0.5), np.array([0, 1, 0]), r"proba must be \(\.\.\., n, K\)"),
    (np.full((3, 2), np.nan), np.array([0, 1, 0]), "proba contains NaN"),
    (np.zeros((0, 2)), np.zeros(0, int), "proba is empty"),
])
def test_expected_calibration_error_rejects_bad_input(proba, labels, message):
    from utils.augmentation import expected_calibration_error

    with pytest.raises(ValueError, match=message):
        expected_calibration_error(proba, labels)


def test_training_loop_takes_one_label_noise_per_model_and_records_calibration():
    import keras

    X_train, y_train, X_test, y_test = digits_split(50, seed=1)
    keras.utils.set_random_seed(1)
    record = train_image_classifiers([_digit_model(), _digit_model()], X_train, y_train,
                                     X_test[:100], y_test[:100], seeds=(1, 1), epochs=40,
                                     batch_size=50, record_every=40, learning_rate=0.03,
                                     label_smoothing=[0.0, 0.5])
    assert record["test_nll"].shape == (2, 1) and record["test_proba"].shape == (2, 100, 10)
    assert np.allclose(record["test_proba"].sum(-1), 1, atol=1e-5)
    nll = -np.log(record["test_proba"][:, np.arange(100), y_test[:100]]).mean(axis=1)
    assert np.allclose(nll, record["test_nll"][:, 0], atol=1e-4)
    # heavy smoothing keeps the model far less sure of itself than none
    assert record["test_confidence"][1, -1] < record["test_confidence"][0, -1] - 0.2
    with pytest.raises(ValueError, match=r"label_smoothing must be one number or one per model"):
        train_image_classifiers([_digit_model()], X_train, y_train, X_test, y_test,
                                batch_size=25, label_smoothing=[0.1, 0.2])


def test_keras_erasing_mixup_and_cutmix_do_what_chapter_5_says():
    """RandomErasing: a single factor=1.0 erases about half the images, (1.0, 1.0) all, over
    2-33 % of the area, nothing with training=False; MixUp and CutMix mix labels like pixels."""
    import keras

    copies = np.repeat(augmentation.sample_image("china", 32)[None], 200, axis=0)
    shares = {}
    for factor in (1.0, (1.0, 1.0)):
        layer = keras.layers.RandomErasing(factor=factor, fill_value=0.0, value_range=(0, 1), seed=1)
        changed = np.any(layer(copies, training=True).numpy() != copies, axis=-1)
        hit = changed.any(axis=(1, 2))
        shares[factor] = hit.mean()
        assert changed[hit].mean(axis=(1, 2)).max() < 0.34
        assert np.array_equal(layer(copies[:2], training=False), copies[:2])
    assert 0.35 < shares[1.0] < 0.65 and shares[(1.0, 1.0)] == 1.0
    flat = np.stack([np.full((64, 64, 1), k, "float32") for k in range(8)])
    for seed in range(3):
        mixed = keras.layers.MixUp(seed=seed)({"images": flat, "labels": np.eye(8, dtype="float32")},
                                              training=True)
        assert np.allclose(mixed["images"].numpy()[..., 0],
                           (mixed["labels"].numpy() @ np.arange(8))[:, None, None], atol=1e-4)
        cut = keras.layers.CutMix(seed=seed)({"images": flat, "labels": np.eye(8, dtype="float32")},
                                            training=True)
        images = cut["images"].numpy()[..., 0]
        pixel_shares = np.stack([(images == c).mean(axis=(1, 2)) for c in range(8)], axis=1)
        assert np.abs(pixel_shares - cut["labels"].numpy()).max() < 0.05
