/* The threaded dispatch: how one decoded instruction hands over to the next (see cpu/README.md).
 *
 * A cached instruction's fn is its threaded entry (its handler, the instruction's semantics, sits
 * beside it in cpu_code_page.handler). The entry runs the handler, retires the instruction (EIP,
 * instruction count, cycles) and, when the next instruction is on the same code page, already
 * decoded and no boundary check is due, jumps straight to that instruction's entry: a tail call,
 * so the host's stack does not grow and each entry has its own indirect jump, which the host's
 * branch predictor learns per guest instruction. Otherwise it returns to run_loop (exec.c), the
 * instruction boundary where interrupts, the cycle limit, breakpoints and entering a new code page
 * are handled. Each instruction still starts at a boundary the one-at-a-time loop would have seen,
 * so cycle counts are those of the one-at-a-time loop, instruction by instruction.
 *
 * Entries: the specialised forms of ops_fast.c have their own, with the handler inlined; every
 * other handler runs through dispatch_call. cpu_threaded picks one when an instruction is cached. */
#ifndef VX86_CPU_DISPATCH_H
#define VX86_CPU_DISPATCH_H
#include "cpu/internal.h"

/* The tail call. Clang guarantees it (musttail); GCC makes it at -O2 (-foptimize-sibling-calls).
 * Where it does not (lower optimisation, sanitizer builds), every chained instruction costs a stack
 * frame until the chain returns, so run_loop caps a chain at DISPATCH_CHAIN_MAX cycles (every
 * instruction costs at least one). */
#if defined(__clang__) && defined(__has_attribute)
#if __has_attribute(musttail)
#define DISPATCH_MUSTTAIL 1
#endif
#endif
#ifdef DISPATCH_MUSTTAIL
#define TAIL_JUMP(f, c, n) __attribute__((musttail)) return f(c, n)
#else
#define TAIL_JUMP(f, c, n) do { f(c, n); return; } while (0)
#endif
#define DISPATCH_CHAIN_MAX 4096

/* Retire instruction i, whose handler has run: EIP, the instruction count, virtual time. */
static ALWAYS_INLINE void retire(cpu *c, const cpu_insn *i, uint32_t eip) {
    c->eip = eip;
    c->icount++;
    c->cycles += i->cost;
}

/* Run decoded instruction n, if there is one (a NULL entry: not decoded yet, back to run_loop). */
static ALWAYS_INLINE void dispatch_to(cpu *c, const cpu_insn *n) {
    if (UNLIKELY(n->fn == NULL)) return;
    TAIL_JUMP(n->fn, c, n);
}

/* Entering an instruction that may jump, or a generic handler: they find the EIP of the next
 * instruction in c->eip_next and may change it. The straight-line specialised forms need not. */
static ALWAYS_INLINE void dispatch_enter_jump(cpu *c, const cpu_insn *i) { c->eip_next = c->eip + i->len; }
static ALWAYS_INLINE void dispatch_enter_seq(cpu *c, const cpu_insn *i) { (void)c; (void)i; }

/* After an instruction entered with dispatch_enter_jump: the next is at c->eip_next's offset in the
 * page being run (c->dispatch_page, whose first byte has EIP c->dispatch_eip_base, set by
 * run_loop), if it is still on it. Whatever drops the page's translation (CS loads, TLB flushes,
 * world switches, writes into decoded bytes) also sets deadline to 0 (fetch_invalidate), so this
 * needs no check of its own for that. */
static ALWAYS_INLINE void dispatch_next(cpu *c, const cpu_insn *i) {
    retire(c, i, c->eip_next);
    if (UNLIKELY(c->cycles >= c->deadline)) return;      /* a boundary check is due */
    uint32_t off = c->eip - c->dispatch_eip_base;
    if (UNLIKELY(off >= CODE_PAGE_SIZE)) return;          /* EIP left the page */
    dispatch_to(c, &c->dispatch_page->insns[off]);
}

/* After an instruction that did not jump: the next one is stored right after it (an instruction
 * ending on the page's last byte is followed by the page's sentinel, which has no entry). */
static ALWAYS_INLINE void dispatch_seq(cpu *c, const cpu_insn *i) {
    retire(c, i, c->eip + i->len);
    if (UNLIKELY(c->cycles >= c->deadline)) return;
    dispatch_to(c, i + i->len);
}

/* After an instruction that may jump (Jcc, JMP, CALL, RET). */
static ALWAYS_INLINE void dispatch_jump(cpu *c, const cpu_insn *i) {
    if (c->eip_next == c->eip + i->len) dispatch_seq(c, i);   /* not taken */
    else dispatch_next(c, i);
}

/* The run loop's attributes (internal.h) minus noinline: the entries are hot too. */
#if defined(__GNUC__) && !defined(__clang__)
#define DISPATCH_ATTR __attribute__((optimize("no-tree-slp-vectorize")))
#else
#define DISPATCH_ATTR
#endif

/* The threaded entry for a handler (ops_fast.c); dispatch_call for those without their own. */
cpu_handler cpu_threaded(cpu_handler fn);
void dispatch_call(cpu *c, const cpu_insn *i);
/* The generic handler c->slow_handler, after a specialised form found it cannot take its fast path. */
void dispatch_slow(cpu *c, const cpu_insn *i);

#endif
