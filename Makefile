# Two entry points, each on a fresh clone: `make run` (install, build the index if needed, start
# the web page) and `make test` (install, lint, type-check, run the whole test suite, including
# the browser test in Debian's chromium).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test install lint bench eval chromium load-test

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	# torch first and pinned: this version resolves to the local CPU build; an unpinned torch
	# would pull gigabytes of CUDA packages.
	$(PY) -m pip install --quiet --no-cache-dir torch==2.13.0
	$(PY) -m pip install --quiet --no-cache-dir -e '.[test,ui]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The page on ASSISTANT_HOST:ASSISTANT_PORT (default 127.0.0.1:7860); app.py builds the index
# first when it is missing or stale. `assistant chat` is the command-line chat.
run: $(STAMP)
	$(PY) app.py

# The browser test drives Debian's chromium through Playwright (Playwright's own browser
# download is not used). Installed only when missing; needs root and the Debian mirror, as in CI.
# The font is there so screenshots show Chinese text.
chromium:
	test -x /usr/bin/chromium || { apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-wqy-microhei; }

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests eval app.py scripts
	$(VENV)/bin/ruff format --check assistant tests eval app.py scripts
	$(VENV)/bin/mypy assistant tests
	$(VENV)/bin/lint-imports

test: lint chromium
	$(PY) -m pytest

bench: $(STAMP)
	$(VENV)/bin/assistant bench

eval: $(STAMP)
	$(VENV)/bin/assistant eval --dataset eval/datasets/dev.jsonl --out eval/reports/dev

# 20 concurrent sessions x 10 questions against a page already running (make run).
load-test: $(STAMP)
	$(PY) scripts/load_test.py --url http://127.0.0.1:7860
