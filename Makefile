# Kisha: `make demo` runs the embedded default with demo content; `make test` runs what CI runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Quiet Wagtail's INFO logging and run tasks in-process during tests.
TEST_ENV := KISHA_CACHE_DIR=$$(mktemp -d -t kisha-test-cache.XXXXXX) LOG_LEVEL=WARNING KISHA_TASKS=immediate KISHA_SERVE_MEDIA=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: messages demo test lint test-sqlite test-postgres system venv bench quality quality-tools services-stop clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

venv: $(VENV)/.installed

system:
	scripts/install-system-packages.sh

# The admin's Japanese (kisha/newsroom/locale): the compiled .mo files are committed, so a new
# machine needs no gettext; after editing a .po run this (it needs msgfmt from gettext).
messages: venv
	$(PY) manage.py compilemessages -l ja -i .venv -i var -i node_modules

# Every absolute URL (canonical links, feeds, sitemaps, social cards) starts with KISHA_SITE_URL,
# so the demo's follows HOST and PORT unless it is set (docs/distribution.md).
demo: export KISHA_SITE_URL ?= http://$(HOST):$(PORT)
demo: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py demo_site
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py kisha_scheduler & trap "kill $$! 2>/dev/null" EXIT; \
	  $(VENV)/bin/gunicorn kisha.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
	    --access-logfile - --forwarded-allow-ips=127.0.0.1

lint: venv
	$(VENV)/bin/ruff check kisha tests bench
	$(VENV)/bin/ruff format --check kisha tests bench
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v 1
	$(PY) manage.py check --fail-level WARNING

# Both databases run at once (docs/architecture.md, "Tests"): PostgreSQL in the background into
# var/test-postgres.log, SQLite in the foreground (shown and kept in var/test-sqlite.log); the
# PostgreSQL output follows when both have ended. They share nothing: SQLite's test database is a
# file of the run's own, each run has its own cache folder, static folder and free ports, and the
# Redis tests use keys of their own. Both run even when one fails (a lint failure still stops
# first); the closing summary names each result and its pytest line, and the exit status fails
# if either failed. TEST_SERIAL=1 runs them one after the other instead.
TEST_SERIAL ?=
test: system venv lint quality-tools
	@set -o pipefail; mkdir -p var; \
	  scripts/test-services.sh >/dev/null; \
	  if [ -n "$(TEST_SERIAL)" ]; then \
	    $(MAKE) --no-print-directory test-sqlite 2>&1 | tee var/test-sqlite.log; sqlite=$$?; \
	    $(MAKE) --no-print-directory test-postgres 2>&1 | tee var/test-postgres.log; postgres=$$?; \
	  else \
	    $(MAKE) --no-print-directory test-postgres >var/test-postgres.log 2>&1 & pg=$$!; \
	    $(MAKE) --no-print-directory test-sqlite 2>&1 | tee var/test-sqlite.log; sqlite=$$?; \
	    wait $$pg; postgres=$$?; \
	    echo; echo "== PostgreSQL (ran alongside SQLite; var/test-postgres.log) =="; \
	    cat var/test-postgres.log; \
	  fi; \
	  echo; echo "== make test: summary =="; \
	  for run in "SQLite sqlite $$sqlite" "PostgreSQL postgres $$postgres"; do \
	    set -- $$run; \
	    line=$$(grep -E '(passed|failed|errors?|skipped|no tests ran).* in [0-9.]+s' var/test-$$2.log | tail -n 1); \
	    if [ "$$3" = 0 ]; then result=passed; else result="FAILED (exit $$3)"; fi; \
	    printf '%-11s %s  %s\n' "$$1" "$$result" "$$line"; \
	  done; \
	  [ "$$sqlite" = 0 ] && [ "$$postgres" = 0 ]

# PYTEST_ARGS narrows a run, e.g. `make test-sqlite PYTEST_ARGS=tests/wire`.
test-sqlite: venv quality-tools
	mkdir -p var artifacts
	eval "$$(scripts/test-services.sh)"; \
	  $(TEST_ENV) $(PY) -m pytest -p no:logging $(PYTEST_ARGS)

test-postgres: venv quality-tools
	mkdir -p var artifacts
	eval "$$(scripts/test-services.sh)"; \
	  $(TEST_ENV) DATABASE_URL=$$KISHA_TEST_DATABASE_URL $(PY) -m pytest -p no:logging $(PYTEST_ARGS)

bench: venv
	KISHA_BENCH=1 scripts/install-system-packages.sh
	eval "$$(scripts/test-services.sh)"; \
	  $(PY) bench/pages.py && \
	  $(PY) bench/pages.py --database-url $${KISHA_TEST_DATABASE_URL%/*}/kisha_bench_pages && \
	  $(PY) bench/rankings.py beacons && \
	  $(PY) bench/rankings.py refresh --database-url $$KISHA_TEST_DATABASE_URL && \
	  $(PY) bench/wire.py && \
	  $(PY) bench/search.py && \
	  $(PY) bench/frontcache.py && \
	  $(PY) bench/distribution.py && \
	  $(PY) bench/distribution.py --database-url $${KISHA_TEST_DATABASE_URL%/*}/kisha_bench_distribution && \
	  $(PY) bench/newsletter.py

# vnu.jar (the Nu Html Checker, tests/seo/test_html.py) and Lighthouse from the npm registry,
# pinned by bench/quality/package-lock.json; a no-op once installed.
quality-tools:
	scripts/install-quality-tools.sh

# Lighthouse 100 in every category and no Nu Html Checker error on the public pages (issue 13);
# slow (about 4 minutes) and not part of `make test`: docs/distribution.md, "Checking quality".
quality: system venv quality-tools
	$(PY) bench/quality.py $(QUALITY_ARGS)

services-stop:
	-[ -f var/pg/PG_VERSION ] && setpriv --reuid=nobody --regid=nogroup --clear-groups \
	  $$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl -D var/pg stop
	-[ -f var/redis-test.pid ] && kill $$(cat var/redis-test.pid)

clean:
	rm -rf $(VENV) var artifacts
