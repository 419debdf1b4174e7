"""What `make bench` measures inside other processes (see tools/bench.py).

In a notebook's kernel, after its last cell (the set-up cell put the course on
``sys.path``)::

    from tools.bench_probes import print_explorer_report, print_peak_memory
    print_explorer_report(); print_peak_memory()

In a fresh interpreter: ``python -m tools.bench_probes study EPOCHS NAIVE_EPOCHS`` and
``python -m tools.bench_probes overheads``. Each prints one line, ``TAG {json}``.
"""
from __future__ import annotations

import json
import sys
import time

EXPLORERS_TAG, MEMORY_TAG = "BENCH_EXPLORERS", "BENCH_MEMORY"
STUDY_TAG, OVERHEAD_TAG = "BENCH_STUDY", "BENCH_OVERHEAD"


def _emit(tag: str, value) -> None:
    print(f"{tag} {json.dumps(value)}", flush=True)


def new_values(widget) -> list:
    """Up to two other values to move ``widget`` to, then its current value back.

    Every move changes the value, so each must redraw; a control with no other
    value gets no moves.
    """
    import ipywidgets as W

    current = widget.value
    if isinstance(widget, W.Checkbox):
        candidates = [not current]
    elif hasattr(widget, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        candidates = [values[-1], values[len(values) // 2], values[0]]
    elif isinstance(widget, W.FloatLogSlider):
        lo, hi = widget.base ** widget.min, widget.base ** widget.max
        candidates = [hi, (lo * hi) ** 0.5, lo]
    elif not hasattr(widget, "min"):           # IntText, FloatText ...
        candidates = [current + 1]
    else:
        lo, hi = widget.min, widget.max
        mid = lo + (hi - lo) / 2
        candidates = [hi, int(round(mid)) if isinstance(current, int) else mid, lo]
    moves = []
    for value in candidates:
        if value != current and value not in moves:
            moves.append(value)
    return moves[:2] + [current] if moves else []


def explorer_report(explorers=None) -> dict:
    """Move every control of every registered explorer; time each move.

    ``explorers`` defaults to ``utils.plotting.EXPLORERS`` (every explorer this
    process built). Each needs ``.name``, ``.controls`` (name -> value widget),
    ``.build_seconds`` and ``.redraws``. Returns ``{name: {"build": s, "moves":
    [[control, s], ...], "missed_redraws": n}}``; a move that does not redraw
    counts in ``missed_redraws``.
    """
    import matplotlib.pyplot as plt

    if explorers is None:
        from utils import plotting
        explorers = plotting.EXPLORERS
    report = {}
    for explorer in explorers:
        name = explorer.name
        for copy in range(2, len(explorers) + 2):
            if name not in report:
                break
            name = f"{explorer.name} #{copy}"
        moves, missed = [], 0
        for control_name, control in explorer.controls.items():
            for value in new_values(control):
                before = explorer.redraws
                start = time.perf_counter()
                control.value = value
                moves.append([control_name, time.perf_counter() - start])
                missed += explorer.redraws != before + 1
        report[name] = {"build": explorer.build_seconds, "moves": moves,
                        "missed_redraws": missed}
        plt.close("all")
    return report


def peak_memory_mb() -> float:
    """This process's peak resident memory (``getrusage``), in MB."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def print_explorer_report() -> None:
    _emit(EXPLORERS_TAG, explorer_report())


def print_peak_memory() -> None:
    _emit(MEMORY_TAG, peak_memory_mb())


def study(epochs: int, naive_epochs: int) -> dict:
    """The moons study timed the course's way and the seeds' ``model.fit`` way."""
    from utils.course_setup import import_tensorflow_quietly
    import_tensorflow_quietly()
    from utils.moons_study import LAMBDAS, article_style_seconds_per_epoch, course_study_seconds
    return {"course_seconds": course_study_seconds(epochs),
            "seed_seconds_per_epoch": article_style_seconds_per_epoch(naive_epochs),
            "models": len(LAMBDAS) + 1}


def overheads() -> dict:
    """TensorFlow's fixed costs: import, first (tracing + XLA) and warm training calls."""
    t0 = time.perf_counter()
    from utils.course_setup import import_tensorflow_quietly
    import_tensorflow_quietly()
    t1 = time.perf_counter()
    from utils.datasets import moons_split
    from utils.training import train_mlp
    split = moons_split()
    t2 = time.perf_counter()
    train_mlp(split, epochs=4000)
    t3 = time.perf_counter()
    train_mlp(split, epochs=4000)
    t4 = time.perf_counter()
    train_mlp(split, l2=[0.0] * 7, epochs=4000)
    t5 = time.perf_counter()
    train_mlp(split, l2=[0.0] * 7, epochs=4000)
    t6 = time.perf_counter()
    return {"import": t1 - t0, "first_1": t3 - t2, "warm_1": t4 - t3, "first_7": t5 - t4,
            "warm_7": t6 - t5}


def main(argv: list[str]) -> int:
    if argv[:1] == ["study"] and len(argv) == 3:
        _emit(STUDY_TAG, study(int(argv[1]), int(argv[2])))
    elif argv == ["overheads"]:
        _emit(OVERHEAD_TAG, overheads())
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
