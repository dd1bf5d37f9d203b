# checks.mk (included by the Makefile): the builds and runs that look for
# memory and undefined-behaviour bugs (docs/reliability.md, "Sanitizers,
# valgrind and fuzzing"):
#
#   make asan            module, daemon, maintctl and unit tests built with
#                        ASan+UBSan into build/asan/
#   make asan-test       that build through the whole suite (Debian's nginx
#                        with the sanitizer runtimes preloaded)
#   make valgrind-test   the suite with nginx and maint-admind under valgrind
#   make fuzz-build      the libFuzzer harnesses (tests/fuzz/) with clang
#   make fuzz-smoke      each harness for FUZZ_SMOKE_SECONDS (default 4)
#   make fuzz            each harness for FUZZ_SECONDS (default 600)
#   make fuzz-replay     each harness over its committed corpus, once

SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer

.PHONY: asan asan-test valgrind-test fuzz-build fuzz-smoke fuzz fuzz-replay

# The same rules into another directory, at the module's -O2 (Debian's
# nginx flags): -O1 would raise other -Werror warnings than the normal build.
asan:
	$(MAKE) -s BUILD=$(BUILD)/asan CFLAGS="-g -O2 $(SAN_FLAGS)" \
	    MOD_SAN="$(SAN_FLAGS)" all

asan-test:
	scripts/test.sh --asan

valgrind-test:
	scripts/test.sh --valgrind


# --- fuzzing (clang's libFuzzer, from Debian's clang and libclang-rt-dev) --

FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined \
                -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
                -D_GNU_SOURCE -Itests/fuzz -Icore -Iadmin-api
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_SECONDS ?= 600

fuzz-build: $(FUZZ_BINS)

# The core once more, instrumented as the harnesses are (fuzzer-no-link:
# coverage without a second main), into build/fuzz/libmaint_core.a; no
# TLS, which no harness reaches.
FUZZ_CORE_SRCS := $(filter-out core/maint_tls.c,$(CORE_SRCS))
FUZZ_CORE_OBJS := $(patsubst core/%.c,$(FUZZ_DIR)/core/%.o,$(FUZZ_CORE_SRCS))
FUZZ_CORE_LIB  := $(FUZZ_DIR)/libmaint_core.a
FUZZ_LIB_FLAGS := $(subst -fsanitize=fuzzer,-fsanitize=fuzzer-no-link,\
                    $(FUZZ_FLAGS))

$(FUZZ_DIR)/core/%.o: core/%.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_LIB_FLAGS) -c -o $@ $<

$(FUZZ_CORE_LIB): $(FUZZ_CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# the admin API's harnesses link its pure parts (Makefile: ADMIN_PURE)
$(FUZZ_DIR)/fuzz_admin_%: tests/fuzz/fuzz_admin_%.c tests/fuzz/fuzz_admin.h \
                          $(FUZZ_CORE_LIB) $(ADMIN_PURE) $(ADMIN_HDRS) \
                          $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(ADMIN_PURE) $(FUZZ_CORE_LIB) \
	    -ljansson -lical -lcrypto

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_CORE_LIB) \
                    $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_CORE_LIB) -lhiredis -ljansson \
	    -lcrypto

# New inputs go to build/fuzz/work/<name>/, crashes to build/fuzz/crash/;
# the committed corpus (tests/fuzz/corpus/<name>/) is only read.  Copy an
# input worth keeping (and every crash, once fixed) into it by hand.  The
# admin API's harnesses take bodies as large as the daemon does (64 KiB).
define fuzz_run
	@mkdir -p $(FUZZ_DIR)/crash
	@set -e; for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_DIR)/work/$$n; \
	    case $$n in admin_*) len=65536 ;; *) len=8192 ;; esac; \
	    echo "fuzz_$$n: $(1) s"; \
	    $(FUZZ_DIR)/fuzz_$$n -max_total_time=$(1) -timeout=10 \
	        -rss_limit_mb=2048 -max_len=$$len -print_final_stats=1 \
	        -dict=tests/fuzz/fuzz.dict \
	        -artifact_prefix=$(FUZZ_DIR)/crash/$$n- \
	        $(FUZZ_DIR)/work/$$n tests/fuzz/corpus/$$n \
	        2> $(FUZZ_DIR)/fuzz_$$n.log \
	    || { tail -60 $(FUZZ_DIR)/fuzz_$$n.log; exit 1; }; \
	    grep -E '^stat::number_of_executed_units' $(FUZZ_DIR)/fuzz_$$n.log; \
	done
endef

fuzz-smoke: fuzz-build
	$(call fuzz_run,$(FUZZ_SMOKE_SECONDS))

fuzz: fuzz-build
	$(call fuzz_run,$(FUZZ_SECONDS))

fuzz-replay: fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
	    $(FUZZ_DIR)/fuzz_$$n tests/fuzz/corpus/$$n/* \
	        > $(FUZZ_DIR)/replay_$$n.log 2>&1 \
	    || { tail -60 $(FUZZ_DIR)/replay_$$n.log; exit 1; }; \
	    echo "fuzz_$$n: $$(ls tests/fuzz/corpus/$$n | wc -l) inputs, no finding"; \
	done
