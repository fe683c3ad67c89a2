# modforge developer entry points. Two commands do all the set-up on a fresh machine:
#   make demo   - venv + install, generate a sample module into scratch/demo and check it
#   make test   - venv + install, lint, and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO := scratch/demo

.PHONY: venv demo test lint bench mutation clean release-prepare release-fixtures release-record trace-screenshot

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "modforge needs Python >= 3.11; run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	@rm -rf $(DEMO) && mkdir -p $(DEMO) && git init -q $(DEMO)
	$(BIN)/modforge new cred-store --monorepo $(DEMO) --defaults --vcs-ref HEAD \
		--data 'description=Stores and rotates tenant credentials for outbound calls' \
		--data persistence=true --data phases=2 \
		--data 'phase_titles=["Credential Storage", "Rotation and Expiry"]' \
		--data owner=@platform-team
	$(BIN)/modforge check $(DEMO)
	@echo
	@echo "Demo module: $(DEMO)/modules/cred-store"
	@echo "  docs:        $(DEMO)/modules/cred-store/docs/"
	@echo "  Step 1:      $(BIN)/modforge prompt intent-design $(DEMO)/modules/cred-store"
	@echo "  check again: $(BIN)/modforge check $(DEMO)"

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -n auto -q

# Mutation testing, module by module, at low priority (shares the machine); reports the score per module.
mutation: venv
	nice -n 10 $(BIN)/python tools/mutation.py

bench: venv
	$(BIN)/python bench/copy.py
	$(BIN)/python bench/check.py
	$(BIN)/python bench/adversarial.py

# docs/trace.png, the trace page of the pipeline fixtures (tests/fixtures/pipeline/) in headless Chromium.
trace-screenshot: venv
	$(BIN)/python scripts/trace_screenshot.py

# Template releases (docs/releasing.md): VERSION=0.3.0, MIGRATION=1 when the release changes files modules have.
release-prepare: venv
	$(BIN)/python scripts/release.py prepare $(VERSION) $(if $(MIGRATION),--migration)

release-fixtures: venv
	$(BIN)/python scripts/release.py fixtures $(VERSION)

release-record: venv
	$(BIN)/python scripts/release.py record $(VERSION)

clean:
	rm -rf $(VENV) scratch bench/out mutants .pytest_cache .ruff_cache .hypothesis
