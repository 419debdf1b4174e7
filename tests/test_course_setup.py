"""utils.course_setup: a fresh copy of a chapter or of one exercise."""
import nbformat
import pytest

from tools import notebooks
from utils.course_setup import fresh_copy


def test_a_fresh_chapter_is_written_beside_the_learners_own(tmp_path, monkeypatch):
    monkeypatch.setattr(notebooks, "CHAPTERS", tmp_path)
    path = fresh_copy("00_start_here")
    assert path == tmp_path / "00_start_here (fresh).ipynb"
    fresh = nbformat.read(path, as_version=4)
    shipped = nbformat.read(notebooks.ROOT / "chapters" / "00_start_here.ipynb", as_version=4)
    assert [c.source for c in fresh.cells] == [c.source for c in shipped.cells]


def test_one_exercise_comes_back_as_its_stub(capsys):
    text = fresh_copy("00_start_here.ipynb", "accuracy")
    assert "def accuracy(" in text and "raise NotImplementedError()" in text
    assert "### BEGIN SOLUTION" not in text
    assert capsys.readouterr().out.strip() == text.strip()


def test_unknown_chapters_and_exercises_are_named():
    with pytest.raises(ValueError, match="is not one of the course's: 00_start_here"):
        fresh_copy("07_nothing")
    with pytest.raises(ValueError, match="no exercise named 'nope'"):
        fresh_copy("00_start_here", "nope")
    with pytest.raises(TypeError, match="chapter must be a notebook name"):
        fresh_copy(3)
