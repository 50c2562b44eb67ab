# Newsroom: `make run` serves the demo site, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Settings default to production (DEBUG off); everything make runs is the
# development site on this machine, so it asks for DEBUG unless told otherwise.
# `make serve` sets DJANGO_DEBUG=false for the parts that serve.
export DJANGO_DEBUG ?= true

.PHONY: install install-dev run serve serve-edge static test chromium redis-server varnish nginx wrk lint format check reset-db lock bench

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Newsroom needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

# Test and development tools (pytest, Playwright, ruff, …): never in a production
# install, added by `make test`, `make lint` and `make lock`.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py regenerate_renditions
	$(PY) manage.py create_admin
	@echo "Serving http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/), with a task worker"
	$(PY) manage.py run_worker & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# The production shape on this machine: DEBUG off, the Procfile's processes run
# together by honcho (gunicorn per gunicorn.conf.py, and the task worker with the
# scheduled sweep every minute), each started again if it dies, all stopped by
# Ctrl-C; static files collected for WhiteNoise, SQLite unless DATABASE_URL is
# set. Plain HTTP on loopback, so no HTTPS redirect; the secret key is made once,
# kept in .secret-key, unless DJANGO_SECRET_KEY is set; the allowed hosts are HOST
# and localhost unless DJANGO_ALLOWED_HOSTS is set.
SECRET_KEY_FILE := .secret-key
SERVE_ENV = DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(SECRET_KEY_FILE))}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-$(HOST),localhost}"
serve: install
	@test -n "$$DJANGO_SECRET_KEY" -o -s $(SECRET_KEY_FILE) || \
		$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py regenerate_renditions
	$(PY) manage.py create_admin
	@$(MAKE) --no-print-directory static
	@echo "Serving http://$(HOST):$(PORT)/ with gunicorn (DEBUG off) and a task worker"
	$(SERVE_ENV) NEWSROOM_BIND=$(HOST):$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" \
		exec $(VENV)/bin/honcho start -f Procfile

# Static files are collected (hashed, compressed) again only when they changed.
STATIC_ROOT := $(or $(DJANGO_STATIC_ROOT),staticfiles)
$(STATIC_ROOT)/staticfiles.json: $(VENV)/.installed $(shell find articles/static -type f)
	@test -n "$$DJANGO_SECRET_KEY" -o -s $(SECRET_KEY_FILE) || \
		$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE)
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	touch $@

static: $(STATIC_ROOT)/staticfiles.json

# The browser tests drive Debian's Chromium; installed here when missing (as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Chromium: sudo apt-get install chromium"; exit 1; \
		fi; }

# The Redis fault tests start and stop a redis-server of their own.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; \
		else \
			echo "The Redis fault tests need redis-server: sudo apt-get install redis-server"; exit 1; \
		fi; }

# The edge cache: Debian's Varnish 7 and its xkey module (varnish-modules), for
# `make serve-edge` and the tests that start a varnishd of their own.
varnish:
	@{ command -v varnishd >/dev/null 2>&1 || test -x /usr/sbin/varnishd; } && \
	ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq varnish varnish-modules >/dev/null; \
		else \
			echo "The edge cache needs Varnish and xkey: sudo apt-get install varnish varnish-modules"; exit 1; \
		fi; }

# Varnish on EDGE_PORT in front of `make serve` (the VCL's backend is
# 127.0.0.1:8000), purged by the site on every change; stopped with it.
EDGE_PORT ?= 6081
EDGE_DIR := $(CURDIR)/.varnish
serve-edge: install varnish
	@mkdir -p $(EDGE_DIR)
	PATH="$$PATH:/usr/sbin" varnishd -j none -n $(EDGE_DIR) -a $(HOST):$(EDGE_PORT) -T none \
		-f $(CURDIR)/deploy/varnish/default.vcl -s malloc,256m -P $(EDGE_DIR)/varnishd.pid
	@echo "Serving http://$(HOST):$(EDGE_PORT)/ through Varnish"
	@trap 'kill $$(cat $(EDGE_DIR)/varnishd.pid) 2>/dev/null' EXIT INT TERM; \
		NEWSROOM_PURGER=varnish NEWSROOM_VARNISH_URLS=http://$(HOST):$(EDGE_PORT) \
		$(MAKE) serve PORT=8000

test: install-dev chromium redis-server varnish
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

reset-db:
	rm -f db.sqlite3

# Recompile both locks from pyproject.toml after changing dependencies: the
# production one, then the development one (the extra `dev`) on top of its pins.
LOCK_OPTS := --quiet --strip-extras --no-emit-index-url --no-emit-find-links
lock: install-dev
	$(VENV)/bin/pip-compile $(LOCK_OPTS) --output-file requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_OPTS) --extra dev --constraint requirements.lock \
		--output-file requirements-dev.lock pyproject.toml

# Measurements, not tests; each prints its figures and saves them in bench-results/.
# photo_weight: bytes a phone downloads for article images versus the originals.
# related_bench: related stories, tag pages and the admin list at 1k, 10k and 100k
# articles, in a database of its own (SQLite; PostgreSQL when DATABASE_URL is set).
# serve_bench: the site under gunicorn and wrk at 10k and 100k articles, cached and
# uncached, against a minimal Django view (PostgreSQL + Redis when both are set).
# scale_bench: import of 10,000 stories, renditions by the worker, search and list
# pages at 100,000 articles (SCALE_BENCH_ARGS="--import-sizes 10000,100000").
# admin_bench: p95 of each admin screen editors open daily (desk, article list with
# search and filters, change page, photo library, revisions) at 10,000 and 100,000
# articles, 50 people in five roles (ADMIN_BENCH_ARGS="--sizes 10000").
bench: install wrk varnish nginx
	$(PY) bench/photo_weight.py
	$(PY) bench/related_bench.py $(BENCH_ARGS)
	$(PY) bench/serve_bench.py $(SERVE_BENCH_ARGS)
	$(PY) bench/scale_bench.py $(SCALE_BENCH_ARGS)
	$(PY) bench/admin_bench.py $(ADMIN_BENCH_ARGS)

# The serving benchmark's web-server ceiling, row (g): nginx-light from Debian.
nginx:
	@{ command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; } || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; \
		else \
			echo "The serving benchmark needs nginx: sudo apt-get install nginx-light"; exit 1; \
		fi; }

# The serving benchmark's load generator, from Debian's packages when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "The serving benchmark needs wrk: sudo apt-get install wrk"; exit 1; \
		fi; }
