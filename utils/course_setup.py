"""What the set-up cell calls, and the environment report of chapter 0.

``start()`` installs on Colab the one course package Colab lacks (``mnist1d``, at
the course's pin), imports TensorFlow with its start-up chatter silenced, applies
the course's plot style and makes inline figures PNG. The set-up cell finds
this file to know where the course's root is.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Packages the course needs that Colab does not ship. Their own dependencies are on Colab
# already, so each is installed alone (--no-deps) at the pin of constraints.txt.
COLAB_MISSING = ("mnist1d",)


@contextlib.contextmanager
def silenced_stderr_fd():
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ code logs (oneDNN, CUDA probing) before its logging is
    configured, straight to fd 2, so ``TF_CPP_MIN_LOG_LEVEL`` cannot quiet it.
    Python-level errors still surface: they are raised, not written to fd 2.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no fd 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly():
    """Import TensorFlow (and list its devices, which probes for CUDA) quietly."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with silenced_stderr_fd():
        import tensorflow as tf

        tf.config.list_physical_devices()
    return tf


def pinned_version(package: str, constraints: Path = ROOT / "constraints.txt") -> str:
    """The version constraints.txt pins for ``package`` (e.g. ``"0.0.2.post1"``)."""
    for line in constraints.read_text().splitlines():
        name, _, version = line.strip().partition("==")
        if version and name.lower().replace("_", "-") == package.lower().replace("_", "-"):
            return version
    raise ValueError(f"package {package!r} is not pinned in {constraints.name}")


def _installed_version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def install_missing_on_colab(packages=COLAB_MISSING) -> list[str]:
    """On Colab, pip-install each of ``packages`` that is missing or not at its pin, alone
    (no dependencies) and at the pin. Elsewhere do nothing (`make lab` and Binder install
    everything from the pins). Returns the requirements installed."""
    if "google.colab" not in sys.modules:
        return []
    wanted = [f"{p}=={pinned_version(p)}" for p in packages
              if _installed_version(p) != pinned_version(p)]
    if wanted:
        print(f"Installing {', '.join(wanted)} (not on Colab) ...")
        pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", *wanted],
                             capture_output=True, text=True)
        if pip.returncode:
            raise RuntimeError(f"Could not install {', '.join(wanted)}:\n{pip.stderr[-2000:]}")
        importlib.invalidate_caches()
    return wanted


def start() -> None:
    """Everything a chapter needs before its first cell of content."""
    install_missing_on_colab()
    import_tensorflow_quietly()
    from utils.plotting import use_course_style

    use_course_style()
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except ImportError:  # outside IPython
        pass


def environment_report() -> dict[str, str]:
    """Versions and devices, as a dict of strings (chapter 0 prints it)."""
    import keras
    import matplotlib
    import numpy as np
    import sklearn

    tf = import_tensorflow_quietly()
    gpus = tf.config.list_physical_devices("GPU")
    report = {
        "Python": platform.python_version(),
        "TensorFlow": tf.__version__,
        "Keras": keras.__version__,
        "NumPy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "matplotlib": matplotlib.__version__,
        "platform": f"{platform.system()} {platform.machine()}",
        "CPU cores": str(os.cpu_count()),
        "GPU": ", ".join(g.name for g in gpus) if gpus else "none (CPU only, which is fine)",
        "on Colab": str("google.colab" in sys.modules),
    }
    try:
        import ipywidgets

        report["ipywidgets"] = ipywidgets.__version__
    except ImportError:
        report["ipywidgets"] = "missing: explorers will not work"
    return report


def fresh_copy(chapter: str, exercise: str | None = None):
    """Start a chapter, or one exercise, over from the course's own copy.

    ``fresh_copy("03_dropout")`` writes ``chapters/03_dropout (fresh).ipynb``, the
    chapter as shipped (your notebook is left untouched) and returns its path.
    ``fresh_copy("03_dropout", "dropout_forward")`` prints that exercise's cell as
    shipped, to paste over yours, and returns its text.
    """
    from pathlib import Path

    import nbformat

    from tools.notebooks import CHAPTERS, SOLUTIONS, make_chapter

    if not isinstance(chapter, str):
        raise TypeError(f"chapter must be a notebook name such as '03_dropout', got {chapter!r}")
    name = Path(chapter).name.removesuffix(".ipynb")
    source = SOLUTIONS / f"{name}.ipynb"
    if not source.exists():
        known = ", ".join(sorted(p.stem for p in SOLUTIONS.glob("*.ipynb")))
        raise ValueError(f"chapter {chapter!r} is not one of the course's: {known}")
    fresh = make_chapter(nbformat.read(source, as_version=4), name=source.name)
    if exercise is None:
        target = CHAPTERS / f"{name} (fresh).ipynb"
        nbformat.write(fresh, target)
        print(f"A fresh copy of {name} is in {target.relative_to(CHAPTERS.parent)}")
        return target
    for cell in fresh.cells:
        if cell.cell_type == "code" and f"def {exercise}(" in cell.source \
                and "raise NotImplementedError()" in cell.source:
            print(cell.source)
            return cell.source
    raise ValueError(f"{name} has no exercise named {exercise!r}")
