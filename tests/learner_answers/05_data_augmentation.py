"""Correct answers to chapter 5's exercises in other styles than the solution's.

Each body replaces the stub lines of the exercise's ``def`` (the lead's learner-path
test re-indents it and runs the whole chapter with it). The contracts ask for a
random draw from ``rng`` but not for one formula, so some bodies draw differently
from the solution (``rng.binomial``, ``rng.choice``, rows and columns drawn apart,
MixUp partners drawn with replacement or λ folded to max(λ, 1 - λ)). The pipeline
bodies import TensorFlow themselves (the test runs each ``def`` on its own).
"""

ALTERNATIVES = {
    "random_horizontal_flip": [
        # a loop over the flagged images, on a copy
        """\
images = np.asarray(images)
flipped = images.copy()
flags = rng.random(len(images)) < p
for i in range(len(images)):
    if flags[i]:
        flipped[i] = images[i, :, ::-1]
return flipped, flags
""",
        # another valid draw: one Bernoulli(p) per image; np.flip along the width
        """\
images = np.asarray(images)
flags = rng.binomial(1, p, size=len(images)).astype(bool)
mask = flags[(slice(None),) + (None,) * (images.ndim - 1)]
return np.where(mask, np.flip(images, axis=2), images), flags
""",
        # boolean-mask assignment on a copy; flags from rng.choice with probabilities
        """\
images = np.array(images)                      # np.array copies
flags = rng.choice([True, False], size=len(images), p=[p, 1 - p])
images[flags] = images[flags][:, :, ::-1]
return images, flags
""",
        # uniform draws compared in float32, fancy indexing of the columns
        """\
images = np.asarray(images)
width = images.shape[2]
flags = rng.uniform(0.0, 1.0, len(images)).astype(np.float32) < np.float32(p)
columns = np.where(flags[:, None], np.arange(width)[::-1], np.arange(width))   # (n, W)
return images[np.arange(len(images))[:, None], :, columns].swapaxes(1, 2), flags
""",
    ],
    "random_crop_with_padding": [
        # rows and columns drawn separately, a loop with np.pad per image
        """\
images = np.asarray(images)
n, height, width = images.shape[:3]
rows = rng.integers(0, 2 * pad + 1, size=n)
cols = rng.integers(0, 2 * pad + 1, size=n)
cropped = np.empty_like(images)
for i in range(n):
    widths = [(pad, pad), (pad, pad)] + [(0, 0)] * (images.ndim - 3)
    padded = np.pad(images[i], widths)
    cropped[i] = padded[rows[i]:rows[i] + height, cols[i]:cols[i] + width]
return cropped, np.stack([rows, cols], axis=1)
""",
        # a zero canvas of the input's dtype instead of np.pad; offsets from rng.choice
        """\
images = np.asarray(images)
n, height, width = images.shape[:3]
canvas = np.zeros((n, height + 2 * pad, width + 2 * pad) + images.shape[3:], images.dtype)
canvas[:, pad:pad + height, pad:pad + width] = images
offsets = rng.choice(2 * pad + 1, size=(n, 2))
cropped = np.stack([canvas[i, r:r + height, c:c + width] for i, (r, c) in enumerate(offsets)])
return cropped, offsets
""",
        # fully vectorized: fancy indexing with per-image row and column indices
        """\
images = np.asarray(images)
n, height, width = images.shape[:3]
padded = np.pad(images, [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (images.ndim - 3))
offsets = rng.integers(0, 2 * pad + 1, size=(n, 2))
rows = offsets[:, :1] + np.arange(height)          # (n, H)
cols = offsets[:, 1:] + np.arange(width)           # (n, W)
return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]], offsets
""",
    ],
    "mixup": [
        # a loop over the examples; partners drawn with replacement
        """\
X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
n = len(X)
lam = rng.beta(alpha, alpha, size=n)
partner = rng.integers(0, n, size=n)
X_mixed, Y_mixed = np.empty_like(X), np.empty_like(Y)
for i in range(n):
    j = partner[i]
    X_mixed[i] = lam[i] * X[i] + (1 - lam[i]) * X[j]
    Y_mixed[i] = lam[i] * Y[i] + (1 - lam[i]) * Y[j]
return X_mixed, Y_mixed
""",
        # the partners first, then λ folded so that each example keeps the larger share
        """\
n = len(X)
partner = rng.permutation(n)
lam = rng.beta(alpha, alpha, n)
lam = np.maximum(lam, 1 - lam)
lam_x = np.expand_dims(lam, axis=tuple(range(1, np.ndim(X))))
return (lam_x * X + (1 - lam_x) * np.take(X, partner, axis=0),
        lam[:, None] * Y + (1 - lam)[:, None] * np.take(Y, partner, axis=0))
""",
        # float32 and einsum on the flattened examples
        """\
X, Y = np.asarray(X, np.float32), np.asarray(Y, np.float32)
n = len(X)
lam = rng.beta(alpha, alpha, n).astype(np.float32)
partner = rng.permutation(n)
flat = X.reshape(n, -1)
X_mixed = np.einsum("i,ij->ij", lam, flat) + np.einsum("i,ij->ij", 1 - lam, flat[partner])
Y_mixed = np.einsum("i,ik->ik", lam, Y) + np.einsum("i,ik->ik", 1 - lam, Y[partner])
return X_mixed.reshape(X.shape), Y_mixed
""",
    ],
    "make_datasets": [
        # augment each example (in parallel), then batch
        """\
import tensorflow as tf
train_ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
            .shuffle(buffer_size=len(X_train), seed=seed, reshuffle_each_iteration=True)
            .map(lambda image, label: (augment(image), label), num_parallel_calls=tf.data.AUTOTUNE)
            .batch(batch_size)
            .prefetch(tf.data.AUTOTUNE))
test_ds = (tf.data.Dataset.from_tensor_slices((X_test, y_test))
           .batch(batch_size).prefetch(tf.data.AUTOTUNE))
return train_ds, test_ds
""",
        # shuffle indices, gather each batch from tensors
        """\
import tensorflow as tf
images, labels = tf.constant(X_train), tf.constant(y_train)
order = tf.data.Dataset.range(len(X_train)).shuffle(len(X_train), seed=seed)
train_ds = (order.batch(batch_size)
            .map(lambda idx: (augment(tf.gather(images, idx)), tf.gather(labels, idx)))
            .prefetch(buffer_size=tf.data.AUTOTUNE))
test_ds = (tf.data.Dataset.from_tensor_slices((X_test, y_test)).batch(batch_size)
           .prefetch(buffer_size=tf.data.AUTOTUNE))
return train_ds, test_ds
""",
        # images and labels zipped before the shuffle; a named map function; prefetch(2)
        """\
import tensorflow as tf


def augment_images(images, labels):
    return augment(images), labels


def pairs(X, y):
    return tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(X),
                                tf.data.Dataset.from_tensor_slices(y)))


train_ds = pairs(X_train, y_train).shuffle(len(X_train), seed=seed).batch(batch_size)
return train_ds.map(augment_images).prefetch(2), pairs(X_test, y_test).batch(batch_size).prefetch(2)
""",
    ],
}
