"""The README's chapter map and every relative link in the docs stay true."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(path):
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if not re.match(r"[a-z]+:", target) and not target.startswith("#"):
            yield target.split("#")[0]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_resolve(doc):
    missing = [t for t in _relative_links(doc) if not (doc.parent / t).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_the_chapter_map_lists_every_notebook_and_only_those():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"\(chapters/([^)]+\.ipynb)\)", readme))
    present = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    assert listed == present, f"README lists {sorted(listed - present)} that do not exist " \
                              f"and misses {sorted(present - listed)}"


def test_readme_states_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M), ".ci/run must call the README's test command"


def _notebook_names():
    return sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb"))


def test_readme_links_the_workshop_kit_glossary_migration_table_and_benchmarks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in ("docs/workshop.md", "docs/glossary.md", "docs/migration.md", "docs/errata.md",
                   "BENCHMARKS.md"):
        assert f"]({target})" in readme, f"the README does not link {target}"


@pytest.mark.parametrize("name", _notebook_names())
def test_every_chapter_title_cell_links_the_glossary(name):
    import nbformat

    notebook = nbformat.read(ROOT / "solutions" / name, as_version=4)
    title = next(c for c in notebook.cells if c.cell_type == "markdown")
    assert title.source.startswith("# "), f"{name}: the first markdown cell is not a title"
    assert "](../docs/glossary.md)" in title.source, f"{name}: the title cell must link the glossary"


def test_workshop_kit_covers_every_chapter_in_both_agendas_and_the_notes():
    kit = (ROOT / "docs" / "workshop.md").read_text(encoding="utf-8")
    short, full = kit.split("### Three hours")[1].split("### Full day")
    full, notes = full.split("## Instructor notes per chapter")
    for name in _notebook_names():
        link = f"(../chapters/{name})"
        assert link in short and link in full, f"{name} is missing from an agenda"
    headings = re.findall(r"^### (\d)\. ", notes, re.M)
    chapters = {name[:2].lstrip("0") or "0" for name in _notebook_names()}
    assert chapters <= {h for h in headings}, "a chapter has no instructor notes"


def test_every_errata_entry_names_a_test_that_exists():
    import ast

    errata = (ROOT / "docs" / "errata.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+)`", errata))
    module = ast.parse((ROOT / "tests" / "test_errata.py").read_text(encoding="utf-8"))
    defined = {n.name for n in module.body if isinstance(n, ast.FunctionDef)}
    rows = [line for line in errata.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) >= 10
    assert all(re.search(r"`test_\w+`", row) for row in rows), "every entry names its evidence"
    assert named <= defined, f"errata names tests that do not exist: {sorted(named - defined)}"


def test_the_full_day_agenda_adds_up_to_its_heading():
    kit = (ROOT / "docs" / "workshop.md").read_text(encoding="utf-8")
    heading = re.search(r"### Full day \(([^)]*) teaching hours\)", kit).group(1)
    hours = {"six": 6, "six and a half": 6.5, "seven": 7}[heading]
    full = kit.split("### Full day")[1].split("## Before the day")[0]
    minutes = sum(int(m) for m in re.findall(r"\((\d+)'\)", full))
    assert minutes == hours * 60, f"the full day's sessions add up to {minutes} minutes"


def test_the_handout_command_keeps_every_file_the_readme_links():
    kit = (ROOT / "docs" / "workshop.md").read_text(encoding="utf-8")
    command = kit.split("git archive HEAD")[1].split("| tar")[0].replace("\\\n", " ")
    shipped = command.split()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in _relative_links(ROOT / "README.md"):
        top = target.split("/")[0]
        if top != "solutions":
            assert top in shipped, f"the handout omits {top}, which the README links"
    assert "solutions" not in shipped and readme


def test_the_chapter_map_lists_each_chapters_exercises_with_their_levels():
    heading = re.compile(r"^### Exercise \d+ (★{1,3}) — (`\w+`)$", re.M)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in _notebook_names():
        row = next(line for line in readme.splitlines() if f"(chapters/{name})" in line)
        notebook = json.loads((ROOT / "solutions" / name).read_text(encoding="utf-8"))
        levels = [" ".join(m) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
                  for m in heading.findall("".join(cell["source"]))]
        listed = row.rstrip(" |").rsplit("|", 1)[-1].strip()
        assert listed == ", ".join(levels), f"README's row for {name} should list: {levels}"
