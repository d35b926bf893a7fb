/* tests/guest/undef — UNDEFINED instructions are taken to the EL1 synchronous vector (current EL,
 * SP_EL1) with ESR_EL1.EC = 0 (Unknown reason), IL = 1, ISS = 0, ELR_EL1 = the faulting
 * instruction (Arm ARM D1.10.1: the preferred return address of an UNDEFINED exception is the
 * instruction itself). The handler records the syndrome and skips the instruction. */
#include "rt.h"

static volatile uint64_t seen_esr, seen_elr, seen_kind, seen_count;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC || ESR_EC(f->esr) != 0) return 0;
    seen_esr = f->esr; seen_elr = f->elr; seen_kind = kind; seen_count++;
    f->elr += 4;                              /* skip it */
    return 1;
}

extern char udf0[], udf1[], msr_ro[], after_udf[];

static void check_one(const char *name, const char *at, unsigned count)
{
    char n[64];
    const char *parts[4] = { "-taken", "-esr", "-elr", "-vector" };
    uint64_t got[4] = { seen_count, seen_esr, seen_elr, seen_kind };
    uint64_t want[4] = { count, 0x02000000, (uint64_t)at, 1 * 4 + RT_SYNC };
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(name);
        memcpy(n, name, l); memcpy(n + l, parts[i], strlen(parts[i]) + 1);
        CHECK_EQ(n, got[i], want[i]);
    }
}

int main(void)
{
    rt_set_handler(on_sync);
    uint64_t x = 0;
    __asm__ volatile(".global udf0\nudf0: .inst 0x00000000\n"   /* UDF #0 */
                     "add %0, %0, #1" : "+r"(x) :: "memory");
    check_one("udf0", udf0, 1);
    CHECK_EQ("udf0-resumed", x, 1);
    __asm__ volatile(".global udf1\nudf1: udf #0xbeef\n"
                     ".global after_udf\nafter_udf: add %0, %0, #1" : "+r"(x) :: "memory");
    check_one("udf-imm", udf1, 2);
    CHECK_EQ("udf-imm-resumed", x, 2);
    /* A write to a read-only register (MIDR_EL1 as MSR S3_0_C0_C0_0) is UNDEFINED. */
    __asm__ volatile(".global msr_ro\nmsr_ro: msr s3_0_c0_c0_0, %0" :: "r"(x) : "memory");
    check_one("msr-midr", msr_ro, 3);
    rt_result();
    return 0;
}
