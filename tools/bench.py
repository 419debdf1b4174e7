"""The course benchmark: time and memory of every notebook, explorer latency, moons speed-up.

    python -m tools.bench                      # everything -> BENCHMARKS.md
    python -m tools.bench --only 03_dropout    # one notebook, table printed, file untouched

Each solution notebook runs in a fresh kernel, cell by cell. Its wall time counts
kernel start-up and every cell (the TensorFlow import included); its peak memory is
the kernel's maximum resident set size (``getrusage``). Then, in the same kernel,
every explorer the notebook built (each registers itself in
``utils.plotting.EXPLORERS``) has each of its controls moved to new values; each move
runs the widget's callback (and draws its figure) exactly as a slider in JupyterLab
does, and is timed (tools/bench_probes.py). Its build time is the one measured when
the notebook built it.

The moons case study is timed both ways in fresh processes: the course's compiled,
vectorized loop (7 models x 4000 epochs) and article 000's ``model.fit(epochs=N,
validation_data=...)`` on fewer epochs, compared per model-epoch.

Benchmarks are reported, never asserted: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat

from tools import bench_probes
from tools.notebooks import CELL_TIMEOUT_S, notebook_client

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
OUTPUT = ROOT / "BENCHMARKS.md"

BUDGET_NOTEBOOK_S = 45.0
BUDGET_CAPSTONE_S = 90.0   # the capstone (chapter 6) has its own budget, outside the 3 minutes
CAPSTONE_PREFIX = "06_"
BUDGET_ALL_S = 180.0
BUDGET_MEMORY_MB = 1200.0
BUDGET_EXPLORER_S = 0.5
BUDGET_STUDY_S = 10.0
BUDGET_SPEEDUP = 100.0

# Runs in the notebook's kernel after its last cell (tools/bench_probes.py).
PROBE_CELL = ("from tools.bench_probes import print_explorer_report, print_peak_memory\n"
              "print_explorer_report()\nprint_peak_memory()")


def _printed(cell, tag: str):
    for output in cell.get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(tag + " "):
                return json.loads(line[len(tag) + 1:])
    return None


def bench_notebook(path: Path, *, timeout: int = CELL_TIMEOUT_S) -> dict:
    """Run one notebook in a fresh kernel; return its time, peak memory and explorer timings."""
    notebook = nbformat.read(path, as_version=4)
    n_cells = len(notebook.cells)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE_CELL))
    start = time.perf_counter()
    with notebook_client(notebook, cwd=path.parent, timeout=timeout) as client:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells[:n_cells]):
                client.execute_cell(cell, index)
            seconds = time.perf_counter() - start
            client.execute_cell(notebook.cells[-1], n_cells)
    probe = notebook.cells[-1]
    return {"notebook": path.stem, "seconds": seconds,
            "memory_mb": _printed(probe, bench_probes.MEMORY_TAG),
            "explorers": _printed(probe, bench_probes.EXPLORERS_TAG) or {}}


def _run_probe(args: list[str], tag: str) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-m", "tools.bench_probes", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(tag + " "):
            return json.loads(line[len(tag) + 1:])
    raise RuntimeError(f"{tag} probe failed:\n{done.stderr[-2000:]}")


def bench_study(epochs: int = 4000, naive_epochs: int = 50) -> dict:
    result = _run_probe(["study", str(epochs), str(naive_epochs)], bench_probes.STUDY_TAG)
    model_epochs = result["models"] * epochs
    result.update(epochs=epochs, naive_epochs=naive_epochs,
                  seed_style_study_seconds=result["seed_seconds_per_epoch"] * model_epochs,
                  speedup=result["seed_seconds_per_epoch"] * model_epochs
                  / result["course_seconds"])
    return result


def bench_overheads() -> dict:
    return _run_probe(["overheads"], bench_probes.OVERHEAD_TAG)


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


def time_budget(notebook: str) -> float:
    """A notebook's time budget: 45 s, the capstone's 90 s."""
    return BUDGET_CAPSTONE_S if notebook.startswith(CAPSTONE_PREFIX) else BUDGET_NOTEBOOK_S


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
        "| notebook | time (s) | peak memory (MB) | budget | |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for nb in notebooks:
        seconds = time_budget(nb["notebook"])
        ok = nb["seconds"] <= seconds and (nb["memory_mb"] or 0) <= BUDGET_MEMORY_MB
        lines.append(f"| {nb['notebook']} | {nb['seconds']:.1f} | {nb['memory_mb']:.0f} | "
                     f"{seconds:.0f} s, {BUDGET_MEMORY_MB:.0f} MB | {_mark(ok)} |")
    chapters = [nb for nb in notebooks if not nb["notebook"].startswith(CAPSTONE_PREFIX)]
    total = sum(nb["seconds"] for nb in chapters)
    lines += ["", f"All notebooks of chapters 0–5: **{total:.1f} s** (budget {BUDGET_ALL_S:.0f} s: "
              f"{_mark(total <= BUDGET_ALL_S)}); the capstone has its own budget of "
              f"{BUDGET_CAPSTONE_S:.0f} s.", ""]

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
            missed = timing.get("missed_redraws", 0)
            verdict = (f"✘ {missed} moves did not redraw" if missed
                       else _mark(slowest[1] <= BUDGET_EXPLORER_S))
            lines.append(
                f"| `{name}` | {nb['notebook']} | {timing['build']:.2f} | {len(moves)} | "
                f"{moves[len(moves) // 2]:.3f} | {slowest[1]:.3f} ({slowest[0]}) | {verdict} |")

    if study:
        lines += [
            "", "## The moons case study", "",
            f"{study['models']} models × {study['epochs']} epochs with per-epoch train and test "
            "curves (`utils.training.train_mlp`, one compiled XLA loop for all models, "
            "compilation excluded) against article 000's "
            "`model.fit(epochs=N, validation_data=...)` timed on "
            f"{study['naive_epochs']} epochs and compared per model-epoch.", "",
            "| way | time for the whole study (s) | per model-epoch (ms) |",
            "| --- | ---: | ---: |",
            f"| course | {study['course_seconds']:.2f} | "
            f"{1000 * study['course_seconds'] / (study['models'] * study['epochs']):.4f} |",
            f"| article-style `model.fit` | {study['seed_style_study_seconds']:.0f} "
            "(extrapolated) | "
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
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    # Time real training: the capstone's on-disk cache of trained grids is not used here.
    os.environ["COURSE_CACHE"] = "off"
    sys.exit(main())
