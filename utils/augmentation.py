"""Chapter 5: data augmentation and noise as regularizers.

What the learner is not asked to write: the generated "cars" image set of the
notes' story, the digits split, a compiled training loop for small image
classifiers, a vectorized NumPy augmenter (the explorer's engine), the image
grid, the explorer, and the check of the random-flip exercise.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from utils.checks import exercise_check, expect
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive_int,
    require_probability,
    require_same_length,
)

FACINGS = ("by_class", "random", "left", "right")
CAR_SIZE = 24


# --------------------------------------------------------------------------- data
def make_cars(n: int, rng: np.random.Generator, *, facing: str = "by_class",
              noise: float = 0.05, size: int = CAR_SIZE):
    """The notes' cars story as a generated image set.

    Each image (size × size, gray levels in about [0, 1]) is a side view of a
    car: body, cabin over the rear, sloped hood, headlight and two wheels, at
    a random position and gray level, plus Gaussian pixel noise. The class is
    the *real* feature: brand A (label 0) has one long side window, brand B
    (label 1) two windows with a pillar between them. ``facing`` says where the
    car points: "by_class" (the biased training set: A faces left, B faces
    right), "random" (a fair test set), "left" or "right".

    Returns ``(X, y, facing_right)``: X (n, size, size, 1) float32, y (n,) int
    labels, facing_right (n,) bool.
    """
    n = require_positive_int("n", n)
    noise = require_nonnegative("noise", noise)
    size = require_positive_int("size", size)
    if size < 24:
        raise ValueError(f"size must be >= 24 for the car to fit, got {size}")
    if facing not in FACINGS:
        raise ValueError(f"facing must be one of {FACINGS}, got {facing!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    y = rng.integers(0, 2, n)
    right = {"by_class": y == 1, "random": rng.random(n) < 0.5,
             "left": np.zeros(n, bool), "right": np.ones(n, bool)}[facing]
    X = np.zeros((n, size, size), np.float32)
    shift_x = rng.integers(-2, 3, n) + (size - 24) // 2
    shift_y = rng.integers(-2, 3, n) + (size - 24) // 2
    gray = 0.6 + 0.1 * rng.random(n)
    for i in range(n):
        img, x0, r0, g = X[i], 4 + shift_x[i], 12 + shift_y[i], gray[i]
        img[r0:r0 + 5, x0:x0 + 16] = g              # body (front on the right)
        img[r0, x0 + 12:x0 + 16] = 0.0              # sloped hood
        img[r0 - 4:r0, x0 + 2:x0 + 10] = g          # cabin over the rear
        img[r0 - 4, x0 + 2] = 0.0
        img[r0 + 1, x0 + 15] = 1.0                  # headlight
        img[r0 + 5:r0 + 7, x0 + 2:x0 + 5] = 1.0     # wheels
        img[r0 + 5:r0 + 7, x0 + 11:x0 + 14] = 1.0
        if y[i] == 0:                               # brand A: one long window
            img[r0 - 3:r0 - 1, x0 + 3:x0 + 9] = 0.15
        else:                                       # brand B: two windows
            img[r0 - 3:r0 - 1, x0 + 3:x0 + 5] = 0.15
            img[r0 - 3:r0 - 1, x0 + 7:x0 + 9] = 0.15
        if not right[i]:
            X[i] = img[:, ::-1].copy()
    X += noise * rng.standard_normal(X.shape).astype(np.float32)
    return X[..., None], y, right


@functools.lru_cache(maxsize=1)
def _digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    return (digits.images / 16.0).astype(np.float32), digits.target.astype(np.int64)


def digits_split(n_train: int = 100, seed: int = 0):
    """scikit-learn's 8×8 digits in [0, 1]: a random ``n_train`` for training, the rest for test.

    Returns ``(X_train, y_train, X_test, y_test)`` with X (m, 8, 8, 1) float32, y (m,) int64.
    """
    n_train = require_positive_int("n_train", n_train)
    seed = require_nonnegative_int("seed", seed)
    X, y = _digits()
    if n_train >= len(X):
        raise ValueError(f"n_train must be < {len(X)} to leave a test set, got {n_train}")
    order = np.random.default_rng(seed).permutation(len(X))
    train, test = order[:n_train], order[n_train:]
    return X[train, :, :, None], y[train], X[test, :, :, None], y[test]


@functools.lru_cache(maxsize=4)
def sample_image(name: str = "china", size: int = 64) -> np.ndarray:
    """One of scikit-learn's two sample photos, center-cropped square and shrunk to size × size.

    ``name`` is "china" or "flower". Returns (size, size, 3) float32 in [0, 1]
    (block averaging, no TensorFlow needed). Read-only: copy before editing.
    """
    size = require_positive_int("size", size)
    if name not in ("china", "flower"):
        raise ValueError(f"name must be 'china' or 'flower', got {name!r}")
    from sklearn.datasets import load_sample_images

    photos = load_sample_images()
    photo = photos.images[photos.filenames.index(next(
        f for f in photos.filenames if f.endswith(f"{name}.jpg")))]
    side = min(photo.shape[:2])
    block = side // size
    if block < 1:
        raise ValueError(f"size must be <= {side}, got {size}")
    crop = side - side % size if block * size != side else side
    top, left = (photo.shape[0] - crop) // 2, (photo.shape[1] - crop) // 2
    square = photo[top:top + block * size, left:left + block * size].astype(np.float32)
    small = square.reshape(size, block, size, block, 3).mean(axis=(1, 3)) / 255.0
    small.setflags(write=False)
    return small


# --------------------------------------------------------------------------- NumPy augmenter
def _as_batch(images) -> tuple[np.ndarray, bool]:
    array = as_float_array("images", images)
    if array.ndim == 3:
        return array[..., None], True
    if array.ndim == 4:
        return array, False
    raise ValueError(f"images must be (n, H, W) or (n, H, W, C), got shape {array.shape}")


def augment_batch(images, rng: np.random.Generator, *, rotation: float = 0.0, zoom: float = 0.0,
                  translation: float = 0.0, contrast: float = 0.0, brightness: float = 0.0,
                  noise: float = 0.0, flip: bool = False) -> np.ndarray:
    """Random geometric and photometric augmentation of a batch, vectorized in NumPy.

    images: (n, H, W) or (n, H, W, C) floats in [0, 1]. Per image it draws a
    rotation angle in [-rotation, rotation] degrees, a zoom factor in
    [1 - zoom, 1 + zoom] (> 1 enlarges), a shift in [-translation, translation]
    × the image size along each axis, a horizontal flip with probability 0.5
    if ``flip``, a contrast factor in [1 - contrast, 1 + contrast] around the
    image mean, a brightness offset in [-brightness, brightness], and adds
    N(0, noise²) pixel noise. Geometric transforms sample bilinearly and fill
    with 0 outside the image (like Keras ``fill_mode="constant"``). Returns
    the same shape, clipped to [0, 1].
    """
    batch, squeeze = _as_batch(images)
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0)")
    rotation = require_nonnegative("rotation", rotation)
    zoom = require_nonnegative("zoom", zoom)
    translation = require_nonnegative("translation", translation)
    contrast, noise = require_nonnegative("contrast", contrast), require_nonnegative("noise", noise)
    brightness = require_nonnegative("brightness", brightness)
    if zoom >= 1:
        raise ValueError(f"zoom must be < 1 (factors in [1 - zoom, 1 + zoom]), got {zoom}")
    if contrast > 1:
        raise ValueError(f"contrast must be <= 1, got {contrast}")
    n, height, width, channels = batch.shape
    angle = np.deg2rad(rng.uniform(-rotation, rotation, n))
    scale = rng.uniform(1 - zoom, 1 + zoom, n)
    shift = rng.uniform(-translation, translation, (n, 2)) * np.array([height, width])
    mirror = np.where(rng.random(n) < 0.5, -1.0, 1.0) if flip else np.ones(n)
    # Inverse map: output pixel (r, c) reads the input at R(-angle) (r, c - shift) / scale.
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float64)
    rc, cc = (height - 1) / 2, (width - 1) / 2
    r = rows[None] - rc - shift[:, 0, None, None]
    c = cols[None] - cc - shift[:, 1, None, None]
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    src_r = (cos * r - sin * c) / scale[:, None, None] + rc
    src_c = mirror[:, None, None] * (sin * r + cos * c) / scale[:, None, None] + cc
    out = _bilinear(batch, src_r, src_c)
    if contrast:
        factor = rng.uniform(1 - contrast, 1 + contrast, n)[:, None, None, None]
        mean = out.mean(axis=(1, 2, 3), keepdims=True)
        out = (out - mean) * factor + mean
    if brightness:
        out = out + rng.uniform(-brightness, brightness, n)[:, None, None, None]
    if noise:
        out = out + noise * rng.standard_normal(out.shape)
    out = np.clip(out, 0.0, 1.0)
    return out[..., 0] if squeeze else out


def _bilinear(batch: np.ndarray, src_r: np.ndarray, src_c: np.ndarray) -> np.ndarray:
    """Sample (n, H, W, C) ``batch`` at fractional (n, H, W) coordinates; 0 outside."""
    n, height, width, _ = batch.shape
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = (src_r - r0)[..., None], (src_c - c0)[..., None]
    index = np.arange(n)[:, None, None]
    out = 0.0
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc),
                           (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        rr, cc = r0 + dr, c0 + dc
        inside = ((rr >= 0) & (rr < height) & (cc >= 0) & (cc < width))[..., None]
        values = batch[index, np.clip(rr, 0, height - 1), np.clip(cc, 0, width - 1)]
        out = out + weight * np.where(inside, values, 0.0)
    return out


# --------------------------------------------------------------------------- training
def train_image_classifiers(models, X_train, y_train, X_test, y_test, *, seeds=None,
                            epochs: int = 150, batch_size: int = 50, learning_rate: float = 3e-3,
                            label_smoothing: float = 0.0, label_noise: float = 0.0,
                            record_every: int = 5) -> dict:
    """Train Keras classifiers (logits out) side by side with Adam in one compiled loop.

    ``models`` is a list of fresh models of any architecture (e.g. one per
    seed); ``seeds`` (default 1, 2, ...) seed each model's shuffles and label
    noise. One ``tf.function`` call runs one epoch of every model: a seeded
    shuffle, mini-batches, ``model(x, training=True)`` (so augmentation and
    noise layers are active), softmax cross-entropy with optional
    ``label_smoothing``, and optional ``label_noise`` (DisturbLabel: each label
    of each batch is replaced by a uniformly random class with that
    probability). Tracing once for all models saves most of the fixed cost.
    Every ``record_every`` epochs it evaluates with ``training=False`` on the
    clean training and test sets. Returns {"epoch": (records,), "train_acc",
    "test_acc", "test_confidence": (models, records)} arrays (confidence: the
    mean largest softmax probability on the test set).
    """
    import keras
    import tensorflow as tf

    models = list(models) if isinstance(models, (list, tuple)) else [models]
    if not models:
        raise ValueError("models must hold at least one model")
    seeds = list(range(1, len(models) + 1)) if seeds is None else list(seeds)
    if len(seeds) != len(models):
        raise ValueError(f"give one seed per model: {len(models)} models, {len(seeds)} seeds")
    seeds = [require_nonnegative_int("seed", s) for s in seeds]
    epochs = require_positive_int("epochs", epochs)
    batch_size = require_positive_int("batch_size", batch_size)
    record_every = require_positive_int("record_every", record_every)
    learning_rate = require_nonnegative("learning_rate", learning_rate)
    label_smoothing = require_probability("label_smoothing", label_smoothing, allow_zero=True)
    label_noise = require_probability("label_noise", label_noise, allow_zero=True)
    X_train, X_test = as_float_array("X_train", X_train), as_float_array("X_test", X_test)
    require_same_length("X_train", X_train, "y_train", y_train)
    require_same_length("X_test", X_test, "y_test", y_test)
    n = len(X_train)
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the {n} training examples, got {batch_size}")
    n_classes = int(models[0].output_shape[-1])
    x_tr, x_te = tf.constant(X_train, tf.float32), tf.constant(X_test, tf.float32)
    y_tr = tf.constant(np.asarray(y_train), tf.int64)
    y_te = tf.constant(np.asarray(y_test), tf.int64)
    optimizers = [keras.optimizers.Adam(learning_rate) for _ in models]
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True,
                                                   label_smoothing=label_smoothing)
    steps = n // batch_size

    def train_one(model, optimizer, epoch_seed):
        order = tf.random.experimental.stateless_shuffle(tf.range(n), epoch_seed)
        for step in range(steps):  # unrolled: a handful of steps per epoch
            idx = order[step * batch_size:(step + 1) * batch_size]
            xb, yb = tf.gather(x_tr, idx), tf.gather(y_tr, idx)
            if label_noise > 0:
                s = epoch_seed + tf.constant([0, 1 + step], tf.int64)
                disturb = tf.random.stateless_uniform([batch_size], s) < label_noise
                random_labels = tf.random.stateless_uniform([batch_size], s + 7, maxval=n_classes,
                                                            dtype=tf.int64)
                yb = tf.where(disturb, random_labels, yb)
            with tf.GradientTape() as tape:
                loss = loss_fn(tf.one_hot(yb, n_classes), model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

    @tf.function
    def one_epoch(epoch):
        for model, optimizer, seed in zip(models, optimizers, seeds):
            train_one(model, optimizer, tf.stack([tf.constant(seed, tf.int64), epoch]))

    @tf.function
    def evaluate():
        results = []
        for model in models:
            acc_tr = tf.reduce_mean(tf.cast(tf.argmax(model(x_tr, training=False), 1) == y_tr,
                                            tf.float32))
            p_te = tf.nn.softmax(model(x_te, training=False))
            acc_te = tf.reduce_mean(tf.cast(tf.argmax(p_te, 1) == y_te, tf.float32))
            results.append(tf.stack([acc_tr, acc_te, tf.reduce_mean(tf.reduce_max(p_te, axis=1))]))
        return tf.stack(results)

    epochs_recorded, values = [], []
    for epoch in range(1, epochs + 1):
        one_epoch(tf.constant(epoch, tf.int64))
        if epoch % record_every == 0 or epoch == epochs:
            epochs_recorded.append(epoch)
            values.append(evaluate().numpy())
    values = np.stack(values, axis=-1)  # (models, 3, records)
    return {"epoch": np.asarray(epochs_recorded), "train_acc": values[:, 0],
            "test_acc": values[:, 1], "test_confidence": values[:, 2]}


# --------------------------------------------------------------------------- drawing
def image_grid(images, *, ncols: int = 4, gap: int = 1, fill: float = 1.0) -> np.ndarray:
    """Tile a batch (n, H, W) or (n, H, W, C) into one mosaic image, ``gap`` pixels apart."""
    batch, _ = _as_batch(images)
    ncols, gap = require_positive_int("ncols", ncols), require_nonnegative_int("gap", gap)
    n, height, width, channels = batch.shape
    nrows = -(-n // ncols)
    mosaic = np.full((nrows * (height + gap) - gap, ncols * (width + gap) - gap, channels), fill)
    for i in range(n):
        r, c = divmod(i, ncols)
        mosaic[r * (height + gap):r * (height + gap) + height,
               c * (width + gap):c * (width + gap) + width] = batch[i]
    return mosaic[..., 0] if channels == 1 else mosaic


def draw_images(ax, images, *, ncols: int = 4, title: str | None = None, cmap: str = "gray_r"):
    """Draw a batch as one mosaic (one ``imshow``, fast) on ``ax``; gray images use ``cmap``."""
    import matplotlib

    mosaic = np.clip(image_grid(images, ncols=ncols, fill=np.nan), 0, 1)
    if mosaic.ndim == 3:
        mosaic = np.nan_to_num(mosaic, nan=1.0)
    colormap = matplotlib.colormaps[cmap].with_extremes(bad="#9ecae1")  # gaps between gray tiles
    ax.imshow(mosaic, cmap=colormap, vmin=0, vmax=1, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


EXPLORER_IMAGES = ("china", "flower", "digit 6")


def explorer_source(name: str) -> tuple[np.ndarray, str]:
    """The explorer's source image and colormap: a 64×64 photo or an 8×8 digit 6."""
    if name == "digit 6":
        X, y = _digits()
        return X[np.flatnonzero(y == 6)[0]], "gray_r"
    return sample_image(name, 64), "gray"


def draw_augmentation_grid(ax, name: str = "china", *, rotation: float = 15.0, zoom: float = 0.1,
                           translation: float = 0.1, contrast: float = 0.3, noise: float = 0.0,
                           flip: bool = True, seed: int = 0, n: int = 16):
    """Draw ``n`` random augmentations of one source image (the first tile is the original)."""
    image, cmap = explorer_source(name)
    rng = np.random.default_rng(require_nonnegative_int("seed", seed))
    batch = np.repeat(image[None], require_positive_int("n", n), axis=0)
    augmented = augment_batch(batch, rng, rotation=rotation, zoom=zoom, translation=translation,
                              contrast=contrast, noise=noise, flip=flip)
    augmented[0] = image
    return draw_images(ax, augmented, ncols=4, cmap=cmap,
                       title=f"{name}: original (top left) and {n - 1} augmented copies")


def make_augmentation_explorer():
    """Sliders for the augmentation parameters redrawing a 4×4 grid of augmented copies."""
    import ipywidgets as widgets

    from utils.plotting import new_figure, show_in

    sliders = {
        "image": widgets.SelectionSlider(options=EXPLORER_IMAGES, value="china",
                                         description="image"),
        "rotation": widgets.FloatSlider(value=15, min=0, max=180, step=5, description="rotation °"),
        "zoom": widgets.FloatSlider(value=0.1, min=0, max=0.5, step=0.05, description="zoom ±"),
        "translation": widgets.FloatSlider(value=0.1, min=0, max=0.4, step=0.05,
                                           description="shift ±"),
        "contrast": widgets.FloatSlider(value=0.3, min=0, max=0.9, step=0.1,
                                        description="contrast ±"),
        "noise": widgets.FloatSlider(value=0.0, min=0, max=0.3, step=0.02, description="noise σ"),
        "flip": widgets.Checkbox(value=True, description="random flip"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    }
    output = widgets.Output()

    def redraw(change=None):
        fig, ax = new_figure(width=5.0, height=5.2)
        values = {key: widget.value for key, widget in sliders.items()}
        draw_augmentation_grid(ax, values.pop("image"), **values)
        show_in(output, fig)

    for widget in sliders.values():
        widget.observe(redraw, names="value")
    redraw()
    controls = list(sliders.values())
    return widgets.VBox([widgets.HBox([widgets.VBox(controls[:4]), widgets.VBox(controls[4:])]),
                         output])


# --------------------------------------------------------------------------- the exercise check
def _reference_flags(n: int, seed: int, p: float) -> np.ndarray:
    return np.random.default_rng(seed).random(n) < p


def _call(fn: Callable, images, seed: int, p: float):
    result = fn(images, np.random.default_rng(seed), p=p)
    expect(result is not None, "random_horizontal_flip returned None: did you forget a `return`?")
    expect(isinstance(result, tuple) and len(result) == 2,
           "random_horizontal_flip should return a pair (flipped, flags).")
    flipped, flags = np.asarray(result[0]), np.asarray(result[1])
    expect(flipped.shape == np.shape(images),
           f"flipped has shape {flipped.shape}, expected the input's shape {np.shape(images)}.")
    expect(flags.shape == (len(images),),
           f"flags has shape {flags.shape}, expected one flag per image: ({len(images)},).")
    expect(flags.dtype == bool, f"flags should be booleans (rng.random(n) < p), got {flags.dtype}.")
    return flipped, flags


@exercise_check("one random decision per image, from your rng, mirrors exactly like tf.image.")
def check_random_horizontal_flip(random_horizontal_flip: Callable) -> None:
    """Check ``random_horizontal_flip(images, rng, p=0.5) -> (flipped, flags)``."""
    images = np.random.default_rng(5).integers(0, 256, (64, 5, 7, 3)).astype(np.uint8)
    original = images.copy()
    flipped, flags = _call(random_horizontal_flip, images, 7, 0.5)
    expect(np.array_equal(images, original),
           "your function changed its input images in place: work on a copy (np.where or .copy()).")
    expect(flipped.dtype == images.dtype,
           f"flipped has dtype {flipped.dtype} but the images were {images.dtype}: keep the dtype.")
    expect(flags.any() and not flags.all(),
           "with p=0.5 and 64 images, your flags are all the same: one decision for the whole "
           "batch? Draw one random number per image: rng.random(n).")
    np.random.seed(0)
    _, flags_a = _call(random_horizontal_flip, images, 7, 0.5)
    np.random.seed(1)
    _, flags_b = _call(random_horizontal_flip, images, 7, 0.5)
    expect(np.array_equal(flags_a, flags_b),
           "the same rng seed gave different flips: you use the global RNG (np.random.…) "
           "instead of the rng argument.")
    _, flags_other = _call(random_horizontal_flip, images, 8, 0.5)
    expect(not np.array_equal(flags_a, flags_other),
           "another rng seed gave the same flips: is the rng argument used?")
    expected_flags = _reference_flags(len(images), 7, 0.5)
    expect(not np.array_equal(flags, ~expected_flags),
           "your flags are the opposite of rng.random(n) < p: flip where the draw is BELOW p.")
    expect(np.array_equal(flags, expected_flags),
           "the flags differ from rng.random(n) < p: draw exactly rng.random(n) once and flip "
           "where it is < p (so that runs are comparable).")
    on, off = flags, ~flags
    mistakes = [
        (images[:, ::-1], "the flagged images are upside down: you flipped the rows (axis 1, "
                          "vertical). A horizontal flip reverses the columns: axis 2."),
        (images[::-1], "you reversed the order of the images in the batch (axis 0); reverse "
                       "the columns of each image instead: images[:, :, ::-1]."),
        (images[..., ::-1], "you reversed the last axis, which for (n, H, W, C) images is the "
                            "color channels: reverse axis 2 (the width)."),
    ]
    if not np.array_equal(flipped[on], images[on][:, :, ::-1]):
        for wrong, message in mistakes:
            expect(not np.array_equal(flipped[on], wrong[on]), message)
        expect(False, "the flagged images are not the mirror images images[:, :, ::-1].")
    expect(np.array_equal(flipped[off], images[off]),
           "images whose flag is False should be returned unchanged.")
    import tensorflow as tf

    expect(np.array_equal(flipped[on], tf.image.flip_left_right(images[on]).numpy()),
           "your flipped images differ from tf.image.flip_left_right.")
    gray = images[..., 0]
    flipped_gray, flags_gray = _call(random_horizontal_flip, gray, 7, 0.5)
    expect(np.array_equal(flags_gray, expected_flags)
           and np.array_equal(flipped_gray[flags_gray], gray[flags_gray][:, :, ::-1])
           and np.array_equal(flipped_gray[~flags_gray], gray[~flags_gray]),
           "a gray batch (n, H, W) goes wrong: flip axis 2 (the width), which is the same axis "
           "for (n, H, W) and (n, H, W, C); not axis -1.")
    many = np.zeros((4000, 2, 2), np.uint8)
    for p in (0.3, 0.0, 1.0):
        _, flags_p = _call(random_horizontal_flip, many, 3, p)
        expect(abs(flags_p.mean() - p) < 0.03,
               f"with p={p} your function flipped a fraction {flags_p.mean():.3f} of the images: "
               "flip where rng.random(n) < p.")


def _crop_reference(images: np.ndarray, pad: int, offsets: np.ndarray) -> np.ndarray:
    widths = [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (images.ndim - 3)
    padded = np.pad(images, widths)
    height, width = images.shape[1:3]
    return np.stack([padded[i, r:r + height, c:c + width] for i, (r, c) in enumerate(offsets)])


@exercise_check("zero padding, one random window per image from your rng, same as tf.image.")
def check_random_crop_with_padding(random_crop_with_padding: Callable) -> None:
    """Check ``random_crop_with_padding(images, pad, rng) -> (cropped, offsets)``."""
    images = np.random.default_rng(4).integers(1, 256, (40, 6, 5, 3)).astype(np.uint8)
    original = images.copy()
    result = random_crop_with_padding(images, 2, np.random.default_rng(9))
    expect(result is not None,
           "random_crop_with_padding returned None: did you forget a `return`?")
    expect(isinstance(result, tuple) and len(result) == 2,
           "random_crop_with_padding should return a pair (cropped, offsets).")
    cropped, offsets = np.asarray(result[0]), np.asarray(result[1])
    expect(np.array_equal(images, original),
           "your function changed its input images in place: work on a padded copy.")
    expect(cropped.shape == images.shape,
           f"cropped has shape {cropped.shape}, expected the input's shape {images.shape}: "
           "pad only the height and width (axes 1 and 2), then cut an H × W window.")
    expect(offsets.shape == (len(images), 2),
           f"offsets has shape {offsets.shape}, expected ({len(images)}, 2): "
           "one (row, col) per image.")
    expected_offsets = np.random.default_rng(9).integers(0, 2 * 2 + 1, size=(len(images), 2))
    expect(len(np.unique(offsets, axis=0)) > 1,
           "every image got the same window: draw one offset pair per image.")
    too_few = np.random.default_rng(9).integers(0, 2 * 2, (len(images), 2))
    expect(not np.array_equal(offsets, too_few),
           "your offsets never reach 2*pad: there are 2*pad + 1 positions, "
           "rng.integers(0, 2 * pad + 1, size=(n, 2)).")
    expect(np.array_equal(offsets, expected_offsets),
           "the offsets differ from rng.integers(0, 2 * pad + 1, size=(n, 2)): draw them exactly "
           "like that, from the rng argument (not np.random).")
    right = _crop_reference(images, 2, offsets)
    if not np.array_equal(cropped, right):
        edge = np.stack([np.pad(img, [(2, 2), (2, 2), (0, 0)], mode="edge")[r:r + 6, c:c + 5]
                         for img, (r, c) in zip(images, offsets)])
        expect(not np.array_equal(cropped, edge),
               "you padded by repeating the edge pixels: pad with zeros (np.pad's default).")
        swapped = _crop_reference(images, 2, offsets[:, ::-1])
        expect(not np.array_equal(cropped, swapped),
               "rows and columns are swapped: offsets[:, 0] is the row (height) offset.")
        expect(False, "cropped[i] should be padded[i, r:r + H, c:c + W] with (r, c) = offsets[i].")
    import tensorflow as tf

    padded_tf = tf.pad(images, [[0, 0], [2, 2], [2, 2], [0, 0]])
    for i in (0, 1, 2):
        window = tf.image.crop_to_bounding_box(padded_tf[i], int(offsets[i, 0]),
                                               int(offsets[i, 1]), 6, 5)
        expect(np.array_equal(cropped[i], window.numpy()),
               "your crop differs from tf.image.crop_to_bounding_box on the zero-padded image.")
    gray = images[..., 0]
    cropped_gray, offsets_gray = random_crop_with_padding(gray, 2, np.random.default_rng(9))
    gray_right = _crop_reference(gray, 2, np.asarray(offsets_gray))
    expect(np.array_equal(np.asarray(cropped_gray), gray_right),
           "a gray batch (n, H, W) goes wrong: pad axes 1 and 2 only, whatever the number of axes.")
    same, _ = random_crop_with_padding(images, 0, np.random.default_rng(1))
    expect(np.array_equal(np.asarray(same), images),
           "with pad=0 the images should come back unchanged.")
