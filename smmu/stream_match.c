/* smmu/stream_match.c — stream mapping (SMMUv2 §2.4 "Stream mapping"): the Stream Match
 * Registers SMRn select a Stream-to-Context register S2CRn for an incoming stream ID.
 * Register storage lives in smmu_global.c (the arrays are in GR0). */
#include "smmu/smmu_internal.h"

/* SMRn (SMMUv2 §9.6.? SMRn, stream matching, EXIDENABLE = 0): VALID [31], MASK [30:16],
 * ID [14:0] with NUMSIDB = 15; bit 15 is RES0. ID and MASK hold whatever was written,
 * whether VALID is set or not. */
uint32_t smmu_smr_write_value(uint32_t val)
{
    return val & (SMR_VALID | SMR_ID_MASK << SMR_MASK_SHIFT | SMR_ID_MASK);
}

/* A stream ID matches SMRn when VALID and every bit not masked out by MASK equals ID
 * ("(SID ^ ID) & ~MASK == 0" over the NUMSIDB implemented bits). */
enum smr_match smmu_stream_match(const struct smmu *s, uint32_t sid, unsigned *idx)
{
    unsigned found = 0, first = 0;
    for (unsigned i = 0; i < s->cfg.num_smrg; i++) {
        uint32_t smr = s->smr[i];
        if (!(smr & SMR_VALID)) continue;
        uint32_t id = smr & SMR_ID_MASK, mask = (smr >> SMR_MASK_SHIFT) & SMR_ID_MASK;
        if (((sid ^ id) & ~mask & SMR_ID_MASK) != 0) continue;
        /* Stream IDs wider than NUMSIDB never match (their high bits are not compared by
         * hardware; a client cannot produce them) — treat them as unmatched. */
        if (sid & ~SMR_ID_MASK) continue;
        if (!found++) first = i;
    }
    *idx = first;
    if (!found) return SMR_MATCH_NONE;
    /* More than one match: a stream match conflict (sGFSR.SMCF) when sCR0.SMCFCFG = 1;
     * otherwise UNPREDICTABLE — this model then uses the lowest-numbered match. */
    if (found > 1 && (s->scr0 & sCR0_SMCFCFG)) return SMR_MATCH_CONFLICT;
    return SMR_MATCH_ONE;
}
