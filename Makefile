# kstore.platform: the two commands of the README are `make up` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
VENV ?= $(or $(KSTORE_VENV),$(CURDIR)/.venv)
export KSTORE_VENV := $(VENV)
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
INVENTORY ?= inventories/local
SCENARIOS ?= $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

.PHONY: help deps up down destroy audit test lint sanity unit e2e molecule bench bench-memory fault-converge build clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

deps: ## Debian packages and the Python venv (idempotent)
	tools/install-deps

up: deps ## Set everything up and bring the platform up on the local environment
	tools/localenv up
	ansible-playbook playbooks/site.yml -i $(INVENTORY)

destroy: deps ## Remove the local platform (state absent, reverse order)
	tools/localenv up emulator
	ansible-playbook playbooks/destroy.yml -i $(INVENTORY) -e confirm_destroy=kstore

audit: deps ## Audit the local platform (playbooks/audit.yml); JSON report in build/audit.json
	tools/localenv up emulator
	ansible-playbook playbooks/audit.yml -i $(INVENTORY) -e audit_report_path=$(CURDIR)/build/audit.json

down: ## Stop the local environment
	tools/localenv down

test: deps ## The whole test suite: lint, sanity, end-to-end (make up from nothing), pytest, molecule scenarios
	tools/localenv up
	@# lint and sanity are one process each at a time: side by side they use both cores (about 2 minutes less).
	$(MAKE) --no-print-directory -j2 --output-sync=target lint sanity
	@# The end-to-end run and pytest are mostly one ansible-playbook process each: side by side they use both cores.
	$(MAKE) --no-print-directory -j2 --output-sync=target e2e unit
	$(MAKE) --no-print-directory molecule

lint: ## ruff, yamllint, ansible-lint (production profile), shellcheck, checkov + hadolint on the Dockerfiles
	ruff check .
	ruff format --check .
	yamllint --strict .
	ansible-lint --profile production
	shellcheck tools/localenv tools/install-deps tools/molecule-all tools/base-image tests/sanity.sh .ci/run \
		files/prestashop/bin/ps-extract-release files/prestashop/rootfs/usr/local/bin/docker-entrypoint \
		files/prestashop/rootfs/usr/local/bin/ps-install files/mariadb/docker-entrypoint tools/lint-dockerfiles \
		tools/dataplane/mariadb-rds-entrypoint tools/dataplane/redis/redis-entrypoint tools/dataplane/redis/redis-healthcheck
	tools/lint-dockerfiles

sanity: ## ansible-test sanity on the collection
	tests/sanity.sh

unit: ## pytest: modules and filters, emulator fidelity, input validation (against a private emulator)
	pytest

e2e: ## End to end (make up from nothing in a copy, the README's commands, make destroy) and the data plane's tests
	@# tests/dataplane after the end-to-end tests' make up (they need the base image, which it removes on purpose
	@# first and rebuilds): its removal then comes at once, before pytest's own image tests could rebuild it.
	pytest tests/e2e tests/dataplane

molecule: ## Every molecule scenario, MOLECULE_JOBS at a time, each on its own emulator (fails naming failures)
	tools/molecule-all $(SCENARIOS)

bench: deps ## Per tier in site.yml order: create / no-op / --check / absent seconds, changes, AWS requests
	tools/localenv up
	python tools/bench.py $(BENCH_ARGS)

fault-converge: deps ## site.yml's AWS tiers through 25 % throttling + 5 % 5xx on a private emulator: failures, re-run changes, overhead
	python tools/fault_converge.py $(FAULT_ARGS)

bench-memory: ## Memory of the running local platform (data plane containers, emulator, registry, engine), MiB
	python tools/bench_memory.py

build: ## The collection tarball
	ansible-galaxy collection build --force --output-path build/

clean:
	rm -rf build .pytest_cache .ruff_cache
