"""Chapter 2 (second notebook): article 000's moons case study, fast.

What is here:

- ``LAMBDAS``: article 000's grid of L2 strengths (Keras convention, λΣw²).
- ``article_style_seconds_per_epoch`` and ``course_study_seconds``: the two timings
  ``make bench`` compares (the article's ``model.fit`` loop versus the compiled,
  vectorized ``utils.training.train_mlp``); the notebook cites BENCHMARKS.md.
- ``kfold_splits`` and ``cross_validate``: choosing λ without the test set, by k-fold
  cross-validation on the training points (one ``train_mlp`` call per fold trains every
  candidate λ at once); ``CrossValidation`` holds the per-fold scores and the choice.
- ``plot_lambda_grid`` and ``plot_lambda_view``: drawing helpers that take axes.
- ``make_lambda_explorer``: a λ slider (log scale) and an L1/L2 switch that
  retrain the article's network live and redraw its decision boundary, its
  accuracy curves and the histogram of its hidden weights (on a fixed axis).
- ``migration_rows``, ``markdown_section`` and ``show_benchmark``: the rows of
  docs/migration.md and the section of BENCHMARKS.md the notebook shows (those files are
  the single source).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils import training
from utils.datasets import Split, moons_split
from utils.plotting import explorer, explorer_factory, fast_figure
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_positive_int,
    require_same_length,
)

ROOT = Path(__file__).resolve().parents[1]
MIGRATION_DOC = ROOT / "docs" / "migration.md"
BENCHMARKS = ROOT / "BENCHMARKS.md"

LAMBDAS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
"""Article 000's grid of L2 strengths, largest first (``values = [1e-1, ..., 1e-6]``)."""

LAMBDA_RANGE = (1e-6, 1e-1)

WEIGHT_RANGE = (-3.0, 3.0)
"""The explorer's fixed histogram axis, so the histogram narrows as λ grows instead of being
rescaled. Measured once over every slider position with L1 and L2, the hidden weights of the
500-unit network after 4000 epochs stay within ±2.7 (the widest: L1 near λ = 5.6e-4); a weight
outside the axis would be counted in an edge bin and reported in the panel's title."""


def article_style_seconds_per_epoch(epochs: int = 50) -> float:
    """Wall seconds per epoch of article 000's ``model.fit`` loop on the moons data.

    Builds ``build_seed_model()`` (Dense(500, relu) → Dense(1, sigmoid), no
    penalty), compiles it with Adam, binary cross-entropy and accuracy, and
    runs ``model.fit(X_train, y_train, epochs=epochs,
    validation_data=(X_test, y_test), verbose=0)`` as the article does.

    Included: everything ``fit`` does per epoch (the data iterator, the
    callbacks and History, the validation pass). Excluded: building and
    compiling the model, and the one-off tracing of the train and test
    functions (a 1-epoch ``fit`` runs first, untimed), so the number is the
    per-epoch cost that 4000 epochs would pay again and again.
    """
    import keras

    epochs = require_positive_int("epochs", epochs)
    split = moons_split()
    keras.utils.set_random_seed(1)
    model = training.build_seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    data = dict(x=split.X_train, y=split.y_train,
                validation_data=(split.X_test, split.y_test), verbose=0)
    model.fit(epochs=1, **data)  # untimed warm-up: traces the train and test functions
    start = time.perf_counter()
    model.fit(epochs=epochs, **data)
    return (time.perf_counter() - start) / epochs


def course_study_seconds(epochs: int = 4000) -> float:
    """Wall seconds of the whole study with ``train_mlp``: 7 models × ``epochs``.

    The 7 models are the unregularized one and one per value of ``LAMBDAS``,
    trained in one compiled, vectorized call that records train and test
    accuracy and loss after every epoch.

    Included: building the seeded Keras initial weights, running the
    XLA-compiled loop, and copying all per-epoch curves back to NumPy.
    Excluded: the one-off XLA compilation. ``train_mlp`` compiles once per
    number of epochs and number of models (a short warm-up run would not
    help), so an identical call runs first, untimed.
    """
    epochs = require_positive_int("epochs", epochs)
    split = moons_split()
    strengths = (0.0,) + LAMBDAS
    training.train_mlp(split, l2=strengths, epochs=epochs)  # untimed: compiles for this shape
    start = time.perf_counter()
    training.train_mlp(split, l2=strengths, epochs=epochs)
    return time.perf_counter() - start


def kfold_splits(split: Split, k: int = 3) -> list[Split]:
    """``k`` splits of ``split``'s training points alone: each holds out one fold.

    Point ``i`` of the training set is in fold ``i % k`` (the moons points come
    shuffled, so interleaving is a random assignment). In split ``j`` the other folds
    are the training set and fold ``j`` is in the test role, as a validation set; the
    real test set is not used at all.
    """
    if not isinstance(split, Split):
        raise TypeError(f"split must be a utils.datasets.Split, got {type(split).__name__}")
    k = require_positive_int("k", k)
    n_train = len(split.y_train)
    if not 2 <= k <= n_train // 2:
        raise ValueError(f"k must be between 2 and half the {n_train} training points "
                         f"(every fold needs points on both sides), got {k}")
    fold = np.arange(n_train) % k
    return [Split(split.X_train[fold != j], split.y_train[fold != j],
                  split.X_train[fold == j], split.y_train[fold == j]) for j in range(k)]


@dataclass
class CrossValidation:
    """What ``cross_validate`` returns: final scores on each held-out fold."""

    l2: np.ndarray         # (M,) the candidate L2 strengths (Keras convention)
    val_acc: np.ndarray    # (k, M) accuracy on fold j of the model trained without it
    val_loss: np.ndarray   # (k, M) its cross-entropy on that fold

    @property
    def chosen(self) -> int:
        """Index of the candidate with the best mean validation accuracy; ties (a fold of
        ten points moves in steps of 0.1) go to the lowest mean validation cross-entropy."""
        acc, loss = self.val_acc.mean(axis=0), self.val_loss.mean(axis=0)
        tied = np.flatnonzero(np.isclose(acc, acc.max()))
        return int(tied[np.argmin(loss[tied])])


def cross_validate(split: Split, l2, *, k: int = 3, epochs: int = 4000,
                   seed: int = 1) -> CrossValidation:
    """k-fold cross-validation of the L2 strengths ``l2`` on ``split``'s training points.

    One ``train_mlp`` call per fold trains every candidate at once (k calls in all;
    equal folds share one compiled shape). The test set is never touched.
    """
    runs = [training.train_mlp(fold, l2=l2, epochs=epochs, seed=seed)
            for fold in kfold_splits(split, k)]
    return CrossValidation(runs[0].l2, np.array([r.test_acc[:, -1] for r in runs]),
                           np.array([r.test_loss[:, -1] for r in runs]))


def plot_lambda_grid(ax, lambdas, train_acc, test_acc, *,
                     baseline: tuple[float, float] | None = None):
    """Article 000's ``semilogx`` plot: final train and test accuracy against λ.

    ``lambdas``, ``train_acc``, ``test_acc``: (k,) arrays; ``baseline``:
    optional (train, test) accuracy of the unregularized model, drawn dashed.
    """
    from utils.plotting import COLORS

    lambdas = as_float_array("lambdas", lambdas, ndim=1)
    train_acc = as_float_array("train_acc", train_acc, ndim=1)
    test_acc = as_float_array("test_acc", test_acc, ndim=1)
    require_same_length("lambdas", lambdas, "train_acc", train_acc)
    require_same_length("lambdas", lambdas, "test_acc", test_acc)
    if np.any(lambdas <= 0):
        raise ValueError("lambdas must be positive to be drawn on a log axis")
    ax.semilogx(lambdas, train_acc, marker="o", color=COLORS["train"], label="train")
    ax.semilogx(lambdas, test_acc, marker="o", color=COLORS["test"], label="test")
    if baseline is not None:
        base = as_float_array("baseline", baseline, ndim=1)
        if base.shape != (2,):
            raise ValueError(f"baseline must be (train accuracy, test accuracy), got {baseline}")
        base_train, base_test = base
        ax.axhline(base_train, color=COLORS["train"], ls="--", lw=1, alpha=0.6,
                   label="train, no penalty")
        ax.axhline(base_test, color=COLORS["test"], ls="--", lw=1, alpha=0.6,
                   label="test, no penalty")
    ax.set(xlabel="λ (Keras l2: λ·Σw²)", ylabel="final accuracy")
    ax.legend(loc="lower left")
    return ax


def _plot_steps(ax, values, **style):
    """Draw a per-epoch curve (epochs 1..E) as steps through its change points only.

    Accuracy on a few dozen points takes few distinct values, so this draws the
    same picture as ``ax.plot`` with ~100 vertices instead of thousands
    (rendering is most of an explorer redraw).
    """
    values = np.asarray(values, dtype=float)
    keep = np.concatenate([[0], np.flatnonzero(np.diff(values)) + 1, [len(values) - 1]])
    ax.step(keep + 1, values[keep], where="post", lw=1.4, **style)
    return ax


def plot_lambda_view(axes, run, split: Split, *, model: int = 0, grid_size: int = 120,
                     title: str | None = None,
                     weight_range: tuple[float, float] | None = None):
    """Three panels for one trained model of an ``MLPRun``.

    ``axes``: three matplotlib axes: the decision boundary with the train
    (o) and test (x) points, the per-epoch accuracy curves, and the histogram
    of the hidden kernel ``W1`` (d × H values; when at most 100 weights are
    larger than 1e-3 in absolute value, as L1 makes them, they are also marked
    as ticks on the axis). ``weight_range=(low, high)`` fixes the histogram's
    x-axis and bins (weights outside are counted in the edge bins and the title
    says how many), so histograms of different models compare by eye.
    Returns ``axes``.
    """
    from utils.plotting import COLORS, plot_decision_boundary, plot_points

    if len(axes) != 3:
        raise ValueError(f"plot_lambda_view needs 3 axes, got {len(axes)}")
    if not isinstance(run, training.MLPRun):
        raise TypeError(f"run must be the MLPRun that train_mlp returns, got {type(run).__name__}")
    if not isinstance(split, Split):
        raise TypeError(f"split must be a utils.datasets.Split (e.g. moons_split()), "
                        f"got {type(split).__name__}")
    if isinstance(model, bool) or not isinstance(model, (int, np.integer)):
        raise TypeError(f"model must be an integer index, got {model!r}")
    if not 0 <= model < run.n_models:
        raise ValueError(f"model must be in [0, {run.n_models}), got {model}")
    if weight_range is not None:
        low, high = _weight_range(weight_range)
    ax_boundary, ax_curves, ax_hist = axes
    plot_decision_boundary(ax_boundary, lambda X: run.predict_proba(X, model),
                           split.X_train, split.y_train, grid_size=grid_size, title=title)
    plot_points(ax_boundary, split.X_test, split.y_test, marker="x", alpha=0.6,
                labels=("_class 0, test", "_class 1, test"))
    train, test = run.train_acc[model], run.test_acc[model]
    for name, values in (("train", train), ("test", test)):
        _plot_steps(ax_curves, values, label=name, color=COLORS[name])
    ax_curves.set(xlabel="epoch", ylabel="accuracy")
    ax_curves.legend(loc="lower right")
    for ax in axes:  # fewer ticks: tick objects are most of the drawing time
        ax.locator_params(nbins=5)
    ax_curves.set_ylim(0.45, 1.03)
    ax_curves.set_title(f"final: train {train[-1]:.3f}, test {test[-1]:.3f}")
    weights = run.weights(model)["W1"].ravel()
    outside = ""
    if weight_range is None:
        ax_hist.hist(weights, bins=40, color="#555555")
    else:
        bins = np.linspace(low, high, 100)  # 99 bins: 0 is the centre of the middle one
        n_outside = int(np.sum((weights < low) | (weights > high)))
        ax_hist.hist(np.clip(weights, low, high), bins=bins, color="#555555",
                     histtype="stepfilled")
        ax_hist.set_xlim(low, high)
        outside = f", {n_outside} outside the axis" if n_outside else ""
    small = np.abs(weights) < 1e-3
    if 0 < np.sum(~small) <= 100:  # a sparse (L1) solution: mark the few survivors
        ax_hist.plot(weights[~small], np.zeros(np.sum(~small)), "^", ms=8, clip_on=False,
                     color=COLORS["test"], label=f"the {np.sum(~small)} with |w| ≥ 1e-3")
        ax_hist.legend(loc="upper left")
    ax_hist.set(xlabel="hidden weight value", ylabel="count",
                title=f"‖W1‖_F = {np.sqrt(np.sum(weights ** 2)):.2f}, "
                      f"|w| < 1e-3: {int(np.sum(small))}/{weights.size}{outside}")
    return axes


def _weight_range(value) -> tuple[float, float]:
    bounds = as_float_array("weight_range", value, ndim=1)
    if bounds.shape != (2,) or not bounds[0] < bounds[1]:
        raise ValueError(f"weight_range must be (low, high) with low < high, got {value}")
    return float(bounds[0]), float(bounds[1])


def _lambda_figure():
    import matplotlib.pyplot as plt

    with plt.rc_context({"axes.titley": 1.01}):  # a fixed title position skips a layout pass
        return fast_figure(1, 3, width=12.6, height=3.5, left=0.05, right=0.99, bottom=0.15,
                           top=0.9, wspace=0.3)


@explorer_factory
def make_lambda_explorer(split: Split | None = None, *, epochs: int = 4000, hidden: int = 500,
                         grid_size: int = 60, initial: float = 1e-3,
                         weight_range: tuple[float, float] = WEIGHT_RANGE):
    """A λ slider (log scale, 1e-6 … 1e-1) and an L2/L1 switch, retraining live.

    Every change retrains article 000's network (``hidden`` units, ``epochs``
    full-batch Adam steps) with ``train_mlp`` and redraws ``plot_lambda_view``
    with the hidden-weight histogram on the fixed axis ``weight_range``. The
    first drawing, at creation, compiles the training loop; later changes reuse
    it (same number of models, epochs and shapes), so each takes a fraction of a
    second (``make bench`` measures it against a 0.5 s budget).
    """
    import ipywidgets as widgets

    split = moons_split() if split is None else split
    if not isinstance(split, Split):
        raise TypeError(f"split must be a utils.datasets.Split (e.g. moons_split()), "
                        f"got {type(split).__name__}")
    epochs = require_positive_int("epochs", epochs)
    hidden = require_positive_int("hidden", hidden)
    grid_size = require_positive_int("grid_size", grid_size)
    initial = require_nonnegative("initial", initial)
    if not LAMBDA_RANGE[0] <= initial <= LAMBDA_RANGE[1]:
        raise ValueError(f"initial must be in [{LAMBDA_RANGE[0]}, {LAMBDA_RANGE[1]}], "
                         f"got {initial}")
    low, high = _weight_range(weight_range)

    controls = {
        "lambd": widgets.FloatLogSlider(value=initial, base=10, min=-6, max=-1, step=0.25,
                                        description="λ", readout_format=".1e",
                                        continuous_update=False),
        "penalty": widgets.ToggleButtons(options=["L2", "L1"], value="L2",
                                         description="penalty"),
    }

    def draw(axes, lambd, penalty):
        strengths = {"l2": lambd, "l1": 0.0} if penalty == "L2" else {"l2": 0.0, "l1": lambd}
        run = training.train_mlp(split, hidden=hidden, epochs=epochs, **strengths)
        plot_lambda_view(axes, run, split, grid_size=grid_size,
                         title=f"{penalty}, λ = {lambd:.1e}", weight_range=(low, high))

    return explorer("lambda", controls, draw, figure=_lambda_figure, dpi=72)


# ------------------------------------------------------------------ facts kept in one place
def migration_rows(ids) -> str:
    """The header and the rows ``ids`` (e.g. ``["M1", "M6"]``) of docs/migration.md's table.

    Returns Markdown to display; the doc is the single source of the migrations
    (tests/test_migration.py runs every form it lists).
    """
    if isinstance(ids, str):
        raise TypeError(f"ids must be a list of row ids such as ['M1', 'M6'], got {ids!r}")
    ids = list(ids)
    if not ids:
        raise ValueError("ids is empty: name at least one row, e.g. ['M1']")
    lines = MIGRATION_DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| id |"))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("| M"):
            break
        rows[line.split("|")[1].strip()] = line
    unknown = [i for i in ids if i not in rows]
    if unknown:
        raise ValueError(f"ids {unknown} are not rows of {MIGRATION_DOC.name}; "
                         f"it has {list(rows)}")
    return "\n".join(lines[start:start + 2] + [rows[i] for i in ids])


def markdown_section(path, heading: str) -> str:
    """The section under ``## heading`` of a Markdown file, up to the next ``##``.

    For showing a table of BENCHMARKS.md (written by ``make bench``) in a notebook.
    """
    if not isinstance(heading, str) or not heading.strip():
        raise TypeError(f"heading must be a section title such as 'The moons case study', "
                        f"got {heading!r}")
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path {path} is not a file")
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        headings = re.findall(r"^## (.+)$", text, re.M)
        raise ValueError(f"heading {heading!r} is not a section of {path.name}; "
                         f"it has {headings}")
    return f"## {heading}\n{match.group(1).rstrip()}\n"


def show_benchmark(heading: str = "The moons case study", path=BENCHMARKS) -> None:
    """Display one section of BENCHMARKS.md (``make bench`` writes it), or say it is missing.

    A copy of the course without BENCHMARKS.md (a handout, a partial checkout) gets one
    line instead of an error, so the notebook still runs to the end.
    """
    from IPython.display import Markdown, display

    if not Path(path).is_file():
        print(f"({Path(path).name} is not in this copy of the course: `make bench` writes it.)")
        return
    display(Markdown(markdown_section(path, heading)))
