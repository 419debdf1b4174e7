"""Correct answers to chapter 5's exercises in other styles than the solution's.

Each body replaces the stub lines of the exercise's ``def`` (the lead's learner-path
test re-indents it and runs the whole chapter with it). The contracts ask for a
random draw from ``rng`` but not for one formula, so some bodies draw differently
from the solution (``rng.binomial``, ``rng.choice``, rows and columns drawn apart).
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
}
