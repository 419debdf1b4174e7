"""Correct answers to chapter 6's exercises, in different styles (see tests/learner_path.py)."""

ALTERNATIVES = {
    "train_val_split": [
        # 1. a dictionary of positions per class, lists, sorted at the end
        """
rng = np.random.default_rng(seed)
by_class = {}
for position, label in enumerate(y):
    by_class.setdefault(int(label), []).append(position)
train_idx, val_idx = [], []
for label in sorted(by_class):
    shuffled = rng.permutation(by_class[label])
    cut = round(val_fraction * len(shuffled))
    val_idx += list(shuffled[:cut])
    train_idx += list(shuffled[cut:])
return np.sort(np.array(train_idx, dtype=np.int64)), np.sort(np.array(val_idx, dtype=np.int64))
""",
        # 2. a loop over classes, rng.shuffle on a copy, rounding down, Python lists
        """
labels = np.asarray(y)
rng = np.random.default_rng(seed)
train, val = [], []
for label in sorted(set(labels.tolist())):
    members = np.flatnonzero(labels == label).copy()
    rng.shuffle(members)
    n_val = int(np.floor(val_fraction * len(members)))
    val.extend(members[:n_val].tolist())
    train.extend(members[n_val:].tolist())
return np.array(sorted(train), dtype=int), np.array(sorted(val), dtype=int)
""",
        # 3. vectorized: a random key per signal, sorted by (class, key), ranked within the class
        """
labels = np.asarray(y)
keys = np.random.default_rng(seed).random(len(labels))
order = np.lexsort((keys, labels))                     # by class, then by the random key
sorted_labels = labels[order]
starts = np.searchsorted(sorted_labels, sorted_labels, side="left")
rank = np.arange(len(labels)) - starts                  # position within its class
counts = np.bincount(np.searchsorted(np.unique(labels), sorted_labels))
class_size = counts[np.searchsorted(np.unique(labels), sorted_labels)]
in_val = rank < np.round(val_fraction * class_size)
return np.sort(order[~in_val]), np.sort(order[in_val])
""",
        # 4. a boolean mask filled with rng.choice, rounding up
        """
labels = np.asarray(y)
rng = np.random.default_rng(seed)
is_val = np.zeros(len(labels), dtype=bool)
for label in np.unique(labels):
    members = np.flatnonzero(labels == label)
    picked = rng.choice(members, size=int(np.ceil(val_fraction * len(members))), replace=False)
    is_val[picked] = True
return np.flatnonzero(~is_val), np.flatnonzero(is_val)
""",
    ],
    "mean_and_interval": [
        # 1. the statistics module
        """
import math
import statistics
from utils.capstone import t_quantile
values = [float(s) for s in scores]
n = len(values)
half = t_quantile((1 + confidence) / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
return statistics.mean(values), half
""",
        # 2. sums written out
        """
import math
from utils.capstone import t_quantile
values = list(scores)
n = len(values)
mean = sum(values) / n
variance = sum((v - mean) ** 2 for v in values) / (n - 1)
return mean, t_quantile(0.5 + confidence / 2, n - 1) * math.sqrt(variance / n)
""",
        # 3. np.var with ddof=1, the standard error first
        """
from utils.capstone import t_quantile
scores = np.asarray(scores, dtype=np.float64)
standard_error = np.sqrt(np.var(scores, ddof=1) / scores.size)
quantile = t_quantile(1 - (1 - confidence) / 2, scores.size - 1)
return float(np.mean(scores)), float(quantile * standard_error)
""",
    ],
    "select_on_validation": [
        # 1. a loop over the recipes' blocks of models
        """
n_seeds = len(set(int(s) for s in run.seeds))
n_recipes = len(run.recipes) // n_seeds
best_k, best_mean = 0, -1.0
for k in range(n_recipes):
    mean = run.val_acc[k * n_seeds:(k + 1) * n_seeds, -1].mean()
    if mean > best_mean:                     # strictly better: ties keep the earlier recipe
        best_k, best_mean = k, mean
return run.recipes[best_k * n_seeds]
""",
        # 2. group by recipe in a dictionary (insertion order = weakest first); max keeps the first
        """
groups = {}
for recipe, accuracy in zip(run.recipes, run.val_acc[:, -1]):
    groups.setdefault(recipe, []).append(accuracy)
return max(groups, key=lambda recipe: np.mean(groups[recipe]))
""",
        # 3. np.bincount sums per recipe index
        """
n_models = len(run.recipes)
n_seeds = len(np.unique(run.seeds))
recipe_index = np.arange(n_models) // n_seeds
sums = np.bincount(recipe_index, weights=run.val_acc[:, -1])
return run.recipes[int(np.flatnonzero(sums == sums.max())[0]) * n_seeds]
""",
    ],
    "stretch_signals": [
        # 1. vectorized linear interpolation by hand
        """
X = np.asarray(X)
n, length = X.shape
factors = rng.uniform(1 - max_stretch, 1 + max_stretch, size=n)
centre = (length - 1) / 2
source = centre + (np.arange(length)[None, :] - centre) / factors[:, None]   # (n, L)
inside = (source >= 0) & (source <= length - 1)
left = np.clip(np.floor(source).astype(int), 0, length - 1)
right = np.clip(left + 1, 0, length - 1)
weight = source - left
rows = np.arange(n)[:, None]
values = (1 - weight) * X[rows, left] + weight * X[rows, right]
return np.where(inside, values, 0.0).astype(X.dtype), factors
""",
        # 2. np.interp in a list comprehension, then np.stack and astype
        """
factors = rng.uniform(1 - max_stretch, 1 + max_stretch, len(X))
grid = np.arange(X.shape[1])
middle = (X.shape[1] - 1) / 2
rows = [np.interp(middle + (grid - middle) / f, grid, x, left=0, right=0) for x, f in zip(X, factors)]
return np.stack(rows).astype(X.dtype), factors
""",
        # 3. another valid draw (rng.random scaled), zeros outside set by a mask
        """
X = np.asarray(X)
factors = 1 - max_stretch + 2 * max_stretch * rng.random(len(X))
t = np.arange(X.shape[1], dtype=float)
c = (X.shape[1] - 1) / 2
out = np.zeros_like(X)
for i, f in enumerate(factors):
    where = c + (t - c) / f
    ok = (where >= 0) & (where <= X.shape[1] - 1)
    out[i, ok] = np.interp(where[ok], t, X[i])
return out, factors
""",
    ],
}
