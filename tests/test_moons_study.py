"""Chapter 2's moons case study: what the timings measure, the drawing helpers, the λ explorer,
and the facts the notebook shows from docs/migration.md and BENCHMARKS.md."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils import training  # noqa: E402
from utils.datasets import moons_split  # noqa: E402
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


def test_kfold_splits_hold_out_each_training_point_once_and_never_the_test_set(split):
    from utils.moons_study import kfold_splits

    folds = kfold_splits(split, 3)
    assert [len(f.y_train) for f in folds] == [20, 20, 20]
    held_out = np.concatenate([f.X_test for f in folds])
    assert len(held_out) == 30
    assert sorted(map(tuple, held_out)) == sorted(map(tuple, split.X_train))
    for fold in folds:
        pooled = np.concatenate([fold.X_train, fold.X_test])
        assert sorted(map(tuple, pooled)) == sorted(map(tuple, split.X_train))
        assert not np.isin(split.X_test[:, 0], pooled[:, 0]).any()


@pytest.mark.parametrize("bad, error", [(1, ValueError), (16, ValueError), (0, ValueError),
                                        (2.0, TypeError)])
def test_kfold_splits_reject_bad_k(split, bad, error):
    from utils.moons_study import kfold_splits

    with pytest.raises(error, match="k"):
        kfold_splits(split, bad)


def test_kfold_splits_need_a_split():
    from utils.moons_study import kfold_splits

    with pytest.raises(TypeError, match="split"):
        kfold_splits((np.zeros((4, 2)), np.zeros(4)), 2)


def test_cross_validate_trains_every_candidate_once_per_fold(split, monkeypatch):
    from utils.moons_study import cross_validate

    calls = []

    def spy(fold, **kwargs):
        calls.append((len(fold.y_train), len(fold.y_test), kwargs))
        return train_mlp(fold, **kwargs)

    monkeypatch.setattr(training, "train_mlp", spy)
    cv = cross_validate(split, [0.0, 1e-2, 1e-1], k=3, epochs=5)
    assert [(n_tr, n_val) for n_tr, n_val, _ in calls] == [(20, 10)] * 3
    assert all(tuple(kw["l2"]) == (0.0, 1e-2, 1e-1) for _, _, kw in calls)
    assert cv.val_acc.shape == cv.val_loss.shape == (3, 3)
    assert 0 <= cv.chosen < 3


def test_the_choice_is_the_best_mean_accuracy_with_ties_to_the_lowest_loss():
    from utils.moons_study import CrossValidation

    cv = CrossValidation(np.array([0.0, 1e-3, 1e-2]),
                         val_acc=np.array([[0.9, 1.0, 1.0], [0.8, 0.8, 0.8]]),
                         val_loss=np.array([[0.3, 0.2, 0.1], [0.3, 0.5, 0.5]]))
    assert cv.chosen == 2          # 1e-3 and 1e-2 tie on accuracy (0.9); 1e-2 has lower loss
    cv.val_acc[1, 0] = 1.0
    assert cv.chosen == 0          # now no penalty has the best accuracy outright
