# Medic's build and test entry points. `make test` is what CI runs; it installs what it needs.
SWIFT ?= swift
APT_PACKAGES := libedit-dev graphviz python3-venv libcurl4-openssl-dev asciinema tmux

.PHONY: all build release test deps lint unit e2e scenarios schema bench clean

all: build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib --product medic

## Install the system packages the tests use (Debian; needs root). Skips what is present.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

unit:
	$(SWIFT) build --build-tests
	$(SWIFT) test

## End-to-end: `medic run runbooks/nginx-502.yaml` against every scenario of the incident lab (lab/),
## at a terminal (tmux) and with --yes; the oom tests need root and a memory cgroup, or show as skipped.
## The filter takes EngineLabTests too: the seed's incident with runtime docker and compose on a real
## Docker engine that lab/up starts (skipped, with the reason, where dockerd cannot start).
e2e: deps
	lab/install
	$(SWIFT) build --build-tests
	MEDIC_LAB_TESTS=1 $(SWIFT) test --skip-build --filter LabTests

scenarios: build
	.build/debug/medic validate runbooks/*.yaml
	.build/debug/medic test runbooks --require-full-coverage

schema:
	bash Tests/schema/check-schema.sh

## Every test: lint, Swift tests, shipped runbooks and their scenarios, the JSON Schema, end to end.
test: deps lint scenarios schema unit e2e

bench:
	bash bench/validate-shipped.sh
	bash bench/validate-large.sh
	bash bench/journal.sh
	bash bench/run.sh
	bash bench/oom-vs-script.sh
	bash bench/lab-memory.sh
	bash bench/screen-lines.sh

clean:
	rm -rf .build bench/out
