"""The course in a real browser: JupyterLab + headless Chromium, driven by Playwright.

For each notebook below, a JupyterLab server started from the project environment on
loopback (with its token) opens the solution notebook, with its saved outputs removed,
runs all cells from the Run menu, and the test checks what a learner would see: a
plotted image rendered, the explorer's slider is on the page and moving it redraws
the figure. The notebook is then saved from the browser and its outputs read back:
every code cell ran, none raised. Screenshots go to ``test-artifacts/browser/``.

Needs Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it).
Without it the test is skipped with that reason, unless ``REQUIRE_BROWSER_TEST=1``
(set by CI), where a missing browser is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import learner_path
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
# Chapter 0, a chapter whose explorer retrains a model on every move, and the capstone.
NOTEBOOKS = ["00_start_here", "02_moons_case_study", "06_capstone_mnist1d"]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
# JupyterLab settings for a quiet, fully rendered page: no news pop-up, and every
# cell kept in the DOM (JupyterLab 4 otherwise only renders the cells in view).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
ALL_CELLS_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
KERNEL_IDLE = "#jp-main-statusbar >> text=Idle"
EXPLORER = ".widget-vbox:has(.widget-slider)"
EXPLORER_IMAGE_CHANGED = """(old) => {
    const img = document.querySelector('.widget-vbox:has(.widget-slider) img');
    return img !== null && img.getAttribute('src') !== old;
}"""


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


def _skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_BROWSER_TEST") == "1":
        pytest.fail(f"REQUIRE_BROWSER_TEST=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_chromium():
    chromium = _chromium()
    if chromium is None:
        _skip_or_fail("no Chromium found: install Debian's `chromium` (or set CHROMIUM=path) "
                      "to run the browser test")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright for Python is not installed (it is in requirements.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the course whose solutions have no outputs."""
    course = tmp_path_factory.mktemp("course")
    for folder in ("utils", "tools", "solutions", "chapters", "docs"):
        shutil.copytree(ROOT / folder, course / folder)
    for name in ("BENCHMARKS.md", "README.md"):
        shutil.copy(ROOT / name, course / name)
    for path in (course / "solutions").glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, path)
    settings = tmp_path_factory.mktemp("lab-settings")
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values))
    port, token = _free_port(), os.urandom(16).hex()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings), TF_CPP_MIN_LOG_LEVEL="3")
    log = (tmp_path_factory.mktemp("lab-log") / "lab.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited early; see {log.name}")
                time.sleep(0.3)
        else:
            pytest.fail(f"JupyterLab did not answer within 60 s; see {log.name}")
        yield {"base": base, "token": token, "course": course}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_explorer_responds_in_chromium(name, lab, playwright_chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = playwright_chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # A workspace of its own, reset, so no tab from an earlier test hides this one.
        page.goto(f"{lab['base']}/lab/workspaces/{name}/tree/solutions/{name}.ipynb"
                  f"?reset&token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
        page.click("li[role=menuitem] >> text=Run")
        page.click("li[role=menuitem] >> text=Run All Cells")
        page.wait_for_function(ALL_CELLS_RAN, timeout=480_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / f"{name}-ran.png"))

        rendered = page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedImage img')]
                                      .filter(img => img.complete && img.naturalWidth > 0).length""")
        assert rendered >= 1, "no plot image rendered in the notebook"

        explorer = page.locator(EXPLORER).first
        assert explorer.count() == 1, "the explorer's slider is not on the page"
        explorer.scroll_into_view_if_needed()
        image = explorer.locator("img").first
        image.wait_for(timeout=30_000)
        before = image.get_attribute("src")
        page.screenshot(path=str(ARTIFACTS / f"{name}-explorer-before.png"))
        handle = explorer.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(EXPLORER_IMAGE_CHANGED, arg=before, timeout=30_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / f"{name}-explorer-after.png"))

        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.jp-Document.jp-mod-dirty, .jp-mod-dirty')",
            timeout=30_000)
    finally:
        page.close()

    saved = nbformat.read(lab["course"] / "solutions" / f"{name}.ipynb", as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "some cells did not run"
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(code)
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"cells raised in the browser: {errors}"
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs), \
        "no PNG figure was produced"


# A learner's wrong answer to chapter 0's exercise: the count instead of the fraction.
WRONG_ACCURACY = """\
p_pred, y_true = np.asarray(p_pred), np.asarray(y_true)
return np.sum((p_pred > 0.5) == y_true)
"""


def test_a_wrong_answer_in_a_learner_chapter_shows_one_short_line(lab, playwright_chromium):
    """chapters/00_start_here with a wrong `accuracy` typed in: its check cell shows the
    mistake in one or two lines, not the check's source."""
    from utils.checks import run_check_quietly
    from utils.start_here import check_accuracy

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = "00_start_here"
    path = lab["course"] / "chapters" / f"{name}.ipynb"
    notebook = learner_path.fill(nbformat.read(path, as_version=4), {"accuracy": WRONG_ACCURACY})
    nbformat.write(notebook, path)
    check_index = learner_path.check_cells(notebook)[0]
    namespace = {"np": __import__("numpy")}
    stub = learner_path.stubs(nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4))[0]
    exec(learner_path.function_source(nbformat.read(ROOT / "chapters" / f"{name}.ipynb",
                                                    as_version=4), stub, WRONG_ACCURACY),
         namespace)
    _, expected_message = run_check_quietly(check_accuracy, namespace["accuracy"])

    page = playwright_chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{lab['base']}/lab/workspaces/learner/tree/chapters/{name}.ipynb"
                  f"?reset&token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
        page.click("li[role=menuitem] >> text=Run")
        page.click("li[role=menuitem] >> text=Run All Cells")
        cell = page.locator(".jp-Notebook .jp-Cell").nth(check_index)
        output = cell.locator(".jp-OutputArea-output").first
        output.wait_for(timeout=240_000)
        page.wait_for_selector(KERNEL_IDLE, timeout=60_000)
        cell.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}-wrong-answer.png"))
        shown = output.inner_text().strip()
    finally:
        page.close()
    assert expected_message in shown, f"the check cell shows {shown!r}"
    assert len(shown.splitlines()) <= 2, f"the check cell shows more than the message:\n{shown}"
    assert "def check_" not in shown and "Traceback" not in shown
