/* machine/machine.h — public contract of the board: the physical bus, devices and the `virt`
 * memory map. A device is a state struct + read/write handlers + reset, registered on the bus
 * with its range (CONVENTIONS.md). Bad offsets or sizes are guest errors, never asserts. */
#ifndef FAULTLINE_MACHINE_H
#define FAULTLINE_MACHINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mmu/mmu.h"

/* ---- QEMU `virt` memory map (ARCHITECTURE.md) ---- */
#define VIRT_GIC_DIST       0x08000000ull
#define VIRT_GIC_CPU        0x08010000ull
#define VIRT_GIC_HYP        0x08030000ull
#define VIRT_GIC_VCPU       0x08040000ull
#define VIRT_GIC_REDIST     0x080A0000ull
#define VIRT_GIC_REDIST_STRIDE 0x20000ull
#define VIRT_UART           0x09000000ull
#define VIRT_RTC            0x09010000ull
#define VIRT_SMMU           0x09050000ull
#define VIRT_SRAM           0x09060000ull
#define VIRT_DMA            0x09070000ull
#define VIRT_VIRTIO_MMIO    0x0A000000ull
#define VIRT_RAM_BASE       0x40000000ull
/* SPI numbers (INTID = SPI + 32) */
#define VIRT_SPI_UART       1
#define VIRT_SPI_RTC        2
#define VIRT_SPI_VIRTIO     16
/* PPIs (INTIDs) */
#define VIRT_PPI_HYP_TIMER  26
#define VIRT_PPI_VIRT_TIMER 27
#define VIRT_PPI_MAINT      25
#define VIRT_PPI_SEC_TIMER  29
#define VIRT_PPI_PHYS_TIMER 30

/* ---- physical bus ---- */
enum bus_status {
    BUS_OK = 0,
    BUS_DECODE_ERROR,   /* nothing at that address: an external abort to the requester */
    BUS_SLAVE_ERROR,    /* the device rejected the access (bad size/offset): external abort */
};

struct mmio_ops {
    const char *name;
    /* size is 1, 2, 4 or 8; offset is relative to the region base. Return a bus_status. */
    int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct bus_region {
    const char *name;
    uint64_t base, size;
    uint8_t *ram;                 /* non-NULL for RAM/ROM regions */
    bool readonly;
    const struct mmio_ops *ops;   /* MMIO regions */
    void *opaque;
};

struct bus;
struct bus *bus_new(void);
void bus_free(struct bus *b);
/* Map RAM; host == NULL allocates zeroed memory owned by the bus. Returns the host pointer. */
uint8_t *bus_map_ram(struct bus *b, const char *name, pa_t base, uint64_t size, uint8_t *host);
int bus_map_mmio(struct bus *b, const char *name, pa_t base, uint64_t size,
                 const struct mmio_ops *ops, void *opaque);
const struct bus_region *bus_find(const struct bus *b, pa_t pa);
/* Host pointer for [pa, pa+len) if the whole range is RAM, else NULL. */
uint8_t *bus_ram_ptr(const struct bus *b, pa_t pa, uint64_t len);
/* Single access, size 1/2/4/8, little-endian. */
int bus_read(struct bus *b, pa_t pa, unsigned size, uint64_t *val);
int bus_write(struct bus *b, pa_t pa, unsigned size, uint64_t val);
/* Bulk access (loader, DMA, debugger). RAM writes notify the write hook. */
int bus_read_buf(struct bus *b, pa_t pa, void *buf, size_t len);
int bus_write_buf(struct bus *b, pa_t pa, const void *buf, size_t len);
/* Called for every RAM write that does not come from a CPU's fast path (so that decoded code
 * for that page can be dropped). */
void bus_set_ram_write_hook(struct bus *b, void (*hook)(void *opaque, pa_t pa, uint64_t len),
                            void *opaque);
void bus_notify_ram_write(struct bus *b, pa_t pa, uint64_t len);
size_t bus_region_count(const struct bus *b);
const struct bus_region *bus_region_at(const struct bus *b, size_t i);

#endif
