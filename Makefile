# Eldercare platform: the commands a new user runs. See README.md.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CITY ?= jiangmen
SCALE ?= 0.01
SEED ?= 1
DEV_ENV := DEBUG=true CITY_PROFILE=$(CITY)
PYTEST_ARGS ?=

.PHONY: install demo serve test fuzz lint typecheck e2e bench bench-smoke load messages check clean manuals

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_divisions
	$(DEV_ENV) $(PY) manage.py load_profiles
	$(DEV_ENV) $(PY) manage.py load_instruments
	$(DEV_ENV) $(PY) manage.py demo_city --city $(CITY) --scale $(SCALE) --seed $(SEED) --reset
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops)"
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite; set DATABASE_URL=postgres://… to run it on PostgreSQL.
test: install
	$(PY) -m pytest -n 2 -q -m "not e2e" $(PYTEST_ARGS)

# A longer, randomised schemathesis run over every API operation and role (make test runs a bounded one).
FUZZ_EXAMPLES ?= 10
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_RANDOM=1 $(PY) -m pytest -q -s -m fuzz -p no:xdist $(PYTEST_ARGS)

e2e: install
	$(PY) -m pytest -q -m e2e -p no:xdist $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check eldercare

typecheck: install
	$(VENV)/bin/mypy eldercare

# The benchmark suite (PostgreSQL; needs Redis for emergency_alarms). BENCH_SCALE=1 is the city figures.
BENCH_SCALE ?= 1
bench: install
	$(PY) -m bench --scale $(BENCH_SCALE)

bench-smoke: install
	$(PY) -m bench --scale 0.01

# Load test: locust against daphne on loopback at 100 and 500 requests/s (bench/load/README in bench/README.md).
load: install
	$(PY) -m pip install --quiet -e ".[load]"
	$(PY) -m bench.load

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en --ignore ".venv/*" --no-obsolete
	$(PY) -m eldercare.core.i18n_compile

# The Chinese manuals (docs/manual) as static HTML + PDF in build/manuals, served under /docs/.
# Screenshots come from the last `make e2e` run (e2e-screenshots/); missing ones show a placeholder.
manuals: install
	DEBUG=true $(PY) manage.py build_manuals

check: lint typecheck test

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
