/* frame.c: the physical frame allocator and the kernel heap.
 *
 * One struct frame per 4 KiB of RAM says who holds it (kind + owner pid) and how many page
 * tables map it (ref, > 1 for a page shared copy-on-write). That table is what the memory-map
 * picture draws and what cgroup memory accounting will charge. Freed frames form a LIFO list
 * threaded through the frames themselves, taken before frames never used (so boot touches no
 * more memory than it uses); allocation order is deterministic.
 *
 * kmalloc carves pages into power-of-two blocks (16..2048 bytes, an 8-byte header says the
 * size class); larger requests take a whole page. */
#include "kernel/kernel.h"
#include "kernel/vm.h"
#include "kernel/proc.h"
#include "containers/cgroup.h"

static struct frame *frames;
static uint32_t nframes;
static uint32_t free_head;                 /* physical address of the first free frame, 0 = none */
static uint32_t fresh_next;                /* frames from here up were never allocated */
struct frame_stats frame_counters;
uint32_t mem_end_pa;

struct frame *frame_of(uint32_t pa) { return &frames[pa / PAGE_SIZE]; }

void frame_init(uint32_t first_free, uint32_t mem_end)
{
    mem_end_pa = mem_end;
    nframes = mem_end / PAGE_SIZE;
    frames = P2V(PGROUNDUP(first_free));
    uint32_t table_end = PGROUNDUP(V2P(frames) + nframes * sizeof(struct frame));
    memset(frames, 0, nframes * sizeof(struct frame));
    for (uint32_t i = 0; i < table_end / PAGE_SIZE; i++)
        frames[i].kind = FRAME_RESERVED, frames[i].ref = 1;
    frame_counters.total = nframes;
    frame_counters.free = nframes - table_end / PAGE_SIZE;
    fresh_next = table_end;
}

uint32_t frame_alloc(int kind, int owner)
{
    /* A task's pages and page tables, and a VM's guest RAM (owned by its VMM, hyperv/mem.c),
     * are charged to its memory cgroup first (cgroup.h); a charge past memory.max runs the OOM
     * killer in that cgroup and may fail. */
    int memcg = 0;
    if ((kind == FRAME_USER || kind == FRAME_PGTABLE || kind == FRAME_VM) && owner > 0) {
        struct proc *p = proc_find(owner);
        if (p && (memcg = mem_charge(p, 1)) < 0)
            return 0;
    }
    uint32_t f = irq_save();
    uint32_t pa = free_head;
    if (pa) {
        free_head = *(uint32_t *)P2V(pa);
    } else if (fresh_next < mem_end_pa) {
        pa = fresh_next;                   /* never used yet: no need to thread it at boot */
        fresh_next += PAGE_SIZE;
    }
    if (pa) {
        frame_counters.free--;
        struct frame *fr = frame_of(pa);
        fr->ref = 1;
        fr->kind = (uint8_t)kind;
        fr->owner = owner;
        fr->memcg = (uint8_t)memcg;
    }
    irq_restore(f);
    if (!pa && memcg)
        mem_uncharge(cgroup_at(memcg), 1);
    if (pa)
        memset(P2V(pa), 0, PAGE_SIZE);
    return pa;
}

void frame_ref(uint32_t pa) { frame_of(pa)->ref++; }

void frame_unref(uint32_t pa)
{
    struct frame *fr = frame_of(pa);
    if (fr->ref == 0 || fr->kind == FRAME_RESERVED)
        panic("frame_unref: frame %x is not allocated (kind %d)", pa, fr->kind);
    if (--fr->ref)
        return;
    uint32_t f = irq_save();
    fr->kind = FRAME_FREE;
    fr->owner = 0;
    if (fr->memcg)
        mem_uncharge(cgroup_at(fr->memcg), 1);
    fr->memcg = 0;
    *(uint32_t *)P2V(pa) = free_head;
    free_head = pa;
    frame_counters.free++;
    irq_restore(f);
}

void frame_get_stats(struct frame_stats *s)
{
    *s = frame_counters;
    memset(s->by_kind, 0, sizeof s->by_kind);
    for (uint32_t i = 0; i < nframes; i++)
        s->by_kind[frames[i].kind]++;
}

/* ---- the kernel heap ---- */
#define KM_MIN_SHIFT 4
#define KM_CLASSES 8                       /* 16, 32, ..., 2048 bytes */
#define KM_HEADER 8
static void *km_free[KM_CLASSES];

void *kmalloc(uint32_t n)
{
    if (n > 2048 - KM_HEADER) {
        if (n > PAGE_SIZE)
            return NULL;
        uint32_t pa = frame_alloc(FRAME_KERNEL, 0);
        return pa ? P2V(pa) : NULL;
    }
    int c = 0;
    while ((1u << (c + KM_MIN_SHIFT)) < n + KM_HEADER)
        c++;
    uint32_t f = irq_save();
    if (!km_free[c]) {
        uint32_t pa = frame_alloc(FRAME_KERNEL, 0);
        if (!pa) {
            irq_restore(f);
            return NULL;
        }
        uint32_t size = 1u << (c + KM_MIN_SHIFT);
        for (uint32_t off = 0; off < PAGE_SIZE; off += size) {
            void **blk = (void **)((char *)P2V(pa) + off);
            *blk = km_free[c];
            km_free[c] = blk;
        }
    }
    uint32_t *blk = km_free[c];
    km_free[c] = *(void **)blk;
    irq_restore(f);
    blk[0] = (uint32_t)c;
    blk[1] = 0x6B6D616Cu;                  /* a guard word kfree checks */
    return blk + 2;
}

void *kzalloc(uint32_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

void kfree(void *p)
{
    if (!p)
        return;
    if (((uint32_t)p & (PAGE_SIZE - 1)) == 0) {
        frame_unref(V2P(p));
        return;
    }
    uint32_t *blk = (uint32_t *)p - 2;
    if (blk[1] != 0x6B6D616Cu || blk[0] >= KM_CLASSES)
        panic("kfree: %p was not allocated by kmalloc", p);
    uint32_t c = blk[0];
    blk[1] = 0;
    uint32_t f = irq_save();
    *(void **)blk = km_free[c];
    km_free[c] = blk;
    irq_restore(f);
}
