/* Private to cpu/: the decoded-instruction form, memory fast paths, lazy flags, exceptions. */
#ifndef VX86_CPU_INTERNAL_H
#define VX86_CPU_INTERNAL_H

#include "cpu/cpu.h"
#include "arch/svm.h"

#include <string.h>

/* The run loop's attributes: out of line (see exec.c), and on GCC without the straight-line
 * vectoriser, which packs the per-instruction cycle and instruction counts into one 16-byte
 * load, add and store: more instructions, and a store-forwarding stall on the next round. */
#if defined(__GNUC__) && !defined(__clang__)
#define HOT_LOOP __attribute__((noinline, optimize("no-tree-slp-vectorize")))
#elif defined(__GNUC__)
#define HOT_LOOP __attribute__((noinline))
#else
#define HOT_LOOP
#endif

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NORETURN __attribute__((noreturn))
#define NOINLINE __attribute__((noinline))
#define MAYBE_UNUSED __attribute__((unused))
#define ASSUME(x) do { if (!(x)) __builtin_unreachable(); } while (0)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define NORETURN
#define NOINLINE
#define MAYBE_UNUSED
#define ASSUME(x) ((void)0)
#endif

#define NOREG 0xFF

typedef struct cpu_insn cpu_insn;
typedef void (*cpu_handler)(cpu *c, const cpu_insn *i);

/* One decoded instruction. Decoded once per physical code address and cached (decode.c). */
struct cpu_insn {
    cpu_handler fn;
    uint32_t disp;        /* ModRM displacement, or moffs */
    uint32_t imm;         /* first immediate */
    uint16_t imm2;        /* second immediate (far selector, ENTER level) */
    uint8_t len;
    uint8_t o16;          /* operand size is 16 bits */
    uint8_t a16;          /* address size is 16 bits */
    uint8_t rep;          /* 0, 0xF2 or 0xF3 */
    uint8_t seg;          /* effective segment of the memory operand */
    uint8_t mod, reg, rm; /* ModRM fields (mod 3 = register operand) */
    uint8_t base, index, scale;
    uint8_t op;           /* opcode byte (second byte for 0F xx) */
    uint8_t cost;         /* cycles charged on retirement */
    uint8_t sz;           /* operand size in bytes: 1, 2 or 4 */
};
/* 32 bytes: the cache indexes arrays of these per code page, so keep it a power of two. */
_Static_assert(sizeof(struct cpu_insn) == 32, "cpu_insn should stay 32 bytes");

#define CODE_PAGE_SIZE 4096
typedef struct cpu_code_page {
    /* indexed by offset in the page; fn is the threaded entry (dispatch.h), NULL where nothing is
     * decoded. One more, always empty, after the last: see dispatch_seq. First in the struct: the
     * dispatch indexes it on every instruction. */
    cpu_insn insns[CODE_PAGE_SIZE + 1];
    cpu_handler handler[CODE_PAGE_SIZE];  /* each instruction's handler (its semantics) */
    uint32_t ppn;
    uint8_t stale;         /* a write hit decoded bytes: rebuild before the next use */
    uint8_t mode;          /* code-segment size and flatness the page was decoded for */
    uint8_t covered[CODE_PAGE_SIZE / 8];  /* bytes that belong to decoded instructions */
} cpu_code_page;

/* Lazy flag kinds: the last flag-setting operation, evaluated only when a flag is read. */
enum {
    LF_NONE = 0,     /* flags are materialised in lf_flags */
    LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC,
    LF_SHL, LF_SHR, LF_SAR,   /* src = the masked count, 1-31 */
};

/* ---- exceptions (exec.c) ---- */
NORETURN void cpu_raise(cpu *c, int vector, uint32_t error, bool has_error);
#define RAISE(c, v) cpu_raise((c), (v), 0, false)
#define RAISE_ERR(c, v, e) cpu_raise((c), (v), (e), true)
#define RAISE_GP0(c) cpu_raise((c), EXC_GP, 0, true)

/* ---- flags (flags.c) ---- */
uint32_t flags_arith(cpu *c);                 /* current CF PF AF ZF SF OF */
uint32_t flags_cf_slow(cpu *c);               /* just CF (F_CF or 0), cheaper */
void flags_set_arith(cpu *c, uint32_t f);     /* materialise arithmetic flags */
bool cpu_cond(cpu *c, int cc);                /* Jcc/SETcc/CMOVcc condition 0-15 */
extern const uint8_t parity_table[256];

static inline void lf_set(cpu *c, uint32_t op, int size, uint32_t res, uint32_t dst, uint32_t src) {
    c->lf_op = op;
    c->lf_size = (uint8_t)size;
    c->lf_res = res;
    c->lf_dst = dst;
    c->lf_src = src;
}

static inline uint32_t size_mask(int size) { return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1; }
static inline uint32_t size_sign(int size) { return 1u << (size * 8 - 1); }

/* CF when it is at hand without evaluating every flag: 0 or 1, or -1 when flags_cf_slow must
 * compute it. The specialised handlers call their generic form on -1. */
static inline int cf_quick(const cpu *c) {
    switch (c->lf_op) {
    case LF_NONE: return (c->lf_flags & F_CF) != 0;
    case LF_INC: case LF_DEC: return c->lf_cf_in != 0;
    case LF_LOGIC: return 0;
    default: break;
    }
    if (UNLIKELY(c->lf_size != 4)) return -1;
    /* compares rather than a switch: GCC would make a jump table, one more indirect branch */
    uint32_t d = c->lf_dst, s = c->lf_src, op = c->lf_op;
    if (op == LF_SUB) return d < s;
    if (op == LF_ADD) return c->lf_res < d;
    if (op == LF_SHL) return (d >> (32 - s)) & 1;   /* s: the count, 1-31 */
    if (op == LF_SHR) return (d >> (s - 1)) & 1;
    if (op == LF_SAR) return ((int32_t)d >> (s - 1)) & 1;
    return -1;
}
static inline uint32_t flags_cf(cpu *c) {
    int q = cf_quick(c);
    return q < 0 ? flags_cf_slow(c) : q ? F_CF : 0;
}

/* A Jcc/SETcc/CMOVcc condition from the recorded operands of the last 32-bit operation: 0 or 1,
 * or -1 when cpu_cond must evaluate the flags. Each Jcc has its own handler (ops_fast.c) passing a
 * constant cc, so this folds to one or two compares: compare and branch fused in effect, each
 * still its own instruction. */
static ALWAYS_INLINE int cond_quick(const cpu *c, int cc) {
    if (UNLIKELY(c->lf_op == LF_NONE)) return -1;
    bool neg = cc & 1;
    uint32_t d = c->lf_dst, s = c->lf_src, r = c->lf_res;
    if (UNLIKELY(c->lf_size != 4)) {   /* byte and word operations: E / NE only */
        return (cc >> 1) == 2 ? ((r & size_mask(c->lf_size)) == 0) != neg : -1;
    }
    if (c->lf_op == LF_SUB) {   /* CMP, SUB, NEG: the conditions compare the operands */
        switch (cc >> 1) {
        case 1: return (d < s) != neg;                          /* B / AE */
        case 2: return (d == s) != neg;                         /* E / NE */
        case 3: return (d <= s) != neg;                         /* BE / A */
        case 4: return (r >> 31) != neg;                        /* S / NS */
        case 6: return ((int32_t)d < (int32_t)s) != neg;        /* L / GE */
        case 7: return ((int32_t)d <= (int32_t)s) != neg;       /* LE / G */
        default: return -1;
        }
    }
    if (c->lf_op == LF_LOGIC) {   /* CF = OF = 0 */
        switch (cc >> 1) {
        case 0: case 1: return neg;
        case 2: case 3: return (r == 0) != neg;
        case 4: case 6: return (r >> 31) != neg;
        case 7: return (r == 0 || (r >> 31)) != neg;
        default: return -1;
        }
    }
    /* every lazy kind takes ZF and SF from the result; CF as cf_quick finds it */
    if ((cc >> 1) == 2) return (r == 0) != neg;
    if ((cc >> 1) == 4) return (r >> 31) != neg;
    if ((cc >> 1) == 1) {
        int cf = cf_quick(c);
        return cf < 0 ? -1 : (cf != 0) != neg;
    }
    return -1;
}

/* ---- registers ---- */
static inline uint8_t get_r8(cpu *c, int r) { return r < 4 ? (uint8_t)c->regs[r] : (uint8_t)(c->regs[r - 4] >> 8); }
static inline void set_r8(cpu *c, int r, uint8_t v) {
    if (r < 4) c->regs[r] = (c->regs[r] & 0xFFFFFF00u) | v;
    else c->regs[r - 4] = (c->regs[r - 4] & 0xFFFF00FFu) | ((uint32_t)v << 8);
}
static inline void set_r16(cpu *c, int r, uint16_t v) { c->regs[r] = (c->regs[r] & 0xFFFF0000u) | v; }
static inline uint32_t get_reg(cpu *c, int r, int size) {
    return size == 1 ? get_r8(c, r) : size == 2 ? (c->regs[r] & 0xFFFF) : c->regs[r];
}
static inline void set_reg(cpu *c, int r, int size, uint32_t v) {
    if (size == 4) c->regs[r] = v;
    else if (size == 2) set_r16(c, r, (uint16_t)v);
    else set_r8(c, r, (uint8_t)v);
}

/* ---- memory (mmu.c) ---- */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };
uint32_t mem_read_slow(cpu *c, uint32_t lin, int size, bool user);
void mem_write_slow(cpu *c, uint32_t lin, int size, uint32_t v, bool user);
/* Translate for an access, raising #PF; returns the physical address. */
uint32_t mmu_translate(cpu *c, uint32_t lin, int acc, bool user);
void tlb_flush_all(cpu *c, bool keep_global);
void tlb_flush_page(cpu *c, uint32_t lin);
void tlb_flush_writes(cpu *c);
/* Physical access outside the TLB (descriptor tables, page walks). */
uint32_t phys_read(cpu *c, uint32_t pa, int size);
void phys_write(cpu *c, uint32_t pa, int size, uint32_t v);

static inline bool is_user(cpu *c) { return c->cpl == 3; }

static inline uint32_t lin_read(cpu *c, uint32_t lin, int size) {
    bool u = is_user(c);
    const cpu_tlb_entry *e = &c->tlb[u][0][(lin >> 12) & (CPU_TLB_SIZE - 1)];
    /* With watchpoints set every access takes the slow path, which checks them (and then does
     * what this path would have done: watchpoints change neither the TLB nor the cycles). */
    if (LIKELY(e->tag == (lin >> 12) && (lin & 0xFFF) <= (uint32_t)(0x1000 - size) && !c->watch_count)) {
        const uint8_t *p = (const uint8_t *)(e->addend + lin);
        if (size == 4) { uint32_t v; memcpy(&v, p, 4); return v; }
        if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
        return *p;
    }
    return mem_read_slow(c, lin, size, u);
}

static inline void lin_write(cpu *c, uint32_t lin, int size, uint32_t v) {
    bool u = is_user(c);
    const cpu_tlb_entry *e = &c->tlb[u][1][(lin >> 12) & (CPU_TLB_SIZE - 1)];
    if (LIKELY(e->tag == (lin >> 12) && (lin & 0xFFF) <= (uint32_t)(0x1000 - size) && !c->watch_count)) {
        uint8_t *p = (uint8_t *)(e->addend + lin);
        if (size == 4) { uint32_t w = v; memcpy(p, &w, 4); }
        else if (size == 2) { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); }
        else *p = (uint8_t)v;
        return;
    }
    mem_write_slow(c, lin, size, v, u);
}

/* The host address of an access through a flat segment whose page is in the TLB, or NULL. The
 * specialised handlers (ops_fast.c) use it and hand every other case (a segment with limits, a TLB
 * miss, a page-crossing access, MMIO) to the instruction's generic handler, which walks, checks and
 * faults: same result, same cycles, and the fast handler needs no call of its own. */
static inline uint8_t *tlb_hit(cpu *c, int seg, uint32_t off, int size, int kind) {
    /* flat: base 0, so off is the linear address. seg_fast is seg_flat while no watchpoint is set:
     * with one, the generic handler's slow path checks them (see lin_read), at no cost without. */
    if (UNLIKELY(!c->seg_fast[seg])) return NULL;
    const cpu_tlb_entry *e = &c->tlb[is_user(c)][kind][(off >> 12) & (CPU_TLB_SIZE - 1)];
    if (LIKELY(e->tag == (off >> 12) && (off & 0xFFF) <= (uint32_t)(0x1000 - size))) {
        uint8_t *p = (uint8_t *)(e->addend + off);
        ASSUME(p != NULL);   /* a host address: saves the callers' NULL test on this path */
        return p;
    }
    return NULL;
}
/* The same for the stack slot at `sp` of a flat 32-bit stack. */
static inline uint8_t *stack_hit(cpu *c, uint32_t sp, int kind) {
    if (UNLIKELY(!(c->seg[S_SS].attr & 0x400))) return NULL;
    return tlb_hit(c, S_SS, sp, 4, kind);
}
static inline uint32_t load32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline void store32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* ---- segments (seg.c) ---- */
void seg_check_access(cpu *c, int seg, uint32_t off, int size, bool write);
static inline uint32_t seg_lin(cpu *c, int seg, uint32_t off, int size, bool write) {
    if (UNLIKELY(!c->seg_flat[seg])) seg_check_access(c, seg, off, size, write);
    return c->seg[seg].base + off;
}
static inline uint32_t read_mem(cpu *c, int seg, uint32_t off, int size) {
    return lin_read(c, seg_lin(c, seg, off, size, false), size);
}
static inline void write_mem(cpu *c, int seg, uint32_t off, int size, uint32_t v) {
    lin_write(c, seg_lin(c, seg, off, size, true), size, v);
}
/* Check that a write would succeed (segment and page) before any state changes: precise faults. */
void probe_write(cpu *c, int seg, uint32_t off, int size);

void seg_load(cpu *c, int seg, uint16_t sel);          /* protected-mode checks, faults */
void seg_load_flat(cpu *c, int seg, uint16_t sel, bool code);
void seg_update_flat(cpu *c, int seg);
bool seg_read_descriptor(cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi); /* false if beyond limit */
void seg_set_from_descriptor(cpu *c, int seg, uint16_t sel, uint32_t lo, uint32_t hi);
uint32_t desc_base(uint32_t lo, uint32_t hi);
uint32_t desc_limit(uint32_t lo, uint32_t hi);
uint16_t desc_attr(uint32_t hi);

/* ---- effective addresses ---- */
static inline uint32_t ea_of(cpu *c, const cpu_insn *i) {
    uint32_t a = i->disp;
    if (i->base != NOREG) a += c->regs[i->base];
    if (i->index != NOREG) a += c->regs[i->index] << i->scale;
    if (i->a16) a &= 0xFFFF;
    return a;
}

/* The same for 32-bit addressing (the specialised forms are chosen only for it). */
static inline uint32_t ea32(cpu *c, const cpu_insn *i) {
    uint32_t a = i->disp;
    if (i->base != NOREG) a += c->regs[i->base];
    if (i->index != NOREG) a += c->regs[i->index] << i->scale;
    return a;
}

/* r/m operand access by operand size (1, 2 or 4) */
static inline uint32_t rm_read(cpu *c, const cpu_insn *i, int size) {
    if (i->mod == 3) return get_reg(c, i->rm, size);
    return read_mem(c, i->seg, ea_of(c, i), size);
}
static inline void rm_write(cpu *c, const cpu_insn *i, int size, uint32_t v) {
    if (i->mod == 3) set_reg(c, i->rm, size, v);
    else write_mem(c, i->seg, ea_of(c, i), size, v);
}
static inline int opsize(const cpu_insn *i) { return i->o16 ? 2 : 4; }

/* ---- stack ---- */
static inline uint32_t sp_mask(cpu *c) { return (c->seg[S_SS].attr & 0x400) ? 0xFFFFFFFFu : 0xFFFFu; }
static inline void set_sp(cpu *c, uint32_t v) {
    uint32_t m = sp_mask(c);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | (v & m);
}
static inline void push(cpu *c, int size, uint32_t v) {
    uint32_t m = sp_mask(c);
    uint32_t sp = (c->regs[R_ESP] - (uint32_t)size) & m;
    write_mem(c, S_SS, sp, size, v);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | sp;
}
static inline uint32_t pop(cpu *c, int size) {
    uint32_t m = sp_mask(c);
    uint32_t v = read_mem(c, S_SS, c->regs[R_ESP] & m, size);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~m) | ((c->regs[R_ESP] + (uint32_t)size) & m);
    return v;
}

/* ---- control transfer helpers (exec.c) ---- */
/* Deliver through the IDT; return_eip is what the handler's IRET returns to. */
void cpu_deliver(cpu *c, int vector, uint32_t error, bool has_error, int kind, uint32_t return_eip);
enum { DELIVER_EXCEPTION, DELIVER_EXTERNAL, DELIVER_SOFT };
void cpu_emit(cpu *c, cpu_event_kind kind, uint32_t vector, uint32_t error, bool has_error, uint32_t value);
void cpu_write_cr(cpu *c, int n, uint32_t v);
void cpu_eflags_written(cpu *c, uint32_t old);
/* POPF/IRET: only the bits the current privilege may change (IOPL at CPL 0, IF at CPL <= IOPL). */
void cpu_set_eflags_checked(cpu *c, uint32_t value, int size);

cpu_code_page *code_page_get(cpu *c, uint32_t ppn, uint8_t mode);
void code_page_store(cpu_code_page *cp, uint32_t off, const cpu_insn *decoded);   /* exec.c */
/* Drop the cached fetch translation (CS loads, TLB flushes, world switches, writes into decoded
 * bytes). deadline 0 ends the dispatch chain after the current instruction (dispatch.h). */
static inline void fetch_invalidate(cpu *c) {
    c->fetch_lin_page = CPU_TLB_INVALID;
    c->deadline = 0;
}
void code_pages_free(cpu *c);

/* ---- port I/O (ops_sys.c) ---- */
void io_check(cpu *c, uint16_t port, int size);   /* IOPL / TSS I/O bitmap: #GP(0) if denied */
uint32_t io_read(cpu *c, uint16_t port, int size);
void io_write(cpu *c, uint16_t port, int size, uint32_t v);

/* ---- SVM (svm.c) ---- */
typedef struct cpu_svm {
    uint32_t hsave_pa;
    uint32_t vmcb;
    /* controls latched at VMRUN */
    uint16_t cr_read, cr_write;
    uint32_t exc, vec3, vec4;
    uint32_t iopm, msrpm;
    uint32_t asid;
    bool np, npse;                 /* nested paging; the host's CR4.PSE decides the NPT format */
    uint32_t ncr3;
    bool v_irq, v_ign_tpr, v_masking;
    uint8_t v_tpr, v_prio, v_vector;
    bool host_if;                  /* host EFLAGS.IF at VMRUN (gates INTR with V_INTR_MASKING) */
    uint64_t entered_at;           /* cycle of the last VMRUN */
    /* host state saved by VMRUN (kept here: the hsave page format is implementation-specific) */
    cpu_seg h_seg[4];              /* ES CS SS DS */
    cpu_dtr h_gdtr, h_idtr;
    uint64_t h_efer, h_tsc_offset;
    uint32_t h_cr0, h_cr3, h_cr4, h_eflags, h_esp, h_eax, h_eip;
    /* an intercept raised inside an instruction, taken by the run loop */
    uint64_t pend_code, pend_info1, pend_info2;
} cpu_svm;

#define VEC_SVM_EXIT 0x100        /* cpu_raise "vector" that means: take the pending #VMEXIT */

void svm_intercept(cpu *c, uint64_t code, uint64_t info1, uint64_t info2);   /* no return */
void svm_vmexit(cpu *c, uint64_t code, uint64_t info1, uint64_t info2);
bool svm_exception_intercepted(cpu *c, int vector);
bool svm_boundary(cpu *c);       /* interrupts in guest mode; true if it switched worlds or delivered */
void svm_io_check(cpu *c, uint16_t port, int size, bool in, bool str, bool rep, bool a16);
void svm_msr_check(cpu *c, uint32_t msr, bool write);
bool svm_rdmsr(cpu *c, uint32_t msr, uint64_t *v);
bool svm_wrmsr(cpu *c, uint32_t msr, uint64_t v);
void svm_init(cpu *c);
void svm_free(cpu *c);

/* Instruction intercepts. Each handler calls these at the point the APM puts the intercept check
 * (after the exceptions that take priority over it, which differ per instruction), so they are
 * calls in the handlers rather than a column of cpu/opcodes.def. The bit number names the
 * intercept (arch/svm.h V3_BIT_* / V4_BIT_*); the exit code follows from it. */
static inline void svm_check3(cpu *c, int bit) {
    if (UNLIKELY(c->guest_mode) && (c->svm->vec3 & (1u << bit))) svm_intercept(c, SVM_EXIT_VEC3(bit), 0, 0);
}
static inline void svm_check4(cpu *c, int bit) {
    if (UNLIKELY(c->guest_mode) && (c->svm->vec4 & (1u << bit))) svm_intercept(c, SVM_EXIT_VEC4(bit), 0, 0);
}
static inline void svm_check_cr(cpu *c, int cr, bool write) {
    if (UNLIKELY(c->guest_mode) && ((write ? c->svm->cr_write : c->svm->cr_read) & (1u << cr)))
        svm_intercept(c, write ? SVM_EXIT_CR_WRITE(cr) : SVM_EXIT_CR_READ(cr), 0, 0);
}

/* ---- decode (decode.c) ---- */
int cpu_decode(cpu *c, uint32_t lin, cpu_insn *out);   /* fetches through the MMU; may fault */
void cpu_decoder_init(void);

#endif
