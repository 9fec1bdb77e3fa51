# Tandem: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both work on a fresh machine with only python3: they create .venv and install what they need.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint check bench clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

## run: serve Tandem with demo data on SQLite (the embedded default) at http://127.0.0.1:$(PORT)
run: export DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Tandem is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Log in as 'manager' (or admin, scientist, engineer, dataeng, viewer), password 'tandem-demo'."
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite on real PostgreSQL, Redis, a Celery worker, SMTP and Chromium
test: export DEBUG ?= true
test: $(VENV)/.dev
	scripts/with-services.sh $(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff on the whole tree
lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## check: Django's system checks and missing migrations
check: export DEBUG ?= true
check: $(VENV)/.runtime
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf .run staticfiles .pytest_cache

## bench: research API and pages on a throwaway PostgreSQL database (200 ideas, 1M readings; one idea with 1M more)
bench: export DEBUG ?= true
bench: $(VENV)/.dev
	scripts/with-services.sh $(PY) bench/run.py
	scripts/with-services.sh $(PY) bench/digests.py
