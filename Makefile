# dane-harness - build, test and install.
#
#   make            build everything into build/ (CLI: build/dane-harness)
#   make run        install missing packages, build, run the whole catalog
#                   against the reference client, Postfix and Exim
#   make check      install missing packages, build, run all tests
#                   (unit + integration, then again under ASan/UBSan)
#   make deps       install the Debian packages the project needs, unpack Exim (as root)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
#
# Libraries are found with pkg-config.  Warnings are errors.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBEXEC ?= $(PREFIX)/libexec/dane-harness
DATADIR ?= $(PREFIX)/share/dane-harness

CC      ?= cc
B       ?= build
CFLAGS  ?= -O2 -g
SAN     ?=
WARN     = -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE
PKG_CFLAGS := $(shell pkg-config --cflags openssl libunbound ldns jansson \
                      libevent libevent_openssl 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -Iharness -I$(B) -MMD -MP \
             -DSCENARIO_DIR=\"$(CURDIR)/scenarios\" -DDH_DATA_DIR=\"$(CURDIR)\"
LDFLAGS ?=

LIBS_HARNESS  := $(shell pkg-config --libs openssl libunbound ldns jansson 2>/dev/null)
LIBS_FAKEMX   := $(shell pkg-config --libs openssl libevent libevent_openssl jansson 2>/dev/null)
LIBS_REFCLIENT:= $(shell pkg-config --libs openssl libunbound 2>/dev/null)
LIBS_CHECK    := $(shell pkg-config --libs check 2>/dev/null)

# The orchestrator: every harness/*.c except main.c is also linked into the
# unit tests.
HARNESS_LIB_SRC := $(filter-out harness/main.c,$(wildcard harness/*.c))
HARNESS_LIB_OBJ := $(HARNESS_LIB_SRC:%.c=$(B)/obj/%.o)
# Diagnostics, memory, buffers, files: linked into all three programs.
COMMON_SRC      := $(wildcard harness/common/*.c)
COMMON_OBJ      := $(COMMON_SRC:%.c=$(B)/obj/%.o)
FAKEMX_SRC      := $(wildcard harness/fakemx/*.c)
FAKEMX_LIB_OBJ  := $(filter-out $(B)/obj/harness/fakemx/fakemx_main.o,$(FAKEMX_SRC:%.c=$(B)/obj/%.o))
REFCLIENT_SRC   := $(wildcard harness/refclient/*.c)
REFCLIENT_LIB_OBJ := $(filter-out $(B)/obj/harness/refclient/refclient_main.o,$(REFCLIENT_SRC:%.c=$(B)/obj/%.o))
# An adapter is a file harness/adapters/NAME, or a folder harness/adapters/NAME/
# holding the executable NAME and what it runs (built as adapters/NAME plus
# adapters/NAME.d, a link to the folder; installed as a copy).
ADAPTER_DIRS    := $(patsubst harness/adapters/%/,%,$(wildcard harness/adapters/*/))
ADAPTERS        := $(filter-out $(ADAPTER_DIRS),$(notdir $(filter-out %.expectations,$(wildcard harness/adapters/*))))
EXPECTATIONS    := $(wildcard harness/adapters/*.expectations)
CHECK_SRC       := $(wildcard tests/check_*.c)
CHECK_BIN       := $(CHECK_SRC:tests/%.c=$(B)/tests/%)

PROGRAMS := $(B)/dane-harness $(B)/dane-fakemx $(B)/dane-smtp-send

.PHONY: all run check unit integration sanitize deps install clean bench

all: $(PROGRAMS) $(ADAPTERS:%=$(B)/adapters/%) $(ADAPTER_DIRS:%=$(B)/adapters/%.d) $(CHECK_BIN)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The source revision a certification record names (harness/record.c):
# the commit, "-dirty" when tracked files differ from it, "" outside a
# git checkout.  Rewritten only when it changes.
SOURCE_REVISION := $(shell r=$$(git -C "$(CURDIR)" rev-parse --verify -q HEAD 2>/dev/null) && \
	{ git -C "$(CURDIR)" diff --quiet HEAD -- 2>/dev/null || r=$$r-dirty; echo $$r; })
$(B)/revision.h: FORCE
	@mkdir -p $(B)
	@echo '#define DH_SOURCE_REVISION "$(SOURCE_REVISION)"' >$@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
$(B)/obj/harness/record.o: $(B)/revision.h
.PHONY: FORCE
FORCE:

$(B)/dane-harness: $(B)/obj/harness/main.o $(HARNESS_LIB_OBJ) $(COMMON_OBJ)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS_HARNESS)

$(B)/dane-fakemx: $(FAKEMX_SRC:%.c=$(B)/obj/%.o) $(COMMON_OBJ)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS_FAKEMX)

$(B)/dane-smtp-send: $(REFCLIENT_SRC:%.c=$(B)/obj/%.o) $(COMMON_OBJ)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS_REFCLIENT)

$(B)/adapters/%: harness/adapters/%
	@mkdir -p $(dir $@)
	cp $< $@ && chmod 755 $@

define adapter_dir
$(B)/adapters/$(1).d: harness/adapters/$(1)/$(1)
	@mkdir -p $$(dir $$@)
	ln -sfn $(CURDIR)/harness/adapters/$(1) $$@
	cp $$< $(B)/adapters/$(1) && chmod 755 $(B)/adapters/$(1)
endef
$(foreach a,$(ADAPTER_DIRS),$(eval $(call adapter_dir,$(a))))

# Unit tests link the module under test from whichever program owns it.
$(B)/tests/check_%: $(B)/obj/tests/check_%.o $(HARNESS_LIB_OBJ) $(FAKEMX_LIB_OBJ) $(REFCLIENT_LIB_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LIBS_CHECK) $(LIBS_HARNESS) $(LIBS_FAKEMX) $(LIBS_REFCLIENT)

deps:
	@ci/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@ci/run-catalog.sh

check: deps
	@$(MAKE) --no-print-directory all
	@ci/check.sh

unit: all
	@ci/check.sh unit

integration: all
	@ci/check.sh integration

bench: all
	@bench/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXEC)/adapters $(DESTDIR)$(DATADIR)/scenarios \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/dane-harness $(B)/dane-smtp-send $(DESTDIR)$(BINDIR)/
	install -m 755 $(B)/dane-fakemx $(DESTDIR)$(LIBEXEC)/
	ln -sf $(BINDIR)/dane-smtp-send $(DESTDIR)$(LIBEXEC)/dane-smtp-send
	install -m 755 $(ADAPTERS:%=$(B)/adapters/%) $(foreach a,$(ADAPTER_DIRS),harness/adapters/$(a)/$(a)) $(DESTDIR)$(LIBEXEC)/adapters/
	for a in $(ADAPTER_DIRS); do rm -rf $(DESTDIR)$(LIBEXEC)/adapters/$$a.d && \
		cp -rL harness/adapters/$$a $(DESTDIR)$(LIBEXEC)/adapters/$$a.d; done
	install -m 644 scenarios/*.scn scenarios/requirements.tsv $(DESTDIR)$(DATADIR)/scenarios/
	install -d $(DESTDIR)$(DATADIR)/certs $(DESTDIR)$(DATADIR)/zones
	install -m 644 certs/personas.conf certs/README.md $(DESTDIR)$(DATADIR)/certs/
	install -m 644 zones/*.zone zones/README.md $(DESTDIR)$(DATADIR)/zones/
	install -d $(DESTDIR)$(DATADIR)/expectations
	install -m 644 $(EXPECTATIONS) $(DESTDIR)$(DATADIR)/expectations/
	install -m 644 docs/dane-smtp-send.1 docs/dane-harness.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- fake MX: fuzz targets and load generator (tests/fuzz.sh, ----------
# ---- bench/fakemx-load.sh); nothing else below this line -------------
FUZZ_CC      ?= clang-14
FUZZ_FLAGS   ?= -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_TARGETS := fuzz_smtp_cmd fuzz_hello fuzz_conf fuzz_session
FUZZ_LIB_SRC := $(filter-out harness/fakemx/fakemx_main.c,$(FAKEMX_SRC)) $(COMMON_SRC)

.PHONY: fuzz
fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/%)

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) $(wildcard harness/fakemx/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) $(PKG_CFLAGS) -Iharness -o $@ $< \
		$(FUZZ_LIB_SRC) $(LIBS_FAKEMX)

$(B)/fakemx-load: bench/fakemx_load.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -o $@ $< \
		$(shell pkg-config --libs openssl 2>/dev/null)
# ---- end of the fake MX block -----------------------------------------
