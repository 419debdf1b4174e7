"""Chapter 5: the flip check accepts a right answer and names each common wrong one; the
data, augmenter, training loop and explorer pieces work and reject bad input."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.augmentation import (  # noqa: E402
    augment_batch,
    check_random_crop_with_padding,
    check_random_horizontal_flip,
    digits_split,
    draw_augmentation_grid,
    draw_images,
    image_grid,
    make_augmentation_explorer,
    make_cars,
    sample_image,
    train_image_classifiers,
)
from utils.checks import ExerciseNotImplemented  # noqa: E402


def _broadcast(flags, images):
    return flags.reshape((-1,) + (1,) * (images.ndim - 1))


def random_horizontal_flip(images, rng, p=0.5):
    images = np.asarray(images)
    flags = rng.random(len(images)) < p
    return np.where(_broadcast(flags, images), images[:, :, ::-1], images), flags


def test_accepts_a_correct_answer(capsys):
    check_random_horizontal_flip(random_horizontal_flip)
    assert "random_horizontal_flip passed" in capsys.readouterr().out


def test_accepts_a_loop_with_copies(capsys):
    def looped(images, rng, p=0.5):
        out = np.array(images, copy=True)
        flags = rng.random(len(out)) < p
        for i in np.flatnonzero(flags):
            out[i] = out[i][:, ::-1]
        return out, flags

    check_random_horizontal_flip(looped)
    assert "passed" in capsys.readouterr().out


def _flip_axis(axis_fn):
    def wrong(images, rng, p=0.5):
        images = np.asarray(images)
        flags = rng.random(len(images)) < p
        return np.where(_broadcast(flags, images), axis_fn(images), images), flags
    return wrong


def _whole_batch(images, rng, p=0.5):
    images = np.asarray(images)
    flags = np.full(len(images), rng.random() < p)
    return (images[:, :, ::-1] if flags[0] else images.copy()), flags


def _global_rng(images, rng, p=0.5):
    images = np.asarray(images)
    flags = np.random.random(len(images)) < p
    return np.where(_broadcast(flags, images), images[:, :, ::-1], images), flags


def _ignores_rng(images, rng, p=0.5):
    images = np.asarray(images)
    flags = np.random.default_rng(0).random(len(images)) < p
    return np.where(_broadcast(flags, images), images[:, :, ::-1], images), flags


def _in_place(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    images[flags] = images[flags][:, :, ::-1]
    return images, flags


def _opposite(images, rng, p=0.5):
    images = np.asarray(images)
    flags = rng.random(len(images)) >= p
    return np.where(_broadcast(flags, images), images[:, :, ::-1], images), flags


def _float_output(images, rng, p=0.5):
    flipped, flags = random_horizontal_flip(images, rng, p)
    return flipped.astype(float), flags


def _flips_everything(images, rng, p=0.5):
    images = np.asarray(images)
    return images[:, :, ::-1], rng.random(len(images)) < p


def _int_flags(images, rng, p=0.5):
    flipped, flags = random_horizontal_flip(images, rng, p)
    return flipped, flags.astype(int)


def _other_draws(images, rng, p=0.5):
    images = np.asarray(images)
    flags = rng.integers(0, 2, len(images)).astype(bool) if p not in (0.0, 1.0) else np.full(len(images), p == 1.0)
    return np.where(_broadcast(flags, images), images[:, :, ::-1], images), flags


@pytest.mark.parametrize("wrong, message", [
    (_flip_axis(lambda x: x[:, ::-1]), "upside down"),
    (_flip_axis(lambda x: x[::-1]), "order of the images in the batch"),
    (_flip_axis(lambda x: x[..., ::-1]), "color channels"),
    (_whole_batch, "one decision for the whole"),
    (_global_rng, "global RNG"),
    (_ignores_rng, "is the rng argument used"),
    (_in_place, "in place"),
    (_opposite, "BELOW p"),
    (_float_output, "keep the dtype"),
    (_flips_everything, "should be returned unchanged"),
    (_int_flags, "should be booleans"),
    (_other_draws, r"rng.random\(n\) < p"),
    (lambda images, rng, p=0.5: None, "forget a `return`"),
    (lambda images, rng, p=0.5: np.asarray(images), r"a pair \(flipped, flags\)"),
])
def test_rejects_each_common_mistake_with_its_message(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_random_horizontal_flip(wrong)


def test_rejects_a_flip_that_breaks_gray_batches():
    def last_axis(images, rng, p=0.5):  # right for (n, H, W, C), flips the rows of (n, H, W)
        images = np.asarray(images)
        flags = rng.random(len(images)) < p
        axis = -2 if images.ndim == 4 else 1
        return np.where(_broadcast(flags, images), np.flip(images, axis=axis), images), flags

    with pytest.raises(AssertionError, match=r"gray batch \(n, H, W\)"):
        check_random_horizontal_flip(last_axis)


def test_stub_is_not_implemented_yet():
    def stub(images, rng, p=0.5):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_random_horizontal_flip(stub)


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


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(n=0), ValueError, "n must be >= 1"),
    (dict(n=5, facing="up"), ValueError, "facing must be one of"),
    (dict(n=5, noise=-0.1), ValueError, "noise must be >= 0"),
    (dict(n=5, size=16), ValueError, "size must be >= 24"),
])
def test_make_cars_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        make_cars(rng=np.random.default_rng(0), **kwargs)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        make_cars(5, 0)


def test_digits_split_and_sample_image():
    X_train, y_train, X_test, y_test = digits_split(100, seed=0)
    assert X_train.shape == (100, 8, 8, 1) and len(X_test) == 1797 - 100
    assert 0 <= X_train.min() and X_train.max() <= 1 and set(np.unique(y_train)) <= set(range(10))
    with pytest.raises(ValueError, match="n_train must be <"):
        digits_split(5000)
    image = sample_image("flower", 32)
    assert image.shape == (32, 32, 3) and 0 <= image.min() and image.max() <= 1
    with pytest.raises(ValueError, match="'china' or 'flower'"):
        sample_image("cat")


def test_augment_batch_identity_and_flip():
    rng = np.random.default_rng(0)
    images = rng.random((5, 9, 11, 3))
    assert np.allclose(augment_batch(images, rng), images)
    gray = images[..., 0]
    flipped = augment_batch(gray, np.random.default_rng(1), flip=True)
    for original, result in zip(gray, flipped):
        assert np.allclose(result, original) or np.allclose(result, original[:, ::-1])
    # a negligible rotation leaves the image as it is
    square = rng.random((1, 7, 7))
    turned = augment_batch(square, np.random.default_rng(2), rotation=1e-9)
    assert np.allclose(turned, square)
    noisy = augment_batch(np.full((2, 8, 8), 0.5), rng, noise=0.1)
    assert 0.05 < noisy.std() < 0.15 and noisy.shape == (2, 8, 8)


def test_augment_batch_shift_moves_content():
    image = np.zeros((1, 9, 9))
    image[0, 4, 4] = 1.0
    shifted = augment_batch(image, np.random.default_rng(3), translation=0.3)
    assert shifted.sum() > 0.5 and shifted[0, 4, 4] < 1.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(rotation=-1), "rotation must be >= 0"),
    (dict(zoom=1.0), "zoom must be < 1"),
    (dict(contrast=1.5), "contrast must be <= 1"),
    (dict(noise=-0.1), "noise must be >= 0"),
])
def test_augment_batch_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        augment_batch(np.zeros((2, 4, 4)), np.random.default_rng(0), **kwargs)
    with pytest.raises(ValueError, match=r"\(n, H, W\) or \(n, H, W, C\)"):
        augment_batch(np.zeros((4, 4)), np.random.default_rng(0))


def test_image_grid_and_drawing():
    grid = image_grid(np.ones((5, 3, 4)), ncols=2, gap=1, fill=0.0)
    assert grid.shape == (3 * 3 + 2, 2 * 4 + 1)
    assert grid.sum() == 5 * 12
    fig, ax = plt.subplots()
    assert draw_images(ax, np.random.default_rng(0).random((4, 5, 5, 3)), title="t") is ax
    assert draw_augmentation_grid(ax, "digit 6", rotation=180, noise=0.1, seed=3) is ax
    assert "augmented" in ax.get_title()
    plt.close(fig)


def test_explorer_builds_and_redraws():
    import ipywidgets as widgets

    explorer = make_augmentation_explorer()
    assert isinstance(explorer, widgets.VBox)

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    sliders = [w for w in walk(explorer) if isinstance(w, (widgets.FloatSlider, widgets.IntSlider,
                                                           widgets.SelectionSlider))]
    assert len(sliders) >= 6
    for slider in sliders:
        if isinstance(slider, widgets.SelectionSlider):
            slider.value = slider.options[-1]
        else:
            slider.value = slider.max
    plt.close("all")


def test_training_loop_records_and_validates():
    import keras

    X_train, y_train, X_test, y_test = digits_split(50, seed=1)

    def model():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])

    keras.utils.set_random_seed(1)
    record = train_image_classifiers([model(), model()], X_train, y_train, X_test[:200], y_test[:200],
                                     epochs=20, batch_size=25, record_every=10, label_noise=0.1, learning_rate=0.03,
                                     label_smoothing=0.1)
    assert list(record["epoch"]) == [10, 20]
    assert record["train_acc"].shape == (2, 2) and record["test_confidence"].shape == (2, 2)
    assert record["train_acc"][:, -1].min() > 0.8
    with pytest.raises(ValueError, match="one seed per model"):
        train_image_classifiers([model()], X_train, y_train, X_test, y_test, seeds=(1, 2))
    with pytest.raises(ValueError, match="batch_size must be <="):
        train_image_classifiers([model()], X_train, y_train, X_test, y_test, batch_size=100)
    with pytest.raises(ValueError, match="label_noise must be in"):
        train_image_classifiers([model()], X_train, y_train, X_test, y_test, label_noise=2.0)


# ---------------------------------------------------------------- random_crop_with_padding

def _pad_widths(images, pad):
    return [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (np.ndim(images) - 3)


def random_crop_with_padding(images, pad, rng):
    images = np.asarray(images)
    n, height, width = images.shape[:3]
    padded = np.pad(images, _pad_widths(images, pad))
    offsets = rng.integers(0, 2 * pad + 1, size=(n, 2))
    cropped = np.stack([padded[i, r:r + height, c:c + width] for i, (r, c) in enumerate(offsets)])
    return cropped, offsets


def test_crop_accepts_a_correct_answer(capsys):
    check_random_crop_with_padding(random_crop_with_padding)
    assert "random_crop_with_padding passed" in capsys.readouterr().out


def _crop_variant(*, mode="constant", draw=None, swap=False, pad_all=False, same=False):
    def wrong(images, pad, rng):
        images = np.asarray(images)
        n, height, width = images.shape[:3]
        widths = [(pad, pad)] * images.ndim if pad_all else _pad_widths(images, pad)
        padded = np.pad(images, widths, mode=mode)
        offsets = (draw or (lambda r, k: r.integers(0, 2 * k + 1, size=(n, 2))))(rng, pad)
        if same:
            offsets = np.repeat(offsets[:1], n, axis=0)
        cut = offsets[:, ::-1] if swap else offsets
        h, w = (padded.shape[1] - 2 * pad, padded.shape[2] - 2 * pad) if pad_all else (height, width)
        cropped = np.stack([padded[i, r:r + h, c:c + w] for i, (r, c) in enumerate(cut)])
        return cropped, offsets
    return wrong


def _crop_global_rng(images, pad, rng):
    return random_crop_with_padding(images, pad, np.random.default_rng(np.random.randint(1 << 30)))


def _crop_in_place(images, pad, rng):
    cropped, offsets = random_crop_with_padding(images, pad, rng)
    images[...] = cropped
    return images, offsets


@pytest.mark.parametrize("wrong, message", [
    (_crop_variant(mode="edge"), "repeating the edge pixels"),
    (_crop_variant(swap=True), "rows and columns are swapped"),
    (_crop_variant(pad_all=True), "pad only the height and width"),
    (_crop_variant(same=True), "the same window"),
    (_crop_variant(draw=lambda r, k: r.integers(0, 2 * k, size=(40, 2))), "never reach 2\\*pad"),
    (_crop_global_rng, "from the rng argument"),
    (_crop_in_place, "in place"),
    (lambda images, pad, rng: None, "forget a `return`"),
])
def test_crop_rejects_each_common_mistake_with_its_message(wrong, message):
    with pytest.raises(AssertionError, match=message):
        check_random_crop_with_padding(wrong)


def test_crop_stub_is_not_implemented_yet():
    def stub(images, pad, rng):
        raise NotImplementedError()

    with pytest.raises(ExerciseNotImplemented, match="not implemented yet"):
        check_random_crop_with_padding(stub)
