# 共治 gongzhi — `make` alone lists the targets.
#
# Everything runs from .venv/, which `make install` creates with $(PYTHON) (3.11 or newer) and
# fills with the pinned dependencies and dev tools; targets that need it install it first, and
# again only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL the suite runs against for `make test-postgres`; pytest-django creates and
# drops the test database test_<name> beside it.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/gongzhi
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo test test-postgres test-browser lint format typecheck \
	migrations-check messages ci clean

help: ## List the targets
	@echo "共治 gongzhi — make <target>:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-18s %s\n", $$1, $$2}'

install: $(STAMP) ## Create .venv with python3 (>= 3.11; PYTHON=... to choose) and install the project with dev tools

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "gongzhi needs Python >= 3.11; $(PYTHON) is $$($(PYTHON) --version 2>&1)." \
		       "Run: make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -e '.[dev]'
	@touch $@

demo: $(STAMP) ## Build the seeded Chaoyang demo (SQLite, or DATABASE_URL) and serve it at http://127.0.0.1:8000
	$(BIN)/gongzhi demo

test: $(STAMP) ## Run the test suite on SQLite (browser tests excluded)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(STAMP) ## Run the test suite on PostgreSQL (POSTGRES_URL, default 127.0.0.1:5432)
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -q --create-db $(PYTEST_ARGS)

test-browser: $(STAMP) ## Run the browser tests in headless Chromium (apt-get install chromium)
	$(BIN)/pytest -q -m browser $(PYTEST_ARGS)

lint: $(STAMP) ## Check the code with ruff (lint rules and formatting)
	$(BIN)/ruff check gongzhi tools
	$(BIN)/ruff format --check gongzhi tools

format: $(STAMP) ## Format the code and apply ruff's safe fixes
	$(BIN)/ruff format gongzhi tools
	$(BIN)/ruff check --fix gongzhi tools

typecheck: $(STAMP) ## Check types with mypy and django-stubs
	$(BIN)/mypy gongzhi tools

migrations-check: $(STAMP) ## Fail if a model change has no migration
	$(BIN)/gongzhi makemigrations --check --dry-run

messages: $(STAMP) ## Update the English catalogue from the source and compile all translations (needs gettext)
	cd gongzhi && ../$(BIN)/gongzhi makemessages -l en --ignore 'tests/*' --no-obsolete
	cd gongzhi && ../$(BIN)/gongzhi compilemessages

ci: ## Run what CI runs (.ci/run): install, lint, types, migrations, SQLite, PostgreSQL, Redis, Chromium
	bash .ci/run

clean: ## Remove .venv, the demo data in var/ and caches
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache gongzhi.egg-info
	find gongzhi tools -name __pycache__ -type d -prune -exec rm -rf {} +
