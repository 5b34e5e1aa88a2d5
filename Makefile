# Conveniences for developers who have make; the README's commands are ./demo.sh and ./test.sh
# (plain bash, so they work on a fresh Debian without make).
.PHONY: demo test check lock clean

demo:
	./demo.sh

test:
	./test.sh

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
