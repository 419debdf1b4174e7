"""conftest.py makes nbval ignore stderr, and only stderr, through nbval's `skip_compare`."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _notebook(path, source, saved_outputs):
    cell = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\n" + source, execution_count=1,
                                     outputs=[nbformat.v4.new_output("stream", name=name, text=text)
                                              for name, text in saved_outputs])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)


@pytest.fixture(scope="module")
def nbval_results(tmp_path_factory):
    """Run nbval, with the course's conftest as a plugin, on two one-cell notebooks."""
    folder = tmp_path_factory.mktemp("nbval")
    _notebook(folder / "stderr_differs.ipynb",
              "import sys\nprint('same')\nprint('new warning', file=sys.stderr)",
              [("stdout", "same\n"), ("stderr", "old warning\n")])
    _notebook(folder / "stdout_differs.ipynb", "print('0.781')", [("stdout", "0.796\n")])
    (folder / "pytest.ini").write_text("[pytest]\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-rA",
         "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=120",
         "stderr_differs.ipynb", "stdout_differs.ipynb"],
        cwd=folder, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "", "HOME": str(folder)})
    return done.stdout + done.stderr


def test_a_stderr_difference_is_ignored(nbval_results):
    assert "PASSED stderr_differs.ipynb::Cell 0" in nbval_results, nbval_results


def test_a_stdout_difference_still_fails(nbval_results):
    assert "FAILED stdout_differs.ipynb::Cell 0" in nbval_results, nbval_results
    assert "0.796" in nbval_results and "0.781" in nbval_results
