/* tests/diff/uc_dl.h — Unicorn, loaded into its own link namespace.
 *
 * libunicorn.so exports QEMU's internal `cpu_reset` with default visibility and calls it
 * through the PLT; faultline's public `cpu_reset` (cpu/cpu.h) in the same executable interposes
 * it, and Unicorn then aborts creating its CPU ("asidx < cpu->num_ases"). dlmopen(LM_ID_NEWLM)
 * loads a private copy of libunicorn that cannot see the executable's symbols. Include this
 * after <unicorn/unicorn.h>: the uc_* names below then call through that copy. */
#ifndef FAULTLINE_UC_DL_H
#define FAULTLINE_UC_DL_H
#include <unicorn/unicorn.h>

struct uc_dl {
    uc_err (*open)(uc_arch, uc_mode, uc_engine **);
    uc_err (*ctl)(uc_engine *, uc_control_type, ...);
    uc_err (*mem_map_ptr)(uc_engine *, uint64_t, size_t, uint32_t, void *);
    uc_err (*reg_write)(uc_engine *, int, const void *);
    uc_err (*reg_write_batch)(uc_engine *, int *, void *const *, int);
    uc_err (*reg_read_batch)(uc_engine *, int *, void **, int);
    uc_err (*hook_add)(uc_engine *, uc_hook *, int, void *, void *, uint64_t, uint64_t, ...);
    uc_err (*context_alloc)(uc_engine *, uc_context **);
    uc_err (*context_save)(uc_engine *, uc_context *);
    uc_err (*context_restore)(uc_engine *, uc_context *);
    uc_err (*emu_start)(uc_engine *, uint64_t, uint64_t, uint64_t, size_t);
    uc_err (*emu_stop)(uc_engine *);
    const char *(*strerror)(uc_err);
};
extern struct uc_dl uc_dl;
/* Load it; on failure print one line and exit. */
void uc_dl_load(void);

#define uc_open            uc_dl.open
#define uc_ctl             uc_dl.ctl
#define uc_mem_map_ptr     uc_dl.mem_map_ptr
#define uc_reg_write       uc_dl.reg_write
#define uc_reg_write_batch uc_dl.reg_write_batch
#define uc_reg_read_batch  uc_dl.reg_read_batch
#define uc_hook_add        uc_dl.hook_add
#define uc_context_alloc   uc_dl.context_alloc
#define uc_context_save    uc_dl.context_save
#define uc_context_restore uc_dl.context_restore
#define uc_emu_start       uc_dl.emu_start
#define uc_emu_stop        uc_dl.emu_stop
#define uc_strerror        uc_dl.strerror
#endif
