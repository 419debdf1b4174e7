# Regularization in Deep Learning: the two commands are `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JUPYTER_PORT ?= 8888
# Jupyter refuses to start as root (containers, CI) unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help lab test unit notebooks chapters execute bench lint clean

help:
	@echo "make lab        open the course in JupyterLab (creates .venv on first use)"
	@echo "make test       run every test: unit tests, checks, sync, nbval on solutions/"
	@echo "make chapters   regenerate chapters/ from solutions/ (authors)"
	@echo "make execute    re-run solution notebooks and save their outputs (authors; NB=path for one)"
	@echo "make bench      time and measure every notebook and explorer, write BENCHMARKS.md"
	@echo "make lint       ruff over utils/, tools/, tests/ and the notebooks"

$(STAMP): requirements.txt constraints.txt
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 10) <= v[:2] <= (3, 13) else "The course needs Python 3.10 to 3.13 (TensorFlow 2.21); $(PYTHON) is %d.%d. Try: make PYTHON=python3.11 ..." % v[:2])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@touch $(STAMP)

lab: $(STAMP)
	$(PY) -m jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(JUPYTER_PORT) \
		--ServerApp.port_retries=0 --ServerApp.root_dir="$(CURDIR)" $(ROOT_FLAG) $(LAB_ARGS) \
		chapters/00_start_here.ipynb

test: $(STAMP)
	$(PY) -m pytest tests solutions $(NBVAL) $(PYTEST_ARGS)

unit: $(STAMP)
	$(PY) -m pytest tests $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(PY) -m pytest solutions $(NBVAL) $(PYTEST_ARGS)

chapters: $(STAMP)
	$(PY) -m tools.notebooks chapters

execute: $(STAMP)
	$(PY) -m tools.notebooks execute $(NB)
	$(PY) -m tools.notebooks chapters

bench: $(STAMP)
	$(PY) -m tools.bench

lint: $(STAMP)
	$(PY) -m ruff check utils tools tests conftest.py solutions

clean:
	rm -rf $(VENV) test-artifacts
