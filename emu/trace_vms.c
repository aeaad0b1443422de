/* VMs and their exits rebuilt from VM records and the CPU's VMRUN / #VMEXIT events. */
#include "emu/trace_vms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/grow.h"

#include "arch/svm.h"
#include "emu/trace.h"
#include "emu/vis_text.h"

void vm_table_init(vm_table *vt)
{
    memset(vt, 0, sizeof *vt);
    vt->pending_vm = -1;
}

void vm_table_free(vm_table *vt)
{
    for (size_t i = 0; i < vt->count; i++)
        free(vt->vms[i].codes);
    free(vt->vms);
    vm_table_init(vt);
}

static vm_info *add_vm(vm_table *vt)
{
    if (!GROW(vt->vms, vt->count, vt->cap, 8)) {
        vt->failed = true;
        return NULL;
    }
    vm_info *v = &vt->vms[vt->count++];
    memset(v, 0, sizeof *v);
    return v;
}

void vm_table_create(vm_table *vt, uint64_t cycle, const vx86_probe_vm_create *c)
{
    vm_info *v = NULL;
    for (size_t i = 0; i < vt->count && !v; i++)   /* a VM met before its record (by ASID) */
        if (!vt->vms[i].created_seen && vt->vms[i].vm == 0 && vt->vms[i].asid == c->asid && !vt->vms[i].exited)
            v = &vt->vms[i];
    if (!v && !(v = add_vm(vt)))
        return;
    v->vm = c->vm;
    v->asid = c->asid;
    v->pid = c->pid;
    v->memory_kib = c->memory_kib;
    memcpy(v->name, c->name, VX86_PROBE_NAME_LEN);
    v->name[VX86_PROBE_NAME_LEN] = '\0';
    v->created_seen = true;
    v->created = cycle;
}

void vm_table_end(vm_table *vt, uint64_t cycle, uint32_t vm, int32_t status)
{
    for (size_t i = vt->count; i-- > 0;) {
        vm_info *v = &vt->vms[i];
        if (v->vm == vm && v->created_seen && !v->exited) {
            v->exited = true;
            v->exited_at = cycle;
            v->status = status;
            if (vt->pending_vm == (long)i)
                vt->pending_vm = -1;   /* its last exit ended it: no handling to measure */
            return;
        }
    }
}

/* The live VM with this ASID, made up when none is known; its index or -1. */
static long vm_of_asid(vm_table *vt, uint32_t asid)
{
    for (size_t i = vt->count; i-- > 0;)
        if (vt->vms[i].asid == asid && !vt->vms[i].exited)
            return (long)i;
    vm_info *v = add_vm(vt);
    if (!v)
        return -1;
    v->asid = asid;
    snprintf(v->name, sizeof v->name, "asid %u", asid);
    return (long)(vt->count - 1);
}

void vm_table_vmrun(vm_table *vt, uint64_t cycle, uint32_t asid)
{
    if (vt->pending_vm >= 0) {
        vm_exit_stat *s = &vt->vms[vt->pending_vm].codes[vt->pending_code];
        s->handled++;
        s->handle_cycles += cycle - vt->pending_cycle;
        vt->vms[vt->pending_vm].handle_cycles += cycle - vt->pending_cycle;
        vt->pending_vm = -1;
    }
    long i = vm_of_asid(vt, asid);
    if (i >= 0)
        vt->vms[i].runs++;
}

void vm_table_vmexit(vm_table *vt, uint64_t cycle, uint32_t asid, uint64_t exitcode, uint64_t guest_cycles)
{
    long i = vm_of_asid(vt, asid);
    vt->pending_vm = -1;
    if (i < 0)
        return;
    vm_info *v = &vt->vms[i];
    size_t at = 0;
    while (at < v->code_count && v->codes[at].code < exitcode)
        at++;
    if (at == v->code_count || v->codes[at].code != exitcode) {
        if (!GROW(v->codes, v->code_count, v->code_cap, 8)) {
            vt->failed = true;
            return;
        }
        memmove(&v->codes[at + 1], &v->codes[at], (v->code_count - at) * sizeof *v->codes);
        v->code_count++;
        memset(&v->codes[at], 0, sizeof v->codes[at]);
        v->codes[at].code = exitcode;
    }
    v->codes[at].count++;
    v->codes[at].guest_cycles += guest_cycles;
    v->exits++;
    v->guest_cycles += guest_cycles;
    vt->pending_vm = i;
    vt->pending_code = at;
    vt->pending_cycle = cycle;
}

static int by_id(const void *a, const void *b)
{
    const vm_info *x = a, *y = b;
    if (x->vm != y->vm) return x->vm < y->vm ? -1 : 1;
    if (x->asid != y->asid) return x->asid < y->asid ? -1 : 1;
    return x->created < y->created ? -1 : x->created > y->created;
}

void vm_table_finish(vm_table *vt)
{
    if (vt->count)
        qsort(vt->vms, vt->count, sizeof *vt->vms, by_id);
    vt->pending_vm = -1;
}

bool vm_table_from_trace(vm_table *vt, const trace *t, uint64_t now)
{
    uint64_t *seqs;
    size_t n;
    const uint64_t mask = TRACE_KIND_BIT(TRACE_VM_CREATE) | TRACE_KIND_BIT(TRACE_VM_EXIT) | TRACE_KIND_BIT(TRACE_VMRUN) |
                          TRACE_KIND_BIT(TRACE_VMEXIT);
    if (!vis_timeline(t, now, mask, &seqs, &n, &vt->partial)) {
        vt->failed = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_get(t, seqs[i]);
        const uint8_t *p = trace_payload(t, ev);
        size_t len = ev->length;
        if (ev->kind == TRACE_VM_CREATE) {
            vx86_probe_vm_create c;
            memset(&c, 0, sizeof c);
            c.vm = vis_field32(p, len, offsetof(vx86_probe_vm_create, vm));
            c.asid = vis_field32(p, len, offsetof(vx86_probe_vm_create, asid));
            c.pid = vis_field32(p, len, offsetof(vx86_probe_vm_create, pid));
            c.memory_kib = vis_field32(p, len, offsetof(vx86_probe_vm_create, memory_kib));
            char name[VX86_PROBE_NAME_LEN + 1];
            vis_field_str(name, VX86_PROBE_NAME_LEN, p, len, offsetof(vx86_probe_vm_create, name));
            memcpy(c.name, name, strnlen(name, VX86_PROBE_NAME_LEN));
            vm_table_create(vt, ev->cycle, &c);
        } else if (ev->kind == TRACE_VM_EXIT) {
            vm_table_end(vt, ev->cycle, vis_field32(p, len, offsetof(vx86_probe_vm_exit, vm)),
                         (int32_t)vis_field32(p, len, offsetof(vx86_probe_vm_exit, status)));
        } else if (ev->kind == TRACE_VMRUN) {
            vm_table_vmrun(vt, ev->cycle, ev->vector);
        } else if (ev->kind == TRACE_VMEXIT) {
            vm_table_vmexit(vt, ev->cycle, ev->vector, vis_field64(p, len, offsetof(trace_vmexit_data, exitcode)),
                            vis_field64(p, len, offsetof(trace_vmexit_data, guest_cycles)));
        }
    }
    free(seqs);
    vm_table_finish(vt);
    return !vt->failed;
}

/* ---- pictures ---- */

static void heading(vis_buf *b, const vm_info *v)
{
    vis_printf(b, "vm %u ", v->vm);
    vis_printf(b, "%s (asid %u", v->name[0] ? v->name : "?", v->asid);
    if (v->created_seen)
        vis_printf(b, ", vcpu task %u, %u KiB", v->pid, v->memory_kib);
    vis_printf(b, ")");
    if (v->exited)
        vis_printf(b, ", ended with status %d", v->status);
    else
        vis_printf(b, ", running");
    vis_printf(b, ": %u run%s, %u exit%s", v->runs, v->runs == 1 ? "" : "s", v->exits, v->exits == 1 ? "" : "s");
}

enum { BAR = 20 };

char *vm_exits_text(const vm_table *vt)
{
    vis_buf b = { 0 };
    if (vt->count == 0)
        vis_printf(&b, "no VMs (no VMRUN yet, and no VM_CREATE record from a hypervisor)\n");
    for (size_t i = 0; i < vt->count; i++) {
        const vm_info *v = &vt->vms[i];
        vis_printf(&b, "%s", i ? "\n" : "");
        heading(&b, v);
        vis_printf(&b, "\n");
        if (v->code_count == 0)
            continue;
        vis_printf(&b, "%-12s %6s %6s %-*s %12s %10s %12s\n", "EXIT", "CODE", "COUNT", BAR + 2, "", "HANDLING", "PER EXIT",
                   "IN GUEST");
        uint32_t most = 0;
        for (size_t k = 0; k < v->code_count; k++)
            most = v->codes[k].count > most ? v->codes[k].count : most;
        for (size_t k = 0; k < v->code_count; k++) {
            const vm_exit_stat *s = &v->codes[k];
            vis_printf(&b, "%-12s %#6llx %6u ", svm_exit_name(s->code), (unsigned long long)s->code, s->count);
            vis_bar(&b, s->count, most, BAR);
            vis_printf(&b, " %12llu ", (unsigned long long)s->handle_cycles);
            if (s->handled)
                vis_printf(&b, "%10llu", (unsigned long long)(s->handle_cycles / s->handled));
            else
                vis_printf(&b, "%10s", "-");
            vis_printf(&b, " %12llu\n", (unsigned long long)s->guest_cycles);
        }
        vis_printf(&b, "%-12s %6s %6u %-*s %12llu %10s %12llu\n", "total", "", v->exits, BAR + 2, "",
                   (unsigned long long)v->handle_cycles, "", (unsigned long long)v->guest_cycles);
    }
    if (vt->partial)
        vis_printf(&b, "(the trace dropped older events: counts cover only the events it kept)\n");
    return vis_finish(&b);
}

char *vm_exits_svg(const vm_table *vt, int width_px)
{
    width_px = vis_svg_width(width_px);
    const int top = 30, head_h = 24, row_h = 20, bar_h = 14, label_w = 130, right_w = 220;
    int plot_w = width_px - label_w - right_w - 20;
    int height = top + 10;
    for (size_t i = 0; i < vt->count; i++)
        height += head_h + (int)vt->vms[i].code_count * row_h + 8;
    vis_buf b = { 0 };
    vis_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "font-family=\"monospace\" font-size=\"12\">\n",
               width_px, height);
    vis_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width_px, height);
    vis_printf(&b, "<text x=\"10\" y=\"18\">VM exits by exit code: %zu VM%s</text>\n", vt->count, vt->count == 1 ? "" : "s");
    int y = top;
    for (size_t i = 0; i < vt->count; i++) {
        const vm_info *v = &vt->vms[i];
        vis_printf(&b, "<g class=\"vm\" data-vm=\"%u\" data-asid=\"%u\">\n<text x=\"10\" y=\"%d\" font-weight=\"bold\">", v->vm,
                   v->asid, y + 16);
        vis_buf h = { 0 };
        heading(&h, v);
        char *hs = vis_finish(&h);
        if (hs)
            vis_xml(&b, hs);
        free(hs);
        vis_printf(&b, "</text>\n");
        y += head_h;
        uint32_t most = 0;
        for (size_t k = 0; k < v->code_count; k++)
            most = v->codes[k].count > most ? v->codes[k].count : most;
        for (size_t k = 0; k < v->code_count; k++) {
            const vm_exit_stat *s = &v->codes[k];
            int w = most ? (int)((uint64_t)s->count * (uint64_t)plot_w / most) : 0;
            if (w < 1)
                w = 1;
            vis_printf(&b, "<g class=\"exit\" data-code=\"%llu\" data-count=\"%u\">\n", (unsigned long long)s->code, s->count);
            vis_printf(&b, "<text x=\"20\" y=\"%d\">%s</text>\n", y + 12, svm_exit_name(s->code));
            vis_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s (%#llx): %u exits, "
                           "%llu handling cycles, %llu guest cycles</title></rect>\n",
                       label_w, y, w, bar_h, vis_colour(i), svm_exit_name(s->code), (unsigned long long)s->code, s->count,
                       (unsigned long long)s->handle_cycles, (unsigned long long)s->guest_cycles);
            vis_printf(&b, "<text x=\"%d\" y=\"%d\">%u", label_w + plot_w + 8, y + 12, s->count);
            if (s->handled)
                vis_printf(&b, " x %llu cycles", (unsigned long long)(s->handle_cycles / s->handled));
            vis_printf(&b, "</text>\n</g>\n");
            y += row_h;
        }
        vis_printf(&b, "</g>\n");
        y += 8;
    }
    vis_printf(&b, "</svg>\n");
    return vis_finish(&b);
}
