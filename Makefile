# Flotilla: the two commands a new user needs, and a few more.
#   make demo   build, boot a 3-machine cluster of real systemd machines, show flotctl list-machines
#   make test   the whole test suite (unit, real etcd, real systemd machines), as CI runs it
#   make check  the unit tests only (no etcd, no machines): a minute or two
SHELL := /bin/bash
MVN ?= mvn -B -ntp
CLUSTER := test-vms/cluster
DIST := packaging/target/flotilla/flotilla

.PHONY: demo test check lint setup dist down clean bench

setup:
	test-vms/setup-host

dist: setup
	$(MVN) -q package -DskipTests

demo: dist
	$(CLUSTER) up 3
	@echo
	@echo '$$ test-vms/cluster exec m1 flotctl list-machines'
	@$(CLUSTER) exec m1 /opt/flotilla/bin/flotctl list-machines
	@echo
	@echo 'The cluster keeps running. Try: test-vms/cluster status | test-vms/cluster leader | make down'

test: setup lint
	$(MVN) verify

# Tests tagged etcd, systemd or functional need a real etcd or machines; the rest are pure logic.
check:
	$(MVN) -q test -pl '!bench,!test-vms,!packaging' -Dflotilla.skipFunctional '-Dgroups=!etcd & !functional & !systemd'

# Every shell script in the tree: the ones git knows whose first line names a shell.
lint:
	@git ls-files | while read -r f; do head -n1 "$$f" 2>/dev/null | grep -qE '^#!.*\b(ba)?sh\b' && echo "$$f"; done | xargs -r shellcheck --severity=warning

down:
	$(CLUSTER) down

clean:
	-$(CLUSTER) down
	$(MVN) -q clean

# The benchmarks at full size (1,000 simulated machines, 10,000 units against a real etcd); prints a table.
bench: setup
	bench/run
