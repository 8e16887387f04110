# The README's two commands and the install, for a machine with only the Swift toolchain: each
# target first installs the Debian packages it needs (scripts/install-packages.sh, the one list,
# which .ci/run uses too). Where make itself is missing, the scripts are the same commands.
#
#   make run                      # scripts/run.sh: sweep sum fixtures/logs through swift run
#   make test                     # scripts/test.sh: swift test, with the peers it compares against
#   make release                  # scripts/release.sh: static release binary (no Swift runtime needed)
#   make install PREFIX=/usr/local  # scripts/install.sh: bin/sweep, man page, completions
#
# SWIFT_FLAGS goes to swift run/test/build, e.g. `make test SWIFT_FLAGS='--filter SumCommandTests'`.
PREFIX ?= /usr/local
SWIFT_FLAGS ?=

.PHONY: run test release install

run:
	scripts/run.sh $(SWIFT_FLAGS)

test:
	scripts/test.sh $(SWIFT_FLAGS)

release:
	scripts/release.sh $(SWIFT_FLAGS)

install:
	scripts/install.sh "$(PREFIX)" $(SWIFT_FLAGS)
