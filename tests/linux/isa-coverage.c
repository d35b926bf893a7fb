/* tests/linux/isa-coverage.c — which instructions and system registers that QEMU executed while
 * booting the Debian guest does faultline not decode yet? Reads a QEMU `-d in_asm` log (lines
 * "0xADDR:  WORD  mnemonic operands") on stdin, decodes every distinct word with faultline's
 * decoder under the cortex-a57 profile (cpu_decode_name), checks the register of every MRS/MSR
 * with cpu_sysreg_name, and prints the gaps grouped by QEMU's mnemonic, with how many distinct
 * sites (address, word) use each, kernel (EL1) and user (EL0) apart. A pre-boot blocker list:
 * tests/linux/isa-coverage.sh makes the log and runs this. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "cpu/cpu.h"
#include "machine/machine.h"

struct gap { char key[96]; char example[160]; unsigned ksites, usites; };
static struct gap gaps[4096];
static unsigned ngaps;

static struct gap *gap_for(const char *key, const char *example)
{
    for (unsigned i = 0; i < ngaps; i++)
        if (!strcmp(gaps[i].key, key)) return &gaps[i];
    if (ngaps == sizeof gaps / sizeof gaps[0]) return NULL;
    struct gap *g = &gaps[ngaps++];
    snprintf(g->key, sizeof g->key, "%s", key);
    snprintf(g->example, sizeof g->example, "%s", example);
    return g;
}

static int cmp(const void *a, const void *b)
{
    const struct gap *x = a, *y = b;
    unsigned nx = x->ksites + x->usites, ny = y->ksites + y->usites;
    return nx < ny ? 1 : nx > ny ? -1 : strcmp(x->key, y->key);
}

/* Sites already seen: an open-addressing set of (address, word). */
#define SET_BITS 22
static uint64_t set_pc[1u << SET_BITS];
static uint32_t set_w[1u << SET_BITS];
static unsigned char set_used[1u << SET_BITS];
static int seen(uint64_t pc, uint32_t w)
{
    uint64_t h = (pc * 0x9e3779b97f4a7c15ull) ^ w;
    for (uint32_t i = (uint32_t)(h >> (64 - SET_BITS));; i = (i + 1) & ((1u << SET_BITS) - 1)) {
        if (!set_used[i]) { set_used[i] = 1; set_pc[i] = pc; set_w[i] = w; return 0; }
        if (set_pc[i] == pc && set_w[i] == w) return 1;
    }
}

int main(void)
{
    struct bus *b = bus_new();
    struct cpu_shared *sh = cpu_shared_new(b);
    struct cpu_hooks h = { 0 };
    struct cpu_config cfg = { .profile = CPU_PROFILE_CORTEX_A57 };
    struct cpu *c = cpu_new(sh, &cfg, &h);
    char line[512];
    unsigned long sites = 0, ksites = 0, usites = 0, undef = 0, badreg = 0;
    while (fgets(line, sizeof line, stdin)) {
        uint64_t pc; uint32_t w; int n = 0;
        if (sscanf(line, "0x%" SCNx64 ": %" SCNx32 " %n", &pc, &w, &n) != 2 || n == 0) continue;
        if (seen(pc, w)) continue;
        /* EL1: the kernel's virtual addresses (TTBR1) and its physical addresses in RAM before
         * the MMU is on; everything else is EL0. */
        int kernel = pc >= 0xffff000000000000ull || (pc >= 0x40000000ull && pc < 0x60000000ull);
        sites++; kernel ? ksites++ : usites++;
        char *dis = line + n; dis[strcspn(dis, "\n")] = 0;
        char mn[64]; if (sscanf(dis, "%63s", mn) != 1) snprintf(mn, sizeof mn, "?");
        char key[96], ex[160];
        snprintf(ex, sizeof ex, "%08" PRIx32 "  %s", w, dis);
        if (!cpu_decode_name(c, w)) {
            undef++;
            snprintf(key, sizeof key, "UNDEFINED %s", mn);
        } else if ((w & 0xffd00000u) == 0xd5100000u || (w & 0xffd00000u) == 0xd5300000u) {
            /* MRS/MSR (register): op0 = 2 + bit 19, op1, CRn, CRm, op2. */
            uint32_t enc = SYSREG_ENC(2 + ((w >> 19) & 1), (w >> 16) & 7, (w >> 12) & 15, (w >> 8) & 15, (w >> 5) & 7);
            uint64_t v;
            if (cpu_sysreg_name(enc) && cpu_read_sysreg(c, enc, &v)) continue;
            badreg++;
            snprintf(key, sizeof key, "SYSREG %s S%u_%u_C%u_C%u_%u", mn, 2 + ((w >> 19) & 1), (w >> 16) & 7,
                     (w >> 12) & 15, (w >> 8) & 15, (w >> 5) & 7);
        } else continue;
        struct gap *g = gap_for(key, ex);
        if (g) kernel ? g->ksites++ : g->usites++;
    }
    qsort(gaps, ngaps, sizeof gaps[0], cmp);
    printf("isa-coverage: %lu distinct sites (%lu kernel, %lu user); %lu do not decode on faultline, "
           "%lu MRS/MSR name a register faultline lacks\n", sites, ksites, usites, undef, badreg);
    printf("%-48s %8s %8s  %s\n", "gap (QEMU mnemonic / register)", "K sites", "U sites", "example (word, QEMU disassembly)");
    for (unsigned i = 0; i < ngaps; i++)
        printf("%-48s %8u %8u  %s\n", gaps[i].key, gaps[i].ksites, gaps[i].usites, gaps[i].example);
    cpu_free(c); cpu_shared_free(sh); bus_free(b);
    return (undef || badreg) ? 1 : 0;
}
