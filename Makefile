# Golden Hour: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run room setup test lint format bench install install-dev chromium clean messages

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

# The interface's translations: each locale/<lang>/LC_MESSAGES/django.po compiled to its
# .mo by Babel (GNU gettext is not needed), again whenever the .po changes.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel --quiet compile --input-file $< --output-file $@

install: $(VENV)/.installed $(MO)
install-dev: $(VENV)/.installed-dev $(MO)

# Re-extract the interface's messages after marking strings (needs GNU gettext: a
# developer's step, not an install's). Then translate the new entries in the .po.
messages: install-dev
	$(PY) manage.py makemessages --locale ja --no-obsolete --no-location --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

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
# Debian's Noto CJK fonts come with it, so Japanese pages show real glyphs in screenshots.
chromium:
	@if [ ! -x $(CHROMIUM) ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		echo "Installing Debian's Chromium and Noto CJK fonts for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-noto-cjk; fi; \
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
