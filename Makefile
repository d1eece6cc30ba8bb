# Kabinet: `make run` brings the whole system up on this machine; `make test` runs every test
# against the real RabbitMQ and PostgreSQL. Both set up everything they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_SERVER ?= postgresql://postgres@127.0.0.1:5432

# Every service folder present takes part: its package name is kabinet_<folder>.
SERVICES := $(notdir $(wildcard services/*))
COMPONENT_DIRS := $(wildcard libs/* services/* gateway)
UNIT_TESTS := $(wildcard $(addsuffix /tests/unit,$(COMPONENT_DIRS)))
INTEGRATION_TESTS := $(wildcard $(addsuffix /tests/integration,$(COMPONENT_DIRS)))
E2E_TESTS := $(wildcard tests/e2e)
CHAOS_TESTS := $(wildcard tests/chaos)
CHAOS_RESULTS := var/chaos-results.jsonl

.PHONY: run test lint deploy-check unit integration e2e chaos-short chaos install services-up migrate seed reset perf clean help

help:
	@echo "make run    - set up and start every process of every service (prints the demo logins)"
	@echo "make test   - the lint and type gate, then unit, integration (SQLite and PostgreSQL) and end-to-end tests"
	@echo "make lint   - ruff and mypy only"
	@echo "make reset  - drop local data and start from a clean demo city"
	@echo "make perf   - run the benchmarks under tests/perf"
	@echo "make chaos  - every fault scenario (single broker, then a three-node cluster); the table goes to docs/chaos.md"

$(VENV)/.installed: requirements.txt requirements-dev.txt $(wildcard libs/*/pyproject.toml services/*/pyproject.toml gateway/pyproject.toml)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed

services-up:
	@bash scripts/ensure-services.sh
	@# The e2e tests drive Debian's headless Chromium (tests/e2e/test_browser_session.py).
	@bash scripts/ensure-tools.sh chromium

migrate: install
	@set -e; for s in $(SERVICES); do $(PY) -m kabinet_$$s.migrate; done
	@if [ -d gateway/kabinet_gateway ] && [ -f gateway/kabinet_gateway/migrate.py ]; then $(PY) -m kabinet_gateway.migrate; fi

# The demo city travels the real way: consumers declare their queues first, identity seeds and
# its relay publishes, each consumer applies what is queued, then each service seeds its own data.
CONSUMER_SERVICES := $(foreach s,$(filter-out identity,$(SERVICES)),$(if $(wildcard services/$(s)/kabinet_$(s)/consumer.py),$(s)))
SEEDED_SERVICES := $(foreach s,$(filter-out identity,$(SERVICES)),$(if $(wildcard services/$(s)/kabinet_$(s)/seed.py),$(s)))

seed: migrate
	@set -e; for s in $(CONSUMER_SERVICES); do $(PY) -m kabinet_$$s.consumer --declare; done
	@$(PY) -m kabinet_identity.seed
	@$(PY) -m kabinet_identity.relay --drain
	@set -e; for s in $(CONSUMER_SERVICES); do $(PY) -m kabinet_$$s.consumer --until-idle 2; done
	@set -e; for s in $(SEEDED_SERVICES); do $(PY) -m kabinet_$$s.seed; done

run: install services-up
	@$(PY) -m kabinet_kit.broker_definitions load --vhost kabinet
	@# The secret the gateway signs forwarded requests with, made once (KABINET_SECRETS_DIR in local.env).
	@set -a; source deploy/local.env; set +a; $(PY) -m kabinet_kit.gateway_proof init && \
		$(MAKE) --no-print-directory seed
	@echo
	@echo "Kabinet is starting: gateway http://127.0.0.1:$${GATEWAY_PORT:-8080}/api/docs (API docs), identity http://127.0.0.1:8101"
	@echo "Log in: POST http://127.0.0.1:$${GATEWAY_PORT:-8080}/api/identity/auth/token {\"login\": \"teacher1\", \"password\": \"kabinet-demo\"}"
	@echo "Portfolio demo (/api/portfolio): pupil1 or guardian1 - Иван Петров's portfolio (achievements in every state, a dispute, a petition); tutor1 - 5А review queue, class rating with names, class report (classes/{group_id}/report.pdf|.xlsx); school1-admin - petitions and disputes of School No. 1; department - catalogue, coefficients, city ratings"
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile -e deploy/local.env

# The lint and type gate: ruff on everything, mypy strict on the kit and the contracts (see
# pyproject.toml) and checked on the services and the gateway.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy libs/kabinet_kit/kabinet_kit libs/kabinet_contracts/kabinet_contracts
	$(VENV)/bin/mypy $(foreach s,$(SERVICES),services/$(s)/kabinet_$(s)) gateway/kabinet_gateway

test: install lint services-up
	@$(PY) -m kabinet_kit.broker_definitions check
	@$(PY) -m kabinet_kit.broker_definitions load --vhost kabinet-test
	$(MAKE) --no-print-directory deploy-check
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory chaos-short

# The deployable artifacts without a container engine: the wheels (migrations inside, imports
# declared), an installed service migrating SQLite from its wheel, hadolint, the compose file.
deploy-check: install
	$(VENV)/bin/pytest -q tests/deploy

unit: install
	$(VENV)/bin/pytest -q $(UNIT_TESTS)

integration: install
	KABINET_TEST_DB=sqlite $(VENV)/bin/pytest -q $(INTEGRATION_TESTS)
	KABINET_TEST_DB=$(PG_SERVER) $(VENV)/bin/pytest -q $(INTEGRATION_TESTS)

e2e: install
	$(if $(E2E_TESTS),KABINET_TEST_DB=sqlite $(VENV)/bin/pytest -q $(E2E_TESTS),@echo "no end-to-end tests yet")

# The short fault scenarios of the single broker (proxy cuts and delays of the broker and the
# database, processes killed at a fault point, a poison message, a slow handler), on PostgreSQL:
# its connections go through a proxy that can cut them (a SQLite file has none).
chaos-short: install
	$(if $(CHAOS_TESTS),KABINET_TEST_DB=$(PG_SERVER) $(VENV)/bin/pytest -q $(CHAOS_TESTS) -m "not chaos_long",@echo "no fault tests")

# Every fault scenario: the single broker on SQLite (short ones) and PostgreSQL (all, the broker
# restart and alarms once: they touch every vhost), then a three-node cluster with quorum queues.
# Prints the table and saves it in docs/chaos.md; fails if any row lost or doubled a write.
chaos: install services-up
	@$(PY) -m kabinet_kit.broker_definitions load --vhost kabinet-test
	@mkdir -p var && rm -f $(CHAOS_RESULTS)
	@status=0; export CHAOS_RESULTS=$(CHAOS_RESULTS); \
	KABINET_TEST_DB=sqlite $(VENV)/bin/pytest -q $(CHAOS_TESTS) -m "not chaos_long and not cluster" || status=1; \
	KABINET_TEST_DB=$(PG_SERVER) $(VENV)/bin/pytest -q $(CHAOS_TESTS) -m "not cluster" || status=1; \
	KABINET_TEST_DB=$(PG_SERVER) $(VENV)/bin/pytest -q $(CHAOS_TESTS) -m cluster || status=1; \
	echo; $(PY) tests/chaos/report.py $(CHAOS_RESULTS) --write docs/chaos.md || status=1; exit $$status

reset: install services-up
	@# Everything local goes but var/secrets: secrets outlive the city.
	find var -mindepth 1 -maxdepth 1 ! -name secrets -exec rm -rf {} + 2>/dev/null || true
	@# Queued events of the old city would otherwise reach the new one.
	@rabbitmqctl -q delete_vhost kabinet 2>/dev/null || true
	@for db in $$(psql -h 127.0.0.1 -U postgres -Atc "select datname from pg_database where datname like 'kabinet_%'" 2>/dev/null); do \
		psql -h 127.0.0.1 -U postgres -qc "drop database \"$$db\" with (force)"; done
	$(MAKE) --no-print-directory run

perf: install services-up
	@bash scripts/ensure-tools.sh nginx wrk
	@$(PY) -m kabinet_kit.broker_definitions load --vhost kabinet-test
	@for f in tests/perf/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) var
