/* tests/unit/test_smmu.c — the SMMUv2 register file against Linux 6.1's probe sequence
 * (smmuv2.md §2), stream matching, stage-1 DMA translation, context and global faults with
 * their syndromes and interrupts, 64-bit register accesses, bad accesses, the trace hook. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "tests/unit/test_smmu_common.h"

/* ---- identity ---- */
static void test_id_registers(void **st)
{
    smmu_env();
    assert_int_equal(GR0R(ID0), 0x7e105e10);    /* smmuv2.md 0x6E105E10 + NTS (nested) */
    assert_int_equal(GR0R(ID1), 0x30000010);
    assert_int_equal(GR0R(ID2), 0x00001555);
    assert_int_equal(GR0R(ID7), 0x21);
    for (unsigned o = ID3; o < ID7; o += 4) assert_int_equal(GR0R(o), 0);
    assert_int_equal(smmu_region_size(ts), 0x20000);   /* 2 × NUMPAGE × 4KB */
    assert_int_equal(GR0R(sCR0), 0x00200001);          /* CLIENTPD | SMCFCFG */
    assert_int_equal(CBR(0, ACTLR), 3);
    smmu_env_free();

    struct smmu_config c;
    smmu_default_config(&c);
    c.nested = false; c.num_cb = 8; c.num_s2cb = 2; c.numpagendxb = 2;
    smmu_env_cfg(&c);
    assert_int_equal(GR0R(ID0) & ~0xff00ffu, 0x6e005e00);
    assert_int_equal((GR0R(ID0) >> 16) & 0xff, 8);     /* NUMIRPT = NUMCB */
    assert_int_equal(GR0R(ID1), 0x20020008);
    assert_int_equal(smmu_region_size(ts), 0x10000);
    smmu_env_free();
}

/* ---- Linux 6.1 arm_smmu_device_probe/reset/test_smr_masks, step by step ---- */
static void test_linux_probe_sequence(void **st)
{
    smmu_env();
    /* §2.1 step 4-6: the ID reads and what the driver derives from them */
    uint32_t id0 = GR0R(ID0), id1 = GR0R(ID1), id2 = GR0R(ID2);
    assert_true(id0 & (1u << 30) && id0 & (1u << 29));       /* S1TS, S2TS */
    assert_true(id0 & (1u << 27));                            /* SMS: stream matching */
    assert_true(id0 & (1u << 26));                            /* ATOSNS: no ATS ops */
    assert_false(id0 & (1u << 8));                            /* no EXIDS */
    unsigned numsidb = (id0 >> 9) & 0xf, numsmrg = id0 & 0xff;
    assert_int_equal(numsidb, 15);
    assert_int_equal(numsmrg, 16);
    unsigned pgshift = id1 & (1u << 31) ? 16 : 12;
    unsigned numpage = 1u << (((id1 >> 28) & 7) + 1);
    unsigned numcb = id1 & 0xff, nums2cb = (id1 >> 16) & 0xff;
    assert_int_equal(pgshift, 12);
    assert_int_equal(numpage, 16);
    assert_int_equal((uint64_t)2 * numpage << pgshift, smmu_region_size(ts));
    assert_true(nums2cb <= numcb);
    assert_int_equal(id2 & 0xf, 5);                           /* IAS 48 */
    assert_int_equal((id2 >> 4) & 0xf, 5);                    /* OAS 48 */
    assert_int_equal((id2 >> 8) & 0xf, 5);                    /* UBS 48 */
    assert_true(id2 & (1u << 12));                            /* 4K granule */
    /* step 8: read sCR0 and write it back with CLIENTPD */
    GR0W(sCR0, GR0R(sCR0) | 1);
    /* §2.2 reset: 1. clear sGFSR by writing back what is read */
    GR0W(sGFSR, GR0R(sGFSR));
    assert_int_equal(GR0R(sGFSR), 0);
    /* 2. every SME: S2CR = fault, SMR = 0 */
    for (unsigned i = 0; i < numsmrg; i++) {
        GR0W(S2CR(i), 0x00020000);
        GR0W(SMR(i), 0);
        assert_int_equal(GR0R(S2CR(i)), 0x00020000);
        assert_int_equal(GR0R(SMR(i)), 0);
    }
    /* 3. every CB: SCTLR = 0, FSR = 0xC00001FE */
    for (unsigned n = 0; n < numcb; n++) {
        CBW(n, SCTLR, 0);
        CBW(n, FSR, 0xc00001fe);
        assert_int_equal(CBR(n, FSR), 0);
    }
    /* 4. TLB invalidation */
    GR0W(TLBIALLH, 0xffffffff);
    GR0W(TLBIALLNSNH, 0xffffffff);
    GR0W(STLBIALL, 0xffffffff);        /* Xen writes the secure-only one: WI */
    /* 5. compute sCR0 */
    uint32_t reg = GR0R(sCR0);
    reg |= 1u << 1 | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 11 | 1u << 12;  /* GFRE GFIE GCFGFRE GCFGFIE VMIDPNE PTM */
    reg &= ~1u;                                                     /* CLIENTPD */
    reg |= 1u << 10;                                                /* USFCFG (disable_bypass) */
    reg &= ~(1u << 13 | 3u << 14);                                  /* FB, BSU */
    /* 6. MMU-500 impl hook: ID7, sACR, ACTLR.CPRE cleared */
    assert_true(((GR0R(ID7) >> 4) & 0xf) >= 2);
    uint32_t acr = GR0R(sACR);
    acr &= ~(1u << 26);
    acr |= 1u << 10 | 1u << 8;
    GR0W(sACR, acr);
    assert_int_equal(GR0R(sACR), acr);
    for (unsigned n = 0; n < numcb; n++) {
        CBW(n, ACTLR, CBR(n, ACTLR) & ~2u);
        assert_int_equal(CBR(n, ACTLR), 1);
    }
    /* 7. global sync: GSACTIVE reads 0 at once */
    GR0W(sTLBGSYNC, 0xffffffff);
    assert_int_equal(GR0R(sTLBGSTATUS) & 1, 0);
    /* 8. the SMMU goes live */
    GR0W(sCR0, reg);
    assert_int_equal(GR0R(sCR0), LINUX_sCR0);

    /* §2.3 SMR width test on the first invalid SMR: ID then MASK, VALID = 0 */
    uint32_t smr = 0x7fffu << 0;
    GR0W(SMR(0), smr);
    uint32_t streamid_mask = GR0R(SMR(0)) & 0xffff;
    assert_int_equal(streamid_mask, 0x7fff);
    GR0W(SMR(0), streamid_mask << 16);
    uint32_t smr_mask_mask = GR0R(SMR(0)) >> 16;
    assert_int_equal(smr_mask_mask, 0x7fff);
    GR0W(SMR(0), 0xffffffffu & ~(1u << 31));   /* all-ones without VALID: bit 15 is RES0 */
    assert_int_equal(GR0R(SMR(0)), 0x7fff7fff);
    GR0W(SMR(0), 0);
    assert_int_equal(smmu_guest_errors(ts), 0);

    /* §2.4 attach a master (SID 0x10) to a stage-1 domain on CB0, ASID 0 */
    uint64_t root = fm_alloc(0x1000);
    GR0W(S2CR(0), 0x00020000);      /* S2CR first, still fault */
    linux_s1_domain(0, 0, root, 0, 0x10);
    assert_int_equal(GR1R(CBAR(0)), 0x0001f300);
    assert_int_equal(GR1R(CBA2R(0)), 1);
    assert_int_equal(CBR(0, TCR2), 0x00038015);
    assert_int_equal(CBR(0, TCR), 0x00803510);
    assert_int_equal(CBRQ(0, TTBR0), root);
    assert_int_equal(CBR(0, MAIR0), 0xf404ff44);
    assert_int_equal(CBR(0, SCTLR), 0x1067);
    assert_int_equal(GR0R(S2CR(0)), 0);
    assert_int_equal(GR0R(SMR(0)), 0x80000010);
    /* a DMA through the fresh domain: io-pgtable puts IOVAs just below 2^48 */
    uint64_t iova = 0xfffffffff000ull;
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x400000, 0), 0);
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x10);
    assert_int_equal(dma_write(&p, iova + 0x10, "probe", 6, 0), DMA_OK);
    assert_string_equal((char *)fm + 0x400010, "probe");
    assert_int_equal(GR0R(sGFSR), 0);
    assert_int_equal(CBR(0, FSR), 0);
    smmu_env_free();
}

/* ---- unmatched streams, CLIENTPD, S2CR types, stream match conflict ---- */
static void test_unmatched_bypass_vs_fault(void **st)
{
    smmu_env();
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x22);
    wr64(0x300000, 0x1122334455667788ull);
    uint64_t v = 0;
    /* reset: CLIENTPD = 1, everything bypasses */
    assert_int_equal(dma_read(&p, 0x300000, &v, 8, 0), DMA_OK);
    assert_int_equal(v, 0x1122334455667788ull);
    /* live with USFCFG = 0: unmatched streams bypass */
    GR0W(sCR0, LINUX_sCR0 & ~(1u << 10));
    v = 0;
    assert_int_equal(dma_read(&p, 0x300000, &v, 8, 0), DMA_OK);
    assert_int_equal(v, 0x1122334455667788ull);
    pa_t pa; struct smmu_fault f; struct smmu_xlate x;
    assert_true(smmu_translate(ts, 0x22, 0x300008, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(x.outcome, SMMU_BYPASSED);
    assert_int_equal(pa.v, 0x300008);
    /* USFCFG = 1: unidentified stream fault */
    GR0W(sCR0, LINUX_sCR0);
    assert_false(irq_level[SMMU_IRQ_GLOBAL]);
    assert_int_equal(dma_write(&p, 0x300100, &v, 8, 0), DMA_SMMU_FAULT);
    assert_int_equal(p.fault.outcome, SMMU_GLOBAL_FAULT);
    assert_int_equal(p.fault_iova, 0x300100);
    assert_int_equal(GR0R(sGFSR), 2);                      /* USF */
    assert_int_equal(GR0R(sGFSYNR1), 0x22);                /* stream ID */
    assert_int_equal(GR0R(sGFSYNR0) & 2, 2);               /* WNR */
    assert_int_equal(rdq(SMMU_BASE + sGFAR), 0x300100);
    assert_true(irq_level[SMMU_IRQ_GLOBAL]);
    /* a second fault while one is pending: MULTI, syndrome kept */
    dma_port_init(&p, tb, ts, 0x23);
    assert_int_equal(dma_read(&p, 0x300200, &v, 8, 0), DMA_SMMU_FAULT);
    assert_int_equal(GR0R(sGFSR), 0x80000002u);
    assert_int_equal(GR0R(sGFSYNR1), 0x22);
    /* write-1-to-clear lowers the line */
    GR0W(sGFSR, GR0R(sGFSR));
    assert_int_equal(GR0R(sGFSR), 0);
    assert_false(irq_level[SMMU_IRQ_GLOBAL]);
    /* GFIE = 0: recorded, no interrupt; GFRE = 0: RAZ/WI instead of an abort */
    GR0W(sCR0, LINUX_sCR0 & ~(1u << 2 | 1u << 1));
    v = 0xffff;
    assert_int_equal(dma_read(&p, 0x300000, &v, 8, 0), DMA_OK);
    assert_int_equal(v, 0);
    assert_int_equal(p.fault.outcome, SMMU_GLOBAL_FAULT);
    assert_false(p.fault.abort);
    assert_int_equal(GR0R(sGFSR), 2);
    assert_false(irq_level[SMMU_IRQ_GLOBAL]);
    /* enabling GFIE with a fault pending raises the level */
    GR0W(sCR0, LINUX_sCR0);
    assert_true(irq_level[SMMU_IRQ_GLOBAL]);
    smmu_env_free();
}

static void test_stream_matching(void **st)
{
    smmu_env();
    linux_enable();
    pa_t pa; struct smmu_fault f; struct smmu_xlate x;
    /* SMR with MASK: ID 0x100, MASK 0x00f → SIDs 0x100..0x10f bypass via S2CR */
    GR0W(S2CR(3), 1u << 16);
    GR0W(SMR(3), 0x80000000u | 0xfu << 16 | 0x100);
    assert_true(smmu_translate(ts, 0x10a, 0x5000, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(x.outcome, SMMU_BYPASSED);
    assert_false(smmu_translate(ts, 0x110, 0x5000, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(f.fsr, 2);                            /* USF */
    GR0W(sGFSR, 0xffffffff);
    /* a valid SMR matching too: stream match conflict (SMCFCFG = 1) */
    GR0W(S2CR(5), 1u << 16);
    GR0W(SMR(5), 0x80000000u | 0x10a);
    assert_false(smmu_translate(ts, 0x10a, 0x5000, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(f.outcome, SMMU_GLOBAL_FAULT);
    assert_int_equal(GR0R(sGFSR), 4);                      /* SMCF */
    assert_int_equal(GR0R(sGFSYNR1), 0x10a);
    assert_true(irq_level[SMMU_IRQ_GLOBAL]);               /* GCFGFIE */
    GR0W(sGFSR, 0xffffffff);
    /* an SMR with VALID = 0 never matches, even holding the same ID */
    GR0W(SMR(5), 0x10a);
    assert_true(smmu_translate(ts, 0x10a, 0x5000, MMU_READ, 0, &pa, &f, &x));
    /* S2CR TYPE fault */
    GR0W(S2CR(3), 2u << 16);
    assert_false(smmu_translate(ts, 0x101, 0x5000, MMU_WRITE, 0, &pa, &f, &x));
    assert_true(f.abort);
    GR0W(sGFSR, 0xffffffff);
    /* S2CR translate to a context bank that does not exist: UCBF */
    GR0W(S2CR(3), 0x40);
    assert_false(smmu_translate(ts, 0x101, 0x5000, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(GR0R(sGFSR), 8);
    GR0W(sGFSR, 0xffffffff);
    /* CLIENTPD overrides everything */
    GR0W(sCR0, LINUX_sCR0 | 1);
    assert_true(smmu_translate(ts, 0x7777, 0x5000, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(x.outcome, SMMU_BYPASSED);
    smmu_env_free();
}

/* ---- stage-1 translation of a DMA into RAM ---- */
static void test_stage1_dma(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(2, 2, root, 1, 0x10);
    uint64_t iova = 0xffffffffe000ull;
    /* two IOVA pages onto two non-contiguous PAs, and a 2 MiB block */
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x500000, 0), 0);
    tt_map(root, 12, 48, 0, iova + 0x1000, 3, S1_PAGE(0x420000, 0), 0);
    tt_map(root, 12, 48, 0, 0x40000000ull, 2, 0x600000 | D_BLOCK | D_AF | D_NG | D_AP_EL0 | D_ATTR(1), 0);
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x10);
    uint8_t buf[0x1800], back[0x1800];
    for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 7 + 3);
    unsigned hooks = ram_writes;
    assert_int_equal(dma_write(&p, iova + 0x800, buf, sizeof buf, 0), DMA_OK);
    assert_memory_equal(fm + 0x500800, buf, 0x800);
    assert_memory_equal(fm + 0x420000, buf + 0x800, 0x1000);
    assert_true(ram_writes >= hooks + 2);                  /* RAM write hook per page */
    assert_int_equal(dma_read(&p, iova + 0x800, back, sizeof back, 0), DMA_OK);
    assert_memory_equal(back, buf, sizeof buf);
    pa_t pa; struct smmu_fault f; struct smmu_xlate x;
    assert_true(smmu_translate(ts, 0x10, 0x40123456ull, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(pa.v, 0x723456);
    assert_int_equal(x.cb, 2);
    assert_int_equal(x.outcome, SMMU_TRANSLATED);
    assert_int_equal(x.desc_reads, 3);
    /* SCTLR.M = 0: the context bypasses */
    CBW(2, SCTLR, 0x1066);
    assert_true(smmu_translate(ts, 0x10, 0x40123456ull, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(x.outcome, SMMU_BYPASSED);
    assert_int_equal(pa.v, 0x40123456ull);
    smmu_env_free();
}

/* ---- context faults: FSR/FSYNR0/FAR/CBFRSYNRA, interrupt, W1C ---- */
static void test_context_faults(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(1, 1, root, 0, 0x31);
    uint64_t iova = 0xfffff0000000ull;
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x500000, D_AP_RO), 0);                 /* read-only */
    tt_map(root, 12, 48, 0, iova + 0x1000, 3, S1_PAGE(0x501000, 0) & ~D_AF, 0);      /* AF = 0 */
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x31);
    uint32_t v = 0x12345678;
    /* permission fault: write to a read-only page */
    assert_int_equal(dma_write(&p, iova + 0x44, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(p.fault.outcome, SMMU_CONTEXT_FAULT);
    assert_int_equal(p.fault.cb, 1);
    assert_int_equal(CBR(1, FSR), 1u << 3);                 /* PF */
    uint32_t syn = CBR(1, FSYNR0);
    assert_int_equal(syn & 3, 3);                           /* PLVL: level 3 */
    assert_int_equal(syn & (1u << 4), 1u << 4);             /* WNR */
    assert_int_equal(syn & (1u << 5), 0);                   /* PNU: unprivileged */
    assert_int_equal(syn & (1u << 6), 0);                   /* IND: data */
    assert_int_equal(syn & (1u << 8), 1u << 8);             /* NSATTR */
    assert_int_equal(CBRQ(1, FAR), iova + 0x44);
    assert_int_equal(GR1R(CBFRSYNRA(1)), 0x31);
    assert_true(irq_level[SMMU_IRQ_CONTEXT(1)]);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(0)]);
    assert_int_equal(fm[0x500044], 0);                      /* nothing written */
    /* second fault: MULTI, first syndrome kept */
    assert_int_equal(dma_read(&p, iova + 0x1000, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(1, FSR), 1u << 31 | 1u << 3);
    assert_int_equal(CBRQ(1, FAR), iova + 0x44);
    /* Linux's handler writes FSR back: write-1-to-clear lowers the line */
    CBW(1, FSR, CBR(1, FSR));
    assert_int_equal(CBR(1, FSR), 0);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(1)]);
    /* access flag fault, read */
    assert_int_equal(dma_read(&p, iova + 0x1008, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(1, FSR), 1u << 2);                 /* AFF */
    assert_int_equal(CBR(1, FSYNR0) & 0x13, 3);             /* level 3, WNR = 0 */
    assert_int_equal(CBRQ(1, FAR), iova + 0x1008);
    CBW(1, FSR, 0xffffffff);
    /* translation fault at level 1 (nothing mapped under that L0 entry's L1 slot) */
    uint64_t hole = iova - 0x40000000ull;
    assert_int_equal(dma_read(&p, hole, &v, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(1, FSR), 1u << 1);                 /* TF */
    assert_int_equal(CBR(1, FSYNR0) & 3, 1);                /* PLVL 1 */
    assert_int_equal(p.fault.walk.kind, MMU_FAULT_TRANSLATION);
    CBW(1, FSR, 0xffffffff);
    /* SCTLR.CFIE = 0: recorded, no interrupt; CFRE = 0: RAZ/WI, the device sees success */
    CBW(1, SCTLR, 0x1007);
    v = 0xdeadbeef;
    assert_int_equal(dma_read(&p, hole, &v, 4, 0), DMA_OK);
    assert_int_equal(v, 0);
    assert_int_equal(CBR(1, FSR), 1u << 1);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(1)]);
    CBW(1, SCTLR, 0x1067);                                  /* CFIE back on: line rises */
    assert_true(irq_level[SMMU_IRQ_CONTEXT(1)]);
    CBW(1, FSR, 0xffffffff);
    assert_false(irq_level[SMMU_IRQ_CONTEXT(1)]);
    /* FSRRESTORE sets FSR (and the line) */
    CBW(1, FSRRESTORE, 1u << 4);
    assert_int_equal(CBR(1, FSR), 1u << 4);
    assert_true(irq_level[SMMU_IRQ_CONTEXT(1)]);
    CBW(1, FSR, 1u << 4);
    /* a partially successful transfer: the first page lands, the second faults */
    tt_map(root, 12, 48, 0, iova + 0x2000, 3, S1_PAGE(0x502000, 0), 0);
    uint8_t big[0x1400];
    memset(big, 0xab, sizeof big);
    assert_int_equal(dma_write(&p, iova + 0x2800, big, sizeof big, 0), DMA_SMMU_FAULT);
    assert_int_equal(p.done, 0x800);
    assert_int_equal(p.fault_iova, iova + 0x3000);
    assert_int_equal(fm[0x502fff], 0xab);
    smmu_env_free();
}

/* S2CR.PRIVCFG forces privileged transactions: a privileged-only page then works. */
static void test_privcfg(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(0, 0, root, 0, 0x40);
    uint64_t iova = 0x10000;
    tt_map(root, 12, 48, 0, iova, 3, S1_PAGE(0x510000, 0) & ~D_AP_EL0, 0);   /* EL1 only */
    pa_t pa; struct smmu_fault f; struct smmu_xlate x;
    assert_false(smmu_translate(ts, 0x40, iova, MMU_READ, 0, &pa, &f, &x));
    assert_int_equal(f.fsr, 1u << 3);
    CBW(0, FSR, 0xffffffff);
    assert_true(smmu_translate(ts, 0x40, iova, MMU_READ, SMMU_ATTR_PRIV, &pa, &f, &x));
    assert_int_equal(pa.v, 0x510000);
    GR0W(S2CR(0), 3u << 24 | 0);             /* PRIVCFG = privileged */
    assert_true(smmu_translate(ts, 0x40, iova, MMU_WRITE, 0, &pa, &f, &x));
    GR0W(S2CR(0), 2u << 24 | 0);             /* PRIVCFG = unprivileged */
    assert_false(smmu_translate(ts, 0x40, iova, MMU_WRITE, SMMU_ATTR_PRIV, &pa, &f, &x));
    assert_int_equal(CBR(0, FSYNR0) & (1u << 5), 0);         /* PNU = 0 after the override */
    smmu_env_free();
}

/* ---- 64-bit registers: two 32-bit halves and one 64-bit access ---- */
static void test_64bit_registers(void **st)
{
    smmu_env();
    CBW(3, TTBR0, 0x89abc000);                 /* Xen: lo then hi */
    CBW(3, TTBR0 + 4, 0x00050012);
    assert_int_equal(CBRQ(3, TTBR0), 0x0005001289abc000ull);
    CBWQ(3, TTBR1, 0x0007000045678000ull);     /* Linux: writeq */
    assert_int_equal(CBR(3, TTBR1), 0x45678000);
    assert_int_equal(CBR(3, TTBR1 + 4), 0x00070000);
    CBW(3, TTBR0 + 4, 0);                      /* a half write leaves the other half */
    assert_int_equal(CBRQ(3, TTBR0), 0x89abc000ull);
    CBWQ(3, FAR, 0x123456789abcull);
    assert_int_equal(CBR(3, FAR + 4), 0x1234);
    assert_int_equal(CBRQ(3, FAR), 0x123456789abcull);
    wrq(SMMU_BASE + sGFAR, 0xfedcba9876543210ull);
    assert_int_equal(GR0R(sGFAR + 4), 0xfedcba98u);
    assert_int_equal(smmu_guest_errors(ts), 0);
    smmu_env_free();
}

/* ---- bad accesses: guest errors, never a crash ---- */
static void test_bad_accesses(void **st)
{
    struct smmu_config c;
    smmu_default_config(&c);
    c.num_cb = 4;
    smmu_env_cfg(&c);
    uint64_t v;
    /* sizes 1 and 2, misaligned: slave error + logged */
    assert_int_equal(bus_read(tb, mk_pa(SMMU_BASE + ID0), 1, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(tb, mk_pa(SMMU_BASE + sCR0), 2, 0xffff), BUS_SLAVE_ERROR);
    assert_int_equal(bus_read(tb, mk_pa(SMMU_BASE + 0x22), 4, &v), BUS_SLAVE_ERROR);
    assert_int_equal(bus_write(tb, mk_pa(CB_BASE(0) + TTBR0 + 4), 8, 1), BUS_SLAVE_ERROR);
    assert_int_equal(smmu_guest_errors(ts), 4);
    assert_int_equal(GR0R(sCR0), 0x00200001);             /* untouched */
    /* 64-bit access to a 32-bit register: RAZ/WI, logged */
    assert_int_equal(rdq(SMMU_BASE + sCR0), 0);
    wrq(SMMU_BASE + sCR0, 0);
    assert_int_equal(GR0R(sCR0), 0x00200001);
    wrq(CB_BASE(0) + SCTLR, 1);
    assert_int_equal(CBR(0, SCTLR), 0);
    wrq(GR1_BASE + CBAR(0), 1);
    assert_int_equal(smmu_guest_errors(ts), 8);
    /* read-only registers ignore writes */
    GR0W(ID0, 0);
    assert_int_equal(GR0R(ID0) & 0xff, 16);
    CBW(0, TLBSTATUS, 1);
    assert_int_equal(CBR(0, TLBSTATUS), 0);
    GR1W(CBFRSYNRA(0), 5);
    assert_int_equal(GR1R(CBFRSYNRA(0)), 0);
    /* unknown offsets: RAZ/WI; IMPLEMENTATION DEFINED global pages and unimplemented CB pages */
    GR0W(0x3f0, 0xffffffff);
    assert_int_equal(GR0R(0x3f0), 0);
    wr32(SMMU_BASE + 5 * PGSZ, 0xffffffff);
    assert_int_equal(rd32(SMMU_BASE + 5 * PGSZ), 0);
    wr32(CB_BASE(7) + SCTLR, 1);                            /* CB7 > NUMCB */
    assert_int_equal(rd32(CB_BASE(7) + SCTLR), 0);
    GR1W(CBAR(9), 0x10000);                                 /* CBAR beyond NUMCB */
    assert_int_equal(GR1R(CBAR(9)), 0);
    GR0W(SMR(100), 0x80000001u);                            /* SMR beyond NUMSMRG */
    assert_int_equal(GR0R(SMR(100)), 0);
    assert_int_equal(rd32(SMMU_BASE + 0x1fffc), 0);         /* last word of the region */
    /* beyond the region: nothing on the bus */
    assert_int_equal(bus_read(tb, mk_pa(SMMU_BASE + 0x20000), 4, &v), BUS_DECODE_ERROR);
    /* no SMMU, unmapped PA: the DMA reports a bus error */
    struct dma_port p;
    dma_port_init(&p, tb, NULL, 0);
    uint32_t w = 1;
    assert_int_equal(dma_write(&p, 0x10000000ull, &w, 4, 0), DMA_BUS_ERROR);
    assert_int_equal(dma_write(&p, 0x1000, &w, 4, 0), DMA_OK);
    assert_int_equal(fm[0x1000], 1);
    /* a translation to a PA with nothing on the bus: bus error, not an SMMU fault */
    linux_enable();
    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(0, 0, root, 0, 1);
    tt_map(root, 12, 48, 0, 0x2000, 3, S1_PAGE(0x20000000ull, 0), 0);
    dma_port_init(&p, tb, ts, 1);
    assert_int_equal(dma_read(&p, 0x2000, &w, 4, 0), DMA_BUS_ERROR);
    assert_int_equal(CBR(0, FSR), 0);
    /* table walk reading nothing: external abort on the walk → FSR.EF */
    CBWQ(0, TTBR0, 0x30000000ull);
    assert_int_equal(dma_read(&p, 0x2000, &w, 4, 0), DMA_SMMU_FAULT);
    assert_int_equal(CBR(0, FSR), 1u << 4);
    smmu_env_free();
}

/* ---- trace hook ---- */
static struct smmu_trace_event last_ev;
static unsigned n_ev;
static void trace_fn(void *opaque, const struct smmu_trace_event *ev) { (void)opaque; last_ev = *ev; n_ev++; }

static void test_trace_hook(void **st)
{
    smmu_env();
    linux_enable();
    uint64_t root = fm_alloc(0x1000);
    linux_s1_domain(4, 4, root, 2, 0x55);
    tt_map(root, 12, 48, 0, 0x7000, 3, S1_PAGE(0x520000, 0), 0);
    pa_t pa; struct smmu_fault f;
    assert_true(smmu_translate(ts, 0x55, 0x7010, MMU_READ, 0, &pa, &f, NULL));   /* no hook yet */
    smmu_set_trace(ts, trace_fn, NULL);
    n_ev = 0;
    assert_true(smmu_translate(ts, 0x55, 0x7010, MMU_WRITE, 0, &pa, &f, NULL));
    assert_int_equal(n_ev, 1);
    assert_int_equal(last_ev.sid, 0x55);
    assert_int_equal(last_ev.iova, 0x7010);
    assert_int_equal(last_ev.cb, 4);
    assert_int_equal(last_ev.result, SMMU_TRANSLATED);
    assert_int_equal(last_ev.pa.v, 0x520010);
    assert_true(last_ev.write);
    assert_true(last_ev.iotlb_hit);
    assert_int_equal(last_ev.fsr, 0);
    assert_false(smmu_translate(ts, 0x55, 0x9000, MMU_READ, 0, &pa, &f, NULL));
    assert_int_equal(n_ev, 2);
    assert_int_equal(last_ev.result, SMMU_CONTEXT_FAULT);
    assert_int_equal(last_ev.cb, 4);
    assert_int_equal(last_ev.fsr, 1u << 1);
    assert_false(smmu_translate(ts, 0x56, 0x9000, MMU_READ, 0, &pa, &f, NULL));
    assert_int_equal(last_ev.result, SMMU_GLOBAL_FAULT);
    assert_int_equal(last_ev.cb, -1);
    assert_int_equal(last_ev.fsr, 2);
    /* DMA: one event per page */
    uint8_t b[0x2000];
    struct dma_port p;
    dma_port_init(&p, tb, ts, 0x55);
    tt_map(root, 12, 48, 0, 0x8000, 3, S1_PAGE(0x521000, 0), 0);
    n_ev = 0;
    assert_int_equal(dma_read(&p, 0x7000, b, sizeof b, 0), DMA_OK);
    assert_int_equal(n_ev, 2);
    smmu_set_trace(ts, NULL, NULL);
    smmu_env_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_id_registers),
        cmocka_unit_test(test_linux_probe_sequence),
        cmocka_unit_test(test_unmatched_bypass_vs_fault),
        cmocka_unit_test(test_stream_matching),
        cmocka_unit_test(test_stage1_dma),
        cmocka_unit_test(test_context_faults),
        cmocka_unit_test(test_privcfg),
        cmocka_unit_test(test_64bit_registers),
        cmocka_unit_test(test_bad_accesses),
        cmocka_unit_test(test_trace_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
