"""Chapter 2 (second notebook): article 000's moons case study, fast.

What is here:

- ``LAMBDAS``: article 000's grid of L2 strengths (Keras convention, λΣw²).
- ``article_style_seconds_per_epoch`` and ``course_study_seconds``: the two timings
  ``make bench`` compares (the article's ``model.fit`` loop versus the compiled,
  vectorized ``utils.training.train_mlp``); the notebook cites BENCHMARKS.md.
- ``plot_lambda_grid`` and ``plot_lambda_view``: drawing helpers that take axes.
- ``make_lambda_explorer``: a λ slider (log scale) and an L1/L2 switch that
  retrain the article's network live and redraw its decision boundary, its
  accuracy curves and the histogram of its hidden weights (on a fixed axis).
- ``migration_rows``, ``markdown_section`` and ``show_benchmark``: the rows of
  docs/migration.md and the section of BENCHMARKS.md the notebook shows (those files are
  the single source).
- The checks of the chapter's two exercises: ``check_build_moons_model`` (article 000's
  network ported to Keras 3: its layers and penalty inspected, one training step run) and
  ``check_choose_lambda`` (λ chosen by k-fold cross-validation of the training points; a
  stand-in ``train`` records what every call trains and scores on and returns made-up
  scores, so the check runs in milliseconds), with their catalogues and references.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from utils import training
from utils.checks import Catalogue, CheckFailed, Mistake, exercise_check, matches
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


# ======================================================================== exercises
# ----------------------------------------------------- Exercise 1: build_moons_model
def reference_build_moons_model(l2_strength):
    """Article 000's moons network in Keras 3, compiled as the article compiles it."""
    import keras

    model = keras.Sequential([
        keras.Input((2,)),
        keras.layers.Dense(500, activation="relu",
                           kernel_regularizer=keras.regularizers.l2(l2_strength)),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _moons_model(l2_strength, *, units=(500, 1), activations=("relu", "sigmoid"),
                 hidden_penalty="l2", output_penalty=False, bias_penalty=False,
                 inputs=2, loss="binary_crossentropy", optimizer="adam",
                 metrics=("accuracy",), compile=True):
    """The article's model with one thing changed: the wrong answers below are built from it."""
    import keras

    penalty = {"l2": lambda: keras.regularizers.l2(l2_strength),
               "l1": lambda: keras.regularizers.l1(l2_strength),
               "fixed": lambda: keras.regularizers.l2(0.001),
               "half": lambda: keras.regularizers.l2(l2_strength / 2),
               None: lambda: None}[hidden_penalty]
    layers = [keras.Input((inputs,))]
    layers += [keras.layers.Dense(n, activation=a) for n, a in zip(units[:-2], activations)]
    layers += [keras.layers.Dense(units[-2], activation=activations[-2],
                                  kernel_regularizer=penalty(),
                                  bias_regularizer=penalty() if bias_penalty else None),
               keras.layers.Dense(units[-1], activation=activations[-1],
                                  kernel_regularizer=penalty() if output_penalty else None)]
    model = keras.Sequential(layers)
    if compile:
        model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def _build_returns_layers(l2_strength):
    import keras

    return [keras.layers.Dense(500, activation="relu",
                               kernel_regularizer=keras.regularizers.l2(l2_strength)),
            keras.layers.Dense(1, activation="sigmoid")]


def _build_sequential_not_list(l2_strength):
    import keras

    return keras.Sequential(keras.layers.Dense(1, activation="sigmoid"))


def _build_old_keyword(l2_strength):
    import keras

    return _moons_model(keras.regularizers.l2(l=l2_strength))


def _build_not_compiled(l2_strength):
    return _moons_model(l2_strength, compile=False)


def _build_two_hidden(l2_strength):
    return _moons_model(l2_strength, units=(500, 500, 1), activations=("relu", "relu", "sigmoid"))


def _build_512_units(l2_strength):
    return _moons_model(l2_strength, units=(512, 1))


def _build_softmax_output(l2_strength):
    return _moons_model(l2_strength, activations=("relu", "softmax"))


def _build_linear_output(l2_strength):
    return _moons_model(l2_strength, activations=("relu", None))


def _build_no_penalty(l2_strength):
    return _moons_model(l2_strength, hidden_penalty=None)


def _build_l1(l2_strength):
    return _moons_model(l2_strength, hidden_penalty="l1")


def _build_fixed_strength(l2_strength):
    return _moons_model(l2_strength, hidden_penalty="fixed")


def _build_half_strength(l2_strength):
    return _moons_model(l2_strength, hidden_penalty="half")


def _build_penalty_on_output(l2_strength):
    return _moons_model(l2_strength, output_penalty=True)


def _build_bias_penalized(l2_strength):
    return _moons_model(l2_strength, bias_penalty=True)


def _build_sgd(l2_strength):
    return _moons_model(l2_strength, optimizer="sgd")


def _build_adamw(l2_strength):
    import keras

    return _moons_model(l2_strength, optimizer=keras.optimizers.AdamW())


def _build_three_inputs(l2_strength):
    return _moons_model(l2_strength, inputs=3)


def _build_acc(l2_strength):
    return _moons_model(l2_strength, metrics=("acc",))


def _build_no_metrics(l2_strength):
    return _moons_model(l2_strength, metrics=())


def _build_mse(l2_strength):
    return _moons_model(l2_strength, loss="mse")


BUILD_MOONS_MODEL = Catalogue(
    "build_moons_model",
    Mistake("not_a_model", "{name} returned a {got}, not a Keras model: put the layers in "
            "keras.Sequential([...]), compile it and return the model.", _build_returns_layers),
    Mistake("sequential_not_list", "keras.Sequential takes a list of layers, "
            "Sequential([keras.Input((2,)), Dense(...), Dense(...)]) (Keras 2 also took a single "
            "layer), or start from Sequential() and model.add each layer.",
            _build_sequential_not_list),
    Mistake("old_l_keyword", "l2(l=...) is Keras 2: Keras 3 has no `l` keyword, write "
            "keras.regularizers.l2(l2_strength).", _build_old_keyword),
    Mistake("wrong_layers", "the model's layers are {layers}: the article's network is exactly "
            "two Dense layers, Dense(500, relu) then Dense(1, sigmoid).", _build_two_hidden),
    Mistake("wrong_units", "the Dense layers have {units} units: the article's moons network has "
            "500 hidden units and 1 output (512 is its other, generic example).",
            _build_512_units),
    Mistake("softmax_output", "the output layer uses softmax: over a single unit softmax is "
            "always 1.0, so the model cannot learn; a one-unit binary output needs sigmoid.",
            _build_softmax_output),
    Mistake("wrong_activation", "the activations are {activations}: the hidden layer needs "
            "activation='relu' and the output activation='sigmoid' (binary cross-entropy "
            "expects a probability).", _build_linear_output),
    Mistake("penalty_on_output", "the output layer has a regularizer: article 000 penalizes the "
            "hidden layer's kernel only.", _build_penalty_on_output),
    Mistake("bias_penalized", "the hidden layer has a bias_regularizer: the moons model penalizes "
            "the kernel only (biases are usually not penalized).", _build_bias_penalized),
    Mistake("no_penalty", "with l2_strength={strength} the hidden layer has no "
            "kernel_regularizer: add kernel_regularizer=keras.regularizers.l2(l2_strength).",
            _build_no_penalty),
    Mistake("l1_penalty", "the hidden kernel's penalty has an L1 part (l1 = {l1}): the article "
            "uses L2, keras.regularizers.l2, not l1 or l1_l2.", _build_l1),
    Mistake("hardcoded_strength", "the hidden kernel's penalty is 0.001·Σw² although "
            "l2_strength={strength}: pass the argument, l2(l2_strength), not the article's "
            "0.001.", _build_fixed_strength),
    Mistake("wrong_strength", "the hidden kernel's penalty is {got}·Σw² but "
            "l2_strength={strength}: Keras's l2(λ) already means λ·Σw² (no ½ or 1/m to add), so "
            "pass l2_strength unchanged.", _build_half_strength),
    Mistake("not_compiled", "the model is not compiled: call model.compile(optimizer='adam', "
            "loss='binary_crossentropy', metrics=['accuracy']) before returning it.",
            _build_not_compiled),
    Mistake("weight_decay_optimizer", "the optimizer has weight_decay={decay} (AdamW?): that "
            "decays every weight on top of the L2 penalty; the article uses plain Adam.",
            _build_adamw),
    Mistake("wrong_optimizer", "the optimizer is {got} with learning rate {lr}: the article "
            "compiles with optimizer='adam' (Adam, learning rate 0.001).", _build_sgd),
    Mistake("does_not_run", "the model does not run on the moons points, shape (30, 2): "
            "{error}. The input is keras.Input((2,)).", _build_three_inputs),
    Mistake("acc_metric", "the accuracy is recorded as 'acc': Keras 3 names the history key "
            "after the string you give, so history.history['accuracy'] (as the course reads "
            "it) raises KeyError; compile with metrics=['accuracy'].", _build_acc),
    Mistake("no_accuracy", "one epoch of fit recorded {keys} but no 'accuracy': compile with "
            "metrics=['accuracy'].", _build_no_metrics),
    Mistake("wrong_loss", "the loss after one step is {got}, but binary cross-entropy plus "
            "{strength}·Σw² of the hidden kernel gives {expected} on the same weights: compile "
            "with loss='binary_crossentropy'.", _build_mse),
    takes_arrays=False,
)


def _one_line(error: BaseException) -> str:
    """An exception as one line: Keras wraps the useful line in colour codes and a preamble."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line and not line.startswith("Exception encountered")]
    text = lines[0] if lines else ""
    return f"{type(error).__name__}: {text[:200].rstrip('.')}"


def _activation_name(activation) -> str:
    return getattr(activation, "__name__", type(activation).__name__)


def _penalty_strengths(regularizer, shape) -> tuple[float, float]:
    """(l1, l2) of a kernel regularizer, read off its values: penalty(a·1) = N(l1·a + l2·a²).

    Works for any callable Keras accepts (L1, L2, L1L2, a lambda), not only the classes.
    """
    if regularizer is None:
        return 0.0, 0.0
    size = int(np.prod(shape))
    one, two = (float(np.asarray(regularizer(np.full(shape, a, dtype=np.float32))))
                for a in (1.0, 2.0))
    l2 = (two - 2 * one) / (2 * size)
    return one / size - l2, l2


def _built_model(build_moons_model, strength: float):
    """Call the learner's function; name the Keras 2 habits that raise in Keras 3."""
    __tracebackhide__ = True  # noqa: F841
    try:
        return build_moons_model(strength)
    except CheckFailed as failure:
        said = str(failure)
        if failure.mistake == "raised" and "keyword argument 'l'" in said:
            BUILD_MOONS_MODEL.fail("old_l_keyword")
        if failure.mistake == "raised" and re.search(
                r"'(Dense|InputLayer|KerasTensor)' object is not iterable", said):
            BUILD_MOONS_MODEL.fail("sequential_not_list")
        raise


def _check_architecture(model, strength: float, X) -> None:
    """The layers, activations, regularizers and optimizer of a built model."""
    __tracebackhide__ = True  # noqa: F841
    import keras

    catalogue = BUILD_MOONS_MODEL
    catalogue.expect(isinstance(model, keras.Model), "not_a_model",
                     name="build_moons_model", got=type(model).__name__)
    try:
        if not model.built:  # a Sequential without keras.Input builds on its first call
            model(X[:1])
        dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
        others = [layer for layer in model.layers
                  if not isinstance(layer, (keras.layers.Dense, keras.layers.InputLayer))]
    except Exception as error:  # noqa: BLE001 (the learner's model: name its error)
        catalogue.fail("does_not_run", error=_one_line(error))
    names = [f"{type(layer).__name__}({getattr(layer, 'units', '')})" for layer in model.layers]
    catalogue.expect(len(dense) == 2 and not others, "wrong_layers", layers=", ".join(names))
    hidden, output = dense
    units = (hidden.units, output.units)
    catalogue.expect(units == (500, 1), "wrong_units", units=f"{units[0]} and {units[1]}")
    activations = (_activation_name(hidden.activation), _activation_name(output.activation))
    catalogue.expect(activations[1] != "softmax", "softmax_output")
    catalogue.expect(activations == ("relu", "sigmoid"), "wrong_activation",
                     activations=f"{activations[0]} and {activations[1]}")
    catalogue.expect(output.kernel_regularizer is None and output.bias_regularizer is None,
                     "penalty_on_output")
    catalogue.expect(hidden.bias_regularizer is None, "bias_penalized")
    catalogue.expect(hidden.kernel_regularizer is not None or strength == 0, "no_penalty",
                     strength=strength)
    l1, l2 = _penalty_strengths(hidden.kernel_regularizer, tuple(hidden.kernel.shape))
    catalogue.expect(abs(l1) < 1e-9, "l1_penalty", l1=f"{l1:.3g}")
    catalogue.expect(strength == 1e-3 or not np.isclose(l2, 1e-3, rtol=1e-4), "hardcoded_strength",
                     strength=strength)
    catalogue.expect(np.isclose(l2, strength, rtol=1e-4, atol=1e-9), "wrong_strength",
                     got=f"{l2:.3g}", strength=strength)
    catalogue.expect(getattr(model, "compiled", False) and
                     getattr(model, "optimizer", None) is not None, "not_compiled")
    optimizer = model.optimizer
    decay = getattr(optimizer, "weight_decay", None)
    catalogue.expect(not decay, "weight_decay_optimizer", decay=decay)
    rate = float(np.asarray(optimizer.learning_rate))
    catalogue.expect(isinstance(optimizer, keras.optimizers.Adam) and np.isclose(rate, 1e-3),
                     "wrong_optimizer", got=type(optimizer).__name__, lr=f"{rate:g}")


def _binary_cross_entropy(p, y) -> float:
    """Mean binary cross-entropy of probabilities ``p``, clipped as Keras clips them."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _check_one_step(model, strength: float, X, y) -> None:
    """One epoch of ``fit`` (one full-batch step): its history names 'accuracy' and its loss
    is the binary cross-entropy of the initial weights plus the penalty, computed here."""
    __tracebackhide__ = True  # noqa: F841
    import keras

    catalogue = BUILD_MOONS_MODEL
    try:
        p = np.asarray(model(X), dtype=float).reshape(-1)
        hidden = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dense))
        penalty = strength * float(np.sum(np.asarray(hidden.kernel, dtype=float) ** 2))
        history = model.fit(X, y, batch_size=len(X), epochs=1, verbose=0, shuffle=False).history
    except Exception as error:  # noqa: BLE001
        catalogue.fail("does_not_run", error=_one_line(error))
    catalogue.expect("acc" not in history, "acc_metric")
    catalogue.expect("accuracy" in history, "no_accuracy", keys=sorted(history))
    got, expected = float(history["loss"][0]), _binary_cross_entropy(p, y) + penalty
    catalogue.expect(matches(got, expected, rtol=1e-4, atol=1e-6), "wrong_loss",
                     got=f"{got:.4f}", expected=f"{expected:.4f}", strength=strength)
    accuracy = float(np.mean((p > 0.5) == (y == 1)))
    catalogue.expect(np.isclose(history["accuracy"][0], accuracy, atol=1e-6), "no_accuracy",
                     keys=sorted(history))


@exercise_check("the article's network in Keras 3: Dense(500, relu) with l2(l2_strength) on its "
                "kernel, Dense(1, sigmoid), Adam, binary cross-entropy and 'accuracy'; one "
                "training step reports the loss the math predicts.",
                catalogue=BUILD_MOONS_MODEL, reference=reference_build_moons_model)
def check_build_moons_model(build_moons_model) -> None:
    """Inspect the models built for l2_strength 0.05 and 0, then run one step of the first."""
    import gc

    split = moons_split()
    X, y = split.X_train, split.y_train
    models = {strength: _built_model(build_moons_model, strength) for strength in (0.05, 0.0)}
    for strength, model in models.items():
        _check_architecture(model, strength, X)
    _check_one_step(models[0.05], 0.05, X, y)
    del models
    gc.collect()


# --------------------------------------------------------- Exercise 2: choose_lambda
def reference_choose_lambda(split, lambdas, train, k=3):
    """k-fold cross-validation of ``lambdas`` on ``split``'s training points (point i in fold
    i % k), then the chosen λ retrained on all of them and its test accuracy (the test set's
    only use). ``train`` is called as ``train_mlp`` is: ``train(Split, l2=values)``."""
    values = np.asarray(lambdas, dtype=float)
    fold = np.arange(len(split.y_train)) % k
    acc, loss = [], []
    for j in range(k):
        held = fold == j
        run = train(Split(split.X_train[~held], split.y_train[~held],
                          split.X_train[held], split.y_train[held]), l2=values)
        acc.append(run.test_acc[:, -1])
        loss.append(run.test_loss[:, -1])
    chosen = float(values[_choose_by(np.mean(acc, axis=0), np.mean(loss, axis=0))])
    final = train(split, l2=[chosen])
    return chosen, float(final.test_acc[0, -1])


def _choose_by(acc, loss) -> int:
    """The exercise's rule: the best mean validation accuracy, ties to the lowest loss."""
    acc, loss = np.asarray(acc, dtype=float), np.asarray(loss, dtype=float)
    tied = np.flatnonzero(np.isclose(acc, acc.max()))
    return int(tied[np.argmin(loss[tied])])


@dataclass(frozen=True)
class _Scenario:
    """The made-up scores a spy ``train`` returns in ``check_choose_lambda``, chosen so that
    each mistaken way of choosing picks a different λ. Every run has two epochs: the first
    scores ``early_acc`` (loss 1 - accuracy), the last the tables below.

    ``fold_acc``, ``fold_loss`` (folds, models): validation accuracy and cross-entropy of the
    models trained for the j-th distinct validation set the learner uses; ``fold_train``
    (models,) their training accuracy; ``test_acc``, ``train_acc`` (models,): the models
    trained on all the training points, scored on the test set.
    """

    lambdas: tuple
    k: int | None          # None: the learner's default k (3)
    fold_acc: tuple
    fold_loss: tuple
    fold_train: tuple
    test_acc: tuple
    train_acc: tuple
    early_acc: tuple
    random_state: int
    as_array: bool = False

    @property
    def folds(self) -> int:
        return 3 if self.k is None else self.k

    def split(self) -> Split:
        """12 training and 8 test points (moons); the spy recognises them by their values."""
        return moons_split(n_samples=20, noise=0.2, random_state=self.random_state, n_train=12)

    @property
    def expected(self) -> int:
        return _choose_by(np.mean(self.fold_acc, axis=0), np.mean(self.fold_loss, axis=0))

    def wrong_picks(self) -> dict[str, int]:
        """The candidate each mistaken rule picks, where it differs from the right one."""
        acc, loss = np.mean(self.fold_acc, axis=0), np.mean(self.fold_loss, axis=0)
        best_acc = np.mean(np.maximum(self.fold_acc, self.early_acc), axis=0)
        best_loss = np.mean(np.minimum(self.fold_loss, 1 - np.asarray(self.early_acc)), axis=0)
        picks = {"chose_on_test": int(np.argmax(self.test_acc)),
                 "largest_train": int(np.argmax(self.fold_train)),
                 "ignored_ties": int(np.argmax(acc)),
                 "by_loss_only": int(np.argmin(loss)),
                 "first_fold_only": _choose_by(self.fold_acc[0], self.fold_loss[0]),
                 "not_final_epoch": _choose_by(best_acc, best_loss)}
        return {key: m for key, m in picks.items() if m != self.expected}


_Q = 0.25  # 12 training points in 3 folds of 4: validation accuracies are multiples of 1/4
_CHOOSE_SCENARIOS = (
    # λ 3e-4 and 0.3: nobody's pick; 1e-3: first of the tie; 0: best training accuracy;
    # 1e-2: the answer (tied best mean accuracy, lower loss); 1e-4: lowest loss alone;
    # 3e-2: best on fold 0 alone; 1e-5: best on the test set; 3e-3: best at the early epoch.
    _Scenario(
        lambdas=(3e-4, 0.3, 1e-3, 0.0, 1e-2, 1e-4, 3e-2, 1e-5, 3e-3), k=None,
        fold_acc=tuple(tuple(_Q * n for n in row) for row in ((2, 1, 3, 3, 3, 3, 4, 2, 2),
                                                                (2, 2, 3, 2, 3, 3, 2, 3, 3),
                                                                (3, 2, 4, 3, 4, 3, 2, 3, 2))),
        fold_loss=tuple(tuple(base + 0.02 * (j - 1) for base in
                              (0.9, 1.1, 0.4, 0.8, 0.3, 0.2, 0.6, 0.7, 0.5)) for j in range(3)),
        fold_train=(0.875, 0.75, 0.875, 1.0, 0.875, 0.875, 0.875, 0.875, 0.875),
        test_acc=(0.625, 0.5, 0.75, 0.625, 0.875, 0.625, 0.625, 1.0, 0.625),
        train_acc=(11 / 12, 10 / 12, 11 / 12, 1.0, 11 / 12, 11 / 12, 11 / 12, 11 / 12, 11 / 12),
        early_acc=(0.5,) * 8 + (1.0,),
        random_state=5),
    # k = 4 folds of 3 points; the candidates as an array, in increasing order
    _Scenario(
        lambdas=(0.0, 1e-3, 1e-2), k=4,
        fold_acc=((2 / 3, 1.0, 2 / 3), (2 / 3, 2 / 3, 1 / 3), (1 / 3, 2 / 3, 2 / 3),
                  (2 / 3, 2 / 3, 2 / 3)),
        fold_loss=((0.5, 0.4, 0.6), (0.6, 0.5, 0.7), (0.7, 0.6, 0.5), (0.5, 0.5, 0.5)),
        fold_train=(1.0, 8 / 9, 7 / 9),
        test_acc=(0.75, 0.625, 0.875),
        train_acc=(1.0, 11 / 12, 10 / 12),
        early_acc=(0.5, 0.5, 0.5),
        random_state=6, as_array=True),
)


@dataclass
class _TrainCall:
    """What one call of the spy ``train`` was given."""

    fit: frozenset        # ids of the points trained on (training points 0..n-1, test n..)
    scored: frozenset     # ids of the points in the test role
    strengths: tuple      # the l2 values, one model each
    models: tuple         # each one's index in the scenario's lambdas (-1: not a candidate)
    labels_right: bool    # every point came with its own label


class _SpyTrain:
    """Stands in for ``train_mlp`` (same keyword-only signature, same input validation): records
    which points each call trains and scores on, and returns an ``MLPRun`` of made-up scores."""

    def __init__(self, scenario: _Scenario, split: Split):
        self.scenario = scenario
        points = np.concatenate([split.X_train, split.X_test])
        self.ids = {self._key(row): i for i, row in enumerate(points)}
        self.labels = np.concatenate([split.y_train, split.y_test])
        self.train_ids = frozenset(range(len(split.y_train)))
        self.test_ids = frozenset(range(len(split.y_train), len(points)))
        self.calls: list[_TrainCall] = []
        self.validation_sets: list[frozenset] = []  # in order of first use

    @staticmethod
    def _key(row) -> tuple:
        return tuple(np.round(np.asarray(row, dtype=float), 4))

    def _identify(self, X, y) -> tuple[frozenset, bool]:
        ids = [self.ids.get(self._key(row), -1) for row in X]
        right = all(i >= 0 and self.labels[i] == label for i, label in zip(ids, y))
        return frozenset(ids), right

    def is_final(self, call: _TrainCall) -> bool:
        return call.fit == self.train_ids and call.scored == self.test_ids

    def __call__(self, split, *, l2=0.0, l1=0.0, hidden=500, epochs=4000, learning_rate=1e-3,
                 seed=1):
        X_fit, y_fit, X_scored, y_scored = training._check_split(split)
        strengths = training._as_strengths("l2", l2)
        fit, fit_right = self._identify(X_fit, y_fit)
        scored, scored_right = self._identify(X_scored, y_scored)
        candidates = np.asarray(self.scenario.lambdas, dtype=np.float32)
        models = []
        for value in strengths:
            same = np.flatnonzero(np.isclose(candidates, value, rtol=1e-5, atol=1e-12))
            models.append(int(same[0]) if same.size else -1)
        call = _TrainCall(fit, scored, tuple(float(v) for v in strengths), tuple(models),
                          fit_right and scored_right)
        self.calls.append(call)
        return self._run(call)

    def _run(self, call: _TrainCall) -> training.MLPRun:
        s = self.scenario
        if self.is_final(call):
            acc, loss, train_acc = s.test_acc, 1 - np.asarray(s.test_acc), s.train_acc
        else:
            if call.scored not in self.validation_sets:
                self.validation_sets.append(call.scored)
            fold = self.validation_sets.index(call.scored) % len(s.fold_acc)
            acc, loss, train_acc = s.fold_acc[fold], s.fold_loss[fold], s.fold_train

        def curves(final, early):  # (models, 2 epochs); a stranger λ scores 0.5 / loss 1
            return np.array([[early(m), final[m]] if m >= 0 else [0.5, 1.0]
                             for m in call.models], dtype=np.float32)

        n = len(call.models)
        return training.MLPRun(
            np.array(call.strengths, np.float32), np.zeros(n, np.float32),
            train_acc=curves(train_acc, lambda m: 0.5),
            test_acc=curves(acc, lambda m: s.early_acc[m]),
            train_loss=np.full((n, 2), 0.3, np.float32),
            test_loss=curves(loss, lambda m: 1 - s.early_acc[m]),
            weight_norm=np.ones((n, 2), np.float32), params={})


# Wrong answers. Each is what a learner might write, and earns exactly its mistake.
def _folds_by_mask(n: int, k: int) -> list[np.ndarray]:
    return [np.arange(n) % k == j for j in range(k)]


def _cross_validate_and_report(split, lambdas, train, masks, *, score, report="test"):
    """Cross-validation over the held-out ``masks`` with a pluggable rule and report."""
    runs = [train(Split(split.X_train[~held], split.y_train[~held],
                        split.X_train[held], split.y_train[held]), l2=lambdas)
            for held in masks]
    best = score(runs)
    chosen = float(np.asarray(lambdas, dtype=float)[best])
    validation = float(np.mean([r.test_acc[best, -1] for r in runs]))
    if report == "validation, no retrain":
        return chosen, validation
    final = train(split, l2=[chosen])
    return {"test": (chosen, float(final.test_acc[0, -1])),
            "validation": (chosen, validation),
            "index": (best, float(final.test_acc[0, -1])),
            "curve": (chosen, final.test_acc[0]),
            "run": (chosen, final),
            "train": (chosen, float(final.train_acc[0, -1]))}[report]


def _mean_final(runs, field):
    return np.mean([getattr(r, field)[:, -1] for r in runs], axis=0)


def _right_rule(runs):
    return _choose_by(_mean_final(runs, "test_acc"), _mean_final(runs, "test_loss"))


def _choose_variant(score=_right_rule, report="test", masks=_folds_by_mask):
    def choose_lambda(split, lambdas, train, k=3):
        return _cross_validate_and_report(split, lambdas, train, masks(len(split.y_train), k),
                                          score=score, report=report)
    return choose_lambda


def _choose_only_lambda(split, lambdas, train, k=3):
    return reference_choose_lambda(split, lambdas, train, k)[0]


def _choose_on_test(split, lambdas, train, k=3):
    run = train(split, l2=lambdas)
    best = int(np.argmax(run.test_acc[:, -1]))
    return float(lambdas[best]), float(run.test_acc[best, -1])


def _choose_with_own_trainer(split, lambdas, train, k=3):
    """Stands for calling train_mlp directly (which would take seconds in the check)."""
    def own_train(data, *, l2):
        n = np.atleast_1d(l2).size
        half = np.full((n, 2), 0.5, np.float32)
        return training.MLPRun(np.zeros(n), np.zeros(n), half, half, half, half, half, {})
    return reference_choose_lambda(split, lambdas, own_train, k)


def _choose_folds_of_all_points(split, lambdas, train, k=3):
    everything = Split(np.concatenate([split.X_train, split.X_test]),
                       np.concatenate([split.y_train, split.y_test]), split.X_test, split.y_test)
    return reference_choose_lambda(everything, lambdas, train, k)


def _choose_scored_on_test(split, lambdas, train, k=3):
    runs = [train(Split(split.X_train[~held], split.y_train[~held], split.X_test, split.y_test),
                  l2=lambdas) for held in _folds_by_mask(len(split.y_train), k)]
    chosen = float(np.asarray(lambdas, dtype=float)[_right_rule(runs)])
    return chosen, float(train(split, l2=[chosen]).test_acc[0, -1])


def _choose_trained_on_every_point(split, lambdas, train, k=3):
    runs = [train(Split(split.X_train, split.y_train, split.X_train[held], split.y_train[held]),
                  l2=lambdas) for held in _folds_by_mask(len(split.y_train), k)]
    chosen = float(np.asarray(lambdas, dtype=float)[_right_rule(runs)])
    return chosen, float(train(split, l2=[chosen]).test_acc[0, -1])


def _choose_points_shuffled_not_labels(split, lambdas, train, k=3):
    order = np.random.default_rng(0).permutation(len(split.y_train))
    return reference_choose_lambda(split._replace(X_train=split.X_train[order]), lambdas,
                                   train, k)


def _choose_shuffled_in_place(split, lambdas, train, k=3):
    order = np.random.default_rng(0).permutation(len(split.y_train))
    split.X_train[:] = split.X_train[order]
    split.y_train[:] = split.y_train[order]
    return reference_choose_lambda(split, lambdas, train, k)


def _choose_article_grid(split, lambdas, train, k=3):
    return reference_choose_lambda(split, (0.0,) + LAMBDAS, train, k)


def _one_hold_out(n, k):
    return [np.arange(n) >= n - n // k]


CHOOSE_LAMBDA = Catalogue(
    "choose_lambda",
    Mistake("not_a_pair", "{name} should return a pair (chosen λ, test accuracy), got {got}.",
            _choose_only_lambda),
    Mistake("train_unused", "{name} never called `train`: train every model with the `train` "
            "function it is given (the notebook passes train_mlp), so the check can see what "
            "you train on.", _choose_with_own_trainer),
    Mistake("trained_on_test", "a model trained while choosing λ had test points in its "
            "training set: cross-validate on split.X_train / split.y_train only.",
            _choose_folds_of_all_points),
    Mistake("test_in_cv", "your folds were scored on test points: the held-out fold of the "
            "training points is the validation set; the test set grades only the final model.",
            _choose_scored_on_test),
    Mistake("labels_shuffled", "the labels you trained or scored on do not belong to their "
            "points: index X and y with the same rows (the same mask or permutation for both).",
            _choose_points_shuffled_not_labels),
    Mistake("ignored_lambdas", "you trained λ values {got}, but the candidates are {expected}: "
            "train every value of `lambdas` (and only those) on every fold.",
            _choose_article_grid),
    Mistake("chose_on_test", "you chose λ = {got}, the best on the test set: choose by the "
            "validation folds alone; the test set only grades the model retrained with the "
            "chosen λ.", _choose_on_test),
    Mistake("overlap", "a fold's model was scored on points it was trained on: train it on the "
            "other k-1 folds only, so that its validation fold is unseen.",
            _choose_trained_on_every_point),
    Mistake("not_k_folds", "your validation sets do not split the {n} training points into "
            "k={k} folds ({found}): in k-fold cross-validation every training point is held out "
            "exactly once, and each fold's model trains on all the other points.",
            _choose_variant(masks=_one_hold_out)),
    Mistake("returned_index", "you returned {got}, the position of the chosen λ in lambdas: "
            "return the value itself, lambdas[i].", _choose_variant(report="index")),
    Mistake("largest_train", "you chose the λ with the best training accuracy: that favours the "
            "weakest penalty (it measures fit, not generalization); choose by the mean "
            "validation accuracy.",
            _choose_variant(score=lambda runs: int(np.argmax(_mean_final(runs, "train_acc"))))),
    Mistake("ignored_ties", "several λ tie on the best mean validation accuracy and you took the "
            "first: break ties by the lowest mean validation cross-entropy "
            "(run.test_loss[:, -1] of each fold's run).",
            _choose_variant(score=lambda runs: int(np.argmax(_mean_final(runs, "test_acc"))))),
    Mistake("by_loss_only", "you chose by the validation cross-entropy alone: rank by mean "
            "validation accuracy and use the cross-entropy only to break ties.",
            _choose_variant(score=lambda runs: int(np.argmin(_mean_final(runs, "test_loss"))))),
    Mistake("first_fold_only", "your choice follows the first fold alone: average each λ's "
            "validation scores over all k folds before choosing.",
            _choose_variant(score=lambda runs: _right_rule(runs[:1]))),
    Mistake("not_final_epoch", "you scored the models by an epoch other than the last (their "
            "best during training?): use the scores after the final epoch, "
            "run.test_acc[:, -1] and run.test_loss[:, -1].",
            _choose_variant(score=lambda runs: _choose_by(
                np.mean([r.test_acc.max(axis=1) for r in runs], axis=0),
                np.mean([r.test_loss.min(axis=1) for r in runs], axis=0)))),
    Mistake("retrained_nothing", "you never trained the chosen λ on all {n} training points: "
            "retrain it on the whole training set, train(split, l2=[chosen]), and report that "
            "model's test accuracy.", _choose_variant(report="validation, no retrain")),
    Mistake("reported_validation", "{what} is the chosen λ's mean validation accuracy: report "
            "the test accuracy of the model retrained on all the training points.",
            _choose_variant(report="validation")),
    Mistake("not_numeric", answer=_choose_variant(report="run")),
    Mistake("wrong_shape", answer=_choose_variant(report="curve")),
    Mistake("wrong_value", answer=_choose_variant(report="train")),
    Mistake("mutated_input", answer=_choose_shuffled_in_place),
)


def _describe(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}"


def _check_calls(spy: _SpyTrain, s: _Scenario) -> None:
    """What the learner trained on: the test set out of it, labels with their points, the
    candidates and nothing else on every fold."""
    __tracebackhide__ = True  # noqa: F841
    catalogue = CHOOSE_LAMBDA
    catalogue.expect(spy.calls, "train_unused", name="choose_lambda")
    catalogue.expect(not any(c.fit - spy.train_ids for c in spy.calls), "trained_on_test")
    catalogue.expect(not any(c.scored - spy.train_ids for c in spy.calls if not spy.is_final(c)),
                     "test_in_cv")
    catalogue.expect(all(c.labels_right for c in spy.calls), "labels_shuffled")
    every = set(range(len(s.lambdas)))
    per_fold = [{m for c in spy.calls if c.scored == held for m in c.models}
                for held in spy.validation_sets]
    trained = sorted({v for c in spy.calls for v in c.strengths})
    catalogue.expect(all(m >= 0 for c in spy.calls for m in c.models)
                     and all(models == every for models in per_fold), "ignored_lambdas",
                     got=[f"{v:g}" for v in trained], expected=[f"{v:g}" for v in s.lambdas])


def _check_folds(spy: _SpyTrain, k: int) -> None:
    """The calls other than the final one are k-fold cross-validation of the training points."""
    __tracebackhide__ = True  # noqa: F841
    catalogue = CHOOSE_LAMBDA
    folds = [c for c in spy.calls if not spy.is_final(c)]
    catalogue.expect(not any(c.fit & c.scored for c in folds), "overlap")
    held = {c.scored for c in folds}
    covered = sorted(i for h in held for i in h)
    catalogue.expect(len(held) == k and covered == sorted(spy.train_ids)
                     and all(c.fit == spy.train_ids - c.scored for c in folds), "not_k_folds",
                     n=len(spy.train_ids), k=k,
                     found=f"yours: {len(held)} validation set(s) holding {len(covered)} points")


@exercise_check("k folds of the training points alone, every candidate on every fold, the best "
                "mean validation accuracy (ties to the lower cross-entropy), then one retrain "
                "on all the training points and one test score.",
                catalogue=CHOOSE_LAMBDA, reference=reference_choose_lambda)
def check_choose_lambda(choose_lambda) -> None:
    """Run ``choose_lambda`` with a spy ``train`` on two made-up scenarios (no real training):
    the spy sees what each call trains and scores on; its scores make each mistaken rule pick
    its own λ."""
    catalogue = CHOOSE_LAMBDA
    for s in _CHOOSE_SCENARIOS:
        split = s.split()
        spy = _SpyTrain(s, split)
        lambdas = np.array(s.lambdas) if s.as_array else list(s.lambdas)
        result = (choose_lambda(split, lambdas, spy) if s.k is None
                  else choose_lambda(split, lambdas, spy, k=s.k))
        catalogue.expect(isinstance(result, (tuple, list)) and len(result) == 2, "not_a_pair",
                         name="choose_lambda", got=_describe(result))
        chosen, reported = result
        _check_calls(spy, s)
        values, expected, wrong = np.asarray(s.lambdas, dtype=float), s.expected, s.wrong_picks()
        if "chose_on_test" in wrong:
            on_test = values[wrong["chose_on_test"]]
            catalogue.expect(not matches(chosen, on_test), "chose_on_test", got=f"{on_test:g}")
        _check_folds(spy, s.folds)
        catalogue.expect(not (isinstance(chosen, (int, np.integer)) and chosen == expected
                              and values[expected] != expected), "returned_index", got=chosen)
        catalogue.close(chosen, values[expected], what="the chosen λ",
                        candidates={key: values[m] for key, m in wrong.items()})
        catalogue.expect(any(spy.is_final(c) and expected in c.models for c in spy.calls),
                         "retrained_nothing", n=len(spy.train_ids))
        validation = np.mean(np.asarray(s.fold_acc, np.float32)[:, expected])
        catalogue.close(reported, s.test_acc[expected], what="the reported test accuracy",
                        candidates={"reported_validation": validation})
