"""The course benchmark: time and memory of every notebook, explorer latency, moons speed-up.

    python -m tools.bench                      # everything -> BENCHMARKS.md
    python -m tools.bench --only 03_dropout    # one notebook, table printed, file untouched

Each solution notebook runs in a fresh kernel, cell by cell. Its wall time counts
kernel start-up and every cell (the TensorFlow import included); its peak memory is
the kernel's maximum resident set size (``getrusage``). Then, in the same kernel,
every explorer the notebook builds (``make_*_explorer()``) is built again and each
of its controls is moved to new values; each move runs the widget's callback (and
draws its figure) exactly as a slider in JupyterLab does, and is timed.

The moons case study is timed both ways in fresh processes: the course's compiled,
vectorized loop (7 models x 4000 epochs) and the seeds' ``model.fit(epochs=N,
validation_data=...)`` on fewer epochs, compared per model-epoch.

Benchmarks are reported, never asserted: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
OUTPUT = ROOT / "BENCHMARKS.md"

BUDGET_NOTEBOOK_S = 45.0
BUDGET_ALL_S = 180.0
BUDGET_MEMORY_MB = 1200.0
BUDGET_EXPLORER_S = 0.5
BUDGET_STUDY_S = 10.0
BUDGET_SPEEDUP = 100.0

EXPLORER_CALL = re.compile(r"\b((make_\w+_explorer)\((?:[^()\n]|\([^()\n]*\))*\))")
IMPORT_FROM = re.compile(r"from\s+(utils\.\w+)\s+import\s+([^\n]+)")

# Runs in the notebook's kernel after its last cell: rebuild each explorer, move each
# control through a few values, time every move. Prints one JSON line.
EXPLORER_PROBE = '''
import json as _json, time as _time
import ipywidgets as _W
import matplotlib.pyplot as _plt

def _controls(root):
    kinds = (_W.IntSlider, _W.FloatSlider, _W.FloatLogSlider, _W.SelectionSlider,
             _W.Dropdown, _W.ToggleButtons, _W.RadioButtons, _W.Checkbox, _W.IntText,
             _W.FloatText)
    found, stack = [], [root]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, kinds):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found

def _new_values(widget):
    if isinstance(widget, _W.Checkbox):
        return [not widget.value, widget.value]
    if hasattr(widget, "options"):
        options = list(widget.options)
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        picks = [values[-1], values[len(values) // 2], values[0]]
        return [v for v in picks if v != widget.value][:2] + [widget.value]
    if isinstance(widget, _W.FloatLogSlider):
        lo, hi = widget.base ** widget.min, widget.base ** widget.max
        return [hi, (lo * hi) ** 0.5, widget.value]
    if isinstance(widget, (_W.IntText, _W.FloatText)):
        return [widget.value + 1, widget.value]
    lo, hi = widget.min, widget.max
    mid = lo + (hi - lo) / 2
    if isinstance(widget, _W.IntSlider):
        mid = int(round(mid))
    return [v for v in (hi, mid, lo) if v != widget.value][:2] + [widget.value]

_report = {}
for _name, _factory in _EXPLORERS.items():
    _plt.close("all")
    _t0 = _time.perf_counter()
    _box = _factory()
    _build = _time.perf_counter() - _t0
    _moves = []
    for _widget in _controls(_box):
        for _value in _new_values(_widget):
            _t0 = _time.perf_counter()
            _widget.value = _value
            _moves.append((getattr(_widget, "description", "") or type(_widget).__name__,
                           _time.perf_counter() - _t0))
    _report[_name] = {"build": _build, "moves": _moves}
    _plt.close("all")
print("BENCH_EXPLORERS " + _json.dumps(_report))
'''

MEMORY_PROBE = '''
import json as _json, resource as _resource, sys as _sys
_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
print("BENCH_MEMORY " + _json.dumps(_peak / (2**20 if _sys.platform == "darwin" else 2**10)))
'''


def explorer_calls(notebook: nbformat.NotebookNode) -> dict[str, tuple[str, str]]:
    """``{factory name: (utils module, call as written)}`` for each explorer a notebook builds.

    The call is replayed as written (``make_x_explorer(curve[:1000])``), in the same
    kernel after the notebook's last cell, so its arguments exist.
    """
    modules = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for module, names in IMPORT_FROM.findall(cell.source):
            for name in re.split(r"[,\s()]+", names):
                modules[name] = module
    calls = {name: call for c in notebook.cells if c.cell_type == "code"
             for call, name in EXPLORER_CALL.findall(c.source)}
    return {name: (modules[name], calls[name]) for name in sorted(calls) if name in modules}


def _printed(cell, tag: str):
    for output in cell.get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(tag + " "):
                return json.loads(line[len(tag) + 1:])
    return None


def bench_notebook(path: Path, *, timeout: int = 600) -> dict:
    """Run one notebook in a fresh kernel; return its time, peak memory and explorer timings."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    calls = explorer_calls(notebook)
    n_cells = len(notebook.cells)
    imports = "".join(f"from {module} import {name}\n" for name, (module, _) in calls.items())
    table = "{" + ", ".join(f"{n!r}: lambda: {call}" for n, (_, call) in calls.items()) + "}"
    notebook.cells.append(nbformat.v4.new_code_cell(imports + f"_EXPLORERS = {table}\n"
                                                    + EXPLORER_PROBE))
    notebook.cells.append(nbformat.v4.new_code_cell(MEMORY_PROBE))
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells[:n_cells]):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        for index in range(n_cells, len(notebook.cells)):
            client.execute_cell(notebook.cells[index], index)
    return {"notebook": path.stem, "seconds": seconds,
            "memory_mb": _printed(notebook.cells[-1], "BENCH_MEMORY"),
            "explorers": _printed(notebook.cells[-2], "BENCH_EXPLORERS") or {}}


STUDY_SCRIPT = '''
import json, sys
sys.path.insert(0, {root!r})
from utils.course_setup import import_tensorflow_quietly
import_tensorflow_quietly()
from utils.moons_study import course_study_seconds, seed_style_seconds_per_epoch, LAMBDAS
result = {{"course_seconds": course_study_seconds({epochs}),
           "seed_seconds_per_epoch": seed_style_seconds_per_epoch({naive_epochs}),
           "models": len(LAMBDAS) + 1}}
print("BENCH_STUDY " + json.dumps(result))
'''

OVERHEAD_SCRIPT = '''
import json, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from utils.course_setup import import_tensorflow_quietly
import_tensorflow_quietly()
t1 = time.perf_counter()
from utils.datasets import moons_split
from utils.training import train_mlp
split = moons_split()
t2 = time.perf_counter(); train_mlp(split, epochs=4000); t3 = time.perf_counter()
train_mlp(split, epochs=4000); t4 = time.perf_counter()
train_mlp(split, l2=[0.0] * 7, epochs=4000); t5 = time.perf_counter()
train_mlp(split, l2=[0.0] * 7, epochs=4000); t6 = time.perf_counter()
print("BENCH_OVERHEAD " + json.dumps({{"import": t1 - t0, "first_1": t3 - t2, "warm_1": t4 - t3,
                                       "first_7": t5 - t4, "warm_7": t6 - t5}}))
'''


def _run_probe(script: str, tag: str) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1:])
    raise RuntimeError(f"{tag} probe failed:\n{done.stderr[-2000:]}")


def bench_study(epochs: int = 4000, naive_epochs: int = 50) -> dict:
    result = _run_probe(STUDY_SCRIPT.format(root=str(ROOT), epochs=epochs,
                                            naive_epochs=naive_epochs), "BENCH_STUDY")
    model_epochs = result["models"] * epochs
    result.update(epochs=epochs, naive_epochs=naive_epochs,
                  seed_style_study_seconds=result["seed_seconds_per_epoch"] * model_epochs,
                  speedup=result["seed_seconds_per_epoch"] * model_epochs
                  / result["course_seconds"])
    return result


def bench_overheads() -> dict:
    return _run_probe(OVERHEAD_SCRIPT.format(root=str(ROOT)), "BENCH_OVERHEAD")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = subprocess.run(
        [sys.executable, "-c", "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='3'; "
         "import tensorflow as tf, keras; print(tf.__version__, keras.__version__)"],
        capture_output=True, text=True, check=False).stdout.split()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": cores, "cpu": cpu, "python": platform.python_version(),
            "tensorflow": versions[0] if versions else "?",
            "keras": versions[1] if len(versions) > 1 else "?",
            "system": f"{platform.system()} {platform.machine()}"}


def _mark(ok: bool) -> str:
    return "✔" if ok else "✘ over budget"


def report(notebooks: list[dict], study: dict | None, overheads: dict | None,
           host: dict) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {today}. Machine: {host['cores']} CPU cores "
        f"({host['cpu']}), {host['system']}, Python {host['python']}, "
        f"TensorFlow {host['tensorflow']}, Keras {host['keras']}, no GPU.",
        "Budgets are from the course design; they are measured here, never asserted by tests.",
        "",
        "## Notebooks",
        "",
        "Each solution notebook in a fresh kernel: wall time from kernel start to the last "
        "cell (TensorFlow import included) and the kernel's peak resident memory.",
        "",
        "| notebook | time (s) | peak memory (MB) | budget (45 s, 1200 MB) |",
        "| --- | ---: | ---: | --- |",
    ]
    for nb in notebooks:
        ok = nb["seconds"] <= BUDGET_NOTEBOOK_S and (nb["memory_mb"] or 0) <= BUDGET_MEMORY_MB
        lines.append(f"| {nb['notebook']} | {nb['seconds']:.1f} | {nb['memory_mb']:.0f} | "
                     f"{_mark(ok)} |")
    total = sum(nb["seconds"] for nb in notebooks)
    lines += ["", f"All notebooks: **{total:.1f} s** (budget {BUDGET_ALL_S:.0f} s: "
              f"{_mark(total <= BUDGET_ALL_S)}).", ""]

    lines += ["## Explorers", "",
              "Each control of each explorer moved to new values in the notebook's kernel; a "
              "move runs the widget's callback and draws its figure, as in JupyterLab.", "",
              "| explorer | notebook | build (s) | moves | median move (s) | slowest move (s) "
              "| budget (0.5 s) |", "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for nb in notebooks:
        for name, timing in nb["explorers"].items():
            moves = sorted(t for _, t in timing["moves"])
            if not moves:
                lines.append(f"| `{name}` | {nb['notebook']} | {timing['build']:.2f} | 0 | - "
                             "| - | no controls found |")
                continue
            slowest = max(timing["moves"], key=lambda m: m[1])
            lines.append(
                f"| `{name}` | {nb['notebook']} | {timing['build']:.2f} | {len(moves)} | "
                f"{moves[len(moves) // 2]:.3f} | {slowest[1]:.3f} ({slowest[0]}) | "
                f"{_mark(slowest[1] <= BUDGET_EXPLORER_S)} |")

    if study:
        lines += [
            "", "## The moons case study", "",
            f"{study['models']} models × {study['epochs']} epochs with per-epoch train and test "
            "curves (`utils.training.train_mlp`, one compiled XLA loop for all models, "
            "compilation excluded) against the seeds' "
            "`model.fit(epochs=N, validation_data=...)` timed on "
            f"{study['naive_epochs']} epochs and compared per model-epoch.", "",
            "| way | time for the whole study (s) | per model-epoch (ms) |",
            "| --- | ---: | ---: |",
            f"| course | {study['course_seconds']:.2f} | "
            f"{1000 * study['course_seconds'] / (study['models'] * study['epochs']):.4f} |",
            f"| seed-style `model.fit` | {study['seed_style_study_seconds']:.0f} (extrapolated) | "
            f"{1000 * study['seed_seconds_per_epoch']:.1f} |",
            "",
            f"Speed-up: **{study['speedup']:.0f}×** (budget ≥ {BUDGET_SPEEDUP:.0f}×: "
            f"{_mark(study['speedup'] >= BUDGET_SPEEDUP)}); whole study "
            f"{study['course_seconds']:.2f} s (budget {BUDGET_STUDY_S:.0f} s: "
            f"{_mark(study['course_seconds'] <= BUDGET_STUDY_S)}).",
        ]
    if overheads:
        o = overheads
        lines += [
            "", "## TensorFlow's fixed costs", "",
            "Paid once per kernel; the course avoids paying them twice (one compiled training "
            "loop per process, reused across λ values; all models of a grid in one call).", "",
            "| what | s |", "| --- | ---: |",
            f"| import TensorFlow | {o['import']:.2f} |",
            f"| first `train_mlp` call, 1 model × 4000 epochs (tracing + XLA compile) | "
            f"{o['first_1']:.2f} |",
            f"| same call again (compiled) | {o['warm_1']:.2f} |",
            f"| first call with 7 models (new shapes: one more compile) | {o['first_7']:.2f} |",
            f"| 7 models again | {o['warm_7']:.2f} |",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="bench one notebook (stem), print, do not write")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    paths = sorted(SOLUTIONS.glob("*.ipynb"))
    if args.only:
        paths = [p for p in paths if p.stem == args.only]
        if not paths:
            parser.error(f"no solution notebook called {args.only}")
    host = machine()
    notebooks = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        notebooks.append(bench_notebook(path))
        nb = notebooks[-1]
        print(f"  {nb['seconds']:.1f} s, {nb['memory_mb']:.0f} MB, "
              f"explorers: {', '.join(nb['explorers']) or 'none'}", flush=True)
    study = overheads = None
    if not args.only and (ROOT / "utils" / "moons_study.py").exists():
        print("timing the moons case study both ways ...", flush=True)
        study = bench_study()
        print("measuring TensorFlow's fixed costs ...", flush=True)
        overheads = bench_overheads()
    text = report(notebooks, study, overheads, host)
    if args.only:
        print(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(textwrap.indent(text, "  "))
        print(f"wrote {args.output.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
