# Shortcuts for developers; the README's two commands call scripts/bootstrap.sh directly.
.PHONY: setup run test lint bench

setup:
	bash scripts/bootstrap.sh setup

run:
	bash scripts/bootstrap.sh run

test:
	bash scripts/bootstrap.sh test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:
	bash scripts/benchmarks.sh
