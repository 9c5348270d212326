# The two set-up commands of the README.
#   make demo   install, migrate, load demo content, serve on :8000 with a task worker
#   make test   install, run the whole test suite (PYTEST_ARGS="-m 'not e2e' -q" ...)
PYTEST_ARGS ?=

.PHONY: demo test

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh $(PYTEST_ARGS)
