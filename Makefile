# faultline — top-level build. `make` builds ./faultline; `make test` runs every test;
# `make bench` runs the benchmarks. Objects go to build/<variant>/.
VARIANT ?= release
CC      ?= gcc
ifeq ($(VARIANT),release)
  OPT := -O2 -g
else ifeq ($(VARIANT),debug)
  OPT := -O0 -g3 -DFAULTLINE_DEBUG
else ifeq ($(VARIANT),asan)
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
  LDOPT := -fsanitize=address,undefined
endif
B        := build/$(VARIANT)
CFLAGS   := -std=gnu11 $(OPT) -Wall -Wextra -Wno-unused-parameter -I. -I/usr/include/capstone $(EXTRA_CFLAGS)
LDLIBS   := -lfdt -lelf -lcapstone -lm
CROSS    ?= aarch64-linux-gnu-

LIB_SRCS := $(filter-out machine/main.c,$(wildcard cpu/*.c mmu/*.c smmu/*.c gic/*.c hv/*.c machine/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
LIB      := $(B)/libfaultline.a
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)

.PHONY: all deps debug asan test unit guests diff bench bench-dma run demo clean
all: deps faultline

include tools/Makefile.inc

deps:
	@sh tools/deps.sh build

faultline: $(B)/faultline
	@cp $< $@.tmp && mv -f $@.tmp $@

$(B)/faultline: $(B)/machine/main.o $(LIB)
	$(CC) $(LDOPT) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d) $(B)/machine/main.d

debug:
	$(MAKE) VARIANT=debug faultline-debug
faultline-debug: build/debug/faultline
	cp $< $@.tmp && mv -f $@.tmp $@
asan:
	$(MAKE) VARIANT=asan faultline-asan
faultline-asan: build/asan/faultline
	cp $< $@.tmp && mv -f $@.tmp $@

# ---- tests -------------------------------------------------------------------------------
$(B)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDOPT) -MMD -MP -MF $@.d -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# the unit tests' fixture headers (cpu_fixture.h, hv_fixture.h, ...) are dependencies too
-include $(UNIT_BINS:=.d)

# the FP differential unit test loads Unicorn with dlopen (see the test)
$(B)/tests/unit/test_fp_unicorn: LDLIBS += -ldl

unit: $(UNIT_BINS) $(B)/tests/scenarios/trace-facts

# The scenarios' trace reader (tests/scenarios/): built with the unit tests.
$(B)/tests/scenarios/trace-facts: tests/scenarios/trace-facts.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDOPT) -o $@ $< $(LIB) $(LDLIBS)

# The seed scenarios (tests/scenarios/README.md): bare-metal guests under each MMIO policy,
# facts read back from the trace stream and asserted; prints a table.
.PHONY: scenarios
scenarios:
	@$(MAKE) -s faultline guests $(B)/tests/scenarios/trace-facts $(B)/tools/faultline-trace
	@sh tests/scenarios/run-suite.sh

guests:
	@$(MAKE) -s -C tests/guest CROSS=$(CROSS)

diff: $(B)/tests/diff/difftest
$(B)/tests/diff/difftest: $(wildcard tests/diff/*.c tests/diff/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDOPT) -o $@ $(wildcard tests/diff/*.c) $(LIB) $(LDLIBS) -lunicorn -lpthread

test:
	@sh tools/deps.sh test
	@$(MAKE) -s faultline unit diff guests
	@sh tests/run.sh

bench:
	@sh tools/deps.sh bench
	@$(MAKE) -s faultline guests
	@sh tests/bench/run.sh

# Translated DMA throughput through the SMMU model (issue 8): a host program on libfaultline,
# tests/bench/bench_dma.c; prints a table (BENCH_DMA_RUNS, BENCH_DMA_SECONDS).
.PHONY: bench-dma
bench-dma: $(B)/tests/bench/bench_dma
	@$(B)/tests/bench/bench_dma
$(B)/tests/bench/bench_dma: tests/bench/bench_dma.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDOPT) -o $@ $< $(LIB) $(LDLIBS)

# The main job: boot Debian's arm64 kernel to an interactive busybox shell (fetched with
# tools/fetch-guest.sh on first use). Ctrl-A x quits, as in QEMU.
run:
	@sh tools/deps.sh guest
	@$(MAKE) -s faultline
	@sh tools/run-debian.sh

# The bare-metal demo guest: prints through the PL011 and powers off.
demo:
	@sh tools/deps.sh guest
	@$(MAKE) -s faultline guests
	./faultline -M virt -nographic -kernel tests/guest/build/demo.elf

clean:
	rm -rf build faultline faultline-debug faultline-asan
	@$(MAKE) -s -C tests/guest clean 2>/dev/null || true

# ---- Debian guest (issue 5) -----------------------------------------------------------------
.PHONY: test-linux bench-boot run-linux
test-linux: faultline
	@sh tests/linux/run-suite.sh
bench-boot: faultline
	@sh tools/deps.sh bench
	@sh tools/fetch-guest.sh
	@sh tests/bench/boot.sh
run-linux: run
