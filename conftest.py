"""pytest configuration shared by tests/ and the nbval run over solutions/.

Lives at the repository root so that pytest loads it both for the unit tests
and for the notebooks under solutions/.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# The notebook kernels nbval starts inherit this environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")


def _without_stderr(outputs):
    return [out for out in outputs
            if not (out.get("output_type") == "stream" and out.get("name") == "stderr")]


def pytest_configure(config):
    """Make nbval ignore stderr: warnings and logs are not part of a cell's result."""
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    if getattr(IPyNbCell.compare_outputs, "_ignores_stderr", False):
        return
    original = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return original(self, _without_stderr(test), _without_stderr(ref), skip_compare)

    compare_outputs._ignores_stderr = True
    IPyNbCell.compare_outputs = compare_outputs
