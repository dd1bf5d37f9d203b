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

MOD_SRCS   := $(wildcard ngx_maint_module/*.[ch] core/*.[ch])
UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
CFLAGS     ?= -g -O2
# CPPFLAGS and LDFLAGS: none by default; the package build passes
# dpkg-buildflags (hardening: fortify, relro, bindnow) for the admin programs
UNIT_FLAGS := $(CFLAGS) $(WARN) -Icore

# TLS to Redis needs hiredis >= 1.0 with hiredis_ssl (Debian 13; Debian 12
# has 0.14): probed by compiling and linking, unless HIREDIS_SSL=yes|no is
# given.  Without it everything builds and the TLS settings are refused.
HIREDIS_SSL ?= $(shell $(CC) -o /dev/null scripts/hiredis-ssl-probe.c \
                 -lhiredis_ssl -lhiredis -lssl -lcrypto > /dev/null 2>&1 \
                 && echo yes || echo no)
TLS_STAMP  := $(BUILD)/hiredis-ssl.$(HIREDIS_SSL)

# The core (core/: NGINX-free logic, one job a file) is compiled once into
# a static library that maint-admind, maintctl and the unit tests link;
# checks.mk builds an instrumented one for the fuzzers.  Position-
# independent, so its objects could go into a shared object as well.
# The NGINX module does not link it: an addon's sources are compiled by
# nginx's own build with nginx's flags (config lists them), and the
# Debian package builds the module through config alone; an archive built
# out here with other flags cannot be linked into it portably.
# maint_tls.c only with hiredis_ssl; only the daemon uses it.
CORE_SRCS  := $(filter-out core/maint_tls.c,$(wildcard core/*.c))
ifeq ($(HIREDIS_SSL),yes)
CORE_SRCS  += core/maint_tls.c
endif
CORE_HDRS  := $(wildcard core/*.h)
CORE_OBJS  := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))
CORE_LIB   := $(BUILD)/libmaint_core.a
CORE_FLAGS := $(CFLAGS) $(WARN) -fPIC -D_GNU_SOURCE -Icore

# the admin API daemon and maintctl share the NGINX-free logic
ADMIN_SRCS := $(wildcard admin-api/*.c admin-api/*/*.c)
ADMIN_HDRS := $(wildcard admin-api/*.h admin-api/*/*.h)
CTL_SRCS   := $(wildcard maintctl/*.c)
CTL_HDRS   := $(wildcard maintctl/*.h)
ADMIN_FLAGS := $(CFLAGS) $(WARN) -D_GNU_SOURCE -Iadmin-api -Icore
ADMIN_LIBS := -lmicrohttpd -lgnutls -lhiredis -ljansson -lcurl -lical -lcrypto

ifeq ($(HIREDIS_SSL),yes)
ADMIN_FLAGS += -DMAINT_HAVE_HIREDIS_SSL=1
ADMIN_LIBS  := -lmicrohttpd -lgnutls -lhiredis_ssl -lhiredis -ljansson -lcurl -lical -lssl -lcrypto
endif
ADMIND     := $(BUILD)/maint-admind
MAINTCTL   := $(BUILD)/maintctl

MODULES_DIR ?= /usr/lib/nginx/modules
PREFIX      ?= /usr/local

.PHONY: all module core unit admin install clean

all: module admin unit

module: $(MODULE)

# which way the build went, as a file: a change of HIREDIS_SSL rebuilds
$(TLS_STAMP):
	mkdir -p $(BUILD)
	rm -f $(BUILD)/hiredis-ssl.*
	touch $@

# config lists the files of these folders: a file added or removed (the
# folder's time changes) configures again.  "core/.", the folder: "core"
# is the phony target of the core library, always out of date, which made
# every make configure NGINX again (and a test reading build/nginx meanwhile
# found it half made)
$(NGX_BUILD)/objs/Makefile: config ngx_maint_module/. core/. \
                          $(NGINX_SRC)/conf_flags \
                          $(TLS_STAMP)
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGINX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags \
	    && NGX_MAINT_HIREDIS_SSL=$(HIREDIS_SSL) \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	    --with-cc-opt="$(NGX_CC_OPT) $(WARN) $(MOD_SAN)" \
	    --with-ld-opt="$(NGX_LD_OPT) $(MOD_SAN)" \
	    --add-dynamic-module=$(CURDIR) > configure.log 2>&1 \
	    || { cat configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/objs/Makefile $(MOD_SRCS)
	$(MAKE) -s -C $(NGX_BUILD) -f objs/Makefile modules
	@# a new file, renamed into place: running workers keep the old one
	cp $(NGX_BUILD)/objs/ngx_maint_module.so $@.tmp && mv -f $@.tmp $@

core: $(CORE_LIB)

$(BUILD)/core/%.o: core/%.c $(CORE_HDRS) $(TLS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CORE_FLAGS) -c -o $@ $<

# rebuilt whole: a core file removed leaves no stale member behind
$(CORE_LIB): $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

admin: $(ADMIND) $(MAINTCTL)

# the OpenAPI document, served by the daemon, as a C string
$(BUILD)/openapi.c: admin-api/openapi.json
	@mkdir -p $(BUILD)
	{ echo '/* generated from admin-api/openapi.json */'; \
	  echo 'const char admin_openapi_json[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

# the commit script (admin-api/store/commit.lua), sent by the daemon with
# EVAL (admin-api/store/commit.c), as a C string
$(BUILD)/commit_lua.c: admin-api/store/commit.lua
	@mkdir -p $(BUILD)
	{ echo '/* generated from admin-api/store/commit.lua */'; \
	  echo 'const char adm_commit_lua[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

# the admin page (admin-api/web/: text files only), as C strings: the
# daemon serves them from memory (admin-api/http/web.c)
WEB_FILES  := $(sort $(wildcard admin-api/web/*.html admin-api/web/*.css \
                admin-api/web/*.js admin-api/web/*.svg))

$(BUILD)/web_assets.c: $(WEB_FILES) Makefile
	@mkdir -p $(BUILD)
	{ echo '/* generated from admin-api/web/ */'; \
	  echo '#include "http/web.h"'; n=0; \
	  for f in $(WEB_FILES); do \
	    echo "static const char web_$$n[] ="; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $$f; \
	    echo ';'; n=$$((n + 1)); \
	  done; \
	  echo 'const adm_asset_t adm_web_assets[] = {'; n=0; \
	  for f in $(WEB_FILES); do \
	    echo "    { \"$${f##*/}\", web_$$n, sizeof(web_$$n) - 1 },"; \
	    n=$$((n + 1)); \
	  done; \
	  echo '    { NULL, NULL, 0 }'; echo '};'; \
	  echo "const size_t adm_web_nassets = $$n;"; } > $@

$(ADMIND): $(ADMIN_SRCS) $(ADMIN_HDRS) $(CORE_HDRS) $(CORE_LIB) \
           $(BUILD)/openapi.c $(BUILD)/commit_lua.c $(BUILD)/web_assets.c \
           $(TLS_STAMP)
	$(CC) $(CPPFLAGS) $(ADMIN_FLAGS) $(LDFLAGS) -o $@ $(ADMIN_SRCS) \
	    $(BUILD)/openapi.c $(BUILD)/commit_lua.c $(BUILD)/web_assets.c \
	    $(CORE_LIB) $(ADMIN_LIBS)

# maintctl's version is the daemon's: one number, in admin-api/config.h
CTL_VERSION := $(shell sed -n \
                 's/^\#define ADM_VERSION *"\(.*\)"$$/\1/p' admin-api/config.h)

$(MAINTCTL): $(CTL_SRCS) $(CTL_HDRS) $(CORE_HDRS) $(CORE_LIB) \
             admin-api/config.h
	$(CC) $(CPPFLAGS) $(ADMIN_FLAGS) $(LDFLAGS) -Imaintctl \
	    -DCTL_VERSION='"$(CTL_VERSION)"' -o $@ \
	    $(CTL_SRCS) $(CORE_LIB) -lcurl -ljansson -lcrypto

unit: $(UNIT_TESTS)

# the admin API's NGINX- and I/O-free parts, unit-tested with the core
ADMIN_PURE := $(addprefix admin-api/,model/window.c model/times.c \
                model/settings.c model/snapshot.c model/ical.c \
                model/window_ical.c model/webhook_sign.c model/recur.c \
                model/series.c model/precheck.c model/text.c \
                config.c log.c \
                model/bodies.c model/notify.c model/events.c http/auth.c \
                notify/backoff.c notify/email.c)

$(BUILD)/tests/%: tests/%.c $(CORE_LIB) $(ADMIN_PURE) $(ADMIN_HDRS) \
                  admin-api/http/routes.def admin-api/openapi.json \
                  $(CORE_HDRS) tests/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_FLAGS) -D_GNU_SOURCE -Iadmin-api -Iadmin-api/http \
	    -o $@ $< $(ADMIN_PURE) $(CORE_LIB) -lcmocka -lhiredis -ljansson \
	    -lical -lcrypto

install: $(MODULE) $(ADMIND) $(MAINTCTL)
	install -D -m 644 $(MODULE) $(DESTDIR)$(MODULES_DIR)/ngx_maint_module.so
	install -D -m 755 $(ADMIND) $(DESTDIR)$(PREFIX)/sbin/maint-admind
	install -D -m 755 $(MAINTCTL) $(DESTDIR)$(PREFIX)/bin/maintctl

clean:
	rm -rf $(BUILD)

# sanitizer and valgrind runs, fuzzing: checks.mk
include checks.mk
