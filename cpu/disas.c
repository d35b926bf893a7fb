/* cpu/disas.c — disassembly for `-d in_asm` logs (capstone), in QEMU's layout:
 *   0x40080000:  d2a12000  movz     x0, #0x900, lsl #16
 * One line per instruction, written when the instruction is first decoded. Capstone is opened
 * lazily once; if it cannot be opened, or does not know the word, the raw word is printed with
 * ".long". */
#include <stdio.h>
#include <capstone.h>
#include "cpu/cpu.h"

static csh cs_handle;
static int cs_state;            /* 0 untried, 1 open, -1 unavailable */

void cpu_disas_log(void *f, uint64_t pc, uint32_t insn)
{
    FILE *out = f;
    if (cs_state == 0)
        cs_state = cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &cs_handle) == CS_ERR_OK ? 1 : -1;
    uint8_t bytes[4] = { (uint8_t)insn, (uint8_t)(insn >> 8), (uint8_t)(insn >> 16), (uint8_t)(insn >> 24) };
    cs_insn *ci = NULL;
    if (cs_state == 1 && cs_disasm(cs_handle, bytes, 4, pc, 1, &ci) == 1) {
        fprintf(out, "0x%08llx:  %08x  %-8s %s\n", (unsigned long long)pc, insn, ci->mnemonic, ci->op_str);
        cs_free(ci, 1);
    } else {
        fprintf(out, "0x%08llx:  %08x  .long    0x%08x\n", (unsigned long long)pc, insn, insn);
    }
}
