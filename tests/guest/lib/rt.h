/* tests/guest/lib/rt.h — the tiny freestanding runtime shared by the bare-metal guests. */
#ifndef GUEST_RT_H
#define GUEST_RT_H
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

/* Exception frame built by the vectors in start.S (layout shared with the assembly). */
struct rt_frame {
    uint64_t x[31];          /* x0..x30 */
    uint64_t sp_el0;
    uint64_t elr, spsr, esr, far;
};

/* Which vector was taken: group (0 cur SP0, 1 cur SPx, 2 lower A64, 3 lower A32) * 4 + type
 * (0 sync, 1 IRQ, 2 FIQ, 3 SError). */
enum { RT_SYNC = 0, RT_IRQ = 1, RT_FIQ = 2, RT_SERROR = 3 };
#define RT_KIND_GROUP(k) ((k) >> 2)
#define RT_KIND_TYPE(k)  ((k) & 3)

/* A handler returns nonzero when it handled the exception (it may change frame->elr/spsr/x[]);
 * zero makes the runtime report the exception as unexpected and power off. */
typedef int (*rt_handler)(struct rt_frame *f, unsigned kind);
void rt_set_handler(rt_handler h);

#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)  ((esr) & 0x1ffffff)
#define ESR_IL(esr)   (((esr) >> 25) & 1)

/* Console (PL011 found through /chosen/stdout-path of the DTB, else 0x09000000). */
void putc_(char c);
void puts_(const char *s);          /* no newline appended */
int  printf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int  vprintf_(const char *fmt, va_list ap);
#define printf printf_
#define puts   puts_

/* Where the DTB was found (0 if none) and how: "x0", "ram-base" or "none". */
extern uint64_t rt_dtb;
extern const char *rt_dtb_source;
extern uint64_t rt_uart_base;
extern uint64_t rt_boot_x0;
extern unsigned rt_boot_el;

/* Tiny DTB reader (no libfdt). */
int dtb_valid(const void *dtb);
/* Returns the node offset of an absolute path (e.g. "/chosen", "/pl011@9000000"), or -1. */
int dtb_path_offset(const void *dtb, const char *path, size_t len);
/* Property value of a node: returns pointer or NULL, *len set. */
const void *dtb_getprop(const void *dtb, int node, const char *name, uint32_t *len);

/* PSCI via HVC (SMCCC). */
#define PSCI_VERSION      0x84000000u
#define PSCI_CPU_ON_64    0xc4000003u
#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_CPU_OFF      0x84000002u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
/* CPU_ON entry for secondaries (start.S): context = void (*fn)(unsigned aff0); CPU_OFF after. */
void rt_secondary_entry(void);
uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
__attribute__((noreturn)) void psci_system_off(void);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);

/* Drop to EL0 at fn with the EL0 stack; returns the value that an EL1 handler passes to
 * rt_el0_return(). */
uint64_t rt_enter_el0(void (*fn)(void));
void rt_el0_return(struct rt_frame *f, uint64_t value);

/* Freestanding helpers GCC may call. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Test helpers: print "PASS name" / "FAIL name ..." and count failures. */
extern unsigned rt_failures;
#define CHECK(name, cond) do { if (cond) printf("PASS %s\n", name); \
    else { rt_failures++; printf("FAIL %s (line %d)\n", name, __LINE__); } } while (0)
#define CHECK_EQ(name, got, want) do { uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want); \
    if (g_ == w_) printf("PASS %s\n", name); \
    else { rt_failures++; printf("FAIL %s got=0x%lx want=0x%lx\n", name, g_, w_); } } while (0)
/* Prints "RESULT ok" or "RESULT fail N". */
void rt_result(void);

#define SYSREG_READ(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define SYSREG_WRITE(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((uint64_t)(v)))
#define ISB() __asm__ volatile("isb" ::: "memory")

int main(void);
#endif
