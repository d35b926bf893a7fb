/* tests/diff/uc_dl.c — load libunicorn with dlmopen (see uc_dl.h for why). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "tests/diff/uc_dl.h"

struct uc_dl uc_dl;

static void *sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) { fprintf(stderr, "faultline: libunicorn: no symbol %s\n", name); exit(2); }
    return p;
}

void uc_dl_load(void)
{
    void *h = dlmopen(LM_ID_NEWLM, "libunicorn.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "faultline: libunicorn.so.2: %s\n", dlerror()); exit(2); }
    uc_dl.open = sym(h, "uc_open");
    uc_dl.ctl = sym(h, "uc_ctl");
    uc_dl.mem_map_ptr = sym(h, "uc_mem_map_ptr");
    uc_dl.reg_write = sym(h, "uc_reg_write");
    uc_dl.reg_write_batch = sym(h, "uc_reg_write_batch");
    uc_dl.reg_read_batch = sym(h, "uc_reg_read_batch");
    uc_dl.hook_add = sym(h, "uc_hook_add");
    uc_dl.context_alloc = sym(h, "uc_context_alloc");
    uc_dl.context_save = sym(h, "uc_context_save");
    uc_dl.context_restore = sym(h, "uc_context_restore");
    uc_dl.emu_start = sym(h, "uc_emu_start");
    uc_dl.emu_stop = sym(h, "uc_emu_stop");
    uc_dl.strerror = sym(h, "uc_strerror");
}
