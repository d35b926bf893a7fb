/* tests/guest/smp — four CPUs (-smp 4; runs with gic-version=2 and =3):
 *  - PSCI AFFINITY_INFO reports the secondaries OFF (1), CPU_ON starts them at
 *    rt_secondary_entry (lib/start.S: own stack per MPIDR.Aff0), CPU_ON of a running CPU returns
 *    ALREADY_ON (-4), AFFINITY_INFO then reports ON (0);
 *  - every CPU turns on the MMU with the same identity tables (Normal WB memory, so the
 *    exclusives below are on cacheable shared memory) and its GIC CPU interface;
 *  - each CPU prints its MPIDR in Aff0 order: a "turn" variable enforces the order, a spinlock
 *    built on LDAXR/STLXR (+ STLR to release) serialises the console;
 *  - the lock protects a shared counter incremented by all four CPUs: no lost updates;
 *  - CPU0 sends SGI 5 to CPU1..3 one at a time; each answers with SGI 6 to CPU0 (the v2 IAR
 *    source-CPU field is checked);
 *  - secondaries return from their function, which calls PSCI CPU_OFF; AFFINITY_INFO reports
 *    them OFF again; then CPU0 calls SYSTEM_OFF.
 * The output order is fixed by the program, not by timing. */
#include "rt.h"
#include "mmu.h"
#include "gic.h"

#define NCPU 4
#define SGI_PING 5
#define SGI_PONG 6
#define SGI_WAKE 7
#define LOOPS 2000

static uint64_t *root;
static volatile uint32_t console_lock, count_lock;
static volatile unsigned turn, online[NCPU], pinged[NCPU], pong_src[NCPU], pongs, go_off, done_count;
static volatile uint64_t shared_counter;

static void lock(volatile uint32_t *l)
{
    uint32_t tmp;
    __asm__ volatile(
        "   sevl\n"
        "1: wfe\n"
        "2: ldaxr   %w0, [%1]\n"
        "   cbnz    %w0, 1b\n"
        "   stlxr   %w0, %w2, [%1]\n"
        "   cbnz    %w0, 2b\n"
        : "=&r"(tmp) : "r"(l), "r"(1u) : "memory");
}
static void unlock(volatile uint32_t *l) { __asm__ volatile("stlr wzr, [%0]" :: "r"(l) : "memory"); }
static void irq_on(void) { __asm__ volatile("msr daifclr, #2\n\tisb" ::: "memory"); }
static void irq_off(void) { __asm__ volatile("msr daifset, #2\n\tisb" ::: "memory"); }

static int on_irq(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_IRQ) return 0;
    unsigned me = gic_cpu_index();
    unsigned iar = gic_ack(), id = iar & 0x3ff;
    if (id == GIC_SPURIOUS) return 1;
    if (id == SGI_PING && me != 0) {
        pinged[me]++;
        gic_send_sgi(SGI_PONG, 1u << 0);
    } else if (id == SGI_PONG && me == 0) {
        pong_src[pongs < NCPU ? pongs : 0] = gic_version == 2 ? (iar >> 10) & 7 : 0xff;
        __asm__ volatile("dmb ish" ::: "memory");
        pongs++;
    } else if (id == SGI_WAKE && me != 0) {
        /* only wakes the WFI loop (GICv2 SGIs may be always enabled, so it must be handled) */
    } else {
        gic_eoi(iar);
        return 0;
    }
    gic_eoi(iar);
    return 1;
}

static void add_many(void)
{
    for (int i = 0; i < LOOPS; i++) {
        lock(&count_lock);
        shared_counter = shared_counter + 1;
        unlock(&count_lock);
    }
}

static void secondary(unsigned me)
{
    mmu_enable(root, MMU_TCR_4K48);
    gic_init(0);
    gic_enable(SGI_PING, 0x80);
    gic_enable(SGI_WAKE, 0x80);
    online[me] = 1;
    while (turn != me) __asm__ volatile("yield" ::: "memory");
    lock(&console_lock);
    printf("cpu%u up: MPIDR_EL1=0x%lx SCTLR.M=%lu\n", me, SYSREG_READ(mpidr_el1), SYSREG_READ(sctlr_el1) & 1);
    unlock(&console_lock);
    __asm__ volatile("dmb ish" ::: "memory");
    turn = me + 1;
    add_many();
    irq_on();
    while (!go_off) __asm__ volatile("wfi" ::: "memory");
    irq_off();
    lock(&count_lock);
    done_count++;
    unlock(&count_lock);
    /* return -> CPU_OFF in rt_secondary_entry */
}

static uint64_t affinity(unsigned cpu) { return psci_call(PSCI_AFFINITY_INFO_64, cpu, 0, 0); }

int main(void)
{
    rt_set_handler(on_irq);
    root = mmu_identity();
    mmu_enable(root, MMU_TCR_4K48);
    gic_init(1);
    printf("INFO gic-version %u\n", gic_version);
    gic_enable(SGI_PONG, 0x80);
    printf("cpu0 up: MPIDR_EL1=0x%lx SCTLR.M=%lu\n", SYSREG_READ(mpidr_el1), SYSREG_READ(sctlr_el1) & 1);
    for (unsigned c = 1; c < NCPU; c++) {
        char n[32] = "affinity-off-cpuX";
        n[16] = (char)('0' + c);
        CHECK_EQ(n, affinity(c), 1);
    }
    for (unsigned c = 1; c < NCPU; c++) {
        int64_t r = psci_cpu_on(c, (uint64_t)rt_secondary_entry, (uint64_t)secondary);
        char n[32] = "cpu-on-cpuX";
        n[10] = (char)('0' + c);
        CHECK_EQ(n, r, 0);
    }
    for (unsigned c = 1; c < NCPU; c++)
        for (unsigned i = 0; i < 100000000 && !online[c]; i++) __asm__ volatile("yield");
    CHECK_EQ("cpu-on-again-already-on", psci_cpu_on(1, (uint64_t)rt_secondary_entry, (uint64_t)secondary), (uint64_t)-4);
    for (unsigned c = 1; c < NCPU; c++) {
        char n[32] = "affinity-on-cpuX";
        n[15] = (char)('0' + c);
        CHECK_EQ(n, affinity(c), 0);
    }
    turn = 1;                               /* secondaries print in order */
    for (unsigned i = 0; i < 100000000 && turn != NCPU; i++) __asm__ volatile("yield");
    lock(&console_lock);
    CHECK_EQ("all-printed-in-order", turn, NCPU);
    unlock(&console_lock);
    add_many();
    for (unsigned i = 0; i < 100000000 && shared_counter != NCPU * LOOPS; i++) __asm__ volatile("yield");
    CHECK_EQ("locked-counter", shared_counter, NCPU * LOOPS);

    for (unsigned c = 1; c < NCPU; c++) {
        unsigned before = pongs;
        gic_send_sgi(SGI_PING, 1u << c);
        irq_on();
        for (unsigned i = 0; i < 10000000 && pongs == before; i++) __asm__ volatile("wfi");
        irq_off();
        char n[32] = "sgi-ping-pong-cpuX";
        n[17] = (char)('0' + c);
        CHECK(n, pongs == before + 1 && pinged[c] == 1);
        if (gic_version == 2) {
            char m[32] = "sgi-source-cpuX";
            m[14] = (char)('0' + c);
            CHECK_EQ(m, pong_src[before], c);
        }
    }
    CHECK_EQ("cpu0-not-pinged", pinged[0], 0);

    go_off = 1;
    __asm__ volatile("dsb ish\n\tsev" ::: "memory");
    for (unsigned c = 1; c < NCPU; c++) gic_send_sgi(SGI_WAKE, 1u << c);   /* wake from WFI */
    for (unsigned c = 1; c < NCPU; c++) {
        uint64_t a = 0;
        for (unsigned i = 0; i < 10000000; i++) { a = affinity(c); if (a == 1) break; }
        char n[32] = "cpu-off-affinity-cpuX";
        n[20] = (char)('0' + c);
        CHECK_EQ(n, a, 1);
    }
    CHECK_EQ("secondaries-finished", done_count, NCPU - 1);
    rt_result();
    return 0;
}
