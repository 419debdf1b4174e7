"""Chapter 2 (second notebook): the seed's moons case study, fast, and the TF1 → TF2 migration.

What is here:

- ``LAMBDAS``: the seed's grid of L2 strengths (Keras convention, λΣw²).
- ``seed_style_seconds_per_epoch`` and ``course_study_seconds``: the two timings
  the course benchmark compares (the seed's ``model.fit`` loop versus the
  compiled, vectorized ``utils.training.train_mlp``).
- ``plot_lambda_grid`` and ``plot_lambda_view``: drawing helpers that take axes.
- ``make_lambda_explorer``: a λ slider (log scale) and an L1/L2 switch that
  retrain the seed's network live and redraw its decision boundary, its
  accuracy curves and the histogram of its hidden weights.
- ``MIGRATIONS``: every TF1 / Keras 2 form of seeds 000–003 on this topic,
  as ``(old, new, note)`` tuples; the notebook renders and runs them.
"""
from __future__ import annotations

import time

import numpy as np

from utils.datasets import Split, moons_split
from utils.plotting import settle_garbage, show_in
from utils.validation import (
    as_float_array,
    require_nonnegative,
    require_positive_int,
    require_same_length,
)

LAMBDAS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
"""The seed's grid of L2 strengths, largest first (``values = [1e-1, ..., 1e-6]``)."""

LAMBDA_RANGE = (1e-6, 1e-1)


def seed_style_seconds_per_epoch(epochs: int = 50) -> float:
    """Wall seconds per epoch of the seed's ``model.fit`` loop on the moons data.

    Builds ``build_seed_model()`` (Dense(500, relu) → Dense(1, sigmoid), no
    penalty), compiles it with Adam, binary cross-entropy and accuracy, and
    runs ``model.fit(X_train, y_train, epochs=epochs,
    validation_data=(X_test, y_test), verbose=0)`` as the seed does.

    Included: everything ``fit`` does per epoch (the data iterator, the
    callbacks and History, the validation pass). Excluded: building and
    compiling the model, and the one-off tracing of the train and test
    functions (a 1-epoch ``fit`` runs first, untimed), so the number is the
    per-epoch cost that 4000 epochs would pay again and again.
    """
    import keras

    from utils.training import build_seed_model

    epochs = require_positive_int("epochs", epochs)
    split = moons_split()
    keras.utils.set_random_seed(1)
    model = build_seed_model()
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
    from utils.training import train_mlp

    epochs = require_positive_int("epochs", epochs)
    split = moons_split()
    strengths = (0.0,) + LAMBDAS
    train_mlp(split, l2=strengths, epochs=epochs)  # untimed: compiles for this shape
    start = time.perf_counter()
    train_mlp(split, l2=strengths, epochs=epochs)
    return time.perf_counter() - start


def plot_lambda_grid(ax, lambdas, train_acc, test_acc, *,
                     baseline: tuple[float, float] | None = None):
    """The seed's ``semilogx`` plot: final train and test accuracy against λ.

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
        base_train, base_test = baseline
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
                     title: str | None = None):
    """Three panels for one trained model of an ``MLPRun``.

    ``axes``: three matplotlib axes: the decision boundary with the train
    (o) and test (x) points, the per-epoch accuracy curves, and the histogram
    of the hidden kernel ``W1`` (d × H values; when at most 100 weights are
    larger than 1e-3 in absolute value, as L1 makes them, they are also marked
    as ticks on the axis). Returns ``axes``.
    """
    from utils.plotting import COLORS, plot_decision_boundary, plot_points

    if len(axes) != 3:
        raise ValueError(f"plot_lambda_view needs 3 axes, got {len(axes)}")
    if not 0 <= model < run.n_models:
        raise ValueError(f"model must be in [0, {run.n_models}), got {model}")
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
    ax_hist.hist(weights, bins=40, color="#555555")
    small = np.abs(weights) < 1e-3
    if 0 < np.sum(~small) <= 100:  # a sparse (L1) solution: mark the few survivors
        ax_hist.plot(weights[~small], np.zeros(np.sum(~small)), "^", ms=8, clip_on=False,
                     color=COLORS["test"], label=f"the {np.sum(~small)} with |w| ≥ 1e-3")
        ax_hist.legend(loc="upper left")
    ax_hist.set(xlabel="hidden weight value", ylabel="count",
                title=f"‖W1‖_F = {np.sqrt(np.sum(weights ** 2)):.2f}, "
                      f"|w| < 1e-3: {int(np.sum(small))}/{weights.size}")
    return axes


def make_lambda_explorer(split: Split | None = None, *, epochs: int = 4000, hidden: int = 500,
                         grid_size: int = 60, initial: float = 1e-3):
    """A λ slider (log scale, 1e-6 … 1e-1) and an L2/L1 switch, retraining live.

    Every change retrains the seed's network (``hidden`` units, ``epochs``
    full-batch Adam steps) with ``train_mlp`` and redraws ``plot_lambda_view``.
    The first drawing, at creation, compiles the training loop; later
    changes reuse it (same number of models, epochs and shapes), so each
    takes about 0.3 s. Calls ``settle_garbage()`` once so that full garbage
    collections stay cheap. Returns a VBox; its ``timings`` attribute holds
    the seconds the last redraw spent training and drawing (figure, PNG, display).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from utils.training import train_mlp

    split = moons_split() if split is None else split
    epochs = require_positive_int("epochs", epochs)
    hidden = require_positive_int("hidden", hidden)
    grid_size = require_positive_int("grid_size", grid_size)
    initial = require_nonnegative("initial", initial)
    if not LAMBDA_RANGE[0] <= initial <= LAMBDA_RANGE[1]:
        raise ValueError(f"initial must be in [{LAMBDA_RANGE[0]}, {LAMBDA_RANGE[1]}], "
                         f"got {initial}")

    slider = widgets.FloatLogSlider(value=initial, base=10, min=-6, max=-1, step=0.25,
                                    description="λ", readout_format=".1e",
                                    continuous_update=False)
    penalty = widgets.ToggleButtons(options=["L2", "L1"], value="L2", description="penalty")
    output = widgets.Output()

    def redraw(_change=None):
        lam = float(slider.value)
        kind = penalty.value
        strengths = {"l2": lam, "l1": 0.0} if kind == "L2" else {"l2": 0.0, "l1": lam}
        start = time.perf_counter()
        run = train_mlp(split, hidden=hidden, epochs=epochs, **strengths)
        trained = time.perf_counter()
        # A fixed layout, rendered once by show_in: about half the inline backend's cost.
        with plt.rc_context({"axes.titley": 1.01}):  # a fixed title position skips a layout pass
            fig, axes = plt.subplots(1, 3, figsize=(12.6, 3.5))
        fig.subplots_adjust(left=0.05, right=0.99, bottom=0.15, top=0.9, wspace=0.3)
        plot_lambda_view(axes, run, split, grid_size=grid_size, title=f"{kind}, λ = {lam:.1e}")
        show_in(output, fig)
        box.timings = {"train": trained - start, "draw and display": time.perf_counter() - trained}

    box = widgets.VBox([widgets.HBox([slider, penalty]), output])
    slider.observe(redraw, names="value")
    penalty.observe(redraw, names="value")
    redraw()
    settle_garbage()
    return box


MIGRATIONS = (
    # seed 000 (Keras on TF 1.x / 2.0)
    ("tf.keras.regularizers.l2(l=0.01)  # also l1(l=...)",
     "keras.regularizers.l2(0.01)",
     "Keras 3 renamed the argument (l2=, l1=) and rejects l=: TypeError. Same meaning: "
     "λ·Σw², no ½."),
    ("tf.keras.regularizers.l1_l2(l1=0.01, l2=0.01)",
     "keras.regularizers.L1L2(l1=0.01, l2=0.01)",
     "still works; adds l1·Σ|w| + l2·Σw²."),
    ("tf.keras.models.Sequential(tf.keras.layers.Dense(512, ...))",
     "keras.Sequential([keras.Input((2,)), keras.layers.Dense(512, ...)])",
     "the seed passes a layer, not a list: TypeError. Declare the input so weights "
     "exist at once."),
    ("Dense(512, kernel_regularizer=l2(l=0.001), bias_regularizer=l2(l=0.001))",
     "keras.layers.Dense(512, kernel_regularizer=keras.regularizers.l2(1e-3))",
     "penalizing biases is rarely useful (the seed itself says it is 应用较少); each "
     "regularizer adds one term to model.losses."),
    ("Conv2D(32, 3, kernel_regularizer=l2(l=0.001), bias_regularizer=l2(l=0.001))",
     "keras.layers.Conv2D(32, 3, kernel_regularizer=keras.regularizers.l2(1e-3))",
     "as for Dense; the seed's advice of a smaller λ (5e-4) for CNNs is a rule of "
     "thumb, not a law."),
    ("LSTM(32, recurrent_regularizer=l2(l=0.001), kernel_regularizer=..., bias_regularizer=...)",
     "keras.layers.LSTM(32, kernel_regularizer=keras.regularizers.l2(1e-3), "
     "recurrent_regularizer=keras.regularizers.l2(1e-3))",
     "recurrent_regularizer penalizes the hidden-to-hidden kernel; one model.losses "
     "term per regularizer."),
    ("model.add(Dense(500, input_dim=2, activation=\"relu\"))",
     "keras.Input((2,)) first, then keras.layers.Dense(500, activation=\"relu\")",
     "input_dim / input_shape on a layer is deprecated (a warning in Keras 3)."),
    ("history.history[\"acc\"], history.history[\"val_acc\"]",
     "history.history[\"accuracy\"], history.history[\"val_accuracy\"]",
     "keys are the metric's name: \"acc\" is a KeyError since TF 2."),
    ("model.fit(trainX, trainy, validation_data=(testX, testy), epochs=4000, verbose=0)",
     "utils.training.train_mlp(split, l2=[...]) or fit_keras_fast(model, X, y, 4000)",
     "correct but slow: ~50 ms of Python overhead per epoch on 30 points (391 s for "
     "one model here). The seed's listing also lacks the closing parenthesis, and its "
     "text says 400 epochs for 4000."),
    ("DataFrame(dict(x=X[:, 0], y=X[:, 1], label=y)).groupby(\"label\") scatter",
     "utils.plotting.plot_points(ax, X, y) (one plt.scatter per class)",
     "no pandas needed."),
    # seed 001 (tf.keras 2.x)
    ("model.add(layers.Dense(64, activation=\"relu\", kernel_regularizer=l2(0.01)))  # "
     "after the output layer",
     "put kernel_regularizer on the existing hidden Dense when the model is built",
     "seed 001's 'add regularization' step appends a new layer after the softmax "
     "output instead of regularizing the model's layers."),
    ("layers.Conv2D(32, (3, 3), activation=\"relu\", input_shape=(32, 32, 3))",
     "keras.Input((32, 32, 3)), then keras.layers.Conv2D(32, 3, activation=\"relu\")",
     "input_shape on a layer is deprecated."),
    ("Embedding(input_dim=vocab_size, output_dim=embedding_dim, input_length=max_length)",
     "keras.layers.Embedding(vocab_size, embedding_dim)",
     "input_length is deprecated in Keras 3: remove it."),
    # seed 002 (TensorFlow 1.x)
    ("sess = tf.InteractiveSession(); tf.nn.l2_loss(weights).eval()()",
     "tf.nn.l2_loss(weights).numpy()",
     "TF 2 is eager: no sessions. Σw²/2 = 45.5 for [[1,2,3],[4,5,6]]; the seed's "
     ".eval()() is a typo."),
    ("tf.contrib.layers.l2_regularizer(1.)(weights)",
     "keras.regularizers.l2(0.5)(weights)",
     "tf.contrib is gone. contrib's scale meant scale·Σw²/2, Keras l2(λ) means λ·Σw²: "
     "halve λ (both 45.5 here)."),
    ("tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])",
     "tf.add_n([tf.nn.l2_loss(w) for w in model.trainable_variables if 'kernel' in "
     "w.path]) in a GradientTape",
     "no global variable list in TF 2; the seed's version also penalizes every bias."),
    ("tf.layers.conv2d(x, 512, (3, 3), "
     "kernel_initializer=tf.truncated_normal_initializer(stddev=0.01), "
     "kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001))",
     "keras.layers.Conv2D(512, 3, "
     "kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.01), "
     "kernel_regularizer=keras.regularizers.l2(0.0005))",
     "the seed's prose says kernel_initializer takes the regularizer: it is "
     "kernel_regularizer. 0.0005 in Keras = 0.001 in contrib."),
    ("tf.add_n([base_loss] + tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))",
     "base_loss + tf.add_n(model.losses)",
     "no graph collections in TF 2: each layer's penalty is in model.losses. The seed "
     "misspells the key REGULARIZATOIN_LOSSES once."),
    # seed 003 (PyTorch, d2l)
    ("torch.optim.SGD([{\"params\": net[0].weight, \"weight_decay\": wd}, {\"params\": "
     "net[0].bias}], lr=lr)",
     "keras.optimizers.SGD(lr, weight_decay=wd) with "
     "optimizer.exclude_from_weight_decay(var_names=[\"bias\"])",
     "decoupled decay w ← w − lr·wd·w; under plain SGD it equals an L2 penalty "
     "(wd/2)·Σw², under Adam it does not."),
)
"""(old, new, note) for every seed snippet on L1/L2 regularization, ported to TF 2.21 / Keras 3."""


def migrations_markdown() -> str:
    """``MIGRATIONS`` as a Markdown table (old → new → note)."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    rows = ["| old (seeds) | TF 2.21 / Keras 3 | note |", "|---|---|---|"]
    rows += [f"| `{cell(old)}` | `{cell(new)}` | {cell(note)} |" for old, new, note in MIGRATIONS]
    return "\n".join(rows)
