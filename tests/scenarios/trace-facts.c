/* tests/scenarios/trace-facts.c — read a faultline trace with the library reader
 * (machine/trace.h) and print the facts the scenarios assert, one `key=value` per line:
 *   s2_faults, s2_mapped, s2_inject_dabt, s2_inject_pabt, s2_emulated, s2_insn,
 *   maps_boot, maps_fault, maps_hypercall, maps_domctl, pages_fault (4K pages mapped by faults),
 *   maps_fault_c / maps_fault_dev / ... (fault maps by type), not_xen (records flagged outside
 *   Xen's behaviour), exc_el1 (exceptions taken to EL1), run_end (0/1), cycles, insns (RUN-END),
 *   records, status (0 clean end, else the trace_err);
 *   s2_perm (stage-2 faults of the permission class), notes_not_xen (NOTE records flagged outside
 *   Xen's behaviour), exc_el1_align (exceptions taken to EL1 with EC 0x25 and DFSC 0x21, the
 *   alignment faults), exc_el1_iabt (EC 0x21, instruction aborts at EL1);
 *   with a second argument IPA (hex): ipa_maps (p2m MAP records covering IPA), ipa_type and
 *   ipa_reason (of the last one; "none" when none), ipa_size (its size in bytes);
 *   SMMU and DMA (seed 001 option c): smmu_xlate, smmu_ok, smmu_cb_faults (SMMU-XLATE records:
 *   all, translated, context faults), first context fault: smmu_fault_sid, smmu_fault_iova,
 *   smmu_fault_cb, smmu_fault_fsr, smmu_fault_fsynr0, smmu_fault_write (hex; "none" fields
 *   are -1 when there was none); dma, dma_ok, dma_fault (DMA records by result); with IPA:
 *   ipa_smmu_ok (translations of an IOVA in IPA's page to PA = that page), ipa_smmu_faults,
 *   ipa_dma_ok, ipa_dma_fault (DMA records whose IOVA range covers IPA); dma_fault_dev (the
 *   master of the first DMA record with result smmu-fault, "none" when none);
 *   protected-devices (seeds 003/004, the block after the includes): dma_smmu_fault,
 *   dma_bus_error, dma_outside (DMA records by result), dma_outside_pa (first outside transfer's
 *   PA, hex) and dma_outside_dev (its master), maps_foreign (P2M MAPs of a foreign type, reason
 *   hypercall), notes_dma_warn (NOTEs of the seed-004 warning "DMA from unprotected device").
 * usage: trace-facts FILE [IPA]
 * Exit status 0 when the file was read to its clean end, 3 when it ends inside a record, 1 on
 * other errors (as faultline-trace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine/trace.h"

/* ---- protected-devices facts (tests/scenarios/protected.sh; seeds 003/004). The SMMU
 * context-fault facts and dma_ok come from the seed-001 block in main. ---- */
static struct {
    uint64_t dma[TRACE_DMA__COUNT], outside_pa, maps_foreign, notes_warn;
    char outside_dev[64];
} prot;
static void prot_rec(const struct trace_reader *r, const struct trace_rec *rec)
{
    switch (rec->kind) {
    case TRACE_K_DMA:
        if (rec->ev.dma.result < TRACE_DMA__COUNT) prot.dma[rec->ev.dma.result]++;
        if (rec->ev.dma.result == TRACE_DMA_OUTSIDE_DOMAIN && prot.dma[TRACE_DMA_OUTSIDE_DOMAIN] == 1) {
            const char *n = trace_string(r, rec->ev.dma.dev);
            prot.outside_pa = rec->ev.dma.pa.v ? rec->ev.dma.pa.v : rec->ev.dma.iova;
            snprintf(prot.outside_dev, sizeof prot.outside_dev, "%s", n ? n : "?");
        }
        break;
    case TRACE_K_P2M:
        if (rec->ev.p2m.op == TRACE_P2M_MAP && rec->ev.p2m.type == TRACE_P2M_FOREIGN &&
            rec->ev.p2m.reason == TRACE_P2M_R_HYPERCALL) prot.maps_foreign++;
        break;
    case TRACE_K_NOTE:
        if (rec->ev.note.text && strstr(rec->ev.note.text, "DMA from unprotected device")) prot.notes_warn++;
        break;
    }
}
static void prot_print(void)
{
    printf("dma_smmu_fault=%llu\ndma_bus_error=%llu\ndma_outside=%llu\ndma_outside_pa=0x%llx\ndma_outside_dev=%s\n"
           "maps_foreign=%llu\nnotes_dma_warn=%llu\n",
           (unsigned long long)prot.dma[TRACE_DMA_SMMU_FAULT], (unsigned long long)prot.dma[TRACE_DMA_BUS_ERROR],
           (unsigned long long)prot.dma[TRACE_DMA_OUTSIDE_DOMAIN], (unsigned long long)prot.outside_pa,
           prot.outside_dev[0] ? prot.outside_dev : "none", (unsigned long long)prot.maps_foreign,
           (unsigned long long)prot.notes_warn);
}
/* ---- end of the protected-devices facts ---- */

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) { fprintf(stderr, "usage: trace-facts FILE [IPA]\n"); return 2; }
    uint64_t ipa = argc == 3 ? strtoull(argv[2], NULL, 16) : 0, ipa_maps = 0, ipa_size = 0;
    int ipa_type = -1, ipa_reason = -1;
    uint64_t s2_perm = 0, notes_not_xen = 0, exc1_align = 0, exc1_iabt = 0;
    struct trace_reader *r;
    int rc = trace_open(argv[1], &r);
    if (rc != TRACE_OK) { fprintf(stderr, "trace-facts: %s: %s\n", argv[1], trace_strerror(rc)); return 1; }
    uint64_t s2 = 0, out[TRACE_S2__COUNT] = { 0 }, insn = 0, reason[TRACE_P2M_R__COUNT] = { 0 };
    uint64_t pages_fault = 0, by_type[TRACE_P2M__COUNT] = { 0 }, not_xen = 0, exc1 = 0, run_end = 0;
    uint64_t cycles = 0, insns = 0;
    uint64_t smmu = 0, smmu_ok = 0, smmu_cbf = 0, dma = 0, dma_ok = 0, dma_fault = 0;
    uint64_t ipa_smmu_ok = 0, ipa_smmu_f = 0, ipa_dma_ok = 0, ipa_dma_f = 0;
    struct trace_smmu_xlate first = { .result = 0xff };
    char fault_dev[64] = "none";
    struct trace_rec rec;
    while ((rc = trace_next(r, &rec)) == 1) {
        prot_rec(r, &rec);                                   /* protected-devices facts */
        if (rec.flags & TRACE_F_NOT_XEN) not_xen++;
        switch (rec.kind) {
        case TRACE_K_S2_FAULT:
            s2++;
            if (rec.ev.s2_fault.outcome < TRACE_S2__COUNT) out[rec.ev.s2_fault.outcome]++;
            if (rec.ev.s2_fault.is_insn) insn++;
            if (rec.ev.s2_fault.fault_class == TRACE_FC_PERMISSION) s2_perm++;
            break;
        case TRACE_K_P2M:
            if (rec.ev.p2m.op != TRACE_P2M_MAP) break;
            if (argc == 3 && ipa >= rec.ev.p2m.ipa.v && ipa - rec.ev.p2m.ipa.v < rec.ev.p2m.size) {
                ipa_maps++;
                ipa_type = rec.ev.p2m.type;
                ipa_reason = rec.ev.p2m.reason;
                ipa_size = rec.ev.p2m.size;
            }
            if (rec.ev.p2m.reason < TRACE_P2M_R__COUNT) reason[rec.ev.p2m.reason]++;
            if (rec.ev.p2m.reason == TRACE_P2M_R_FAULT) {
                pages_fault += rec.ev.p2m.size >> 12;
                if (rec.ev.p2m.type < TRACE_P2M__COUNT) by_type[rec.ev.p2m.type]++;
            }
            break;
        case TRACE_K_EXC_TAKEN:
            if (rec.ev.exc_taken.to_el == 1) {
                exc1++;
                if (rec.ev.exc_taken.ec == 0x25 && (rec.ev.exc_taken.esr & 0x3f) == 0x21) exc1_align++;
                if (rec.ev.exc_taken.ec == 0x21) exc1_iabt++;
            }
            break;
        case TRACE_K_SMMU_XLATE: {
            const struct trace_smmu_xlate *x = &rec.ev.smmu_xlate;
            bool here = argc == 3 && (x->iova >> 12) == (ipa >> 12);
            smmu++;
            if (x->result == TRACE_SMMU_OK) {
                smmu_ok++;
                if (here && (x->pa.v >> 12) == (ipa >> 12)) ipa_smmu_ok++;
            }
            if (x->result == TRACE_SMMU_FAULT_CB) {
                if (!smmu_cbf++) first = *x;
                if (here) ipa_smmu_f++;
            }
            break;
        }
        case TRACE_K_DMA: {
            const struct trace_dma *d = &rec.ev.dma;
            bool here = argc == 3 && ipa >= d->iova && ipa - d->iova < d->len;
            dma++;
            if (d->result == TRACE_DMA_OK) { dma_ok++; if (here) ipa_dma_ok++; }
            if (d->result == TRACE_DMA_SMMU_FAULT) {
                if (!dma_fault++) {
                    const char *n = trace_string(r, d->dev);
                    snprintf(fault_dev, sizeof fault_dev, "%s", n ? n : "?");
                }
                if (here) ipa_dma_f++;
            }
            break;
        }
        case TRACE_K_NOTE:
            if (rec.flags & TRACE_F_NOT_XEN) notes_not_xen++;
            break;
        case TRACE_K_RUN_END:
            run_end++;
            cycles = rec.ev.run_end.total_cycles;
            insns = rec.ev.run_end.total_insns;
            break;
        }
    }
    printf("s2_faults=%llu\ns2_mapped=%llu\ns2_inject_dabt=%llu\ns2_inject_pabt=%llu\ns2_emulated=%llu\ns2_insn=%llu\n",
           (unsigned long long)s2, (unsigned long long)out[TRACE_S2_MAPPED], (unsigned long long)out[TRACE_S2_INJECT_DABT],
           (unsigned long long)out[TRACE_S2_INJECT_PABT], (unsigned long long)out[TRACE_S2_EMULATED_MMIO], (unsigned long long)insn);
    printf("maps_boot=%llu\nmaps_fault=%llu\nmaps_hypercall=%llu\nmaps_domctl=%llu\npages_fault=%llu\n",
           (unsigned long long)reason[TRACE_P2M_R_BOOT], (unsigned long long)reason[TRACE_P2M_R_FAULT],
           (unsigned long long)reason[TRACE_P2M_R_HYPERCALL], (unsigned long long)reason[TRACE_P2M_R_DOMCTL],
           (unsigned long long)pages_fault);
    for (unsigned t = 1; t < TRACE_P2M__COUNT; t++)
        printf("maps_fault_%s=%llu\n", trace_p2m_type_name(t), (unsigned long long)by_type[t]);
    printf("not_xen=%llu\nexc_el1=%llu\nrun_end=%llu\ncycles=%llu\ninsns=%llu\nrecords=%llu\nstatus=%d\n",
           (unsigned long long)not_xen, (unsigned long long)exc1, (unsigned long long)run_end,
           (unsigned long long)cycles, (unsigned long long)insns, (unsigned long long)trace_reader_records(r), rc);
    printf("s2_perm=%llu\nnotes_not_xen=%llu\nexc_el1_align=%llu\nexc_el1_iabt=%llu\n", (unsigned long long)s2_perm,
           (unsigned long long)notes_not_xen, (unsigned long long)exc1_align, (unsigned long long)exc1_iabt);
    printf("smmu_xlate=%llu\nsmmu_ok=%llu\nsmmu_cb_faults=%llu\ndma=%llu\ndma_ok=%llu\ndma_fault=%llu\ndma_fault_dev=%s\n",
           (unsigned long long)smmu, (unsigned long long)smmu_ok, (unsigned long long)smmu_cbf,
           (unsigned long long)dma, (unsigned long long)dma_ok, (unsigned long long)dma_fault, fault_dev);
    if (smmu_cbf)
        printf("smmu_fault_sid=0x%x\nsmmu_fault_iova=0x%llx\nsmmu_fault_cb=%u\nsmmu_fault_fsr=0x%x\nsmmu_fault_fsynr0=0x%x\n"
               "smmu_fault_write=%u\n", first.sid, (unsigned long long)first.iova, first.cb, first.fsr, first.fsynr0,
               first.is_write);
    else
        printf("smmu_fault_sid=-1\nsmmu_fault_iova=-1\nsmmu_fault_cb=-1\nsmmu_fault_fsr=-1\nsmmu_fault_fsynr0=-1\nsmmu_fault_write=-1\n");
    if (argc == 3)
        printf("ipa_smmu_ok=%llu\nipa_smmu_faults=%llu\nipa_dma_ok=%llu\nipa_dma_fault=%llu\n", (unsigned long long)ipa_smmu_ok,
               (unsigned long long)ipa_smmu_f, (unsigned long long)ipa_dma_ok, (unsigned long long)ipa_dma_f);
    if (argc == 3)
        printf("ipa_maps=%llu\nipa_type=%s\nipa_reason=%s\nipa_size=%llu\n", (unsigned long long)ipa_maps,
               ipa_type < 0 ? "none" : trace_p2m_type_name((unsigned)ipa_type),
               ipa_reason < 0 ? "none" : trace_p2m_reason_name((unsigned)ipa_reason), (unsigned long long)ipa_size);
    prot_print();                                            /* protected-devices facts */
    trace_close(r);
    return rc == 0 ? 0 : rc == TRACE_ERR_TRUNCATED ? 3 : 1;
}
