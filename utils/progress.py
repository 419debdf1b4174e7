"""A small progress bar for long loops in the notebooks.

An ``ipywidgets.IntProgress`` with a text label next to it, shown only inside a
Jupyter kernel (Colab included: it uses nothing newer than ipywidgets 7.7) and
only once the loop is expected to take longer than ``min_seconds``. Outside a
kernel (tests, scripts) it does nothing. When closed, the widget is removed and its
output replaced by an empty one, so an executed notebook keeps no stale bar.

    with ProgressBar(total=10, description="training") as bar:
        for i in range(10):
            ...
            bar.update(i + 1, f"epoch {i + 1}/10")
"""
from __future__ import annotations

import time

from utils.validation import require_nonnegative, require_nonnegative_int


def in_kernel() -> bool:
    """True inside a Jupyter kernel (where widgets can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course's kernel
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class ProgressBar:
    """A bar from 0 to ``total`` with a label; appears after ``min_seconds`` of
    expected run time (estimated from the progress so far), never outside a kernel."""

    def __init__(self, total: int, description: str = "", *, min_seconds: float = 3.0,
                 enabled: bool = True):
        self.total = max(require_nonnegative_int("total", total), 1)
        self.description = str(description)
        self.min_seconds = require_nonnegative("min_seconds", min_seconds)
        self.enabled = bool(enabled) and in_kernel()
        self.started = time.perf_counter()
        self._bar = self._label = self._box = self._handle = None

    def update(self, done: int, text: str = "") -> None:
        """Set the bar to ``done`` (0..total) and the label to ``text``."""
        done = min(require_nonnegative_int("done", done), self.total)
        if not self.enabled:
            return
        if self._box is None:
            elapsed = time.perf_counter() - self.started
            expected = elapsed * self.total / done if done else 0.0
            if done >= self.total or expected < self.min_seconds:
                return
            self._show()
        self._bar.value = done
        self._label.value = text

    def show(self, text: str = "") -> None:
        """Show the bar now (in a kernel), whatever the expected time: for a slow first
        step whose length is known to be long, e.g. a compilation."""
        if self.enabled:
            if self._box is None:
                self._show()
            self._label.value = text

    def _show(self) -> None:
        import ipywidgets
        from IPython.display import display

        self._bar = ipywidgets.IntProgress(value=0, min=0, max=self.total,
                                           description=self.description)
        self._label = ipywidgets.Label(value="")
        self._box = ipywidgets.HBox([self._bar, self._label])
        self._handle = display(self._box, display_id=True)

    def close(self) -> None:
        """Remove the bar (safe to call twice, and when it was never shown)."""
        if self._box is not None:
            self._box.close()
            if self._handle is not None:
                self._handle.update({"text/plain": ""}, raw=True)
        self._bar = self._label = self._box = self._handle = None
        self.enabled = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
