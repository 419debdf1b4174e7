"""Every form in docs/migration.md does what the table says.

New forms must run (their asserts pass); old TensorFlow/Keras forms marked
``raises=Error`` must fail with that error on TF 2.21 / Keras 3; old forms with no
mark still run; ``reference`` forms (PyTorch) are not run. All blocks run in one
subprocess (TensorFlow is imported once), each in a fresh namespace.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "migration.md"
BLOCK = re.compile(r"```python (old|new)([^\n]*)\n(.*?)```", re.S)
RUNNER = r'''
import json, os, sys, traceback, warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
results = {}
for key, source in json.load(sys.stdin).items():
    try:
        exec(compile(source, key, "exec"), {"__name__": "__migration__"})
        results[key] = None
    except BaseException as error:  # noqa: BLE001 (the test inspects it)
        results[key] = [type(error).__name__, str(error)[:300],
                        traceback.format_exc(limit=3)[-800:]]
print("RESULTS " + json.dumps(results))
'''


def _sections():
    text = DOC.read_text(encoding="utf-8")
    table_ids = re.findall(r"^\| (M\d+) \|", text, re.M)
    parts = re.split(r"^### (M\d+)\s*$", text, flags=re.M)
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}
    return table_ids, sections


def _blocks():
    _, sections = _sections()
    blocks = []
    for ident, body in sections.items():
        for kind, options, source in BLOCK.findall(body):
            raises = re.search(r"raises=(\w+)", options)
            blocks.append({"id": f"{ident}-{kind}", "kind": kind, "source": source,
                           "reference": "reference" in options,
                           "raises": raises.group(1) if raises else None})
    return blocks


BLOCKS = _blocks()


def test_every_row_of_the_table_has_exactly_one_new_form():
    table_ids, sections = _sections()
    assert table_ids, "the migration table has no rows"
    assert list(sections) == table_ids, "sections must follow the table's rows in order"
    for ident, body in sections.items():
        kinds = [kind for kind, _, _ in BLOCK.findall(body)]
        assert kinds.count("new") == 1, f"{ident} needs exactly one new form, has {kinds}"


def test_every_seed_is_covered():
    text = DOC.read_text(encoding="utf-8")
    seeds = set(re.findall(r"^\| M\d+ \| (\d{3}) \|", text, re.M))
    assert seeds == {"000", "001", "002", "003", "004"}


def _rows():
    """{id: [article, old, status, new, note]} from the table (cells split on unescaped |)."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\| M\d+ \|", line):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            assert len(cells) == 6, f"{cells[0]} has {len(cells)} columns, not 6"
            rows[cells[0]] = cells[1:]
    return rows


def test_every_row_parses_into_its_six_columns():
    table_ids, _ = _sections()
    assert list(_rows()) == table_ids


def _api_names(markdown: str) -> set[str]:
    """Names used as calls, attributes or keyword arguments in the code spans of a cell."""
    code = " ".join(re.findall(r"`([^`]+)`", markdown))
    code = re.sub(r"\b\d+(\.\d*)?(e-?\d+)?\b", "0", code)
    return set(re.findall(r"\.([A-Za-z_]\w*)", code)) | set(
        re.findall(r"\b([A-Za-z_]\w*)\s*[(=]", code))


@pytest.mark.parametrize("ident", list(_rows()))
def test_the_table_names_only_what_the_new_form_runs(ident):
    """The table's "new" column and the code the test runs say the same thing (one source):
    every function, attribute and keyword it names is used by the row's new block."""
    _, sections = _sections()
    new_block = next(src for kind, _, src in BLOCK.findall(sections[ident]) if kind == "new")
    named = _api_names(_rows()[ident][3])
    missing = sorted(n for n in named if not re.search(rf"\b{n}\b", new_block))
    assert not missing, f"{ident}'s table row names {missing}, which its new form never uses"


def test_the_articles_l1_l2_forms_are_all_listed():
    """Every form of articles 000-003 that chapter 2's moons case study teaches has a row."""
    olds = " ".join(row[1] for row in _rows().values())
    for form in ("l2(l=", "Sequential(tf.keras.layers.Dense", "input_dim", 'history["acc"]',
                 "model.fit(", "groupby", "input_shape", "input_length", "tf.InteractiveSession",
                 "tf.contrib.layers.l2_regularizer", "tf.trainable_variables()", "tf.layers.conv2d",
                 "tf.get_collection", "weight_decay", 'Dense(10, activation="softmax")'):
        assert form in olds, f"{form} is missing from the migration table"


@pytest.fixture(scope="module")
def results():
    runnable = {b["id"]: b["source"] for b in BLOCKS if not b["reference"]}
    done = subprocess.run([sys.executable, "-c", RUNNER, str(ROOT)], input=json.dumps(runnable),
                          capture_output=True, text=True, cwd=ROOT, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULTS ")]
    assert lines, f"the snippet runner crashed:\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULTS "):])


@pytest.mark.parametrize("block", [b for b in BLOCKS if not b["reference"]],
                         ids=lambda b: b["id"])
def test_form_behaves_as_the_table_says(block, results):
    outcome = results[block["id"]]
    if block["raises"]:
        assert outcome is not None, f"{block['id']} should fail with {block['raises']} but ran"
        assert outcome[0] == block["raises"], f"{block['id']} failed differently: {outcome}"
    else:
        assert outcome is None, f"{block['id']} failed: {outcome[0]}: {outcome[1]}\n{outcome[2]}"


def test_article_004s_rotation_has_a_clockwise_row():
    """Article 004 captions its rotations "90° clockwise"; tf.image.rot90 turns the other way."""
    rows = [row for row in _rows().values() if row[0] == "004" and "rotate" in row[1]]
    assert rows, "article 004's rotation is missing from the migration table"
    assert "rot90(img, k=3)" in rows[0][3] and "counter-clockwise" in rows[0][4]
