# imgtool: one non-recursive makefile.
#
# Targets
#   all        build ./imgtool (default)
#   check      install missing deps, build, run every test suite (unit, CLI,
#              interop with qemu-img, bad input under ASan+UBSan, fuzz smoke);
#              ends with "N passed, M failed"
#   demo       install missing deps, build, run a short real workflow
#   deps       install missing build and test dependencies (apt-get)
#   install    install imgtool and man pages under $(DESTDIR)$(PREFIX)
#   bench      run scripts/bench.sh (imgtool against qemu-img)
#   fuzz       run every fuzz target for FUZZ_TIME seconds (default 60)
#   clean      remove build products
#
# Knobs
#   V=1              show full commands
#   D=asan|ubsan|gcov  build flavour (objects in build/$(D))
#   TEST=glob        run only test suites/cases whose name matches glob
#   PREFIX=/usr/local, DESTDIR=   install location
#   FUZZ_TIME=N      seconds per fuzz target (check uses 10)

PREFIX ?= /usr/local
DESTDIR ?=
FUZZ_TIME ?= 60
CC ?= cc
FUZZ_CC ?= clang

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
LIBS := -ldeflate -lzstd -lz -lpthread

ifeq ($(D),asan)
FLAVOUR_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1
else ifeq ($(D),ubsan)
FLAVOUR_CFLAGS := -fsanitize=undefined -fno-sanitize-recover=all
else ifeq ($(D),gcov)
FLAVOUR_CFLAGS := --coverage -O0
else
FLAVOUR_CFLAGS :=
endif

CFLAGS ?=
ALL_CFLAGS := $(BASE_CFLAGS) $(FLAVOUR_CFLAGS) $(CFLAGS)
B := build/$(if $(D),$(D),default)

LIB_SRCS := \
	src/block-read.c \
	src/block.c \
	src/convert.c \
	src/driver.c \
	src/err.c \
	src/fmt/qcow2/qcow2-bitmap.c \
	src/fmt/qcow2/qcow2-cluster.c \
	src/fmt/qcow2/qcow2-compress.c \
	src/fmt/qcow2/qcow2-create.c \
	src/fmt/qcow2/qcow2-refcount.c \
	src/fmt/qcow2/qcow2-snapshot.c \
	src/fmt/qcow2/qcow2.c \
	src/fmt/qed/qed-table.c \
	src/fmt/qed/qed.c \
	src/fmt/raw.c \
	src/infotree.c \
	src/io-fault.c \
	src/io-mem.c \
	src/io-posix.c \
	src/io.c \
	src/json.c \
	src/luks.c \
	src/opts.c \
	src/size.c \
	src/tcache.c

CMD_SRCS := \
	cmd/common.c \
	cmd/compare.c \
	cmd/convert.c \
	cmd/create.c \
	cmd/info.c \
	cmd/map.c

MAIN_SRC := cmd/imgtool.c

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
HELPER_SRCS := tests/helpers/imgpoke.c
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(B)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(B)/%.o)
LIBIMG := $(B)/libimg.a

ifeq ($(D),)
IMGTOOL := imgtool
else
IMGTOOL := $(B)/imgtool
endif
UNIT_BIN := $(B)/unit-tests
IMGPOKE := $(B)/imgpoke

.PHONY: all check demo deps install bench fuzz clean unit-bin

all: $(IMGTOOL)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(findstring tests/unit,$<),$(CHECK_CFLAGS)) -MMD -MP -c -o $@ $<

$(LIBIMG): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(IMGTOOL): $(MAIN_OBJ) $(CMD_OBJS) $(LIBIMG)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(MAIN_OBJ) $(CMD_OBJS) $(LIBIMG) $(LIBS)

# The unit tests link cmd/imgtool.c too, with its main renamed.
$(B)/cmd/imgtool-nomain.o: cmd/imgtool.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Dmain=imgtool_main -MMD -MP -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(CMD_OBJS) $(B)/cmd/imgtool-nomain.o $(LIBIMG)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(UNIT_OBJS) $(CMD_OBJS) $(B)/cmd/imgtool-nomain.o $(LIBIMG) $(CHECK_LIBS) $(LIBS)

$(IMGPOKE): $(HELPER_SRCS:%.c=$(B)/%.o) $(LIBIMG)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

unit-bin: $(UNIT_BIN) $(IMGPOKE)

# Fuzz targets: clang + libFuzzer, with ASan and UBSan.
FUZZ_B := build/fuzz
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_B)/%)
FUZZ_CFLAGS := -std=gnu11 -g -O1 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_B)/%: tests/fuzz/%.c $(LIB_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(LIBS)

fuzz: deps $(FUZZ_BINS)
	$(Q)FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run.sh $(FUZZ_BINS)

deps:
	$(Q)scripts/install-deps.sh

# The whole suite: the default build, the sanitizer build, fuzz smoke runs.
check: deps
	$(Q)$(MAKE) --no-print-directory all unit-bin
	$(Q)$(MAKE) --no-print-directory D=asan all unit-bin
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)TEST='$(TEST)' FUZZ_TIME=10 tests/run-all.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

bench: all
	$(Q)scripts/bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 imgtool $(DESTDIR)$(PREFIX)/bin/imgtool
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build imgtool

-include $(shell find build -name '*.d' 2>/dev/null)
