# Golden Hour: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run room setup test lint format bench install install-dev chromium clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes, so re-running is quick.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

setup: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_scenarios
	$(PY) manage.py demo_facilitator

run: setup
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# A workshop room: the same set-up, then production settings on this machine's network
# address, so phones on the room's Wi-Fi can join (HOST=... names the address by hand).
room: setup
	$(PY) manage.py room --port $(PORT)

# Debian's Chromium drives the browser tests; Playwright cannot download its own here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installing Debian's Chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; \
	fi

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install-dev chromium lint
	$(PY) manage.py validate_scenarios
	$(VENV)/bin/pytest

# Every benchmark on SQLite and PostgreSQL, then one table. BENCH_ARGS=--quick checks the
# pipeline in a few minutes and writes nothing; BENCH_ARGS='--only sqlite' runs one database.
bench: install-dev
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
