/* tests/guest/el0 — EL0 <-> EL1 round trips (MMU off): ERET to EL0t, SVC back (EC 0x15,
 * ISS = imm16, ELR = next instruction, SPSR.M = EL0t, the lower-EL AArch64 vector), SP_EL0
 * against SP_EL1 banking (SP at EL0 is SP_EL0; the EL1 handler runs on SP_EL1; SPSel), ELR/SPSR
 * written by the handler are what ERET restores (skip an instruction, set NZCV), the general
 * registers survive the exception, UDF at EL0 (EC 0), MRS of an EL1 register at EL0 (EC 0), a
 * data abort from EL0 (EC 0x24, DFSC 0x10 external abort on the unmapped hole 0x0B000000). */
#include "rt.h"

extern char el0_prog[], el0_svc1_next[], el0_svc3_next[], el0_udf[], el0_mrs[], el0_ldr[],
    el0_skipped[], __el0_stack_top[], __stack_top[];

static volatile uint64_t svc_esr[8], svc_elr[8], svc_spsr[8], svc_sp0[8], svc_x1[8], svc_kind[8];
static volatile uint64_t regs_ok, frame_sp, undef_esr[2], undef_elr[2], n_undef, dab_esr, dab_far, dab_elr;

static int on_sync(struct rt_frame *f, unsigned kind)
{
    if (RT_KIND_TYPE(kind) != RT_SYNC || RT_KIND_GROUP(kind) != 2) return 0;
    uint64_t ec = ESR_EC(f->esr);
    if (ec == 0) {
        if (n_undef < 2) { undef_esr[n_undef] = f->esr; undef_elr[n_undef] = f->elr; }
        n_undef++;
        f->elr += 4;
        return 1;
    }
    if (ec == 0x24) { dab_esr = f->esr; dab_far = f->far; dab_elr = f->elr; f->elr += 4; return 1; }
    if (ec != 0x15) return 0;
    unsigned imm = f->esr & 0xffff;
    if (imm == 0xffff) { rt_el0_return(f, f->x[0]); return 1; }
    unsigned i = imm & 7;
    svc_esr[i] = f->esr; svc_elr[i] = f->elr; svc_spsr[i] = f->spsr; svc_sp0[i] = f->sp_el0;
    svc_x1[i] = f->x[1]; svc_kind[i] = kind;
    if (i == 1) frame_sp = (uint64_t)f;
    if (i == 3) { f->elr += 4; f->spsr = (f->spsr & ~0xf0000000ull) | (0xaull << 28); }
    if (i == 4) svc_x1[i] = f->x[0];
    if (i == 5) for (int r = 4; r <= 28; r++) f->x[r] = f->x[r];   /* rewritten unchanged */
    if (i == 6) {
        int ok = 1;
        for (int r = 4; r <= 28; r++) ok &= f->x[r] == (uint64_t)r * 0x0101010101010101ull;
        regs_ok = ok;
    }
    return 1;
}

int main(void)
{
    rt_set_handler(on_sync);
    uint64_t sp1 = 0;
    __asm__ volatile("mov %0, sp" : "=r"(sp1));
    CHECK_EQ("el1-spsel-1", SYSREG_READ(spsel), 1);
    /* SPSel = 0: SP is SP_EL0 at EL1; the EL1 stack pointer is banked away meanwhile. */
    uint64_t via_sp0;
    SYSREG_WRITE(sp_el0, 0x40123450ull);
    __asm__ volatile("msr spsel, #0\n\tmov %0, sp\n\tmsr spsel, #1" : "=r"(via_sp0) :: "memory");
    CHECK_EQ("spsel0-sp-is-sp_el0", via_sp0, 0x40123450ull);
    uint64_t sp1b;
    __asm__ volatile("mov %0, sp" : "=r"(sp1b));
    CHECK_EQ("spsel1-sp-el1-kept", sp1b, sp1);

    uint64_t r = rt_enter_el0((void (*)(void))el0_prog);
    CHECK_EQ("el0-returned", r, 0x7f);
    uint64_t top = (uint64_t)__el0_stack_top;
    CHECK_EQ("svc-esr", svc_esr[1], (0x15ull << 26) | (1ull << 25) | 0x101);
    CHECK_EQ("svc-elr-next", svc_elr[1], (uint64_t)el0_svc1_next);
    CHECK_EQ("svc-spsr-el0t", svc_spsr[1] & 0x1f, 0);
    CHECK_EQ("svc-vector-lower-a64", svc_kind[1], 2 * 4 + RT_SYNC);
    CHECK_EQ("el0-sp-is-sp_el0", svc_x1[1], top);
    CHECK_EQ("sp_el0-saved", svc_sp0[1], top);
    CHECK("handler-on-el1-stack", frame_sp < (uint64_t)__stack_top && frame_sp >= (uint64_t)__stack_top - 0x10000);
    CHECK_EQ("el0-sp-moved", svc_x1[2], top - 64);
    CHECK_EQ("sp_el0-follows", svc_sp0[2], top - 64);
    CHECK_EQ("svc-imm16-2", svc_esr[2] & 0xffff, 0x102);
    CHECK_EQ("elr-roundtrip-skip", svc_elr[4], (uint64_t)el0_svc3_next + 16);
    CHECK_EQ("spsr-roundtrip-nzcv", svc_x1[4], 0xaull << 28);
    CHECK_EQ("regs-preserved", regs_ok, 1);
    CHECK_EQ("undef-count", n_undef, 2);
    CHECK_EQ("udf-esr", undef_esr[0], 1ull << 25);
    CHECK_EQ("udf-elr", undef_elr[0], (uint64_t)el0_udf);
    CHECK_EQ("mrs-el1-reg-esr", undef_esr[1], 1ull << 25);
    CHECK_EQ("mrs-el1-reg-elr", undef_elr[1], (uint64_t)el0_mrs);
    CHECK_EQ("el0-dabort-ec", ESR_EC(dab_esr), 0x24);
    CHECK_EQ("el0-dabort-dfsc", dab_esr & 0x3f, 0x10);
    CHECK_EQ("el0-dabort-far", dab_far, 0x0b000000);
    CHECK_EQ("el0-dabort-elr", dab_elr, (uint64_t)el0_ldr);
    uint64_t sp1c;
    __asm__ volatile("mov %0, sp" : "=r"(sp1c));
    CHECK_EQ("el1-sp-after", sp1c, sp1);
    CHECK_EQ("back-at-el1", (SYSREG_READ(CurrentEL) >> 2) & 3, 1);
    rt_result();
    return 0;
}
