/* tests/guest/protected — the protected-devices scenario guest (seeds 003 and 004;
 * tests/scenarios/protected.sh, docs/hv.md "The protected-devices scenario"). It runs as dom0
 * under -hv xen,hypervisor-node=on,dom0_mem=64M,foreign=0x50000000:0x46000000 on -m 128M with
 * -device pl330 (behind the SMMU the hypervisor owns) or -device pl330,iommu=off (no SMMU):
 *   dom0's RAM    [0x40000000, 0x44000000)  IPA = PA (direct-mapped)
 *   foreign page  IPA 0x50000000 → PA 0x46000000  (p2m_map_foreign_rw: "another domain's page
 *                 that dom0's backend grant-mapped")
 *   outside RAM   PA 0x45000000: machine RAM of no domain (above dom0_mem, below hv's chunk)
 * It reads /hypervisor/protected-devices from the DTB at x0 and looks for the PL330's phandle:
 *   protected (listed): a copy into the foreign page programmed with the PA — what swiotlb-xen
 *     does, the machine address — is a context fault in the SMMU (the PA is no IPA of dom0):
 *     irq_abort, FTR0 = data_write_err, DMAKILL; the page is untouched (read through its IPA).
 *     The same copy programmed with the IPA succeeds, the data is at the machine page.
 *   unprotected (not listed): the PA works (the engine emits machine addresses) — the data is
 *     read back through the foreign IPA; a copy to 0x45000000 and back completes too (there is
 *     no protection), which the hypervisor flags (seed 004: trace, log); a copy inside dom0's
 *     RAM is not flagged.
 * Prints "INFO protected=yes|no" and RESULT ok/FAIL; the trace facts are asserted by the script. */
#include <stdbool.h>
#include "rt.h"
#include "pl330.h"

#define F_IPA    0x50000000u
#define F_PA     0x46000000u
#define OUT_PA   0x45000000u
#define BYTES    1024

static uint8_t prog[256] __attribute__((aligned(64)));
static uint8_t src[BYTES] __attribute__((aligned(64)));
static uint8_t back[BYTES] __attribute__((aligned(64)));
static volatile uint8_t *const foreign = (volatile uint8_t *)(uint64_t)F_IPA;

/* Copy n bytes src → dst on channel 0; true when event 0 came (false: the abort path ran). */
static bool copy(uint32_t s, uint32_t d, unsigned n)
{
    pl330_irq.ev_seen = 0;
    unsigned aborts = pl330_irq.aborts;
    pl330_asm_begin(prog);
    pl330_asm_copy(s, d, n, 0);
    pl330_start(0, prog);
    for (unsigned i = 0; i < 100000 && !(pl330_irq.ev_seen & 1) && pl330_irq.aborts == aborts; i++) __asm__ volatile("wfi");
    return pl330_irq.ev_seen & 1;
}

static bool foreign_equals(const uint8_t *want, unsigned n)
{
    for (unsigned i = 0; i < n; i++) if (foreign[i] != want[i]) return false;
    return true;
}
static bool foreign_zero(unsigned n)
{
    for (unsigned i = 0; i < n; i++) if (foreign[i]) return false;
    return true;
}

static uint32_t be32p(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int main(void)
{
    pl330_irqs_on(1);
    pl330_wr(PL330_INTEN, 1);

    /* 1. Is the PL330 protected? /hypervisor/protected-devices against its phandle. */
    const void *dtb = (const void *)rt_dtb;
    CHECK("DTB at x0", rt_dtb && dtb_valid(dtb));
    int hvn = dtb_path_offset(dtb, "/hypervisor", 11), dma = dtb_path_offset(dtb, "/dma-controller@9070000", 23);
    CHECK("/hypervisor present", hvn >= 0);
    CHECK("/dma-controller@9070000 present", dma >= 0);
    uint32_t plen = 0, phlen = 0;
    const void *ph = dma >= 0 ? dtb_getprop(dtb, dma, "phandle", &phlen) : 0;
    const uint8_t *pd = hvn >= 0 ? dtb_getprop(dtb, hvn, "protected-devices", &plen) : 0;
    CHECK("dom0's tree has no iommus on the PL330", dma >= 0 && !dtb_getprop(dtb, dma, "iommus", &phlen));
    bool prot = false;
    for (uint32_t i = 0; pd && ph && i + 4 <= plen; i += 4) prot |= be32p(pd + i) == be32p(ph);
    printf("INFO protected=%s (protected-devices: %u phandle(s))\n", prot ? "yes" : "no", pd ? plen / 4 : 0);

    for (unsigned i = 0; i < BYTES; i++) src[i] = (uint8_t)(i * 7 + 3);
    for (unsigned i = 0; i < BYTES; i++) foreign[i] = 0;
    CHECK("foreign page zeroed through its IPA", foreign_zero(BYTES));

    /* 2. A copy inside dom0's RAM: works either way, never flagged. */
    CHECK("copy inside dom0's RAM completes", copy((uint32_t)(uint64_t)src, (uint32_t)(uint64_t)back, BYTES));
    CHECK("copy inside dom0's RAM: data", memcmp(src, back, BYTES) == 0);

    if (prot) {
        /* 3. swiotlb-xen's way: the machine address. The SMMU translates it as a dom0 IPA: none. */
        CHECK("PA of the foreign page: no completion event", !copy((uint32_t)(uint64_t)src, F_PA, BYTES));
        CHECK_EQ("PA: one abort interrupt", pl330_irq.aborts, 1);
        CHECK_EQ("PA: FSRC = channel 0", pl330_irq.fsrc, 1);
        CHECK_EQ("PA: FTR0 = data_write_err (the SMMU terminated the store)", pl330_irq.ftr0, PL330_FT_DATA_WRITE_ERR);
        CHECK_EQ("PA: DMAKILL stopped the channel", pl330_irq.csr0_after & 0xf, 0);
        CHECK("PA: nothing written to the foreign page", foreign_zero(BYTES));
        /* 4. The IPA: through dom0's stage 2 to the machine page. */
        CHECK("IPA of the foreign page: completes", copy((uint32_t)(uint64_t)src, F_IPA, BYTES));
        CHECK("IPA: the data is in the foreign page", foreign_equals(src, BYTES));
    } else {
        /* 3. No SMMU: the machine address is what the engine needs (why swiotlb-xen works). */
        CHECK("PA of the foreign page: completes", copy((uint32_t)(uint64_t)src, F_PA, BYTES));
        CHECK("PA: the data is in the foreign page (read through its IPA)", foreign_equals(src, BYTES));
        /* 4. Anywhere else too: RAM above dom0_mem, there and back. */
        for (unsigned i = 0; i < BYTES; i++) back[i] = 0;
        CHECK("PA outside dom0 (RAM above dom0_mem): completes", copy((uint32_t)(uint64_t)src, OUT_PA, BYTES));
        CHECK("... and back into dom0's RAM: completes", copy(OUT_PA, (uint32_t)(uint64_t)back, BYTES));
        CHECK("... the data made the round trip", memcmp(src, back, BYTES) == 0);
        CHECK_EQ("no abort interrupt", pl330_irq.aborts, 0);
    }
    CHECK_EQ("no other interrupts", pl330_irq.other, 0);
    rt_result();
    return 0;
}
