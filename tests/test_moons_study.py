"""Chapter 2's moons case study: what the timings measure, the drawing helpers, the λ explorer,
and the facts the notebook shows from docs/migration.md and BENCHMARKS.md."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import training  # noqa: E402
from utils.datasets import Split, moons_split  # noqa: E402
from utils.moons_study import (  # noqa: E402
    BENCHMARKS,
    LAMBDAS,
    MIGRATION_DOC,
    WEIGHT_RANGE,
    article_style_seconds_per_epoch,
    course_study_seconds,
    make_lambda_explorer,
    markdown_section,
    migration_rows,
    plot_lambda_grid,
    plot_lambda_view,
    show_benchmark,
)
from utils.training import train_mlp  # noqa: E402


@pytest.fixture(scope="module")
def split():
    return moons_split()


@pytest.fixture(scope="module")
def small_run(split):
    return train_mlp(split, l2=[0.0, 1e-2], hidden=16, epochs=30)


def test_lambdas_are_the_articles_grid():
    assert LAMBDAS == (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


def test_article_style_timing_runs_the_articles_fit_loop_after_an_untimed_warm_up(monkeypatch):
    import keras

    calls = []
    real_fit = keras.Model.fit

    def spy(self, *args, **kwargs):
        calls.append(kwargs)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy)
    seconds = article_style_seconds_per_epoch(2)
    assert isinstance(seconds, float)
    assert [c["epochs"] for c in calls] == [1, 2]            # warm-up, then the timed epochs
    for call in calls:
        assert len(call["x"]) == 30 and len(call["validation_data"][0]) == 70
        assert call["verbose"] == 0


def test_course_study_timing_trains_seven_models_in_one_call_twice(monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return train_mlp(*args, **kwargs)

    monkeypatch.setattr(training, "train_mlp", spy)
    assert isinstance(course_study_seconds(5), float)
    assert len(calls) == 2                                    # compile untimed, then timed
    for call in calls:
        assert tuple(call["l2"]) == (0.0,) + LAMBDAS and call["epochs"] == 5


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-3, ValueError),
                                        (2.5, TypeError), ("50", TypeError)])
def test_timings_reject_bad_epochs(bad, error):
    with pytest.raises(error, match="epochs"):
        article_style_seconds_per_epoch(bad)
    with pytest.raises(error, match="epochs"):
        course_study_seconds(bad)


def test_plot_lambda_grid_draws_train_and_test_against_lambda_on_a_log_axis():
    fig, ax = plt.subplots()
    train, test = np.linspace(0.9, 1, 6), np.linspace(0.8, 0.9, 6)
    plot_lambda_grid(ax, LAMBDAS, train, test, baseline=(1.0, 0.9))
    assert ax.get_xscale() == "log"
    curves = {line.get_label(): line for line in ax.lines}
    assert np.allclose(curves["train"].get_xdata(), LAMBDAS)
    assert np.allclose(curves["test"].get_ydata(), test)
    assert np.allclose(curves["test, no penalty"].get_ydata(), 0.9)
    plt.close(fig)


@pytest.mark.parametrize("lambdas, train, test, match", [
    ([1e-1, 0.0], [1, 1], [1, 1], "positive"),
    ([1e-1, 1e-2], [1, 1, 1], [1, 1], "same number of rows"),
    ([1e-1, 1e-2], [1, 1], [1], "same number of rows"),
    ([1e-1, np.nan], [1, 1], [1, 1], "lambdas contains NaN"),
    ([[1e-1, 1e-2]], [1, 1], [1, 1], "lambdas must have 1 dimension"),
])
def test_plot_lambda_grid_rejects_bad_input(lambdas, train, test, match):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=match):
        plot_lambda_grid(ax, lambdas, train, test)
    with pytest.raises(ValueError, match="baseline must be"):
        plot_lambda_grid(ax, [1e-1], [1], [1], baseline=(1.0,))
    plt.close(fig)


def test_plot_lambda_view_shows_the_chosen_model(split, small_run):
    fig, axes = plt.subplots(1, 3)
    plot_lambda_view(axes, small_run, split, model=1, grid_size=20, title="t")
    assert axes[0].get_title() == "t"
    assert axes[1].get_title() == (f"final: train {small_run.train_acc[1, -1]:.3f}, "
                                   f"test {small_run.test_acc[1, -1]:.3f}")
    norm = np.linalg.norm(small_run.weights(1)["W1"])
    assert axes[2].get_title().startswith(f"‖W1‖_F = {norm:.2f}")
    plt.close(fig)


def test_a_weight_range_fixes_the_histogram_axis_and_reports_weights_outside(split, small_run):
    weights = small_run.weights(0)["W1"].ravel()
    for weight_range in [(-3.0, 3.0), (-0.01, 0.01)]:
        fig, axes = plt.subplots(1, 3)
        plot_lambda_view(axes, small_run, split, grid_size=20, weight_range=weight_range)
        assert axes[2].get_xlim() == weight_range
        outside = int(np.sum(np.abs(weights) > 0.01))
        assert (f"{outside} outside the axis" in axes[2].get_title()) == (weight_range[1] < 1)
        plt.close(fig)


@pytest.mark.parametrize("n_axes, kwargs, error, match", [
    (2, {}, ValueError, "3 axes"),
    (3, {"model": 2}, ValueError, "model must be in"),
    (3, {"model": 0.5}, TypeError, "model must be an integer"),
    (3, {"weight_range": (1.0, -1.0)}, ValueError, "weight_range must be"),
    (3, {"weight_range": (0.0, np.inf)}, ValueError, "weight_range contains NaN or infinity"),
    (3, {"run": "not a run"}, TypeError, "run must be the MLPRun"),
    (3, {"split": (1, 2)}, TypeError, "split must be a utils.datasets.Split"),
])
def test_plot_lambda_view_rejects_bad_input(split, small_run, n_axes, kwargs, error, match):
    fig, axes = plt.subplots(1, n_axes)
    arguments = {"run": small_run, "split": split, **kwargs}
    with pytest.raises(error, match=match):
        plot_lambda_view(axes, arguments.pop("run"), arguments.pop("split"), **arguments)
    plt.close(fig)


def test_explorer_retrains_with_the_chosen_penalty_and_keeps_its_histogram_axis(split,
                                                                                monkeypatch):
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return train_mlp(*args, **kwargs)

    monkeypatch.setattr(training, "train_mlp", spy)
    box = make_lambda_explorer(split, epochs=20, hidden=8, grid_size=20)
    state = box.explorer
    assert not state.controls["lambd"].continuous_update      # retrains on release only
    assert (state.controls["lambd"].min, state.controls["lambd"].max) == (-6, -1)
    state.controls["lambd"].value = 1e-2
    state.controls["penalty"].value = "L1"
    assert np.allclose([(c["l2"], c["l1"]) for c in calls],
                       [(1e-3, 0.0), (1e-2, 0.0), (0.0, 1e-2)])
    assert all(c["epochs"] == 20 and c["hidden"] == 8 for c in calls)
    limits = []
    for lambd in (1e-6, 1e-1):
        fig, axes = state.make_figure()
        state.draw(axes, lambd=lambd, penalty="L2")
        limits.append(axes[2].get_xlim())
        assert axes[0].get_title() == f"L2, λ = {lambd:.1e}"
        plt.close(fig)
    assert limits == [WEIGHT_RANGE, WEIGHT_RANGE]


@pytest.mark.parametrize("kwargs, error, match", [
    ({"epochs": 0}, ValueError, "epochs"), ({"hidden": -1}, ValueError, "hidden"),
    ({"grid_size": 0}, ValueError, "grid_size"), ({"initial": -1e-3}, ValueError, "initial"),
    ({"initial": 0.5}, ValueError, "initial"), ({"initial": np.nan}, ValueError, "initial"),
    ({"split": (1, 2)}, TypeError, "split must be a utils.datasets.Split"),
    ({"weight_range": (2.0,)}, ValueError, "weight_range must be"),
])
def test_explorer_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_lambda_explorer(**kwargs)


def test_migration_rows_come_from_the_doc_in_the_order_asked():
    table = migration_rows(["M6", "M1"]).splitlines()
    assert table[0].startswith("| id |") and set(table[1]) <= set("|- ")
    assert [row.split("|")[1].strip() for row in table[2:]] == ["M6", "M1"]
    doc = MIGRATION_DOC.read_text(encoding="utf-8")
    assert all(row in doc.splitlines() for row in table)


@pytest.mark.parametrize("ids, error, match", [
    (["M999"], ValueError, "not rows of migration.md"), ([], ValueError, "ids is empty"),
    ("M1", TypeError, "ids must be a list"),
])
def test_migration_rows_rejects_unknown_ids(ids, error, match):
    with pytest.raises(error, match=match):
        migration_rows(ids)


def test_markdown_section_returns_one_section_of_benchmarks():
    section = markdown_section(BENCHMARKS, "The moons case study")
    assert section.startswith("## The moons case study\n")
    assert "Speed-up" in section and "## " not in section[3:]
    with pytest.raises(ValueError, match="is not a section of BENCHMARKS.md"):
        markdown_section(BENCHMARKS, "No such heading")
    with pytest.raises(ValueError, match="is not a file"):
        markdown_section(BENCHMARKS.parent / "no-such-file.md", "x")
    with pytest.raises(TypeError, match="heading must be a section title"):
        markdown_section(BENCHMARKS, None)


def test_show_benchmark_displays_the_section_or_says_the_file_is_missing(tmp_path, capsys):
    show_benchmark(path=tmp_path / "BENCHMARKS.md")
    assert "is not in this copy of the course" in capsys.readouterr().out
    (tmp_path / "BENCHMARKS.md").write_text("# B\n\n## The moons case study\n\n| a |\n\n## Next\n")
    show_benchmark(path=tmp_path / "BENCHMARKS.md")
    shown = capsys.readouterr().out
    assert "is not in this copy" not in shown and "Markdown" in shown


# ------------------------------------------------------------------ the two exercises
def test_the_reference_model_is_the_articles_network_with_the_studys_initial_weights():
    import keras

    from utils.moons_study import reference_build_moons_model

    keras.utils.set_random_seed(1)
    model = reference_build_moons_model(1e-3)
    hidden, output = model.layers
    assert (hidden.units, output.units) == (500, 1) and model.count_params() == 2001
    assert hidden.kernel_regularizer.l2 == pytest.approx(1e-3)
    assert hidden.bias_regularizer is None and output.kernel_regularizer is None
    assert model.loss == "binary_crossentropy"
    init = training.keras_initial_weights(seed=1)  # what train_mlp starts from
    for got, key in zip(model.get_weights(), ("W1", "b1", "W2", "b2")):
        np.testing.assert_array_equal(got, init[key])


def test_penalty_strengths_are_read_off_any_regularizer():
    import keras
    import tensorflow as tf

    from utils.moons_study import _penalty_strengths

    shape = (2, 5)
    cases = [(None, (0.0, 0.0)), (keras.regularizers.l2(0.3), (0.0, 0.3)),
             (keras.regularizers.l1(0.2), (0.2, 0.0)),
             (keras.regularizers.L1L2(l1=0.1, l2=0.05), (0.1, 0.05)),
             (lambda w: 0.5 * tf.reduce_sum(tf.square(w)), (0.0, 0.5))]
    for regularizer, expected in cases:
        assert _penalty_strengths(regularizer, shape) == pytest.approx(expected, abs=1e-7)


def test_keras_errors_are_shown_on_one_line_without_colour_codes():
    from utils.moons_study import _one_line

    error = ValueError("Exception encountered when calling Sequential.call().\n\n"
                       "\x1b[1mInput 0 is incompatible with the layer.\x1b[0m\n\nArguments: x")
    assert _one_line(error) == "ValueError: Input 0 is incompatible with the layer"


def _independent_choice(split, lambdas, train, k):
    """k-fold cross-validation written out with index lists and a Python sort."""
    n = len(split.y_train)
    acc, loss = np.zeros(len(lambdas)), np.zeros(len(lambdas))
    for j in range(k):
        held = [i for i in range(n) if i % k == j]
        rest = [i for i in range(n) if i % k != j]
        run = train(Split(split.X_train[rest], split.y_train[rest], split.X_train[held],
                          split.y_train[held]), l2=list(lambdas))
        acc += run.test_acc[:, -1] / k
        loss += run.test_loss[:, -1] / k
    best = sorted(range(len(lambdas)), key=lambda m: (-round(acc[m], 6), loss[m]))[0]
    final = train(split, l2=list(lambdas))
    return lambdas[best], float(final.test_acc[best, -1])


@pytest.mark.parametrize("k", [2, 3, 5])
def test_reference_choose_lambda_agrees_with_an_independent_cross_validation(split, k):
    from functools import partial

    from utils.moons_study import reference_choose_lambda

    lambdas = [0.0, 1e-2, 1e-1, 1.0]
    train = partial(train_mlp, hidden=16, epochs=40)
    seen = []

    def spy(data, **kwargs):
        seen.append(data)
        return train(data, **kwargs)

    chosen, reported = reference_choose_lambda(split, lambdas, spy, k)
    expected = _independent_choice(split, lambdas, train, k)
    assert chosen == expected[0] and reported == pytest.approx(expected[1], abs=1e-6)
    assert len(seen) == k + 1
    test_points = {tuple(row) for row in split.X_test}
    for data in seen[:-1]:
        assert not test_points & {tuple(row) for row in np.concatenate([data.X_train,
                                                                       data.X_test])}
    assert seen[-1].X_train is split.X_train and seen[-1].X_test is split.X_test


def test_the_check_scenarios_give_every_mistaken_rule_its_own_lambda():
    from utils.moons_study import _CHOOSE_SCENARIOS

    first = _CHOOSE_SCENARIOS[0]
    picks = first.wrong_picks()
    assert set(picks) == {"chose_on_test", "largest_train", "ignored_ties", "by_loss_only",
                          "first_fold_only", "not_final_epoch"}
    assert len(set(picks.values())) == len(picks) and first.expected not in picks.values()
    assert first.lambdas[first.expected] == 1e-2
    for scenario in _CHOOSE_SCENARIOS:
        assert len(scenario.fold_acc) == scenario.folds
        assert len(scenario.split().y_train) == 12


def test_the_spy_train_validates_like_train_mlp_and_records_the_points_it_is_given():
    from utils.moons_study import _CHOOSE_SCENARIOS, _SpyTrain

    scenario = _CHOOSE_SCENARIOS[1]
    data = scenario.split()
    spy = _SpyTrain(scenario, data)
    with pytest.raises(TypeError, match="split"):
        spy((data.X_train, data.y_train, data.X_test, data.y_test), l2=[0.0])
    with pytest.raises(ValueError, match="l2"):
        spy(data, l2=[-1.0])
    with pytest.raises(TypeError):
        spy(data, [0.0])  # l2 is keyword-only, as in train_mlp
    run = spy(Split(data.X_train[3:], data.y_train[3:], data.X_train[:3], data.y_train[:3]),
              l2=[1e-2, 0.5])
    call = spy.calls[-1]
    assert call.fit == frozenset(range(3, 12)) and call.scored == frozenset(range(3))
    assert call.models == (2, -1) and call.labels_right
    assert run.test_acc.shape == (2, 2) and run.test_acc[0, -1] == np.float32(2 / 3)
    final = spy(data, l2=[1e-3])
    assert spy.is_final(spy.calls[-1]) and final.test_acc[0, -1] == 0.625
