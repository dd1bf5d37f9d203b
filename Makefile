# ngx_maint build.  `make` builds the module against Debian's nginx-dev tree
# (configured with the same flags as Debian's nginx binary, so the .so loads
# into it) and the C unit tests.  scripts/test.sh runs everything.

SHELL      := /bin/bash

NGINX_SRC  ?= /usr/share/nginx/src
BUILD      ?= build
NGX_BUILD  := $(BUILD)/nginx
MODULE     := $(BUILD)/ngx_maint_module.so

# Debian's compiler and linker options for its nginx, from `nginx -V`.

NGX_CC_OPT := $(shell nginx -V 2>&1 | sed -n "s/.*--with-cc-opt='\([^']*\)'.*/\1/p")
NGX_LD_OPT := $(shell nginx -V 2>&1 | sed -n "s/.*--with-ld-opt='\([^']*\)'.*/\1/p")
WARN       := -Wall -Wextra -Wno-unused-parameter -Werror

CORE_SRCS  := $(addprefix ngx_maint_module/,maint_core.c maint_snapshot.c \
                maint_eval.c maint_template.c maint_default_page.c)
MOD_SRCS   := $(wildcard ngx_maint_module/*.c ngx_maint_module/*.h)
UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
CFLAGS     ?= -g -O2
UNIT_FLAGS := $(CFLAGS) $(WARN) -Ingx_maint_module

MODULES_DIR ?= /usr/lib/nginx/modules

.PHONY: all module unit install clean

all: module unit

module: $(MODULE)

$(NGX_BUILD)/Makefile: config $(NGINX_SRC)/conf_flags
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags && ./configure "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="$(NGX_CC_OPT) $(WARN)" \
	    --with-ld-opt="$(NGX_LD_OPT)" \
	    --add-dynamic-module=$(CURDIR) > configure.log 2>&1 \
	    || { cat configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/Makefile $(MOD_SRCS)
	$(MAKE) -s -C $(NGX_BUILD) -f objs/Makefile modules
	cp $(NGX_BUILD)/objs/ngx_maint_module.so $@

unit: $(UNIT_TESTS)

$(BUILD)/tests/%: tests/%.c $(CORE_SRCS) $(wildcard ngx_maint_module/maint_*.h) tests/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_FLAGS) -o $@ $< $(CORE_SRCS) -lcmocka -ljansson

install: $(MODULE)
	install -D -m 644 $(MODULE) $(DESTDIR)$(MODULES_DIR)/ngx_maint_module.so

clean:
	rm -rf $(BUILD)
