"""The set-up cell's Colab path, simulated: a `google.colab` module in the kernel, the
working folder outside the course, and REPO_URL pointing at a local bare clone that has
the tag COURSE_TAG (made from this working tree). Chapter 0 then runs from its set-up
cell to its first exercise in a fresh kernel. Nothing touches a real /content."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import notebooks as nbt

ROOT = nbt.ROOT
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def _git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A bare repository of this working tree tagged COURSE_TAG, a fake google.colab,
    and a Colab-like working folder (our /content)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("colab")
    source = base / "source"
    files = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, files.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _git("init", "-q", cwd=source)
    _git("add", "-A", cwd=source)
    _git("commit", "-q", "-m", "course", cwd=source)
    _git("tag", nbt.COURSE_TAG, cwd=source)
    _git("clone", "-q", "--bare", str(source), str(base / "course.git"), cwd=base)
    fake = base / "fake" / "google" / "colab"     # `google` stays a namespace package
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('"""Stands in for Colab\'s module in tests."""\n')
    startup = base / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab\n")   # Colab imports it too
    content = base / "content"
    content.mkdir()
    return {"url": (base / "course.git").as_uri(), "content": content,
            "env": {"PYTHONPATH": str(base / "fake"), "IPYTHONDIR": str(base / "ipython")}}


def _setup_cell(url):
    source = nbt.SETUP_CELL.replace(f'"{nbt.REPO_URL}"', f'"{url}"')
    assert source != nbt.SETUP_CELL
    return nbformat.v4.new_code_cell(source)


def _run(cells, colab, monkeypatch):
    for name, value in colab["env"].items():
        monkeypatch.setenv(name, value)
    notebook = nbformat.v4.new_notebook(cells=cells)
    with nbt.notebook_client(notebook, cwd=colab["content"], timeout=300) as client:
        client.allow_errors = True
        client.execute()
    return notebook


def _text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _errors(notebook):
    return [f"cell {i}: {o.ename}: {o.evalue}" for i, c in enumerate(notebook.cells)
            if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_chapter_0_runs_from_a_colab_clone_at_the_tag(colab, monkeypatch):
    chapter = nbformat.read(nbt.CHAPTERS / "00_start_here.ipynb", as_version=4)
    first_stub = next(i for i, c in enumerate(chapter.cells)
                      if c.cell_type == "code" and "raise NotImplementedError()" in c.source)
    cells = [_setup_cell(colab["url"]),
             *[c for c in chapter.cells[1:first_stub] if c.cell_type == "code"],
             nbformat.v4.new_code_cell(
                 "import subprocess, utils\n"
                 "print(ROOT)\nprint(utils.__file__)\n"
                 "print(subprocess.run(['git', 'describe', '--tags'], cwd=ROOT,"
                 " capture_output=True, text=True).stdout.strip())"),
             # run again, as a learner does: no second clone (a bad URL would fail it)
             _setup_cell("file:///nowhere/course.git")]
    assert len(cells) >= 4, "chapter 0 should have code cells before its first exercise"
    notebook = _run(cells, colab, monkeypatch)
    assert not _errors(notebook), _errors(notebook)
    clone = colab["content"] / "regularization-course"
    root, utils_file, tag = _text(notebook.cells[-2]).split()
    assert root == str(clone)
    assert Path(utils_file).parent == clone / "utils"
    assert tag == nbt.COURSE_TAG
    assert (clone / "chapters" / "00_start_here.ipynb").is_file()


def test_a_failed_clone_says_what_could_not_be_fetched(colab, monkeypatch, tmp_path):
    monkeypatch.setitem(colab, "content", tmp_path)
    notebook = _run([_setup_cell("file:///nowhere/course.git")], colab, monkeypatch)
    errors = _errors(notebook)
    assert len(errors) == 1 and "Could not fetch the course (file:///nowhere/course.git at " \
        f"{nbt.COURSE_TAG})" in errors[0], errors
    assert not (tmp_path / "regularization-course").exists()


def test_outside_colab_and_outside_the_course_the_cell_says_where_to_open_it(colab, monkeypatch,
                                                                               tmp_path):
    monkeypatch.setitem(colab, "env", {"PYTHONPATH": "", "IPYTHONDIR": str(tmp_path / "ipy")})
    monkeypatch.setitem(colab, "content", tmp_path)
    errors = _errors(_run([_setup_cell(colab["url"])], colab, monkeypatch))
    assert len(errors) == 1 and "Open this notebook from inside the course" in errors[0]


FAKE_PIP = '''"""Stands in for pip: records its arguments, then "installs" by removing the stale copy."""
import os, shutil, sys
with open(os.environ["FAKE_PIP_LOG"], "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
shutil.rmtree(os.environ["FAKE_PIP_REMOVES"])
'''


def test_on_colab_the_set_up_cell_installs_exactly_the_pinned_mnist1d(colab, monkeypatch,
                                                                       tmp_path):
    """Colab lacks mnist1d (or could have another version): the set-up cell installs the
    pin of constraints.txt and nothing else, then the capstone's data generator imports."""
    from utils.course_setup import pinned_version

    pin = pinned_version("mnist1d")
    shadow = tmp_path / "shadow"      # before site-packages: a stale mnist1d and a fake pip
    stale = shadow / "mnist1d-0.0.1.dist-info"
    stale.mkdir(parents=True)
    (stale / "METADATA").write_text("Metadata-Version: 2.1\nName: mnist1d\nVersion: 0.0.1\n")
    (shadow / "pip").mkdir()
    (shadow / "pip" / "__init__.py").write_text("")
    (shadow / "pip" / "__main__.py").write_text(FAKE_PIP)
    log = tmp_path / "pip.log"
    env = dict(colab["env"], PYTHONPATH=os.pathsep.join([colab["env"]["PYTHONPATH"], str(shadow)]),
               FAKE_PIP_LOG=str(log), FAKE_PIP_REMOVES=str(stale))
    monkeypatch.setitem(colab, "env", env)
    notebook = _run([_setup_cell(colab["url"]), nbformat.v4.new_code_cell(
        "import importlib.metadata, mnist1d.data\n"
        "print(importlib.metadata.version('mnist1d'))"),
        _setup_cell(colab["url"])], colab, monkeypatch)    # run again: nothing to install
    assert not _errors(notebook), _errors(notebook)
    assert log.read_text().splitlines() == [f"install -q --no-deps mnist1d=={pin}"]
    assert f"Installing mnist1d=={pin}" in _text(notebook.cells[0])
    assert _text(notebook.cells[1]).strip() == pin
    assert "Installing" not in _text(notebook.cells[2])


def test_outside_colab_nothing_is_installed(monkeypatch):
    from utils import course_setup

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert course_setup.install_missing_on_colab() == []
    assert course_setup.pinned_version("mnist1d") == "0.0.2.post1"
    with pytest.raises(ValueError, match="not pinned"):
        course_setup.pinned_version("no-such-package")
