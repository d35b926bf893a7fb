/* tests/guest/svc — SVC from EL1 (taken to the current-EL SP_ELx vector, EC = 0x15, ISS = imm16,
 * ELR = the next instruction), then ERET to EL0 (SPSR_EL1.M = EL0t), an UNDEFINED access from
 * EL0 (MRS CurrentEL is not accessible at EL0: lower-EL vector, EC = 0) and an SVC back to EL1
 * from EL0 (lower-EL AArch64 vector, SPSR_EL1.M = 0b0000). */
#include "rt.h"

static volatile uint64_t seen_esr, seen_elr, seen_kind, seen_spsr, seen_count, el0_undef_esr;

extern char svc1[], svc1_next[];

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC) return 0;
    uint64_t ec = ESR_EC(f->esr);
    if (RT_KIND_GROUP(kind) == 2 && ec == 0) {   /* EL0 touched CurrentEL: skip, x0 = marker */
        el0_undef_esr = f->esr;
        f->x[0] = 0xdead;
        f->elr += 4;
        return 1;
    }
    if (ec != 0x15) return 0;
    seen_esr = f->esr; seen_elr = f->elr; seen_kind = kind; seen_spsr = f->spsr; seen_count++;
    if (RT_KIND_GROUP(kind) == 2)                /* from EL0: back to EL1 with x0 */
        rt_el0_return(f, f->x[0] + 1);
    return 1;
}

/* Runs at EL0: no calls, only registers and the EL0 stack. */
__attribute__((noinline)) static void el0_code(void)
{
    __asm__ volatile(
        "mov  x0, #0x40\n"
        "mrs  x0, CurrentEL\n"          /* UNDEFINED at EL0: the handler sets x0 = 0xdead */
        "add  x0, x0, #0x11\n"          /* 0xdebe */
        "svc  #0x77\n"                  /* to EL1, which returns x0 + 1 = 0xdebf */
        "b    .\n" ::: "x0", "memory");
}

int main(void)
{
    rt_set_handler(on_sync);
    __asm__ volatile(".global svc1\nsvc1: svc #0x1234\n.global svc1_next\nsvc1_next:" ::: "memory");
    CHECK_EQ("el1-svc-taken", seen_count, 1);
    CHECK_EQ("el1-svc-esr", seen_esr, (0x15ull << 26) | (1 << 25) | 0x1234);
    CHECK_EQ("el1-svc-elr", seen_elr, (uint64_t)svc1_next);
    CHECK_EQ("el1-svc-vector", seen_kind, 1 * 4 + RT_SYNC);
    CHECK_EQ("el1-svc-spsr-m", seen_spsr & 0xf, 0x5);    /* EL1h */

    uint64_t r = rt_enter_el0(el0_code);
    CHECK_EQ("el0-undef-esr", el0_undef_esr, 0x02000000);
    CHECK_EQ("el0-svc-taken", seen_count, 2);
    CHECK_EQ("el0-svc-esr", seen_esr, (0x15ull << 26) | (1 << 25) | 0x77);
    CHECK_EQ("el0-svc-vector", seen_kind, 2 * 4 + RT_SYNC);
    CHECK_EQ("el0-svc-spsr-m", seen_spsr & 0x1f, 0x0);    /* EL0t, AArch64 */
    CHECK_EQ("el0-result", r, 0xdebf);
    CHECK_EQ("back-at-el1", (SYSREG_READ(CurrentEL) >> 2) & 3, 1);
    rt_result();
    return 0;
}
