/* tests/guest/mmu_faults — stage-1 MMU faults with the 4 KiB granule and 48-bit VA (lib/mmu.c:
 * identity map of devices and RAM, then test mappings above 4 GiB), checked in ESR_EL1
 * (EC, IL, DFSC/IFSC with the level, WnR), FAR_EL1 and ELR_EL1:
 *  - translation faults at levels 0..3 (read and write): FSC 0b0001LL
 *  - access-flag faults (AF = 0) on a level-1 block, a level-2 block and a page: FSC 0b0010LL
 *  - permission faults (FSC 0b0011LL): write to a read-only page; EL0 load from an EL1-only
 *    page (EC 0x24 from the lower EL); execution of a PXN page at EL1 (EC 0x21) and of a UXN
 *    page at EL0 (EC 0x20), while the other EL may execute it
 *  - address-size fault: a page descriptor whose output address is beyond TCR_EL1.IPS (40 bits)
 *    (FSC 0b0000LL, Arm ARM D8.? "Address size fault": OA wider than the configured PA size)
 *  - the ISS of a plain LDR/STR fault: ISV may be 0 for a stage-1 abort taken to EL1 (the
 *    architecture only requires a valid instruction syndrome for some stage-2 aborts); when it
 *    is 1, SAS/SSE/SRT/SF must describe the instruction. Printed on an INFO line, checked if set. */
#include "rt.h"
#include "mmu.h"

extern char probe_ldr_x7_insn[], probe_str_w9_insn[], probe_ldrh_w3_insn[], exec_target[];
extern char el0_ldr_insn[], el0_str_insn[], el0_ldr[], el0_str[], el0_exec[];
uint64_t probe_ldr_x7(uint64_t va);
void probe_str_w9(uint64_t va, uint32_t v);
uint64_t probe_ldrh_w3(uint64_t va);
uint64_t probe_call(uint64_t va);
uint64_t el0_run(void *fn, uint64_t arg);

static volatile uint64_t f_esr, f_far, f_elr, f_kind, f_count;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC) return 0;
    uint64_t ec = ESR_EC(f->esr);
    if (RT_KIND_GROUP(kind) == 2) {                 /* from EL0 */
        if (ec == 0x15) { rt_el0_return(f, f->x[0]); return 1; }
        if (ec != 0x24 && ec != 0x20) return 0;
        f_esr = f->esr; f_far = f->far; f_elr = f->elr; f_kind = kind; f_count++;
        rt_el0_return(f, 0xfa017);
        return 1;
    }
    if (ec == 0x25) { f_esr = f->esr; f_far = f->far; f_elr = f->elr; f_kind = kind; f_count++; f->elr += 4; return 1; }
    if (ec == 0x21) { f_esr = f->esr; f_far = f->far; f_elr = f->elr; f_kind = kind; f_count++; f->elr = f->x[30]; return 1; }
    return 0;
}

static uint8_t tpage[4096] __attribute__((aligned(4096)));

/* One line per fault: EC, IL, FSC, WnR (data aborts), FAR, ELR, exactly one exception. */
static void check_fault(const char *name, uint64_t count0, unsigned ec, unsigned fsc, int wnr,
                        uint64_t far, uint64_t elr)
{
    uint64_t e = f_esr;
    int ok = f_count == count0 + 1 && ESR_EC(e) == ec && ESR_IL(e) == 1 && (e & 0x3f) == fsc
        && f_far == far && f_elr == elr && !((e >> 10) & 1) /* FnV */ && !((e >> 9) & 1) /* EA */
        && !((e >> 7) & 1) /* S1PTW */;
    if (wnr >= 0) ok = ok && ((e >> 6) & 1) == (uint64_t)wnr;
    if (ok) printf("PASS %s\n", name);
    else {
        rt_failures++;
        printf("FAIL %s count=%lu esr=0x%lx far=0x%lx elr=0x%lx (want ec=0x%x fsc=0x%x wnr=%d far=0x%lx elr=0x%lx)\n",
               name, f_count - count0, e, f_far, f_elr, ec, fsc, wnr, far, elr);
    }
}

#define T 0x100000000ull          /* test window above the identity map */

int main(void)
{
    rt_set_handler(on_sync);
    uint64_t *root = mmu_identity();
    uint64_t tp = (uint64_t)tpage;
    uint64_t xpage = (uint64_t)exec_target & ~0xfffull, xoff = (uint64_t)exec_target & 0xfff;

    const uint64_t VA_L0 = 0x0000800000000000ull;   /* L0 index 256: invalid */
    const uint64_t VA_L1 = T;                       /* L1[4] invalid */
    const uint64_t VA_L2 = T + 0x40000000ull;       /* L1[5] -> empty L2 table */
    const uint64_t VA_L3 = T + 0x80000000ull;       /* L1[6] -> L2[0] -> empty L3 table */
    const uint64_t VA_AF3 = VA_L3 + 0x1000, VA_RO = VA_L3 + 0x2000, VA_EL1 = VA_L3 + 0x3000,
        VA_EL0 = VA_L3 + 0x4000, VA_UXN = VA_L3 + 0x5000, VA_PXN = VA_L3 + 0x6000,
        VA_ASZ = VA_L3 + 0x7000, VA_OK = VA_L3 + 0x8000;
    const uint64_t VA_AF2 = VA_L3 + 0x200000;       /* L2[1] block without AF */
    const uint64_t VA_AF1 = T + 0xc0000000ull;      /* L1[7] block without AF */

    mmu_slot(root, VA_L2, 2);
    mmu_slot(root, VA_L3, 3);
    mmu_map_pages(root, VA_AF3, tp, 4096, (PTE_NORMAL & ~PTE_AF) | PTE_XN);
    mmu_map_pages(root, VA_RO, tp, 4096, PTE_NORMAL | PTE_AP_EL1_RO | PTE_XN);
    mmu_map_pages(root, VA_EL1, tp, 4096, PTE_NORMAL | PTE_AP_EL1_RW | PTE_XN);
    mmu_map_pages(root, VA_EL0, tp, 4096, PTE_NORMAL | PTE_AP_RW | PTE_XN);
    mmu_map_pages(root, VA_UXN, xpage, 4096, PTE_NORMAL | PTE_AP_RO | PTE_UXN);
    mmu_map_pages(root, VA_PXN, xpage, 4096, PTE_NORMAL | PTE_AP_RO | PTE_PXN);
    mmu_map_pages(root, VA_ASZ, 1ull << 40, 4096, PTE_NORMAL | PTE_XN);
    mmu_map_pages(root, VA_OK, tp, 4096, PTE_NORMAL | PTE_XN);
    mmu_map_block(root, VA_AF2, 0x40000000ull, 2, (PTE_NORMAL & ~PTE_AF) | PTE_XN);
    mmu_map_block(root, VA_AF1, 0x40000000ull, 1, (PTE_NORMAL & ~PTE_AF) | PTE_XN);
    mmu_enable(root, MMU_TCR_4K48);
    CHECK_EQ("mmu-on", SYSREG_READ(sctlr_el1) & 1, 1);

    *(volatile uint64_t *)tpage = 0x1122334455667788ull;
    uint64_t c = f_count;
    CHECK_EQ("alias-read", probe_ldr_x7(VA_OK), 0x1122334455667788ull);
    CHECK_EQ("alias-no-fault", f_count, c);

    struct { const char *n; uint64_t va; unsigned fsc; } tr[] = {
        { "l0", VA_L0, 0x04 }, { "l1", VA_L1, 0x05 }, { "l2", VA_L2 + 0x1230, 0x06 },
        { "l3", VA_L3 + 0x18, 0x07 },
    };
    char name[64];
    for (unsigned i = 0; i < sizeof tr / sizeof tr[0]; i++) {
        c = f_count;
        probe_ldr_x7(tr[i].va);
        memcpy(name, "translation-read-", 17); memcpy(name + 17, tr[i].n, 3);
        check_fault(name, c, 0x25, tr[i].fsc, 0, tr[i].va, (uint64_t)probe_ldr_x7_insn);
        c = f_count;
        probe_str_w9(tr[i].va, 1);
        memcpy(name, "translation-write-", 18); memcpy(name + 18, tr[i].n, 3);
        check_fault(name, c, 0x25, tr[i].fsc, 1, tr[i].va, (uint64_t)probe_str_w9_insn);
    }

    c = f_count; probe_ldr_x7(VA_AF1 + 0x40);
    check_fault("access-flag-l1-block", c, 0x25, 0x09, 0, VA_AF1 + 0x40, (uint64_t)probe_ldr_x7_insn);
    c = f_count; probe_ldr_x7(VA_AF2 + 0x1008);
    check_fault("access-flag-l2-block", c, 0x25, 0x0a, 0, VA_AF2 + 0x1008, (uint64_t)probe_ldr_x7_insn);
    c = f_count; probe_str_w9(VA_AF3 + 4, 7);
    check_fault("access-flag-l3-page-write", c, 0x25, 0x0b, 1, VA_AF3 + 4, (uint64_t)probe_str_w9_insn);

    c = f_count;
    CHECK_EQ("ro-page-read", probe_ldr_x7(VA_RO), 0x1122334455667788ull);
    CHECK_EQ("ro-page-read-no-fault", f_count, c);
    probe_str_w9(VA_RO + 8, 0xabcd);
    check_fault("permission-write-ro", c, 0x25, 0x0f, 1, VA_RO + 8, (uint64_t)probe_str_w9_insn);
    CHECK_EQ("permission-write-ro-not-written", *(volatile uint32_t *)(tpage + 8), 0);

    c = f_count;
    CHECK_EQ("el1-reads-el1-page", probe_ldr_x7(VA_EL1), 0x1122334455667788ull);
    CHECK_EQ("el0-reads-el0-page", el0_run(el0_ldr, VA_EL0), 0);
    CHECK_EQ("el0-access-no-fault", f_count, c);
    CHECK_EQ("el0-reads-el1-page", el0_run(el0_ldr, VA_EL1 + 0x10), 0xfa017);
    check_fault("permission-el0-read-el1-page", c, 0x24, 0x0f, 0, VA_EL1 + 0x10, (uint64_t)el0_ldr_insn);
    CHECK_EQ("el0-fault-vector", f_kind, 2 * 4 + RT_SYNC);
    c = f_count;
    CHECK_EQ("el0-writes-ro-page", el0_run(el0_str, VA_RO + 0x20), 0xfa017);
    check_fault("permission-el0-write-ro-page", c, 0x24, 0x0f, 1, VA_RO + 0x20, (uint64_t)el0_str_insn);

    c = f_count;
    CHECK_EQ("el1-exec-uxn-page", probe_call(VA_UXN + xoff), 0x77);
    CHECK_EQ("el0-exec-pxn-page", el0_run(el0_exec, VA_PXN + xoff), 0x55);
    CHECK_EQ("exec-allowed-no-fault", f_count, c);
    CHECK_EQ("el1-exec-pxn-page", probe_call(VA_PXN + xoff), 0xbad);
    check_fault("permission-el1-exec-pxn", c, 0x21, 0x0f, -1, VA_PXN + xoff, VA_PXN + xoff);
    c = f_count;
    CHECK_EQ("el0-exec-uxn-page", el0_run(el0_exec, VA_UXN + xoff), 0xfa017);
    check_fault("permission-el0-exec-uxn", c, 0x20, 0x0f, -1, VA_UXN + xoff, VA_UXN + xoff);
    c = f_count;
    probe_call(VA_L3 + 0x40);
    check_fault("translation-exec-l3", c, 0x21, 0x07, -1, VA_L3 + 0x40, VA_L3 + 0x40);
    c = f_count;
    probe_call(VA_L1 + 0x40);
    check_fault("translation-exec-l1", c, 0x21, 0x05, -1, VA_L1 + 0x40, VA_L1 + 0x40);
    c = f_count;
    probe_call(VA_EL1);   /* data page: XN at both ELs */
    check_fault("permission-exec-xn-data", c, 0x21, 0x0f, -1, VA_EL1, VA_EL1);

    c = f_count; probe_ldr_x7(VA_ASZ + 0x10);
    check_fault("address-size-l3", c, 0x25, 0x03, 0, VA_ASZ + 0x10, (uint64_t)probe_ldr_x7_insn);

    /* Instruction syndrome of plain loads/stores (translation faults at level 3). */
    c = f_count; probe_ldr_x7(VA_L3 + 0x100);
    uint64_t e1 = f_esr;
    c = f_count; probe_str_w9(VA_L3 + 0x100, 3);
    uint64_t e2 = f_esr;
    c = f_count; probe_ldrh_w3(VA_L3 + 0x100);
    uint64_t e3 = f_esr;
    printf("INFO iss-isv ldr-x7=%lu str-w9=%lu ldrh-w3=%lu\n", (e1 >> 24) & 1, (e2 >> 24) & 1, (e3 >> 24) & 1);
    /* ISS[23:14] = SAS(2) SSE SRT(5) SF AR; check when ISV = 1 */
    #define ISS_OK(e, sas, srt, sf) (!(((e) >> 24) & 1) || \
        ((((e) >> 22) & 3) == (sas) && (((e) >> 21) & 1) == 0 && (((e) >> 16) & 31) == (srt) && (((e) >> 15) & 1) == (sf)))
    CHECK("iss-ldr-x7", ISS_OK(e1, 3, 7, 1) && ((e1 >> 6) & 1) == 0);
    CHECK("iss-str-w9", ISS_OK(e2, 2, 9, 0) && ((e2 >> 6) & 1) == 1);
    CHECK("iss-ldrh-w3", ISS_OK(e3, 1, 3, 0) && ((e3 >> 6) & 1) == 0);
    CHECK_EQ("iss-ldrh-fsc", e3 & 0x3f, 0x07);

    mmu_disable();
    CHECK_EQ("mmu-off", SYSREG_READ(sctlr_el1) & 1, 0);
    rt_result();
    return 0;
}
