# Pingan (平安) — the README's two commands are `make run` and `make test`.
# Everything runs from the virtualenv in .venv, created and filled by `make install`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VENV_BIN := $(CURDIR)/$(VENV)/bin
PY := $(VENV_BIN)/python
STAMP := $(VENV)/.installed
PYPROJECTS := $(wildcard pyproject.toml shared/pyproject.toml dev/pyproject.toml services/*/pyproject.toml)
EDITABLES := -e 'shared[testing]' -e dev -e services/incidents -e services/assessment -e services/notify
TYPED_SOURCES := shared/src dev/src services/incidents/src services/assessment/src services/notify/src
# Children (migrations, the Procfile's processes, pytest) find the virtualenv's python and arq.
WITH_VENV := PATH="$(VENV_BIN):$$PATH"

PYTEST_ARGS ?=
RUN_ARGS ?=
# When make began, so the start-up time `make run` prints includes the install check.
RUN_STARTED := $(shell date +%s.%N)

.PHONY: help install run test lint format bench clean clean-data stop env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

install: $(STAMP) ## create .venv and install every package (again only when a pyproject or constraints.txt changed)

$(STAMP): constraints.txt $(PYPROJECTS)
	@if [ ! -x $(PY) ]; then \
	  if ! command -v $(PYTHON) >/dev/null; then \
	    echo "error: '$(PYTHON)' not found. Pingan needs Python 3.11 or newer:" >&2; \
	    echo "       install it, or name another interpreter: make install PYTHON=python3.12" >&2; \
	    exit 1; \
	  fi; \
	  if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
	    echo "error: Pingan needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	    echo "       Install it, or name another interpreter: make install PYTHON=python3.12" >&2; \
	    exit 1; \
	  fi; \
	  echo "creating $(VENV) with $$(command -v $(PYTHON)) ($$($(PYTHON) --version 2>&1))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt $(EDITABLES) ruff mypy pyyaml types-openpyxl
	@touch $(STAMP)

run: install ## bring the whole system up: servers, migrations, demo town, every process (RUN_ARGS=--no-demo)
	@$(WITH_VENV) PINGAN_STARTED_AT="$(RUN_STARTED)" $(PY) -m pingan_dev run $(RUN_ARGS)

test: install lint ## lint, then every test against real PostgreSQL and Redis (PYTEST_ARGS=...)
	@$(WITH_VENV) $(PY) -m pingan_dev test $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy (strict)
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .
	$(VENV_BIN)/mypy $(TYPED_SOURCES)

format: install ## rewrite files with ruff's formatting and safe fixes
	$(VENV_BIN)/ruff check --fix .
	$(VENV_BIN)/ruff format .

bench: install ## run every bench/*.py and print its figures
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks in bench/"; fi; \
	for file in "$${files[@]}"; do \
	  echo "== $$file"; $(WITH_VENV) $(PY) "$$file" || exit 1; \
	done

env: install ## print the services' environment as shell exports (eval "$(make -s env)")
	@$(WITH_VENV) $(PY) -m pingan_dev env

stop: ## stop this checkout's embedded PostgreSQL and Redis, if they run
	@if [ -x $(PY) ]; then $(PY) -m pingan_dev stop; fi

clean: ## remove caches and build leftovers (keeps .venv and the .pingan data)
	find . \( -path ./$(VENV) -o -path ./.pingan -o -path ./.git \) -prune -o \
	  \( -name __pycache__ -o -name .pytest_cache -o -name .mypy_cache -o -name .ruff_cache \
	     -o -name '*.egg-info' \) -type d -prune -exec rm -rf {} +
	rm -rf build dist

clean-data: stop ## stop the embedded servers and delete their data (.pingan)
	rm -rf .pingan
