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


def pytest_collectstart(collector):
    """nbval ignores stderr: warnings and logs are not part of a cell's result.

    nbval's documented switch (computationalmodelling/nbval#88): its notebook
    collectors compare every output key not in ``skip_compare``, and a stream
    output's key is its name.
    """
    if hasattr(collector, "skip_compare") and "stderr" not in collector.skip_compare:
        collector.skip_compare = (*collector.skip_compare, "stderr")
