# Regularization in Deep Learning: the two commands are `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
JUPYTER_PORT ?= 8888
# Jupyter refuses to start as root (containers, CI) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# A cell that runs longer than this fails (with the kernel interrupted) instead of hanging.
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout=600
# `make compat`: every solution notebook on Colab's versions (tools/colab-constraints.txt).
COMPAT_PYTHON ?= python3.13
COMPAT_VENV := build/venv-colab
COMPAT_PINS := tools/colab-constraints.txt
# `make test` runs test files on this many workers (pytest-xdist; 2 suits a 2-core machine).
TEST_JOBS ?= 2
# Set when the learner names a Python: an environment built by another version is rebuilt.
PYTHON_GIVEN := $(filter command line environment,$(origin PYTHON))

.PHONY: help lab test unit notebooks chapters execute bench compat lint clean venv

help:
	@echo "make lab        open the course in JupyterLab (creates .venv on first use)"
	@echo "make test       run every test: unit tests, checks, sync, nbval on solutions/"
	@echo "make chapters   regenerate chapters/ from solutions/ (authors)"
	@echo "make execute    re-run solution notebooks and save their outputs (authors; NB=path for one)"
	@echo "make bench      time and measure every notebook and explorer, write BENCHMARKS.md"
	@echo "make compat     run every solution notebook on Colab's versions (own env in $(COMPAT_VENV))"
	@echo "make lint       ruff over utils/, tools/, tests/ and the notebooks"

# .venv: tools/make_venv.sh checks the Python (3.11.5 to 3.13), shows pip's errors, writes
# the stamp only after a successful install, removes an environment whose install failed,
# and does nothing when the stamp is newer than requirements.txt and constraints.txt.
venv:
	@PYTHON="$(PYTHON)" PYTHON_GIVEN="$(PYTHON_GIVEN)" sh tools/make_venv.sh $(VENV) \
		requirements.txt constraints.txt

lab: venv
	$(PY) -m jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(JUPYTER_PORT) \
		--ServerApp.port_retries=0 --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) \
		chapters/00_start_here.ipynb

test: venv
	$(PY) -m pytest tests solutions $(NBVAL) -n $(TEST_JOBS) $(PYTEST_ARGS)

unit: venv
	$(PY) -m pytest tests $(PYTEST_ARGS)

notebooks: venv
	$(PY) -m pytest solutions $(NBVAL) $(PYTEST_ARGS)

chapters: venv
	$(PY) -m tools.notebooks chapters

execute: venv
	$(PY) -m tools.notebooks execute $(NB)
	$(PY) -m tools.notebooks chapters

bench: venv
	$(PY) -m tools.bench

compat:
	@PYTHON="$(COMPAT_PYTHON)" PYTHON_GIVEN=1 sh tools/make_venv.sh $(COMPAT_VENV) \
		$(COMPAT_PINS) $(COMPAT_PINS)
	$(COMPAT_VENV)/bin/python -m tools.compat $(NB)

lint: venv
	$(PY) -m ruff check utils tools tests conftest.py solutions

clean:
	rm -rf $(VENV) $(COMPAT_VENV) test-artifacts
