# Colophon: `make run` serves the demo, `make test` runs every test. Each target bootstraps
# what it needs: the Python virtualenv, the npm packages, the web build and, as root, the
# system packages the tests use (PostgreSQL server, Chromium).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := web/node_modules/.installed
WEB_BUILD := src/colophon/static/index.html
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/package.json -type f 2>/dev/null)
DATA_DIR ?= ./data
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test test-python test-web lint format bench system-deps venv web clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_STAMP)

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUILD)

# System packages for the tests: only installed when missing, and only as root (CI).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "not root: cannot install$$missing (tests needing them skip locally, fail in CI)"; \
	  fi; \
	fi

run: $(STAMP) $(WEB_BUILD)
	COLOPHON_DATA_DIR=$(DATA_DIR) $(BIN)/colophon migrate
	COLOPHON_DATA_DIR=$(DATA_DIR) $(BIN)/colophon demo
	@echo
	@echo "Colophon is starting on http://$(HOST):$(PORT)"
	@echo "Log in as the admin you created with 'colophon admin create',"
	@echo "or start with COLOPHON_ADMIN_PASSWORD='<12+ characters>' make run to create 'admin'."
	@echo
	COLOPHON_DATA_DIR=$(DATA_DIR) $(BIN)/colophon serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(WEB_BUILD) system-deps test-web test-python

test-python: $(STAMP)
	$(BIN)/pytest -q -n 2

test-web: $(WEB_STAMP)
	cd web && npm test --silent

lint: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	cd web && npm run lint

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

BENCHES := applier jobs load plugin_host queue  # bench/limited_plugin.py is a plugin they start

bench: $(STAMP)
	@for name in $(BENCHES); do echo "== bench/$$name.py"; $(BIN)/python bench/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules src/colophon/static build
