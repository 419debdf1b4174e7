"""Every solution notebook on Colab's versions: ``make compat``.

``make compat`` builds ``build/venv-colab`` once from ``tools/colab-constraints.txt``
(Colab's Python 3.13, TensorFlow 2.20, Keras 3.13, NumPy 2.1, ipywidgets 7.7 ...) and
runs this module with it::

    python -m tools.compat [--report PATH] [solutions/NB.ipynb ...]   # default: all of them

Each notebook runs in a fresh kernel of this interpreter, cell by cell, with a
per-cell timeout. Then:

- an error in any cell fails the run;
- each ``# NBVAL_CHECK_OUTPUT`` cell whose text differs from the saved output (both
  sanitized with ``tests/nbval_sanitize.cfg``, stderr ignored, as nbval does) is
  reported, not failed: saved outputs come from the tested stack (constraints.txt);
- each explorer the notebook built (``utils.plotting.EXPLORERS``) is checked as the
  front end receives it: every widget model of it (controls, boxes, output, layouts,
  styles) is one the ipywidgets front end of this version ships (its model name is in
  that front end's JavaScript bundle, at the module version the bundle declares), each
  control moved once redraws the figure, and the figure is a PNG in its Output.
  Run with the course's ``.venv`` the same check covers ipywidgets 8.

The report is printed and written to ``build/compat-report.md``.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
REPORT = ROOT / "build" / "compat-report.md"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
WIDGETS_TAG = "COMPAT_WIDGETS"
PROBE_CELL = "from tools.compat import print_widget_report\nprint_widget_report()"


# ----------------------------------------------------------------- in the notebook's kernel
def front_end_bundle() -> str:
    """The JavaScript of the widget front end matching the installed ipywidgets.

    ipywidgets 7 (Colab): the classic notebook extension (widgetsnbextension 3.x),
    built from the same @jupyter-widgets/controls 1.5 that Colab's front end loads.
    ipywidgets 8: JupyterLab's widget manager extension (jupyterlab_widgets 3.x).
    """
    import ipywidgets

    if int(ipywidgets.__version__.split(".")[0]) < 8:
        import widgetsnbextension
        files = [Path(widgetsnbextension.__file__).parent / "static" / "extension.js"]
    else:
        static = (Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter-widgets"
                  / "jupyterlab-manager" / "static")
        files = sorted(static.glob("*.js"))
    if not files or not all(f.is_file() for f in files):
        raise FileNotFoundError(f"no widget front end for ipywidgets {ipywidgets.__version__}")
    return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


def widget_models(root) -> list[dict]:
    """Every widget model under ``root``: itself, its children, their layouts and styles."""
    from ipywidgets import Widget

    models, seen, stack = [], set(), [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        models.append({"model": widget._model_name, "module": widget._model_module,
                       "version": widget._model_module_version,
                       "view": getattr(widget, "_view_name", None)})
        stack.extend(getattr(widget, "children", ()))
        stack.extend(getattr(widget, attr) for attr in ("layout", "style")
                     if isinstance(getattr(widget, attr, None), Widget))
    return models


def unknown_models(models: list[dict], bundle: str) -> list[str]:
    """The models a front end built from ``bundle`` cannot render (empty: all known)."""
    names = set(re.findall(r"\b[A-Z][A-Za-z0-9]*Model\b", bundle))
    problems = []
    for m in models:
        if m["model"] not in names:
            problems.append(f"{m['model']} ({m['module']}) is not in this front end")
        elif not re.search(rf"[\"']{re.escape(m['version'])}[\"']", bundle):
            problems.append(f"{m['model']}: {m['module']} {m['version']} is not the version "
                            "this front end declares")
    return sorted(set(problems))


def _shows_png(output) -> bool:
    return any("image/png" in out.get("data", {}) for out in getattr(output, "outputs", ()))


def widget_report(explorers=None) -> dict:
    """``{explorer name: [problem, ...]}`` for every explorer built in this process."""
    import ipywidgets

    from tools.bench_probes import explorer_report

    if explorers is None:
        from utils import plotting
        explorers = plotting.EXPLORERS
    bundle = front_end_bundle()
    report = {}
    for explorer in explorers:
        problems = unknown_models(widget_models(explorer.widget), bundle)
        output = getattr(explorer, "output", None)
        if output is not None and not _shows_png(output):
            problems.append("its Output shows no PNG figure")
        moved = explorer_report([explorer])[explorer.name]
        if moved["missed_redraws"]:
            problems.append(f"{moved['missed_redraws']} control moves did not redraw")
        report[explorer.name] = problems
    return {"ipywidgets": ipywidgets.__version__, "explorers": report}


def print_widget_report() -> None:
    print(f"{WIDGETS_TAG} {json.dumps(widget_report())}", flush=True)


# ----------------------------------------------------------------------------- the runner
def sanitizers() -> list[tuple[re.Pattern, str]]:
    """The regex -> replacement pairs of tests/nbval_sanitize.cfg, read as nbval reads it."""
    import configparser

    config = configparser.RawConfigParser()
    config.read(SANITIZE, encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def checked_text(cell, patterns) -> str:
    """What nbval compares in a cell: its outputs' text, stderr left out, sanitized."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append(out.get("text", ""))
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    text = "".join(parts)
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def differing_checked_cells(saved, executed, patterns, *, upto: int | None = None) -> list[dict]:
    """Checked cells (before cell ``upto``, where a run stopped) whose text changed."""
    differences = []
    pairs = list(zip(saved.cells, executed.cells, strict=True))[:upto]
    for index, (before, after) in enumerate(pairs):
        if before.cell_type == "code" and before.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            old, new = checked_text(before, patterns), checked_text(after, patterns)
            if old != new:
                differences.append({"cell": index, "saved": old, "colab": new})
    return differences


def run_notebook(path: Path, *, timeout: int = 600) -> dict:
    """Run one solution notebook here; its errors, changed checked cells and widget report."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    from tools.notebooks import notebook_client

    saved = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    n_cells = len(notebook.cells)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE_CELL))
    result = {"notebook": path.name, "error": None, "widgets": None}
    start = time.perf_counter()
    index = 0
    try:
        with notebook_client(notebook, cwd=path.parent, timeout=timeout) as client:
            with client.setup_kernel():
                for index, cell in enumerate(notebook.cells):
                    client.execute_cell(cell, index)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        lines = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip().splitlines()
        result["error"] = {"cell": index, "message": lines[-1] if lines else type(err).__name__}
    result["seconds"] = time.perf_counter() - start
    for out in notebook.cells[-1].get("outputs", []):
        for line in out.get("text", "").splitlines():
            if line.startswith(WIDGETS_TAG + " "):
                result["widgets"] = json.loads(line[len(WIDGETS_TAG) + 1:])
    notebook.cells = notebook.cells[:n_cells]
    stopped = result["error"]["cell"] if result["error"] else None
    result["differences"] = differing_checked_cells(saved, notebook, sanitizers(), upto=stopped)
    return result


def _versions() -> str:
    import importlib.metadata as md
    import platform

    names = ["tensorflow", "keras", "numpy", "matplotlib", "scikit-learn", "ipywidgets",
             "ipykernel", "ipython", "jupyter_client"]
    return ", ".join([f"Python {platform.python_version()}"]
                     + [f"{n} {md.version(n)}" for n in names])


def markdown(results: list[dict], seconds: float) -> str:
    lines = ["# `make compat`: the solution notebooks on Colab's versions", "",
             f"{_versions()}.", f"Total {seconds:.0f} s.", "",
             "| notebook | s | error | checked cells that differ | explorers (problems) |",
             "| --- | ---: | --- | --- | --- |"]
    for r in results:
        error = (f"cell {r['error']['cell']}: {r['error']['message']}" if r["error"] else "none")
        cells = ", ".join(str(d["cell"]) for d in r["differences"]) or "none"
        explorers = ("not checked (the notebook stopped)" if r["widgets"] is None else
                     ", ".join(f"{name} ({len(p)})" for name, p in
                               r["widgets"]["explorers"].items()) or "none built")
        lines.append(f"| {r['notebook']} | {r['seconds']:.0f} | {error} | {cells} | {explorers} |")
    for r in results:
        problems = [(name, p) for name, ps in (r["widgets"] or {}).get("explorers", {}).items()
                    for p in ps]
        if not (r["differences"] or problems):
            continue
        lines += ["", f"## {r['notebook']}", ""]
        for d in r["differences"]:
            lines += [f"Cell {d['cell']} (`# NBVAL_CHECK_OUTPUT`) prints other text here:", "",
                      "```diff"]
            old, new = d["saved"].splitlines(), d["colab"].splitlines()
            for a, b in zip(old, new, strict=False):
                lines += [f"  {a}"] if a == b else [f"- {a}", f"+ {b}"]
            lines += [f"- {a}" for a in old[len(new):]] + [f"+ {b}" for b in new[len(old):]]
            lines += ["```", ""]
        for name, problem in problems:
            lines.append(f"- explorer `{name}`: {problem}")
    return "\n".join(lines) + "\n"


def notebook_failed(r: dict) -> bool:
    return bool(r["error"] or r["widgets"] is None or any(r["widgets"]["explorers"].values()))


def failed(results: list[dict]) -> bool:
    return any(notebook_failed(r) for r in results)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(SOLUTIONS.glob("*.ipynb"))
    start = time.perf_counter()
    results = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results.append(run_notebook(path))
        r = results[-1]
        print(f"  {r['seconds']:.0f} s, error: {r['error'] or 'none'}, "
              f"{len(r['differences'])} checked cells differ", flush=True)
    text = markdown(results, time.perf_counter() - start)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    args.report.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(text)
    print(f"wrote {args.report}")
    bad = sum(notebook_failed(r) for r in results)
    print(f"compat: {len(results) - bad} passed, {bad} failed")
    if bad:
        print("make compat FAILED: a notebook errs or an explorer has a problem (above).",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Run every notebook's training on these versions: no grid read back from the cache.
    os.environ["COURSE_CACHE"] = "off"
    sys.exit(main(sys.argv[1:]))
