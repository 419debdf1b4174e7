"""pytest configuration shared by tests/ and the nbval run over solutions/.

Lives at the repository root so that pytest loads it both for the unit tests
and for the notebooks under solutions/.
"""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# The notebook kernels nbval starts inherit this environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("PYTHONHASHSEED", "0")
# The capstone keeps trained grids on disk (train_grid(cache=True)). A test session starts
# from an empty cache of its own, shared by its workers and the kernels they start: the
# first run of the capstone trains, later runs in the session reuse it. Never a cache left
# over from earlier sessions.
if "PYTEST_XDIST_WORKER" not in os.environ and "COURSE_CACHE_DIR" not in os.environ:
    import tempfile

    _SESSION_CACHE = tempfile.mkdtemp(prefix="course-test-cache-")
    os.environ["COURSE_CACHE_DIR"] = _SESSION_CACHE


def pytest_collectstart(collector):
    """nbval ignores stderr: warnings and logs are not part of a cell's result.

    nbval's documented switch (computationalmodelling/nbval#88): its notebook
    collectors compare every output key not in ``skip_compare``, and a stream
    output's key is its name.
    """
    if hasattr(collector, "skip_compare") and "stderr" not in collector.skip_compare:
        collector.skip_compare = (*collector.skip_compare, "stderr")



@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs in parallel (pytest-xdist): what may go to different workers.

    A notebook's nbval cells share one kernel, and a test module's fixtures (a JupyterLab
    server, a Colab clone) are built once: so each file stays on one worker, as
    ``--dist loadfile`` does. The learner's-path runs are the exception: every chapter run
    is a whole notebook in its own kernel, so each may go to any worker.
    """
    from xdist.scheduler import LoadScopeScheduling

    class FileOrLearnerRun(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            file = nodeid.split("::", 1)[0]
            return nodeid if file.endswith("test_learner_path.py") else file

    return FileOrLearnerRun(config, log)


def pytest_unconfigure(config):
    cache = globals().get("_SESSION_CACHE")
    if cache:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
