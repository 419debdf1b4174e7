"""What the set-up cell calls, and the environment report of chapter 0.

``start()`` imports TensorFlow with its start-up chatter silenced, applies
the course's plot style and makes inline figures PNG. The set-up cell finds
this file to know where the course's root is.
"""
from __future__ import annotations

import contextlib
import os
import platform
import sys


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


def start() -> None:
    """Everything a chapter needs before its first cell of content."""
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
