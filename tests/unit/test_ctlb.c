/* tests/unit/test_ctlb.c — the soft TLB's ASID/VMID-tagged second level (cpu/ctlb.c), white-box
 * through cpu_translate: entries survive TTBR0 and VTTBR switches and are found again, but never
 * for another ASID or VMID; TLBI ASIDE1 / VAE1 / VMALLS12E1 remove what the architecture says;
 * and the fast level is still flushed on a TTBR write (guest-visible cycles depend on it). */
#include "tests/unit/cpu_fixture.h"
#include "cpu/translate.h"

#define S2_WB   (0xfull << 2)

/* Two stage-1 address spaces (T0SZ = 25, 4KB granule, walks from level 1), A for ASID 1 and B
 * for ASID 2. Both map VA 0x40000000 as a global 1GB block onto RAM (code, vectors, tables) and
 * VA GLOBAL_PAGE globally onto GLOBAL_PA; the non-global page PG maps to PA_A in A, PA_B in B. */
#define L1A  (RAM + 0xa0000)
#define L2A  (RAM + 0xa1000)
#define L3A  (RAM + 0xa2000)
#define L1B  (RAM + 0xa4000)
#define L2B  (RAM + 0xa5000)
#define L3B  (RAM + 0xa6000)
#define S2L1A (RAM + 0xb0000)      /* VMID 1: IPA = PA (1GB block) */
#define S2L1B (RAM + 0xb1000)      /* VMID 2: IPA = PA except IPA PA_A → PA_S2B */
#define S2L2B (RAM + 0xb2000)
#define S2L3B (RAM + 0xb3000)
#define PG          0x10000000ull
#define GLOBAL_PAGE (PG + 0x2000)
#define PA_A      (RAM + 0x10000)
#define PA_B      (RAM + 0x11000)
#define GLOBAL_PA (RAM + 0x12000)
#define PA_S2B    (RAM + 0x15000)
#define TCR_VAL (25 | 1ull << 23 /* EPD1 */ | 4ull << 32 /* IPS */ | 1ull << 36 /* AS: 16-bit ASID */)

static void put64(struct fx *f, uint64_t pa, uint64_t v) { memcpy(f->ram + (pa - RAM), &v, 8); }

static void space(struct fx *f, uint64_t l1, uint64_t l2, uint64_t l3, uint64_t pg_pa)
{
    put64(f, l1 + 1 * 8, RAM | D_BLOCK | D_AF);
    put64(f, l1 + 0 * 8, l2 | D_TABLE);
    put64(f, l2 + 0x80 * 8, l3 | D_TABLE);
    put64(f, l3 + 0 * 8, pg_pa | D_PAGE | D_AF | D_NG);
    put64(f, l3 + 2 * 8, GLOBAL_PA | D_PAGE | D_AF);
}

static void set_ttbr0(struct fx *f, uint64_t l1, uint16_t asid)
{
    assert_true(cpu_write_sysreg(f->c, TTBR0_EL1, l1 | (uint64_t)asid << 48));
}

static int setup_mmu(void **state)
{
    setup(state);
    struct fx *f = *state;
    space(f, L1A, L2A, L3A, PA_A);
    space(f, L1B, L2B, L3B, PA_B);
    assert_true(cpu_write_sysreg(f->c, MAIR_EL1, 0xff));
    assert_true(cpu_write_sysreg(f->c, TCR_EL1, TCR_VAL));
    set_ttbr0(f, L1A, 1);
    assert_true(cpu_write_sysreg(f->c, SCTLR_EL1, sr(f, SCTLR_EL1) | 1));
    return 0;
}

/* The PA a data read of va translates to now. */
static uint64_t pa_of(struct fx *f, uint64_t va)
{
    struct translation t;
    assert_true(cpu_translate(f->c, va, ACCESS_READ, false, &t));
    return t.pa;
}

/* A TLBI from EL1 (SYS #0, C8, C7, #op2, X0), executed by the interpreter. */
static void tlbi(struct fx *f, unsigned op2, uint64_t x0)
{
    SETX(0, x0);
    exec1(f, 0xd5088700 | op2 << 5 | 0);
    assert_int_equal(f->hvc_imm, 0);
}
#define TLBI_VAE1   1
#define TLBI_ASIDE1 2

/* A TTBR0 switch to another ASID never finds the first ASID's entry (PG differs in the two
 * spaces); switching back finds it without a walk. The fast level is still flushed. */
static void test_ttbr_switch_keeps_tagged_entries(void **state)
{
    struct fx *f = *state;
    struct cpu *c = f->c;
    assert_int_equal(pa_of(f, PG), PA_A);
    uint64_t fills = c->ctlb.fills;
    set_ttbr0(f, L1B, 2);
    assert_int_equal(pa_of(f, PG), PA_B);                   /* not ASID 1's PA_A */
    assert_int_equal(c->ctlb.fills, fills + 1);             /* a walk */
    uint64_t hits = c->ctlb.hits;
    set_ttbr0(f, L1A, 1);
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(c->ctlb.hits, hits + 1);               /* kept across the switch */
    set_ttbr0(f, L1B, 2);
    assert_int_equal(pa_of(f, PG), PA_B);
    assert_int_equal(c->ctlb.hits, hits + 2);
    /* Global entries match any ASID. */
    assert_int_equal(pa_of(f, GLOBAL_PAGE), GLOBAL_PA);
    set_ttbr0(f, L1A, 1);
    assert_int_equal(pa_of(f, GLOBAL_PAGE), GLOBAL_PA);
    assert_int_equal(c->ctlb.hits, hits + 3);
    /* The fast level (what the cost model sees) is flushed by a TTBR0 write, as before. */
    SETX(1, PG);
    exec1(f, 0xf9400022);                                   /* ldr x2, [x1] */
    assert_int_equal(c->tlb_el[1].r[soft_tlb_index(PG)].tag, PG);
    set_ttbr0(f, L1A, 1);
    assert_true(c->tlb_el[1].r[soft_tlb_index(PG)].tag == SOFT_TLB_INVALID);
    /* TCR/MAIR/SCTLR writes change what entries mean: the second level goes. */
    assert_true(cpu_write_sysreg(c, TCR_EL1, TCR_VAL));
    hits = c->ctlb.hits;
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(c->ctlb.hits, hits);
}

/* TLBI ASIDE1 removes that ASID's non-global entries (the remapped page is seen), not global
 * entries nor another ASID's. TLBI VAE1 removes that VA for that ASID only. */
static void test_aside1_and_vae1(void **state)
{
    struct fx *f = *state;
    struct cpu *c = f->c;
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(pa_of(f, GLOBAL_PAGE), GLOBAL_PA);
    set_ttbr0(f, L1B, 2);
    assert_int_equal(pa_of(f, PG), PA_B);
    set_ttbr0(f, L1A, 1);
    /* Remap PG in space A without a TLBI: the cached entry may (and does) still be used. */
    put64(f, L3A, (RAM + 0x13000) | D_PAGE | D_AF | D_NG);
    assert_int_equal(pa_of(f, PG), PA_A);
    tlbi(f, TLBI_ASIDE1, 1ull << 48);
    assert_int_equal(pa_of(f, PG), RAM + 0x13000);          /* ASID 1's nG entry is gone */
    uint64_t hits = c->ctlb.hits;
    assert_int_equal(pa_of(f, GLOBAL_PAGE), GLOBAL_PA);
    assert_int_equal(c->ctlb.hits, hits + 1);               /* the global entry survived */
    set_ttbr0(f, L1B, 2);
    assert_int_equal(pa_of(f, PG), PA_B);
    assert_int_equal(c->ctlb.hits, hits + 2);               /* ASID 2's survived */
    /* VAE1: remap PG in B; a TLBI of PG for ASID 1 leaves ASID 2's entry, one for ASID 2 not. */
    put64(f, L3B, (RAM + 0x14000) | D_PAGE | D_AF | D_NG);
    tlbi(f, TLBI_VAE1, 1ull << 48 | PG >> 12);
    assert_int_equal(pa_of(f, PG), PA_B);
    tlbi(f, TLBI_VAE1, 2ull << 48 | PG >> 12);
    assert_int_equal(pa_of(f, PG), RAM + 0x14000);
}

/* Stage 2 on: VMID 2 maps IPA PA_A elsewhere. A VTTBR switch to VMID 2 must not reuse VMID 1's
 * combined result; back on VMID 1 its entry is found; VMALLS12E1 removes stage-2 entries. */
static void test_vmid_switch(void **state)
{
    struct fx *f = *state;
    struct cpu *c = f->c;
    put64(f, S2L1A + 1 * 8, RAM | D_BLOCK | D_AF | D_S2_RW | S2_WB);
    put64(f, S2L1B + 1 * 8, S2L2B | D_TABLE);
    for (unsigned i = 1; i < 512; i++)
        put64(f, S2L2B + i * 8, (RAM + ((uint64_t)i << 21)) | D_BLOCK | D_AF | D_S2_RW | S2_WB);
    put64(f, S2L2B, S2L3B | D_TABLE);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t pa = RAM + ((uint64_t)i << 12);
        if (pa == PA_A) pa = PA_S2B;
        put64(f, S2L3B + i * 8, pa | D_PAGE | D_AF | D_S2_RW | S2_WB);
    }
    uint64_t vtcr = 25 | 1u << 6 /* SL0: level 1 */ | 1ull << 16 /* PS 36 bits */ | 1ull << 31;
    struct cpu_el2 e = { .hcr = HCR_EL2_VM, .vtcr = vtcr, .vttbr = S2L1A | 1ull << 48 };
    cpu_set_el2_state(c, &e);
    assert_int_equal(pa_of(f, PG), PA_A);
    e.vttbr = S2L1B | 2ull << 48;
    cpu_set_el2_state(c, &e);
    assert_int_equal(pa_of(f, PG), PA_S2B);                 /* not VMID 1's PA_A */
    uint64_t hits = c->ctlb.hits;
    e.vttbr = S2L1A | 1ull << 48;
    cpu_set_el2_state(c, &e);
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(c->ctlb.hits, hits + 1);               /* kept across the VMID switch */
    cpu_tlb_flush_stage2(c);                                /* VMALLS12E1: every stage-2 entry */
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(c->ctlb.hits, hits + 1);
    e.vttbr = S2L1B | 2ull << 48;
    cpu_set_el2_state(c, &e);
    assert_int_equal(pa_of(f, PG), PA_S2B);
    assert_int_equal(c->ctlb.hits, hits + 1);               /* VMID 2's went too */
    e.hcr = 0;                                              /* HCR_EL2.VM off: all flushed */
    cpu_set_el2_state(c, &e);
    assert_int_equal(pa_of(f, PG), PA_A);
    assert_int_equal(c->ctlb.hits, hits + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ttbr_switch_keeps_tagged_entries, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_aside1_and_vae1, setup_mmu, teardown),
        cmocka_unit_test_setup_teardown(test_vmid_switch, setup_mmu, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
