"""Chapter 5: data augmentation and noise as regularizers.

What the learner is not asked to write: the generated "cars" image set of the
notes' story, the digits split, a compiled training loop for small image
classifiers, a vectorized NumPy augmenter (the explorer's engine), the image
grid, the explorer, and the four exercises' references, catalogues of mistakes
and checks (random horizontal flip, random crop with zero padding, MixUp, and
the online-augmentation ``tf.data`` pipeline ``make_datasets``).

The exercises' contracts ask for a random recipe drawn from the ``rng``
argument but do not fix the formula: the checks test the properties of the
draw (one independent decision or window per image, the right probabilities,
reproducible from ``rng``, nothing from the global generator), so
``rng.random(n) < p`` and ``rng.binomial(1, p, n).astype(bool)`` both pass.
The MixUp check reads each example's λ and partner off its mixed label row (every
example is its own class) and tests the images against them and λ against
Beta(α, α); the pipeline check feeds examples whose pixels encode their index
and an augmentation that adds small noise, then reads two epochs of each dataset.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from utils.checks import Catalogue, CheckFailed, Mistake, exercise_check, matches
from utils.plotting import explorer, explorer_factory, fast_figure
from utils.seeding import numpy_rng
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_nonnegative_int,
    require_positive,
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
    _require_generator(rng)
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
    order = numpy_rng(seed).permutation(len(X))
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
def _require_generator(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), "
                        f"got {type(rng).__name__}")


def _as_batch(images) -> tuple[np.ndarray, bool]:
    """(n, H, W[, C]) images as a float (n, H, W, C) batch, and whether C was added."""
    array = as_float_array("images", images, allow_empty=False)
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
    _require_generator(rng)
    if not isinstance(flip, (bool, np.bool_)):
        raise TypeError(f"flip must be True or False, got {flip!r}")
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
                            label_smoothing=0.0, label_noise=0.0,
                            record_every: int = 5) -> dict:
    """Train Keras classifiers (logits out) side by side with Adam in one compiled loop.

    ``models`` is a list of fresh models of any architecture (e.g. one per
    seed); ``seeds`` (default 1, 2, ...) seed each model's shuffles and label
    noise. One ``tf.function`` call runs one epoch of every model: a seeded
    shuffle, mini-batches, ``model(x, training=True)`` (so augmentation and
    noise layers are active), softmax cross-entropy with optional
    ``label_smoothing``, and optional ``label_noise`` (DisturbLabel: each label
    of each batch is replaced by a uniformly random class with that
    probability); each of the two is one number for all models or one per
    model. Tracing once for all models saves most of the fixed cost.
    Every ``record_every`` epochs it evaluates with ``training=False`` on the
    clean training and test sets. Returns {"epoch": (records,), "train_acc",
    "test_acc", "test_confidence", "test_nll": (models, records),
    "test_proba": (models, n_test, classes)} arrays (confidence: the mean
    largest softmax probability on the test set; nll: the mean test
    cross-entropy; proba: the test set's class probabilities after training).
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
    learning_rate = require_positive("learning_rate", learning_rate)
    label_smoothing = _per_model("label_smoothing", label_smoothing, len(models))
    label_noise = _per_model("label_noise", label_noise, len(models))
    X_train, X_test = as_float_array("X_train", X_train), as_float_array("X_test", X_test)
    require_same_length("X_train", X_train, "y_train", y_train)
    require_same_length("X_test", X_test, "y_test", y_test)
    for name, X in (("X_train", X_train), ("X_test", X_test)):
        if X.ndim != 4 or X.size == 0:
            raise ValueError(f"{name} must be a non-empty (n, H, W, C) image batch, "
                             f"got shape {X.shape}")
    n = len(X_train)
    n_classes = int(models[0].output_shape[-1])
    for name, y in (("y_train", y_train), ("y_test", y_test)):
        labels = np.asarray(y)
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise TypeError(f"{name} must be a 1-D array of integer class labels, got "
                            f"shape {labels.shape} and dtype {labels.dtype}")
        if labels.min() < 0 or labels.max() >= n_classes:
            raise ValueError(f"{name} must hold labels 0..{n_classes - 1} (the models have "
                             f"{n_classes} outputs), got {labels.min()}..{labels.max()}")
    if batch_size > n:
        raise ValueError(f"batch_size must be <= the {n} training examples, got {batch_size}")
    x_tr, x_te = tf.constant(X_train, tf.float32), tf.constant(X_test, tf.float32)
    y_tr = tf.constant(np.asarray(y_train), tf.int64)
    y_te = tf.constant(np.asarray(y_test), tf.int64)
    optimizers = [keras.optimizers.Adam(learning_rate) for _ in models]
    loss_fns = [keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
                for smoothing in label_smoothing]
    steps = n // batch_size

    def train_one(model, optimizer, loss_fn, label_noise, epoch_seed):
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
        for model, optimizer, loss_fn, noise, seed in zip(models, optimizers, loss_fns,
                                                          label_noise, seeds):
            train_one(model, optimizer, loss_fn, noise,
                      tf.stack([tf.constant(seed, tf.int64), epoch]))

    @tf.function
    def evaluate():
        results = []
        for model in models:
            acc_tr = tf.reduce_mean(tf.cast(tf.argmax(model(x_tr, training=False), 1) == y_tr,
                                            tf.float32))
            logits_te = model(x_te, training=False)
            p_te = tf.nn.softmax(logits_te)
            acc_te = tf.reduce_mean(tf.cast(tf.argmax(p_te, 1) == y_te, tf.float32))
            nll_te = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y_te, logits_te))
            results.append(tf.stack([acc_tr, acc_te, tf.reduce_mean(tf.reduce_max(p_te, axis=1)),
                                     nll_te]))
        return tf.stack(results)

    epochs_recorded, values = [], []
    for epoch in range(1, epochs + 1):
        one_epoch(tf.constant(epoch, tf.int64))
        if epoch % record_every == 0 or epoch == epochs:
            epochs_recorded.append(epoch)
            values.append(evaluate().numpy())
    values = np.stack(values, axis=-1)  # (models, 4, records)
    test_proba = np.stack([tf.nn.softmax(m(x_te, training=False)).numpy() for m in models])
    return {"epoch": np.asarray(epochs_recorded), "train_acc": values[:, 0],
            "test_acc": values[:, 1], "test_confidence": values[:, 2], "test_nll": values[:, 3],
            "test_proba": test_proba}


def _per_model(name: str, value, n_models: int) -> list[float]:
    """One probability per model from a number or a sequence of ``n_models`` numbers."""
    values = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value] * n_models
    if len(values) != n_models:
        raise ValueError(f"{name} must be one number or one per model ({n_models}), "
                         f"got {len(values)}")
    return [require_probability(name, v, allow_zero=True) for v in values]


def expected_calibration_error(proba, labels, *, n_bins: int = 10):
    """Expected calibration error of class probabilities ``proba`` (..., n, K) for ``labels`` (n,).

    The n predictions are binned by confidence (largest probability) into
    ``n_bins`` equal bins on [0, 1]; ECE = sum over bins of
    (bin size / n) × |mean confidence − accuracy| in the bin. 0 means calibrated:
    among predictions made with confidence 0.8, 80 % are right. Leading axes
    (e.g. one per model) are kept: returns a float or an array of them.
    """
    proba = as_float_array("proba", proba, allow_empty=False)
    n_bins = require_positive_int("n_bins", n_bins)
    labels = np.asarray(labels)
    if proba.ndim < 2:
        raise ValueError(f"proba must be (..., n, K) class probabilities, got shape {proba.shape}")
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != proba.shape[-2]:
        raise ValueError(f"labels must be {proba.shape[-2]} integer class labels (one per row "
                         f"of proba), got shape {labels.shape} and dtype {labels.dtype}")
    if labels.min() < 0 or labels.max() >= proba.shape[-1]:
        raise ValueError(f"labels must lie in 0..{proba.shape[-1] - 1}, got "
                         f"{labels.min()}..{labels.max()}")
    if proba.min() < 0 or not np.allclose(proba.sum(-1), 1, atol=1e-3):
        raise ValueError("proba must hold probabilities: non-negative, each row summing to 1")
    confidence = proba.max(axis=-1)
    correct = proba.argmax(axis=-1) == labels
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    gaps = [np.abs(np.sum((confidence - correct) * (bins == b), axis=-1)) for b in range(n_bins)]
    ece = np.sum(gaps, axis=0) / len(labels)
    return float(ece) if np.ndim(ece) == 0 else ece


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


def _unit_range(images) -> np.ndarray:
    """Images as floats for display: uint8 0..255 scaled to [0, 1]; floats must be about [0, 1]."""
    if isinstance(images, np.ndarray) and images.dtype == np.uint8:
        return images / 255.0
    batch = as_float_array("images", images, allow_empty=False)
    if batch.min() < -0.5 or batch.max() > 1.5:
        raise ValueError("images must be floats in [0, 1] (or uint8 in 0..255), got values from "
                         f"{batch.min():.3g} to {batch.max():.3g}: divide 0..255 floats by 255")
    return batch


def plot_images(ax, images, *, ncols: int = 4, title: str | None = None, cmap: str = "gray_r"):
    """Draw a batch as one mosaic (one ``imshow``, fast) on ``ax``; gray images use ``cmap``.

    ``images``: (n, H, W) or (n, H, W, C), floats in [0, 1] (values slightly outside,
    e.g. after noise, are clipped) or uint8 in 0..255. The gaps between tiles are
    light blue, so that white (zero) padding in a ``gray_r`` image stays visible.
    """
    import matplotlib

    mosaic = np.clip(image_grid(_unit_range(images), ncols=ncols, fill=np.nan), 0, 1)
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
    if name not in EXPLORER_IMAGES:
        raise ValueError(f"name must be one of {EXPLORER_IMAGES}, got {name!r}")
    if name == "digit 6":
        X, y = _digits()
        return X[np.flatnonzero(y == 6)[0]], "gray_r"
    return sample_image(name, 64), "gray"


def plot_augmentation_grid(ax, name: str = "china", *, rotation: float = 15.0, zoom: float = 0.1,
                           translation: float = 0.1, contrast: float = 0.3, noise: float = 0.0,
                           flip: bool = False, seed: int = 0, n: int = 16):
    """Draw ``n`` random augmentations of one source image (the first tile is the original).

    ``flip`` is off by default: a mirrored digit 6 is no longer a 6.
    """
    image, cmap = explorer_source(name)
    rng = numpy_rng(seed)
    batch = np.repeat(image[None], require_positive_int("n", n), axis=0)
    augmented = augment_batch(batch, rng, rotation=rotation, zoom=zoom, translation=translation,
                              contrast=contrast, noise=noise, flip=flip)
    augmented[0] = image
    return plot_images(ax, augmented, ncols=4, cmap=cmap,
                       title=f"{name}: original (top left) and {n - 1} augmented copies")


@explorer_factory
def make_augmentation_explorer():
    """Sliders for the augmentation parameters redrawing a 4×4 grid of augmented copies."""
    import ipywidgets as widgets

    controls = {
        "name": widgets.SelectionSlider(options=EXPLORER_IMAGES, value="china",
                                        description="image"),
        "rotation": widgets.FloatSlider(value=15, min=0, max=180, step=5, description="rotation °"),
        "zoom": widgets.FloatSlider(value=0.1, min=0, max=0.5, step=0.05, description="zoom ±"),
        "translation": widgets.FloatSlider(value=0.1, min=0, max=0.4, step=0.05,
                                           description="shift ±"),
        "contrast": widgets.FloatSlider(value=0.3, min=0, max=0.9, step=0.1,
                                        description="contrast ±"),
        "noise": widgets.FloatSlider(value=0.0, min=0, max=0.3, step=0.02, description="noise σ"),
        "flip": widgets.Checkbox(value=False, description="random flip"),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed"),
    }

    def figure():
        return fast_figure(width=5.0, height=5.2, left=0.02, right=0.98, bottom=0.02, top=0.93,
                           grid=False)

    return explorer("augmentation", controls, plot_augmentation_grid, figure=figure,
                    rows=[["name", "rotation"], ["zoom", "translation"], ["contrast", "noise"],
                          ["flip", "seed"]])


# --------------------------------------------------------------------------- the exercises
def _require_image_batch(images) -> np.ndarray:
    """A (n, H, W) or (n, H, W, C) numeric array, dtype kept (the exercises keep it)."""
    array = np.asarray(images)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"images must be an array of numbers, got dtype {array.dtype}")
    if array.ndim not in (3, 4):
        raise ValueError(f"images must be (n, H, W) or (n, H, W, C), got shape {array.shape}")
    return array


def reference_random_horizontal_flip(images, rng, p=0.5):
    """The course's answer: flip each image left-right with probability ``p``."""
    images = _require_image_batch(images)
    _require_generator(rng)
    p = require_probability("p", p, allow_zero=True)
    flags = rng.random(len(images)) < p
    mask = flags.reshape((-1,) + (1,) * (images.ndim - 1))   # broadcast over H, W (and C)
    return np.where(mask, images[:, :, ::-1], images), flags


def reference_random_crop_with_padding(images, pad, rng):
    """The course's answer: zero-pad by ``pad``, then cut a random H × W window per image."""
    images = _require_image_batch(images)
    pad = require_nonnegative_int("pad", pad)
    _require_generator(rng)
    offsets = rng.integers(0, 2 * pad + 1, size=(len(images), 2))
    return _crop_at(images, pad, offsets), offsets


def _crop_at(images: np.ndarray, pad: int, offsets: np.ndarray) -> np.ndarray:
    """cropped[i] = zero-padded images[i] at rows r:r+H, columns c:c+W, (r, c) = offsets[i]."""
    widths = [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (images.ndim - 3)
    padded = np.pad(images, widths)
    height, width = images.shape[1:3]
    return np.stack([padded[i, r:r + height, c:c + width] for i, (r, c) in enumerate(offsets)])


def _mask(flags, images):
    """(n,) flags shaped to broadcast over an image batch's other axes."""
    return np.asarray(flags, bool).reshape((-1,) + (1,) * (images.ndim - 1))


def _mirror_where(flags, images):
    return np.where(_mask(flags, images), images[:, :, ::-1], images)


# Wrong answers learners write (each one earns its own message below).
def _flip_returns_images_only(images, rng, p=0.5):
    return _mirror_where(rng.random(len(images)) < p, images)


def _flip_column_flags(images, rng, p=0.5):
    flags = rng.random((len(images), 1)) < p
    return _mirror_where(flags[:, 0], images), flags


def _flip_int_flags(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    return _mirror_where(flags, images), flags.astype(int)


def _flip_only_flagged(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    return images[flags][:, :, ::-1], flags


def _flip_text(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    return [str(image) for image in _mirror_where(flags, images)], flags


def _flip_to_float(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    return _mirror_where(flags, images).astype(float), flags


def _flip_whole_batch(images, rng, p=0.5):
    flags = np.full(len(images), rng.random() < p)
    return (images[:, :, ::-1] if flags[0] else images.copy()), flags


def _flip_global_rng(images, rng, p=0.5):
    flags = np.random.random(len(images)) < p
    return _mirror_where(flags, images), flags


def _flip_fixed_seed(images, rng, p=0.5):
    flags = np.random.default_rng(0).random(len(images)) < p
    return _mirror_where(flags, images), flags


def _flip_vertical(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    mask = flags.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(mask, images[:, ::-1], images), flags


def _flip_batch_order(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    mask = flags.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(mask, images[::-1], images), flags


def _flip_last_axis(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    mask = flags.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(mask, images[..., ::-1], images), flags


def _flip_everything(images, rng, p=0.5):
    return images[:, :, ::-1], rng.random(len(images)) < p


def _flip_shifted(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    mask = flags.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(mask, np.roll(images, 1, axis=2), images), flags


def _flip_color_only_axes(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    mask = flags[:, None, None, None] if images.ndim == 4 else flags[:, None, None]
    mirrored = np.flip(images, axis=2) if images.ndim == 4 else np.flip(images, axis=1)
    return np.where(mask, mirrored, images), flags


def _flip_color_only_index(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    out = images.copy()
    out[flags, :, :, :] = images[flags, :, ::-1, :]
    return out, flags


def _flip_above_p(images, rng, p=0.5):
    flags = rng.random(len(images)) >= p
    return _mirror_where(flags, images), flags


def _flip_ignores_p(images, rng, p=0.5):
    flags = rng.random(len(images)) < 0.5
    return _mirror_where(flags, images), flags


def _flip_in_place(images, rng, p=0.5):
    flags = rng.random(len(images)) < p
    images[flags] = images[flags][:, :, ::-1]
    return images, flags


FLIP = Catalogue(
    "random_horizontal_flip",
    Mistake("not_a_pair", "{name} should return a pair (flipped, flags), got {got}.",
            _flip_returns_images_only),
    Mistake("flags_shape", "flags has shape {got}, expected one flag per image: ({n},).",
            _flip_column_flags),
    Mistake("flags_not_bool", "flags should be booleans (True where the image was flipped), "
            "got dtype {dtype}.", _flip_int_flags),
    Mistake("not_numeric", answer=_flip_text),
    Mistake("wrong_shape", answer=_flip_only_flagged),
    Mistake("one_decision", "with p=0.5 your flags for {n} images are all {value}: one decision "
            "for the whole batch? Draw one random number per image.", _flip_whole_batch),
    Mistake("flipped_rows", "the flagged images are upside down: you reversed the rows (axis 1); "
            "a horizontal flip reverses the width, axis 2.", _flip_vertical),
    Mistake("flipped_batch", "you reversed the order of the images in the batch (axis 0); "
            "a horizontal flip reverses the width of each image, axis 2.", _flip_batch_order),
    Mistake("flipped_channels", "you reversed the last axis, which for (n, H, W, C) images is the "
            "color channels; a horizontal flip reverses the width, axis 2.", _flip_last_axis),
    Mistake("flipped_unflagged", "you flipped every image, also those whose flag is False: "
            "flip only where flags is True and return the others unchanged.", _flip_everything),
    Mistake("wrong_value", answer=_flip_shifted),
    Mistake("dtype_changed", "flipped has dtype {got} but the images were {expected}: keep the "
            "dtype.", _flip_to_float),
    Mistake("global_rng", "the same rng seed gave different flags: your draw does not come from "
            "the rng argument alone (np.random, random, or a TensorFlow/Keras random op?).",
            _flip_global_rng),
    Mistake("ignores_rng", "two different rng seeds gave the same flags: draw the flags from the "
            "rng argument.", _flip_fixed_seed),
    Mistake("gray_raised", "your function works on color batches (n, H, W, C) but not on a gray "
            "batch (n, H, W): {error}", _flip_color_only_index),
    Mistake("gray_wrong", "a gray batch (n, H, W) comes out wrong: the width is axis 2 in both "
            "(n, H, W) and (n, H, W, C), so flip axis 2 whatever the number of axes.",
            _flip_color_only_axes),
    Mistake("flipped_above_p", "with p={p} your function flipped a fraction {fraction} of the "
            "images, about 1 - p: flip where the draw is below p, not above.", _flip_above_p),
    Mistake("wrong_probability", "with p={p} your function flipped a fraction {fraction} of the "
            "images: flip each image with probability p.", _flip_ignores_p),
    Mistake("mutated_input", answer=_flip_in_place),
)


def _unpack_pair(catalogue: Catalogue, name: str, result, first: str):
    """The learner's (first, second) result as arrays, or the catalogue's named failure."""
    if not (isinstance(result, tuple) and len(result) == 2):
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
        catalogue.fail("not_a_pair", name=name, got=got)
    try:
        values = np.asarray(result[0])
        if values.dtype.kind not in "biuf":
            raise TypeError
    except (TypeError, ValueError):
        catalogue.fail("not_numeric", what=first, got_type=type(result[0]).__name__)
    try:
        second = np.asarray(result[1])
    except (TypeError, ValueError):
        second = np.asarray(None)
    return values, second


def _flip_call(fn, images, seed: int, p: float):
    flipped, flags = _unpack_pair(FLIP, fn.__name__, fn(images, numpy_rng(seed), p=p), "flipped")
    FLIP.expect(flags.shape == (len(images),), "flags_shape", got=flags.shape, n=len(images))
    FLIP.expect(flags.dtype == bool, "flags_not_bool", dtype=flags.dtype)
    return flipped, flags


def _flags_with_global_seed(fn, images, seed: int, global_seed: int):
    state = np.random.get_state()
    try:
        np.random.seed(global_seed)
        return _flip_call(fn, images, seed, 0.5)[1]
    finally:
        np.random.set_state(state)


@exercise_check("one independent decision per image from your rng, flipped along the width, "
                "with probability p.", catalogue=FLIP, reference=reference_random_horizontal_flip)
def check_random_horizontal_flip(random_horizontal_flip: Callable) -> None:
    """Check ``random_horizontal_flip(images, rng, p=0.5) -> (flipped, flags)``, by properties."""
    images = numpy_rng(5).integers(0, 256, (64, 5, 7, 3)).astype(np.uint8)
    flipped, flags = _flip_call(random_horizontal_flip, images, 7, 0.5)
    FLIP.expect(flags.any() and not flags.all(), "one_decision", n=len(images),
                value=bool(flags[0]))
    FLIP.close(flipped, _mirror_where(flags, images), what="flipped",
               candidates={"flipped_rows": np.where(_mask(flags, images), images[:, ::-1], images),
                           "flipped_batch": np.where(_mask(flags, images), images[::-1], images),
                           "flipped_channels": np.where(_mask(flags, images), images[..., ::-1],
                                                        images),
                           "flipped_unflagged": images[:, :, ::-1]})
    FLIP.expect(flipped.dtype == images.dtype, "dtype_changed", got=flipped.dtype,
                expected=images.dtype)
    FLIP.expect(np.array_equal(_flags_with_global_seed(random_horizontal_flip, images, 7, 0),
                               _flags_with_global_seed(random_horizontal_flip, images, 7, 1)),
                "global_rng")
    other = _flip_call(random_horizontal_flip, images, 8, 0.5)[1]
    FLIP.expect(not np.array_equal(flags, other), "ignores_rng")
    gray = images[..., 0]
    try:
        flipped_gray, flags_gray = _flip_call(random_horizontal_flip, gray, 7, 0.5)
    except Exception as failure:  # the learner's error, already named by the decorator
        if getattr(failure, "mistake", None) != "raised":
            raise
        FLIP.fail("gray_raised", error=str(failure))
    FLIP.expect(matches(flipped_gray, _mirror_where(flags_gray, gray), rtol=0, atol=0),
                "gray_wrong")
    many = np.zeros((4000, 2, 2), np.uint8)
    for p in (0.3, 0.0, 1.0):
        fraction = float(_flip_call(random_horizontal_flip, many, 3, p)[1].mean())
        if abs(fraction - p) > 0.03:
            key = "flipped_above_p" if abs(fraction - (1 - p)) <= 0.03 else "wrong_probability"
            FLIP.fail(key, p=p, fraction=f"{fraction:.3f}")



# --- random_crop_with_padding: wrong answers learners write
def _widths(images, pad):
    return [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (images.ndim - 3)


def _offsets(rng, n, pad):
    return rng.integers(0, 2 * pad + 1, size=(n, 2))


def _crop_returns_images_only(images, pad, rng):
    return _crop_at(images, pad, _offsets(rng, len(images), pad))


def _crop_flat_offsets(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    return _crop_at(images, pad, offsets), offsets.ravel()


def _crop_float_offsets(images, pad, rng):
    offsets = rng.uniform(0, 2 * pad + 1, size=(len(images), 2))
    return _crop_at(images, pad, offsets.astype(int)), offsets


def _crop_centered_shifts(images, pad, rng):
    shifts = rng.integers(-pad, pad + 1, size=(len(images), 2))
    return _crop_at(images, pad, shifts + pad), shifts


def _crop_text(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    return str(_crop_at(images, pad, offsets)), offsets


def _crop_pad_every_axis(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    padded = np.pad(images, pad)
    height, width = images.shape[1:3]
    return np.stack([padded[pad + i, r:r + height, c:c + width]
                     for i, (r, c) in enumerate(offsets)]), offsets


def _crop_edge_padding(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    padded = np.pad(images, _widths(images, pad), mode="edge")
    height, width = images.shape[1:3]
    return np.stack([padded[i, r:r + height, c:c + width]
                     for i, (r, c) in enumerate(offsets)]), offsets


def _crop_swapped(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    return _crop_at(images, pad, offsets[:, ::-1]), offsets


def _crop_opposite_shift(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    return _crop_at(images, pad, 2 * pad - offsets), offsets


def _crop_wraps_around(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    return np.stack([np.roll(image, (pad - r, pad - c), axis=(0, 1))
                     for image, (r, c) in zip(images, offsets)]), offsets


def _crop_pad_after_only(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    padded = np.pad(images, [(0, 0), (0, 2 * pad), (0, 2 * pad)] + [(0, 0)] * (images.ndim - 3))
    height, width = images.shape[1:3]
    return np.stack([padded[i, r:r + height, c:c + width]
                     for i, (r, c) in enumerate(offsets)]), offsets


def _crop_no_crop(images, pad, rng):
    return images.copy(), _offsets(rng, len(images), pad)


def _crop_to_float(images, pad, rng):
    cropped, offsets = reference_random_crop_with_padding(images, pad, rng)
    return cropped.astype(float), offsets


def _crop_same_window(images, pad, rng):
    offsets = np.repeat(rng.integers(0, 2 * pad + 1, size=(1, 2)), len(images), axis=0)
    return _crop_at(images, pad, offsets), offsets


def _crop_global_rng(images, pad, rng):
    offsets = np.random.randint(0, 2 * pad + 1, size=(len(images), 2))
    return _crop_at(images, pad, offsets), offsets


def _crop_fixed_seed(images, pad, rng):
    offsets = np.random.default_rng(0).integers(0, 2 * pad + 1, size=(len(images), 2))
    return _crop_at(images, pad, offsets), offsets


def _crop_color_only(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    padded = np.pad(images, [(0, 0), (pad, pad), (pad, pad), (0, 0)])
    height, width = images.shape[1:3]
    return np.stack([padded[i, r:r + height, c:c + width]
                     for i, (r, c) in enumerate(offsets)]), offsets


def _crop_gray_wrong(images, pad, rng):
    offsets = _offsets(rng, len(images), pad)
    if images.ndim == 4:
        return _crop_at(images, pad, offsets), offsets
    padded = np.pad(images, [(0, 0), (0, 0), (pad, pad)])
    height, width = images.shape[1:3]
    return np.stack([padded[i, :, c:c + width] for i, (r, c) in enumerate(offsets)]), offsets


def _crop_never_far_edge(images, pad, rng):
    offsets = rng.integers(0, 2 * pad, size=(len(images), 2))
    return _crop_at(images, pad, offsets), offsets


def _crop_rows_equal_cols(images, pad, rng):
    rows = rng.integers(0, 2 * pad + 1, size=len(images))
    offsets = np.stack([rows, rows], axis=1)
    return _crop_at(images, pad, offsets), offsets


def _crop_clipped(images, pad, rng):
    offsets = np.minimum(rng.integers(0, 2 * pad + 2, size=(len(images), 2)), 2 * pad)
    return _crop_at(images, pad, offsets), offsets


def _crop_in_place(images, pad, rng):
    cropped, offsets = reference_random_crop_with_padding(images, pad, rng)
    images[...] = cropped
    return images, offsets


CROP = Catalogue(
    "random_crop_with_padding",
    Mistake("not_a_pair", "{name} should return a pair (cropped, offsets), got {got}.",
            _crop_returns_images_only),
    Mistake("offsets_shape", "offsets has shape {got}, expected one (row, column) pair per "
            "image: ({n}, 2).", _crop_flat_offsets),
    Mistake("offsets_not_int", "offsets should be integers (pixel positions), got dtype "
            "{dtype}.", _crop_float_offsets),
    Mistake("offsets_out_of_range", "offsets should lie in 0..2*pad = 0..{top} (offset pad "
            "means no shift), got values from {low} to {high}.", _crop_centered_shifts),
    Mistake("not_numeric", answer=_crop_text),
    Mistake("wrong_shape", answer=_crop_pad_every_axis),
    Mistake("edge_padding", "you padded by repeating the edge pixels: pad with zeros.",
            _crop_edge_padding),
    Mistake("swapped_offsets", "rows and columns are swapped: offsets[:, 0] is the row "
            "(height) offset, offsets[:, 1] the column.", _crop_swapped),
    Mistake("opposite_shift", "your windows move the opposite way: offset (0, 0) is the "
            "window at the top-left corner of the padded image.", _crop_opposite_shift),
    Mistake("wraps_around", "your pixels wrap around the edges (np.roll?): the pixels that "
            "enter at the edges should be the zero padding.", _crop_wraps_around),
    Mistake("not_cropped", "cropped equals the input although the offsets are not all pad: "
            "cut the window at offsets[i] out of the padded image.", _crop_no_crop),
    Mistake("wrong_value", answer=_crop_pad_after_only),
    Mistake("dtype_changed", "cropped has dtype {got} but the images were {expected}: keep the "
            "dtype.", _crop_to_float),
    Mistake("same_window", "every image got the same window: draw one offset pair per image.",
            _crop_same_window),
    Mistake("global_rng", "the same rng seed gave different offsets: your draw does not come "
            "from the rng argument alone (np.random, random, or a TensorFlow random op?).",
            _crop_global_rng),
    Mistake("ignores_rng", "two different rng seeds gave the same offsets: draw the offsets "
            "from the rng argument.", _crop_fixed_seed),
    Mistake("gray_raised", "your function works on color batches (n, H, W, C) but not on a gray "
            "batch (n, H, W): {error}", _crop_color_only),
    Mistake("gray_wrong", "a gray batch (n, H, W) comes out wrong: pad and crop axes 1 and 2, "
            "whatever the number of axes.", _crop_gray_wrong),
    Mistake("never_far_edge", "over {n} images your offsets never reach 2*pad = {top}: there "
            "are 2*pad + 1 positions along each axis, 0 to 2*pad.", _crop_never_far_edge),
    Mistake("rows_equal_cols", "the row and column offsets are equal for every image: draw "
            "them independently.", _crop_rows_equal_cols),
    Mistake("not_uniform", "the {positions} window positions along each axis should be equally "
            "likely, but over {n} images position {where} came up a fraction {fraction} of the "
            "time (expected {expected}).", _crop_clipped),
    Mistake("mutated_input", answer=_crop_in_place),
)


def _crop_call(fn, images, pad: int, seed: int):
    cropped, offsets = _unpack_pair(CROP, fn.__name__, fn(images, pad, numpy_rng(seed)), "cropped")
    CROP.expect(offsets.shape == (len(images), 2), "offsets_shape", got=offsets.shape,
                n=len(images))
    CROP.expect(offsets.dtype.kind in "iu", "offsets_not_int", dtype=offsets.dtype)
    CROP.expect(offsets.min() >= 0 and offsets.max() <= 2 * pad, "offsets_out_of_range",
                top=2 * pad, low=offsets.min(), high=offsets.max())
    return cropped, offsets.astype(int)


def _offsets_with_global_seed(fn, images, pad: int, seed: int, global_seed: int):
    state = np.random.get_state()
    try:
        np.random.seed(global_seed)
        return _crop_call(fn, images, pad, seed)[1]
    finally:
        np.random.set_state(state)


def _check_offset_distribution(fn, pad: int = 2, n: int = 3000) -> None:
    """Over many images: both ends reached, rows and columns independent, positions uniform."""
    offsets = _crop_call(fn, np.zeros((n, 2, 2), np.uint8), pad, 3)[1]
    CROP.expect(offsets.max() == 2 * pad, "never_far_edge", n=n, top=2 * pad)
    CROP.expect(not np.array_equal(offsets[:, 0], offsets[:, 1]), "rows_equal_cols")
    positions = 2 * pad + 1
    for axis in (0, 1):
        share = np.bincount(offsets[:, axis], minlength=positions) / n
        where = int(np.argmax(np.abs(share - 1 / positions)))
        CROP.expect(abs(share[where] - 1 / positions) <= 0.04, "not_uniform", positions=positions,
                    n=n, where=where, fraction=f"{share[where]:.3f}",
                    expected=f"{1 / positions:.3f}")


@exercise_check("zero padding, one independent uniform window per image from your rng, dtype "
                "kept.", catalogue=CROP, reference=reference_random_crop_with_padding)
def check_random_crop_with_padding(random_crop_with_padding: Callable) -> None:
    """Check ``random_crop_with_padding(images, pad, rng) -> (cropped, offsets)``, by properties."""
    images = numpy_rng(4).integers(1, 256, (40, 6, 5, 3)).astype(np.uint8)
    pad = 2
    cropped, offsets = _crop_call(random_crop_with_padding, images, pad, 9)
    CROP.expect(len(np.unique(offsets, axis=0)) > 1, "same_window")
    edge = np.stack([np.pad(image, [(pad, pad), (pad, pad), (0, 0)], mode="edge")[r:r + 6, c:c + 5]
                     for image, (r, c) in zip(images, offsets)])
    rolled = np.stack([np.roll(image, (pad - r, pad - c), axis=(0, 1))
                       for image, (r, c) in zip(images, offsets)])
    CROP.close(cropped, _crop_at(images, pad, offsets), what="cropped",
               candidates={"edge_padding": edge,
                           "swapped_offsets": _crop_at(images, pad, offsets[:, ::-1]),
                           "opposite_shift": _crop_at(images, pad, 2 * pad - offsets),
                           "wraps_around": rolled, "not_cropped": images})
    CROP.expect(cropped.dtype == images.dtype, "dtype_changed", got=cropped.dtype,
                expected=images.dtype)
    CROP.expect(np.array_equal(
        _offsets_with_global_seed(random_crop_with_padding, images, pad, 9, 0),
        _offsets_with_global_seed(random_crop_with_padding, images, pad, 9, 1)), "global_rng")
    other = _crop_call(random_crop_with_padding, images, pad, 10)[1]
    CROP.expect(not np.array_equal(offsets, other), "ignores_rng")
    gray = images[..., 0]
    try:
        cropped_gray, offsets_gray = _crop_call(random_crop_with_padding, gray, pad, 9)
    except Exception as failure:  # the learner's error, already named by the decorator
        if getattr(failure, "mistake", None) != "raised":
            raise
        CROP.fail("gray_raised", error=str(failure))
    CROP.expect(matches(cropped_gray, _crop_at(gray, pad, offsets_gray), rtol=0, atol=0),
                "gray_wrong")
    _check_offset_distribution(random_crop_with_padding)
    unchanged, _ = _crop_call(random_crop_with_padding, images, 0, 1)
    CROP.close(unchanged, images, what="cropped with pad=0")


# --------------------------------------------------------------------------- exercise 3: mixup
def _require_mixup_inputs(X, Y, alpha, rng):
    X, Y = np.asarray(X), np.asarray(Y)
    if X.dtype.kind not in "biuf" or X.ndim < 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty (n, ...) array of examples, got shape {X.shape} "
                         f"and dtype {X.dtype}")
    if Y.dtype.kind not in "biuf" or Y.ndim != 2:
        raise ValueError(f"Y must be (n, K) one-hot (or soft) labels, got shape {Y.shape}")
    require_same_length("X", X, "Y", Y)
    _require_generator(rng)
    return X, Y, require_positive("alpha", alpha)


def reference_mixup(X, Y, alpha, rng):
    """The course's answer: mix each example with a random partner, one λ ~ Beta(α, α) each."""
    X, Y, alpha = _require_mixup_inputs(X, Y, alpha, rng)
    lam = rng.beta(alpha, alpha, size=len(X))           # one λ per example
    partner = rng.permutation(len(X))
    lam_x = lam.reshape((-1,) + (1,) * (X.ndim - 1))    # broadcast over the pixels
    return (lam_x * X + (1 - lam_x) * X[partner],
            lam[:, None] * Y + (1 - lam[:, None]) * Y[partner])


def _lam_shape(lam, X):
    return np.asarray(lam).reshape((-1,) + (1,) * (X.ndim - 1))


def _mix(X, Y, lam, partner, lam_y=None):
    lam_y = lam if lam_y is None else lam_y
    lam_x = _lam_shape(lam, X)
    return (lam_x * X + (1 - lam_x) * X[partner],
            lam_y[:, None] * Y + (1 - lam_y[:, None]) * Y[partner])


# Wrong answers learners write.
def _mixup_images_only(X, Y, alpha, rng):
    return _mix(X, Y, rng.beta(alpha, alpha, len(X)), rng.permutation(len(X)))[0]


def _mixup_text(X, Y, alpha, rng):
    mixed, labels = _mix(X, Y, rng.beta(alpha, alpha, len(X)), rng.permutation(len(X)))
    return [str(x) for x in mixed], labels


def _mixup_flat(X, Y, alpha, rng):
    mixed, labels = _mix(X, Y, rng.beta(alpha, alpha, len(X)), rng.permutation(len(X)))
    return mixed.reshape(len(X), -1), labels


def _mixup_no_one_minus(X, Y, alpha, rng):
    lam, partner = rng.beta(alpha, alpha, len(X)), rng.permutation(len(X))
    lam_x = _lam_shape(lam, X)
    return lam_x * X + X[partner], lam[:, None] * Y + (1 - lam[:, None]) * Y[partner]


def _mixup_labels_kept(X, Y, alpha, rng):
    return _mix(X, Y, rng.beta(alpha, alpha, len(X)), rng.permutation(len(X)))[0], Y.copy()


def _mixup_with_itself(X, Y, alpha, rng):
    return _mix(X, Y, rng.beta(alpha, alpha, len(X)), np.arange(len(X)))


def _mixup_labels_swapped(X, Y, alpha, rng):
    lam, partner = rng.beta(alpha, alpha, len(X)), rng.permutation(len(X))
    return _mix(X, Y, lam, partner, lam_y=1 - lam)


def _mixup_two_permutations(X, Y, alpha, rng):
    lam = rng.beta(alpha, alpha, len(X))
    lam_x = _lam_shape(lam, X)
    images = lam_x * X + (1 - lam_x) * X[rng.permutation(len(X))]
    return images, lam[:, None] * Y + (1 - lam[:, None]) * Y[rng.permutation(len(X))]


def _mixup_two_lambdas(X, Y, alpha, rng):
    partner = rng.permutation(len(X))
    images = _mix(X, Y, rng.beta(alpha, alpha, len(X)), partner)[0]
    return images, _mix(X, Y, rng.beta(alpha, alpha, len(X)), partner)[1]


def _mixup_per_pixel(X, Y, alpha, rng):
    partner = rng.permutation(len(X))
    lam = rng.beta(alpha, alpha, X.shape)
    labels = _mix(X, Y, lam.reshape(len(X), -1).mean(axis=1), partner)[1]
    return lam * X + (1 - lam) * X[partner], labels


def _mixup_one_lambda(X, Y, alpha, rng):
    return _mix(X, Y, np.full(len(X), rng.beta(alpha, alpha)), rng.permutation(len(X)))


def _mixup_lambda_is_alpha(X, Y, alpha, rng):
    return _mix(X, Y, np.full(len(X), alpha), rng.permutation(len(X)))


def _mixup_uniform(X, Y, alpha, rng):
    return _mix(X, Y, rng.uniform(0, 1, len(X)), rng.permutation(len(X)))


def _mixup_beta_alpha_one(X, Y, alpha, rng):
    return _mix(X, Y, rng.beta(alpha, 1.0, len(X)), rng.permutation(len(X)))


def _mixup_global_rng(X, Y, alpha, rng):
    return _mix(X, Y, np.random.beta(alpha, alpha, len(X)), np.random.permutation(len(X)))


def _mixup_fixed_seed(X, Y, alpha, rng):
    fixed = np.random.default_rng(0)
    return _mix(X, Y, fixed.beta(alpha, alpha, len(X)), fixed.permutation(len(X)))


def _mixup_in_place(X, Y, alpha, rng):
    lam, partner = rng.beta(alpha, alpha, len(X)), rng.permutation(len(X))
    others = X[partner]
    X *= _lam_shape(lam, X)
    X += _lam_shape(1 - lam, X) * others
    return X, lam[:, None] * Y + (1 - lam[:, None]) * Y[partner]


MIXUP = Catalogue(
    "mixup",
    Mistake("not_a_pair", "{name} should return a pair (X_mixed, Y_mixed), got {got}.",
            _mixup_images_only),
    Mistake("not_numeric", answer=_mixup_text),
    Mistake("wrong_shape", answer=_mixup_flat),
    Mistake("pairs_with_itself", "nothing changed: every example was mixed with itself; mix "
            "example i with a random partner, e.g. X[rng.permutation(n)].", _mixup_with_itself),
    Mistake("labels_not_mixed", "the images are mixed but Y_mixed equals Y: a blend of two images "
            "gets the blend of their labels, λ y_i + (1 - λ) y_j.", _mixup_labels_kept),
    Mistake("labels_swapped", "the labels weigh the two examples the other way round from the "
            "images: image weight λ on x_i goes with label weight λ on y_i.",
            _mixup_labels_swapped),
    Mistake("different_partners", "image i was mixed with another partner than its label: draw "
            "the permutation once and use it for both X and Y.", _mixup_two_permutations),
    Mistake("different_lambdas", "the images and the labels of example i are mixed with "
            "different λ: draw λ once and use it for both.", _mixup_two_lambdas),
    Mistake("lambda_per_pixel", "λ changes from pixel to pixel within an image: draw one λ per "
            "example and reshape it to (n, 1, 1, ...) so that it broadcasts over the pixels.",
            _mixup_per_pixel),
    Mistake("wrong_value", answer=_mixup_no_one_minus),
    Mistake("lambda_is_alpha", "every λ equals alpha = {alpha}: alpha is the parameter of the "
            "distribution; draw λ ~ Beta(alpha, alpha), e.g. rng.beta(alpha, alpha, size=n).",
            _mixup_lambda_is_alpha),
    Mistake("one_lambda", "all {n} examples got the same λ: draw one λ per example, "
            "rng.beta(alpha, alpha, size=n) (as keras.layers.MixUp does).", _mixup_one_lambda),
    Mistake("uniform_lambda", "your λ look uniform on [0, 1] whatever alpha is: draw them from "
            "Beta(alpha, alpha), rng.beta(alpha, alpha, size=n).", _mixup_uniform),
    Mistake("wrong_distribution", "with alpha = {alpha} the mean of min(λ, 1 - λ) over {n} "
            "examples was {got}, expected about {expected} for λ ~ Beta(alpha, alpha).",
            _mixup_beta_alpha_one),
    Mistake("global_rng", "the same rng seed gave different mixes: your draws do not come from "
            "the rng argument alone (np.random.beta or np.random.permutation?).",
            _mixup_global_rng),
    Mistake("ignores_rng", "two different rng seeds gave the same mixes: draw λ and the "
            "partners from the rng argument.", _mixup_fixed_seed),
    Mistake("mutated_input", answer=_mixup_in_place),
)


def _mixup_call(fn, X, Y, alpha: float, seed: int):
    X_mixed, Y_mixed = _unpack_pair(MIXUP, fn.__name__, fn(X, Y, alpha, numpy_rng(seed)),
                                    "X_mixed")
    if Y_mixed.dtype.kind not in "biuf":
        MIXUP.fail("not_numeric", what="Y_mixed", got_type=type(Y_mixed).__name__)
    for what, got, expected in (("X_mixed", X_mixed, X), ("Y_mixed", Y_mixed, Y)):
        MIXUP.expect(got.shape == expected.shape, "wrong_shape", what=what, got_shape=got.shape,
                     expected_shape=expected.shape)
    return X_mixed.astype(float), Y_mixed.astype(float)


def _weights_from_labels(Y_mixed):
    """Each example's own weight λ_i and its partner j_i, read off mixed one-hot rows (Y = I)."""
    n = len(Y_mixed)
    lam = Y_mixed[np.arange(n), np.arange(n)]
    others = Y_mixed.copy()
    others[np.arange(n), np.arange(n)] = -np.inf
    partner = np.where(lam < 1 - 1e-9, others.argmax(axis=1), np.arange(n))
    return lam, partner


def _refit_partners(X, X_mixed, lam):
    """For each i, the k with X_mixed[i] = λ_i X[i] + (1 - λ_i) X[k], or None if some i has none."""
    found = []
    for i in range(len(X)):
        if lam[i] > 1 - 1e-6:
            found.append(i)
            continue
        target = (X_mixed[i] - lam[i] * X[i]) / (1 - lam[i])
        errors = np.abs(X - target).reshape(len(X), -1).max(axis=1)
        if errors.min() > 1e-6:
            return None
        found.append(int(errors.argmin()))
    return np.asarray(found)


def _per_pixel_lambdas(X, X_mixed, partner):
    """Per image, the weight λ of each pixel where x_i and x_j differ, such that
    X_mixed = λ x_i + (1 - λ) x_j (NaN elsewhere), and one λ per image where they agree.

    Returns (ratio (n, pixels), per_image (n,) or NaN where the pixels disagree);
    an image mixed with itself (no differing pixel) gets λ = 1.
    """
    diff = (X - X[partner]).reshape(len(X), -1)
    differs = np.abs(diff) > 0.05
    ratio = np.full(diff.shape, np.nan)
    ratio[differs] = (X_mixed - X[partner]).reshape(len(X), -1)[differs] / diff[differs]
    low = np.where(differs, ratio, np.inf).min(axis=1)
    high = np.where(differs, ratio, -np.inf).max(axis=1)
    per_image = np.where(~differs.any(axis=1), 1.0, np.where(high - low < 1e-6, low, np.nan))
    return ratio, per_image


def _mean_folded(alpha: float) -> float:
    """E[min(λ, 1 - λ)] for λ ~ Beta(alpha, alpha)."""
    from scipy import integrate, stats

    return 2 * integrate.quad(lambda x: x * stats.beta.pdf(x, alpha, alpha), 0, 0.5)[0]


def _mixup_with_global_seed(fn, X, Y, seed: int, global_seed: int):
    state = np.random.get_state()
    try:
        np.random.seed(global_seed)
        return _mixup_call(fn, X, Y, 0.4, seed)
    finally:
        np.random.set_state(state)


@exercise_check("one λ ~ Beta(α, α) per example, the same λ and partner for the image and the "
                "label, drawn from your rng.", catalogue=MIXUP, reference=reference_mixup)
def check_mixup(mixup: Callable) -> None:
    """Check ``mixup(X, Y, alpha, rng) -> (X_mixed, Y_mixed)`` by properties.

    Y is the identity (every example its own class), so each mixed label row tells which
    λ and which partner the learner used; the images must agree with them.
    """
    n = 12
    X = numpy_rng(11).random((n, 3, 4, 2))
    Y = np.eye(n)
    X_mixed, Y_mixed = _mixup_call(mixup, X, Y, 0.4, 5)
    if matches(Y_mixed, Y):
        MIXUP.expect(not matches(X_mixed, X), "pairs_with_itself")
        MIXUP.fail("labels_not_mixed")
    lam, partner = _weights_from_labels(Y_mixed)
    MIXUP.close(Y_mixed, _mix(X, Y, lam, partner)[1], what="Y_mixed")
    expected = _mix(X, Y, lam, partner)[0]
    if not matches(X_mixed, expected):
        MIXUP.expect(not matches(X_mixed, _mix(X, Y, 1 - lam, partner)[0]), "labels_swapped")
        refit = _refit_partners(X, X_mixed, lam)
        MIXUP.expect(refit is None, "different_partners")
        ratio, per_image = _per_pixel_lambdas(X, X_mixed, partner)
        one_per_image = not np.isnan(per_image).any()
        MIXUP.expect(not (one_per_image and matches(X_mixed, _mix(X, Y, per_image, partner)[0])),
                     "different_lambdas")
        MIXUP.expect(one_per_image or not (np.nanmin(ratio) >= -1e-9 and
                                           np.nanmax(ratio) <= 1 + 1e-9), "lambda_per_pixel")
    MIXUP.close(X_mixed, expected, what="X_mixed")
    mixed = lam < 1 - 1e-9
    if np.allclose(lam[mixed], lam[mixed][0]):
        MIXUP.expect(not np.isclose(lam[mixed][0], 0.4), "lambda_is_alpha", alpha=0.4)
        MIXUP.fail("one_lambda", n=n)
    MIXUP.expect(matches(_mixup_with_global_seed(mixup, X, Y, 5, 0)[1],
                         _mixup_with_global_seed(mixup, X, Y, 5, 1)[1]), "global_rng")
    MIXUP.expect(not matches(_mixup_call(mixup, X, Y, 0.4, 6)[1], Y_mixed), "ignores_rng")
    many = 1000
    folded = {}
    for alpha in (0.2, 2.0):
        lam_many, _ = _weights_from_labels(_mixup_call(mixup, np.zeros((many, 1)),
                                                       np.eye(many, dtype=np.float32), alpha, 3)[1])
        folded[alpha] = float(np.mean(np.minimum(lam_many, 1 - lam_many)))
    if all(abs(folded[a] - 0.25) < 0.025 for a in folded):
        MIXUP.fail("uniform_lambda")
    for alpha, got in folded.items():
        expected_mean = _mean_folded(alpha)
        MIXUP.expect(abs(got - expected_mean) < 0.025, "wrong_distribution", alpha=alpha, n=many,
                     got=f"{got:.3f}", expected=f"{expected_mean:.3f}")


# --------------------------------------------------------------------------- exercise 4: tf.data
def _require_pipeline_inputs(X_train, y_train, X_test, y_test, augment, batch_size, seed):
    for name, X, y in (("X_train", X_train, y_train), ("X_test", X_test, y_test)):
        array = np.asarray(X)
        if array.dtype.kind not in "biuf" or array.ndim < 2 or len(array) == 0:
            raise ValueError(f"{name} must be a non-empty (n, ...) array of examples, got shape "
                             f"{array.shape} and dtype {array.dtype}")
        require_same_length(name, X, name.replace("X", "y"), y)
    if not callable(augment):
        raise TypeError(f"augment must be a function of a batch of images, got "
                        f"{type(augment).__name__}")
    return require_positive_int("batch_size", batch_size), require_nonnegative_int("seed", seed)


def reference_make_datasets(X_train, y_train, X_test, y_test, augment, batch_size, seed):
    """The course's answer: an augmented, reshuffled training pipeline and a plain test one."""
    import tensorflow as tf

    batch_size, seed = _require_pipeline_inputs(X_train, y_train, X_test, y_test, augment,
                                                batch_size, seed)
    train_ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
                .shuffle(len(X_train), seed=seed)          # a new order every epoch
                .batch(batch_size)
                .map(lambda x, y: (augment(x), y))         # new random draws every epoch
                .prefetch(tf.data.AUTOTUNE))
    test_ds = (tf.data.Dataset.from_tensor_slices((X_test, y_test))
               .batch(batch_size)
               .prefetch(tf.data.AUTOTUNE))
    return train_ds, test_ds


def _tf():
    import tensorflow as tf

    return tf


def _pairs(X, y):
    return _tf().data.Dataset.from_tensor_slices((X, y))


def _pipeline_answer(train_steps, test_steps=None):
    """A make_datasets built from two functions of (dataset, augment, batch_size, seed, n)."""
    def make_datasets(X_train, y_train, X_test, y_test, augment, batch_size, seed):
        tf = _tf()
        train = train_steps(_pairs(X_train, y_train), augment, batch_size, seed, len(X_train))
        test = (test_steps or (lambda d, a, b, s, n: d.batch(b).prefetch(tf.data.AUTOTUNE)))(
            _pairs(X_test, y_test), augment, batch_size, seed, len(X_test))
        return train, test
    return make_datasets


def _good_train(d, augment, b, seed, n):
    return d.shuffle(n, seed=seed).batch(b).map(lambda x, y: (augment(x), y)).prefetch(-1)


# Wrong answers learners write.
def _pipeline_train_only(X_train, y_train, X_test, y_test, augment, batch_size, seed):
    return _good_train(_pairs(X_train, y_train), augment, batch_size, seed, len(X_train))


_pipeline_repeats = _pipeline_answer(lambda d, a, b, s, n: _good_train(d, a, b, s, n).repeat())
_pipeline_images_only = _pipeline_answer(
    lambda d, a, b, s, n: d.map(lambda x, y: x).shuffle(n, seed=s).batch(b).map(a).prefetch(-1))
_pipeline_unbatched = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_batch_of_one = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).batch(1).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_not_augmented = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).batch(b).prefetch(-1))
_pipeline_cached = _pipeline_answer(
    lambda d, a, b, s, n: d.map(lambda x, y: (a(x), y)).cache().shuffle(n, seed=s).batch(b)
    .prefetch(-1))
_pipeline_not_shuffled = _pipeline_answer(
    lambda d, a, b, s, n: d.batch(b).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_shuffled_batches = _pipeline_answer(
    lambda d, a, b, s, n: d.batch(b).shuffle(n, seed=s).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_small_buffer = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(b, seed=s).batch(b).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_same_order = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s, reshuffle_each_iteration=False).batch(b)
    .map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_unseeded = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n).batch(b).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_fixed_seed = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=0).batch(b).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_no_prefetch = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).batch(b).map(lambda x, y: (a(x), y)))
_pipeline_half_epoch = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).take(n // 2).batch(b).map(lambda x, y: (a(x), y))
    .prefetch(-1))
_pipeline_augmented_twice = _pipeline_answer(
    lambda d, a, b, s, n: d.shuffle(n, seed=s).map(lambda x, y: (a(x), y)).batch(b)
    .map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_test_augmented = _pipeline_answer(
    _good_train, lambda d, a, b, s, n: d.batch(b).map(lambda x, y: (a(x), y)).prefetch(-1))
_pipeline_test_shuffled = _pipeline_answer(
    _good_train, lambda d, a, b, s, n: d.shuffle(n, seed=s).batch(b).prefetch(-1))
_pipeline_test_unbatched = _pipeline_answer(_good_train, lambda d, a, b, s, n: d.prefetch(-1))


def _pipeline_separate_shuffles(X_train, y_train, X_test, y_test, augment, batch_size, seed):
    tf = _tf()
    images = tf.data.Dataset.from_tensor_slices(X_train).shuffle(len(X_train), seed=seed)
    labels = tf.data.Dataset.from_tensor_slices(y_train).shuffle(len(X_train), seed=seed + 1)
    train = (tf.data.Dataset.zip((images, labels)).batch(batch_size)
             .map(lambda x, y: (augment(x), y)).prefetch(-1))
    return train, _pairs(X_test, y_test).batch(batch_size).prefetch(-1)


def _pipeline_shuffles_inputs(X_train, y_train, X_test, y_test, augment, batch_size, seed):
    rng = np.random.default_rng(seed)
    rng.shuffle(X_train)                       # in place, and apart from the labels
    return reference_make_datasets(X_train, y_train, X_test, y_test, augment, batch_size, seed)


PIPELINE = Catalogue(
    "make_datasets",
    Mistake("not_datasets", "{name} should return a pair (train_ds, test_ds) of tf.data.Dataset, "
            "got {got}.", _pipeline_train_only),
    Mistake("repeats_forever", "train_ds never ends (.repeat()?): return one epoch; "
            "model.fit(train_ds, epochs=...) starts it again every epoch, with a new shuffle and "
            "new random augmentations.", _pipeline_repeats),
    Mistake("not_pairs", "{which} should yield (images, labels) pairs, got {got}: keep the "
            "labels next to their images, e.g. from_tensor_slices((X, y)) and "
            "map(lambda x, y: (augment(x), y)).", _pipeline_images_only),
    Mistake("not_batched", "{which} yields single examples of shape {got}: add .batch(batch_size).",
            _pipeline_unbatched),
    Mistake("wrong_batch_size", "{which} yields batches of {got} examples, expected batch_size = "
            "{expected} (the last batch may be smaller).", _pipeline_batch_of_one),
    Mistake("labels_mismatched", "{which} pairs images with the wrong labels: shuffling the images "
            "and the labels apart (two datasets, two shuffles) loses the pairing; shuffle one "
            "dataset of (image, label) pairs.", _pipeline_separate_shuffles),
    Mistake("wrong_count", "one pass over {which} gave {got} examples ({distinct} different), "
            "expected each of the {expected} examples exactly once.", _pipeline_half_epoch),
    Mistake("train_not_augmented", "train_ds gives the images unchanged: map augment over the "
            "training examples (or batches).", _pipeline_not_augmented),
    Mistake("augmented_twice", "train_ds changes the images by more than one call of augment "
            "does: map augment once (per example or per batch, not both).",
            _pipeline_augmented_twice),
    Mistake("augmented_once", "every epoch of train_ds gives the same augmented images: augment "
            "was applied once (in NumPy, or before .cache()); map it after shuffle so that "
            "each epoch draws new random versions.", _pipeline_cached),
    Mistake("not_shuffled", "train_ds gives the examples in their original order: "
            "shuffle the training set, .shuffle(len(X_train), seed=seed).", _pipeline_not_shuffled),
    Mistake("shuffled_batches", "train_ds shuffles whole batches: every batch holds the same "
            "neighbours each epoch; shuffle the examples before .batch.",
            _pipeline_shuffled_batches),
    Mistake("small_buffer", "the shuffle of train_ds is far from uniform: in {epochs} epochs no "
            "example moved more than {moved} places forward; give .shuffle a buffer as large "
            "as the training set, len(X_train).", _pipeline_small_buffer),
    Mistake("same_order_each_epoch", "train_ds gives the same order every epoch: let .shuffle "
            "reshuffle each iteration (its default), or do not shuffle once in NumPy.",
            _pipeline_same_order),
    Mistake("not_reproducible", "two calls with the same seed gave different orders: pass the "
            "seed to .shuffle(..., seed=seed).", _pipeline_unseeded),
    Mistake("ignores_seed", "two different seeds gave the same order: pass the seed argument to "
            ".shuffle(..., seed=seed).", _pipeline_fixed_seed),
    Mistake("test_augmented", "test_ds is augmented: evaluate on the real test images, map "
            "augment over the training set only.", _pipeline_test_augmented),
    Mistake("test_shuffled", "test_ds is shuffled: keep the test set in its order, so that "
            "predictions line up with y_test and every evaluation sees the same batches.",
            _pipeline_test_shuffled),
    Mistake("no_prefetch", "{which} does not end with .prefetch(tf.data.AUTOTUNE): without it "
            "the model waits while the next batch is prepared.", _pipeline_no_prefetch),
    Mistake("mutated_input", answer=_pipeline_shuffles_inputs),
)


def _noise_augment(seed: int):
    """The check's augmentation: adds uniform noise in [0.1, 0.2) to every pixel, new draws on
    every call (a stateful generator, so a second epoch differs from the first)."""
    generator = _tf().random.Generator.from_seed(seed)

    def augment(images):
        return images + generator.uniform(_tf().shape(images), 0.1, 0.2, dtype=images.dtype)
    return augment


def _pipeline_data():
    """Examples whose pixels encode their index: X[i] = 10 i + a pattern in [0, 1)."""
    pattern = numpy_rng(2).random((3, 2, 1)).astype(np.float32)
    X_train = (10 * np.arange(40, dtype=np.float32)[:, None, None, None] + pattern)
    X_test = (10 * np.arange(100, 112, dtype=np.float32)[:, None, None, None] + pattern)
    y_train = (7 * np.arange(40) + 3) % 40
    y_test = (5 * np.arange(12) + 1) % 12
    return X_train, y_train, X_test, y_test


def _make_pipelines(fn, seed: int):
    X_train, y_train, X_test, y_test = _pipeline_data()
    result = fn(X_train, y_train, X_test, y_test, _noise_augment(seed), 8, seed)
    tf = _tf()
    if not (isinstance(result, tuple) and len(result) == 2
            and all(isinstance(d, tf.data.Dataset) for d in result)):
        got = (f"a tuple of {', '.join(type(d).__name__ for d in result)}"
               if isinstance(result, tuple) else type(result).__name__)
        PIPELINE.fail("not_datasets", name=fn.__name__, got=got)
    PIPELINE.expect(result[0].cardinality() != tf.data.INFINITE_CARDINALITY, "repeats_forever")
    return result


def _read_epoch(ds, which: str, X, y, first: int, batch_size: int = 8):
    """One pass over ``ds``: (the example index at each position, the change of each image)."""
    images, labels = [], []
    try:
        for element in ds.take(1000):
            if not (isinstance(element, tuple) and len(element) == 2):
                got = (f"a tuple of {len(element)}" if isinstance(element, tuple)
                       else f"{type(element).__name__} of shape {tuple(element.shape)}"
                       if hasattr(element, "shape") else type(element).__name__)
                PIPELINE.fail("not_pairs", which=which, got=got)
            images.append(np.asarray(element[0]))
            labels.append(np.asarray(element[1]))
    except CheckFailed:
        raise
    except Exception as error:  # the learner's pipeline failed while running
        PIPELINE.fail("raised", name=f"iterating {which}", error=f"{type(error).__name__}: "
                      f"{str(error).splitlines()[0] if str(error) else ''}", where=".")
    PIPELINE.expect(all(x.ndim == X.ndim for x in images), "not_batched", which=which,
                    got=images[0].shape if images else "()")
    sizes = [len(x) for x in images]
    wrong = [s for s in sizes[:-1] if s != batch_size] + [s for s in sizes[-1:] if s > batch_size]
    PIPELINE.expect(not wrong, "wrong_batch_size", which=which, got=wrong[0] if wrong else 0,
                    expected=batch_size)
    images, labels = np.concatenate(images), np.concatenate(labels)
    index = np.floor(images.reshape(len(images), -1).mean(axis=1) / 10).astype(int) - first
    PIPELINE.expect(len(index) == len(X) and np.array_equal(np.sort(index), np.arange(len(X))),
                    "wrong_count", which=which, got=len(index), distinct=len(np.unique(index)),
                    expected=len(X))
    PIPELINE.expect(np.array_equal(labels.astype(int), y[index]), "labels_mismatched", which=which)
    change = np.empty_like(X)
    change[index] = images - X[index]
    return index, change


def _epoch_order(fn, seed: int):
    X_train, y_train, _, _ = _pipeline_data()
    return _read_epoch(_make_pipelines(fn, seed)[0], "train_ds", X_train, y_train, 0)[0]


@exercise_check("the training set reshuffled and freshly augmented every epoch, labels kept with "
                "their images, batched and prefetched; the test set untouched and in order.",
                catalogue=PIPELINE, reference=reference_make_datasets)
def check_make_datasets(make_datasets: Callable) -> None:
    """Check ``make_datasets(...) -> (train_ds, test_ds)`` by reading two epochs of each."""
    X_train, y_train, X_test, y_test = _pipeline_data()
    train_ds, test_ds = _make_pipelines(make_datasets, 3)
    order, change = _read_epoch(train_ds, "train_ds", X_train, y_train, 0)
    PIPELINE.expect(np.abs(change).max() > 1e-6, "train_not_augmented")
    PIPELINE.expect(change.min() >= 0.1 - 1e-5 and change.max() <= 0.2 + 1e-5, "augmented_twice")
    order_again, change_again = _read_epoch(train_ds, "train_ds", X_train, y_train, 0)
    PIPELINE.expect(not np.allclose(change, change_again), "augmented_once")
    PIPELINE.expect(not np.array_equal(order, np.arange(len(order))), "not_shuffled")
    blocks = order.reshape(-1, 8)
    PIPELINE.expect(not np.all(blocks.max(axis=1) - blocks.min(axis=1) == 7), "shuffled_batches")
    moved = max(int(np.max(o - np.arange(len(o)))) for o in (order, order_again))
    PIPELINE.expect(moved >= len(order) // 2, "small_buffer", epochs=2, moved=moved)
    PIPELINE.expect(not np.array_equal(order, order_again), "same_order_each_epoch")
    test_order, test_change = _read_epoch(test_ds, "test_ds", X_test, y_test, 100)
    PIPELINE.expect(np.abs(test_change).max() < 1e-6, "test_augmented")
    PIPELINE.expect(np.array_equal(test_order, np.arange(len(test_order))), "test_shuffled")
    PIPELINE.expect(np.array_equal(_epoch_order(make_datasets, 3), order), "not_reproducible")
    PIPELINE.expect(not np.array_equal(_epoch_order(make_datasets, 4), order), "ignores_seed")
    for which, ds in (("train_ds", train_ds), ("test_ds", test_ds)):
        PIPELINE.expect("Prefetch" in type(ds).__name__, "no_prefetch", which=which)
