# SPDX-License-Identifier: GPL-2.0
# The verbs of README.md.  Each runs one script under scripts/ for TREE
# (default: the first line of 'trees', the newest); 'check' runs everything
# for every tree.  SRC=<git checkout> [BASE=<rev>] [PREFIX=<prefix>]
# makes your own tree the TREE of every verb (scripts/src-tree): the
# checkout is only read.

TREE ?= $(shell bash -c '. scripts/lib.sh && default_tree')
ifneq ($(SRC),)
# Its name, or the one line that says why it is refused.
override TREE := $(shell scripts/src-tree '$(subst ','\'',$(SRC))' '$(subst ','\'',$(BASE))' '$(subst ','\'',$(PREFIX))' 2>&1)
ifneq ($(words $(TREE)),1)
$(error $(TREE))
endif
endif
# The guest machine of the main job: the first row of 'guests'.
MAIN_GUEST := $(shell bash -c '. scripts/lib.sh && default_guest')
S := scripts

# The stages of data/stages that have a make target, each as
# TARGET:PREREQUISITE:STAGE.  Every verb that runs stages is a selection of
# one runner, scripts/devmem.py, with the same accounting each time.
STAGE_TARGETS := $(shell scripts/devmem.py targets)

.PHONY: all deps deps-main audit-config judge export mbox check clean help $(foreach r,$(STAGE_TARGETS),$(firstword $(subst :, ,$(r))))

# The main job: the series on the newest tree, built, and the kselftest run
# in plain and simulated confidential guests, with and without the series,
# on the first guest machine of 'guests' (MAIN_GUEST: x86_64, where TDX and
# SEV live); 'make boot' runs every guest machine.
all: export T0 := $(shell date +%s)
all: deps-main
	$(S)/devmem.py main $(TREE)

# What everything needs (make check), and what the main job needs.
deps:
	$(S)/deps check

deps-main:
	$(S)/deps main

# One stage of the table for $(TREE), after those it needs: 'make lint',
# 'make boot' (its results in build/$(TREE)/STAGE.results).  Each but apply
# runs on the worktree as it stands: commits changed there and not yet
# exported are used, not refused (APPLY_AS_IS, scripts/apply).
define stage_rule
$(if $(filter-out apply,$(3)),$(1): export APPLY_AS_IS := 1)
$(1): export T0 := $$(shell date +%s)
$(1): deps
	$$(S)/devmem.py run $$(TREE) $(3)
endef
$(foreach r,$(STAGE_TARGETS),$(eval $(call stage_rule,$(word 1,$(subst :, ,$(r))),$(word 2,$(subst :, ,$(r))),$(word 3,$(subst :, ,$(r))))))

# What the series does to your configuration: make audit-config CONFIG=file
audit-config: apply
	@test -n "$(CONFIG)" || { echo 'usage: make audit-config CONFIG=<file> [TREE=<tree>]' >&2; exit 2; }
	$(S)/audit-config "$(CONFIG)" $(TREE)

# The verdict on the log of the guest kit (make guest-kit) from your own
# confidential VM: make judge LOG=file (doc/real-hardware.md).
judge:
	@test -n "$(LOG)" || { echo 'usage: make judge LOG=<kit log> [TREE=<tree>]' >&2; exit 2; }
	@$(S)/devmem_kit.py judge $(TREE) "$(LOG)"

# Regenerate series/$(TREE) from the commits in build/$(TREE)/src
# (build/$(TREE)/series with SRC=, applied first).
export: $(if $(SRC),apply)
	$(S)/export $(TREE)

# build/$(TREE)/$(TREE).mbox for git send-email, signed by your user.name
# and user.email (with SRC=, exported first).
mbox: $(if $(SRC),export)
	$(S)/mbox $(TREE)

# T0 as for the main job: check.times' total counts the packages' install.
check: export T0 := $(shell date +%s)
check: deps
	$(S)/devmem.py check $(if $(SRC),$(TREE))

clean:
	rm -rf build

help:
	@echo 'make [TREE=t]          the main job: build TREE (default $(TREE)) and boot the $(MAIN_GUEST) test matrix'
	@echo 'make check             every check on every tree; ends with "N passed, N failed"'
	@bash -c '. scripts/lib.sh && stage_rows make what' | awk -F'\t' '$$1 != "-" { printf "make %-17s %s\n", $$1, $$2 }'
	@echo 'make export TREE=t     series/t from the commits in build/t/src'
	@echo 'make mbox TREE=t       build/t/t.mbox for git send-email, from and signed by your git user.name/user.email'
	@echo 'make audit-config CONFIG=file [TREE=t]   what the series does to your kernel configuration'
	@echo 'make judge LOG=file [TREE=t]   the verdict on a log of the guest kit (make guest-kit) from your own VM'
	@echo 'make ... SRC=dir [BASE=rev] [PREFIX=p]   any verb on your own git checkout (README)'
	@echo "trees: $$(bash -c '. scripts/lib.sh && all_trees' | paste -sd' ')"
