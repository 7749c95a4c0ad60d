# gongzhi — two commands: `make run` (set up, build, load, serve) and `make test`.
# `make` builds build/gongzhi and the console bundle web/dist.

VERSION  := 0.1.0
CC       ?= gcc
CFLAGS   ?= -O2 -g
WARN     := -std=c17 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CPPFLAGS := -Isrc -D_GNU_SOURCE -DGZ_VERSION='"$(VERSION)"'
LIBS     := -lmicrohttpd -lsqlite3 -ljansson -lsodium -lcsv -lzip -lexpat -lxlsxwriter -lqrencode -lpng -lpthread
# The release server allocates with jemalloc: glibc's malloc made the HTTP threads wait on the
# writer thread's arena lock whenever they freed what it had allocated (a reply built with the
# write), and consolidated its free lists on every larger allocation — docs/performance.md.
# The sanitizer builds keep the sanitizers' own allocator.
RELLIBS  := $(LIBS) -ljemalloc
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
OBJ      := $(SRC:src/%.c=build/obj/%.o)
AOBJ     := $(SRC:src/%.c=build/asan/obj/%.o)
UNIT     := $(patsubst tests/unit/%.c,build/asan/%,$(filter-out tests/unit/testkit.c,$(wildcard tests/unit/test_*.c)))
WEB_SRC  := $(shell find web -type f -not -path 'web/dist/*' 2>/dev/null)

DATA     ?= data
LISTEN   ?= 127.0.0.1:8080

# Fuzzing: libFuzzer targets (tests/fuzz/fuzz_*.c) built with Debian's clang over the same sources.
FUZZ_CC  ?= clang-14
FUZZ_WARN := $(WARN) -Wno-missing-field-initializers # clang also warns on {0} and {NULL} terminators
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FOBJ     := $(SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ     := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
.SECONDARY: $(FOBJ)

.PHONY: all run setup test unit api e2e bench clean web fuzz
all: build/gongzhi web/dist/index.html

build/.setup-done: scripts/setup package.json package-lock.json
	bash scripts/setup
	@mkdir -p build && touch $@
setup: build/.setup-done

build/obj/%.o: src/%.c $(shell find src -name '*.h') | build/.setup-done
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -c $< -o $@

build/asan/obj/%.o: src/%.c $(shell find src -name '*.h') | build/.setup-done
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -c $< -o $@

build/gongzhi: $(OBJ) build/obj/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(RELLIBS)

build/asan/gongzhi: $(AOBJ) build/asan/obj/main.o
	$(CC) -g $(SAN) -o $@ $^ $(LIBS)

web/dist/index.html: $(WEB_SRC) package-lock.json | build/.setup-done
	npx --no-install vite build web --logLevel warn

web: web/dist/index.html

build/fuzz/obj/%.o: src/%.c $(shell find src -name '*.h') | build/.setup-done
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(CPPFLAGS) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FOBJ)
	@echo "  LD      $@"
	@$(FUZZ_CC) $(FUZZ_WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(CPPFLAGS) -o $@ $< $(FOBJ) $(LIBS)

# Each target for FUZZ_SECONDS (default 60) from its seed corpus tests/fuzz/<target>/.
fuzz: $(FUZZ)
	@bash tests/fuzz/run $(FUZZ_SECONDS) keep

# Unit tests: one cmocka binary per module, built with the sanitizers.
build/asan/test_%: tests/unit/test_%.c tests/unit/testkit.c $(AOBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -Itests/unit -o $@ $< tests/unit/testkit.c $(AOBJ) $(LIBS) -lcmocka

unit: $(UNIT)
	@for t in $(UNIT); do echo "== $$t"; ASAN_OPTIONS=detect_leaks=1 $$t || exit 1; done

# API and browser tests run against the sanitizer build of the server.
api: build/asan/gongzhi web/dist/index.html
	GZ_BIN=build/asan/gongzhi node --test --test-concurrency=1 tests/api/

e2e: build/asan/gongzhi web/dist/index.html
	GZ_BIN=build/asan/gongzhi node tests/e2e/serve.js

test: $(UNIT) build/asan/gongzhi web/dist/index.html $(FUZZ)
	@bash tests/run-all

run: all
	./build/gongzhi --data $(DATA) init
	./build/gongzhi --data $(DATA) import places
	./build/gongzhi --data $(DATA) demo
	./build/gongzhi --data $(DATA) serve --listen $(LISTEN) --web web/dist

bench: build/gongzhi
	bash bench/run

clean:
	rm -rf build web/dist
