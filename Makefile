# Two entry points, each on a fresh clone: `make run` (install, build the index if needed, start
# the assistant) and `make test` (install, lint, type-check, run the whole test suite).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test install lint bench eval

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first and pinned: this version resolves to the local CPU build; an unpinned torch
	# would pull gigabytes of CUDA packages.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/assistant run

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests eval
	$(VENV)/bin/ruff format --check assistant tests eval
	$(VENV)/bin/mypy assistant

test: lint
	$(PY) -m pytest

bench: $(STAMP)
	$(VENV)/bin/assistant bench

eval: $(STAMP)
	$(VENV)/bin/assistant eval --dataset eval/datasets/dev.jsonl --out eval/reports/dev
