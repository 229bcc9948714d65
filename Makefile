# Medic's build, install and test entry points. `make test` is what CI runs; it installs what it needs.
SWIFT ?= swift
APT_PACKAGES := make libedit-dev zlib1g-dev graphviz python3-venv libcurl4-openssl-dev asciinema tmux dpkg-dev man-db openssh-server openssh-client

# Where `make install` puts things: PREFIX/bin/medic, PREFIX/share/man/man1/medic.1, the shell
# completions, and the shipped runbooks in PREFIX/share/medic/runbooks (where `medic` looks for
# a runbook given by name). DESTDIR is prepended to every path, for packaging.
PREFIX ?= /usr/local
DESTDIR ?=
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d

VERSION := $(shell sed -n 's/.*static let current = "\(.*\)"/\1/p' Sources/MedicCLI/MedicCommand.swift)
DIST := .build/dist
RELEASE_BIN := .build/release/medic

.PHONY: all build release test check deps lint unit e2e scenarios schema bench clean \
	yaml install uninstall man completions deb deb-test install-test try-check

all: build

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib --product medic

## Install the system packages building and the tests use (Debian; needs root). Skips what is present.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift Plugins

unit:
	$(SWIFT) build --build-tests
	$(SWIFT) test

## The quick loop while editing: lint, the Swift tests but the YAML fuzzing (the lab's are skipped
## without MEDIC_LAB_TESTS=1; `make test` runs both), and the shipped runbooks against their scenarios.
check:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift Plugins
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip YAMLFuzzTests
	.build/debug/medic validate runbooks/*.yaml
	.build/debug/medic test runbooks --require-full-coverage

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

## Medic's YAML reader against PyYAML over every shipped runbook and scenario and a generated corpus.
yaml:
	SWIFT=$(SWIFT) bash Tests/yaml/differential.sh

## Every test: lint, Swift tests, shipped runbooks and their scenarios, the JSON Schema, the YAML
## reader against PyYAML, the installed files and the Debian package, end to end.
test: deps lint scenarios schema yaml unit install-test deb-test e2e

## The man page, from the command line's own definitions (ArgumentParser's generate-manual plugin
## reads `medic --experimental-dump-help`; the debug build is enough, the help is the same).
man: build
	$(SWIFT) package generate-manual --configuration debug --section 1 --authors "the Medic authors" >/dev/null
	mkdir -p $(DIST)
	cp .build/plugins/GenerateManual/outputs/medic/medic.1 $(DIST)/medic.1

## Completion scripts, written by the binary itself: subcommands, options, runbook names on the
## search path and, after --scenario, the scenarios of the runbook on the line.
completions: build
	mkdir -p $(DIST)/completions
	.build/debug/medic --generate-completion-script bash >$(DIST)/completions/medic.bash
	.build/debug/medic --generate-completion-script zsh >$(DIST)/completions/_medic
	.build/debug/medic --generate-completion-script fish >$(DIST)/completions/medic.fish

install: release man completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(BASH_COMPLETION_DIR) \
		$(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR) $(DESTDIR)$(PREFIX)/share/medic/runbooks
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/medic
	install -m 644 $(DIST)/medic.1 $(DESTDIR)$(PREFIX)/share/man/man1/medic.1
	install -m 644 $(DIST)/completions/medic.bash $(DESTDIR)$(BASH_COMPLETION_DIR)/medic
	install -m 644 $(DIST)/completions/_medic $(DESTDIR)$(ZSH_COMPLETION_DIR)/_medic
	install -m 644 $(DIST)/completions/medic.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/medic.fish
	install -m 644 runbooks/*.yaml $(DESTDIR)$(PREFIX)/share/medic/runbooks/
	for d in runbooks/*.scenarios; do \
		install -d $(DESTDIR)$(PREFIX)/share/medic/$$d && install -m 644 $$d/*.yaml $(DESTDIR)$(PREFIX)/share/medic/$$d/; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/medic $(DESTDIR)$(PREFIX)/share/man/man1/medic.1 $(DESTDIR)$(BASH_COMPLETION_DIR)/medic \
		$(DESTDIR)$(ZSH_COMPLETION_DIR)/_medic $(DESTDIR)$(FISH_COMPLETION_DIR)/medic.fish
	rm -rf $(DESTDIR)$(PREFIX)/share/medic

## A Debian package of the tree (dpkg-deb): the same files as `make install PREFIX=/usr`, with
## the shared libraries the binary links against as dependencies (dpkg-shlibdeps) and libcurl4
## recommended (the https probe opens it at run time).
deb:
	bash packaging/build-deb.sh

## CI: install the package, use it from another directory, remove it (needs root).
deb-test: deb
	bash packaging/test-deb.sh

## CI: `make install` into a scratch prefix, and use what it installed from another directory.
install-test:
	bash packaging/test-install.sh

## CI: the README's first command, unattended (`lab/try --check`): it installs, builds, starts the
## lab's OOM incident (or the fallback) and walks it with --yes, checking the conclusion.
try-check:
	lab/try --check

bench:
	bash bench/validate-shipped.sh
	bash bench/validate-large.sh
	bash bench/journal.sh
	bash bench/run.sh
	bash bench/oom-vs-script.sh
	bash bench/lab-memory.sh
	bash bench/screen-lines.sh
	bash bench/log-window.sh
	bash bench/ssh-fanout.sh

clean:
	rm -rf .build bench/out
