# Fresh machine with Python 3.11: `make synth` renders the production stack offline,
# `make test` runs every check. Both install what they need into .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= production
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: synth plan install test lint unit policy workflows snapshot bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# The first install takes a minute or two; pip's own lines show its progress.
$(RUNTIME_STAMP): requirements.txt | $(PY)
	@echo "== installing the Pulumi program's runtime into $(VENV) (first run: about a minute)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt $(RUNTIME_STAMP)
	@echo "== installing the test tools into $(VENV) (first run: about a minute)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt
	touch $@

synth: $(RUNTIME_STAMP)
	$(PY) -m tools.synth --stack $(STACK)

install: $(RUNTIME_STAMP)

# What a pull request changes in AWS, offline: `make plan BASE=origin/main` (a git ref or a saved
# `synth --json` file).
BASE ?= origin/main
plan: $(RUNTIME_STAMP)
	@$(PY) -m tools.synth --stack $(STACK) --diff $(BASE)

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# One worker per core: each has its own AWS emulator and caches.
unit: $(DEV_STAMP)
	$(PY) -m pytest -n auto

# The CrossGuard rules, run offline against the synthesized stacks.
policy: $(DEV_STAMP)
	$(PY) -m tools.policy_check --stack production --stack staging

workflows: $(DEV_STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(VENV)/bin/zizmor --offline --config .github/zizmor.yml --min-severity medium .github/workflows/

test: lint unit policy workflows

snapshot: $(RUNTIME_STAMP)
	$(PY) -m tools.synth --stack production --json > tests/snapshots/production.json
	$(PY) -m tools.synth --stack production > tests/snapshots/production.txt

bench: $(DEV_STAMP)
	$(PY) bench/synth.py
	$(PY) bench/manage_secrets.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
