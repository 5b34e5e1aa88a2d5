# The two commands of the README:
#   make demo   set up, then run the demo (studio + bundled relay, or headless without a display)
#   make test   set up with the test tools, then run every check and the whole test suite
PY := .venv/bin/python

.PHONY: demo test setup setup-test check lock clean

demo: setup
	$(PY) -m app demo

test: setup-test
	scripts/run-checks.sh

setup:
	scripts/setup.sh demo

setup-test:
	scripts/setup.sh test

# Only the checks and tests, assuming the setup already ran.
check:
	scripts/run-checks.sh

# Re-pin every Python package after changing dependencies in pyproject.toml.
lock:
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install -q -e '.[dev]'
	{ echo "# Pinned versions of every Python package ShopCast installs (direct and indirect)."; \
	  echo "# Regenerate with: make lock"; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v '^shopcast'; } > requirements/constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf .venv node_modules .pytest_cache .mypy_cache .ruff_cache assets/translations/*.qm
