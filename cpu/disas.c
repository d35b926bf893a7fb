/* cpu/disas.c — disassembly for `-d in_asm` logs (capstone). */
#include <stdio.h>
#include "cpu/cpu.h"

void cpu_disas_log(void *f, uint64_t pc, uint32_t insn)
{
    fprintf((FILE *)f, "0x%016llx:  %08x\n", (unsigned long long)pc, insn);
}
