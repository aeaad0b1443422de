/* The trace in words: exception names and the story of a triple fault, for the JSON export and
 * for the messages `vx86 run` prints. Only the public trace API and the x86 facts. */
#include "emu/trace.h"

#include <stdio.h>

#include "arch/x86.h"

const char *trace_vector_name(uint32_t vector, char *buf, size_t size)
{
    const char *name = x86_exception_name(vector);
    if (name)
        return name;
    snprintf(buf, size, "vector %u", (unsigned)vector);
    return buf;
}

size_t trace_triple_fault_chain(const trace *t, const trace_event *tf, char *buf, size_t size)
{
    uint64_t oldest = trace_total(t) - trace_count(t);
    for (uint64_t seq = trace_total(t); !tf && seq-- > oldest;)
        if (trace_get(t, seq)->kind == TRACE_TRIPLE_FAULT)
            tf = trace_get(t, seq);
    if (!tf) {
        if (size)
            buf[0] = '\0';
        return 0;
    }
    /* Walk back over the exceptions the CPU raised at the same instruction while delivering:
     * the #DF, and before it the exception that started it all (SDM 3A §6.15, interrupt 8). */
    const trace_event *chain[2];
    int n = 0;
    for (uint64_t seq = tf->seq; n < 2 && seq-- > oldest;) {
        const trace_event *e = trace_get(t, seq);
        if (e->kind != TRACE_EXCEPTION || e->eip != tf->eip || e->guest_mode != tf->guest_mode)
            break;
        chain[n++] = e;
        if (e->vector != EXC_DF)
            break;
    }
    char name[24], cr2[24] = "";
    if (n == 0)
        return (size_t)snprintf(buf, size, "%s at 0x%x -> triple fault",
                                trace_vector_name(tf->vector, name, sizeof name), (unsigned)tf->eip);
    const trace_event *first = chain[n - 1];
    if (first->vector == EXC_PF)
        snprintf(cr2, sizeof cr2, " (cr2=0x%x)", (unsigned)first->value);
    return (size_t)snprintf(buf, size, "%s at 0x%x%s%s -> triple fault",
                            trace_vector_name(first->vector, name, sizeof name), (unsigned)first->eip, cr2,
                            n == 2 ? " -> #DF" : "");
}
