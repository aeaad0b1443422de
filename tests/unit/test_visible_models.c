/* The namespace, cgroup and VM-exit models (emu/trace_ns.c, trace_cgroups.c, trace_vms.c) and
 * their text and SVG renderers and TUI panes, on hand-made trace records with known answers.
 * The SVG checks run python3's xml.etree and rsvg-convert (scripts/install-deps.sh installs both). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/svm.h"
#include "emu/trace.h"
#include "emu/trace_cgroups.h"
#include "emu/trace_ns.h"
#include "emu/trace_vms.h"
#include "emu/tui/view_visible.h"

static void probe(trace *t, uint64_t cycle, uint32_t vm, uint16_t kind, const void *p, size_t len)
{
    trace_context ctx = { 0, vm != 0, 0, 0, vm };
    trace_push_probe(t, cycle, &ctx, kind, p, (uint16_t)len);
}

static void ns_create(trace *t, uint64_t cycle, uint32_t id, uint32_t type, uint32_t parent, uint32_t creator)
{
    vx86_probe_ns_create n = { id, type, parent, creator };
    probe(t, cycle, 0, VX86_PROBE_KIND_NS_CREATE, &n, sizeof n);
}

static void task(trace *t, uint64_t cycle, uint32_t pid, uint32_t ns_pid, uint32_t pid_ns, uint32_t mnt, uint32_t uts,
                 uint32_t ipc, uint32_t cgroup, const char *name)
{
    vx86_probe_task_create c;
    memset(&c, 0, sizeof c);
    c.pid = pid;
    c.ns_pid = ns_pid;
    c.pid_ns = pid_ns;
    c.mnt_ns = mnt;
    c.uts_ns = uts;
    c.ipc_ns = ipc;
    c.cgroup = cgroup;
    memcpy(c.name, name, strnlen(name, sizeof c.name));
    probe(t, cycle, 0, VX86_PROBE_KIND_TASK_CREATE, &c, sizeof c);
}

static void task_exit(trace *t, uint64_t cycle, uint32_t pid)
{
    vx86_probe_task_exit e = { pid, 9 };
    probe(t, cycle, 0, VX86_PROBE_KIND_TASK_EXIT, &e, sizeof e);
}

/* root pid 1 > 5 > 9, root uts 3 > 6 ("box"), mnt 2 with two mounts, ipc 7 <-> 8 a parent loop
 * (broken at the first met: 7 becomes a root, 8 stays its child) */
static trace *ns_trace(void)
{
    trace *t = trace_create(0, 1000000000ull);
    ns_create(t, 10, 1, VX86_PROBE_NS_PID, 0, 0);
    ns_create(t, 11, 3, VX86_PROBE_NS_UTS, 0, 0);
    task(t, 12, 1, 1, 1, 2, 3, 4, 1, "init");
    ns_create(t, 20, 5, VX86_PROBE_NS_PID, 1, 1);
    ns_create(t, 21, 6, VX86_PROBE_NS_UTS, 3, 1);
    vx86_probe_hostname h = { 6, 1, "box" };
    probe(t, 22, 0, VX86_PROBE_KIND_HOSTNAME, &h, sizeof h);
    vx86_probe_mount mnt = { 2, 1, "ext2", "/dev/hda", "/" };
    probe(t, 23, 0, VX86_PROBE_KIND_MOUNT, &mnt, sizeof mnt);
    probe(t, 24, 0, VX86_PROBE_KIND_MOUNT, &mnt, sizeof mnt);
    task(t, 30, 2, 1, 5, 2, 6, 4, 2, "sh");
    task(t, 31, 3, 2, 5, 2, 6, 4, 2, "gone");
    ns_create(t, 32, 9, VX86_PROBE_NS_PID, 5, 2);
    task(t, 33, 4, 1, 9, 2, 6, 4, 2, "deep");
    task_exit(t, 40, 3);
    ns_create(t, 50, 7, VX86_PROBE_NS_IPC, 8, 1);
    ns_create(t, 51, 8, VX86_PROBE_NS_IPC, 7, 1);
    ns_create(t, 52, 12, VX86_PROBE_NS_NET, 0, 1);
    return t;
}

static const char NS_TEXT[] =
    "NS                       TYPE NPROCS   PID COMMAND          DETAILS\n"
    "pid:[1]                  pid       1     1 init             tasks 1 init\n"
    "`- pid:[5]               pid       1     2 sh               tasks 2 sh (1)\n"
    "   `- pid:[9]            pid       1     4 deep             tasks 4 deep (1)\n"
    "mnt:[2]                  mnt       3     1 init             2 mounts; tasks 1 init, 2 sh, 4 deep\n"
    "uts:[3]                  uts       1     1 init             tasks 1 init\n"
    "`- uts:[6]               uts       2     2 sh               hostname box; tasks 2 sh, 4 deep\n"
    "ipc:[4]                  ipc       3     1 init             tasks 1 init, 2 sh, 4 deep\n"
    "ipc:[7]                  ipc       0     - -                created by 1\n"
    "`- ipc:[8]               ipc       0     - -                created by 1\n"
    "net:[12]                 net       0     - -                created by 1\n";

START_TEST(namespace_tree_from_records)
{
    trace *t = ns_trace();
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 0));
    ck_assert_uint_eq(nt.count, 10);
    /* drawing order and depth: the pid tree first, each child under its parent */
    ck_assert_uint_eq(nt.ns[0].id, 1);
    ck_assert_uint_eq(nt.ns[1].id, 5);
    ck_assert_int_eq(nt.ns[1].depth, 1);
    ck_assert_uint_eq(nt.ns[2].id, 9);
    ck_assert_int_eq(nt.ns[2].depth, 2);
    ck_assert_uint_eq(nt.ns[2].creator_pid, 2);
    ck_assert_uint_eq(nt.ns[2].created, 32);
    /* namespaces only tasks named (2, 4) have no creation record */
    ck_assert_uint_eq(nt.ns[3].id, 2);
    ck_assert(!nt.ns[3].created_seen);
    ck_assert_uint_eq(nt.ns[3].mounts, 2);
    /* the exited task (3) is in none */
    ck_assert_uint_eq(nt.ns[1].member_count, 1);
    ck_assert_str_eq(nt.ns[5].hostname, "box");
    char *text = ns_text(&nt);
    ck_assert_str_eq(text, NS_TEXT);
    free(text);
    ns_table_free(&nt);

    /* as of cycle 31, before the exit and the last namespaces */
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 31));
    ck_assert_uint_eq(nt.count, 6);
    ck_assert_uint_eq(nt.ns[1].member_count, 2);
    ns_table_free(&nt);
    trace_destroy(t);
}
END_TEST

START_TEST(namespace_names_and_nothing)
{
    ck_assert_str_eq(ns_type_name(VX86_PROBE_NS_USER), "user");
    ck_assert_str_eq(ns_type_name(0), "?");
    ck_assert_str_eq(ns_type_name(99), "?");
    ck_assert_uint_eq(ns_type_lookup("net"), VX86_PROBE_NS_NET);
    ck_assert_uint_eq(ns_type_lookup("cgroup"), VX86_PROBE_NS_CGROUP);
    ck_assert_str_eq(ns_type_name(VX86_PROBE_NS_CGROUP), "cgroup");
    ck_assert_uint_eq(ns_type_lookup("time"), 0);
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, NULL, 0));
    char *text = ns_text(&nt);
    ck_assert_str_eq(text, "no namespaces (the guest sends NS_CREATE and TASK_CREATE records through the trace probe)\n");
    free(text);
    /* id 0 is no namespace; a short payload reads as zero */
    ck_assert_ptr_null(ns_table_get(&nt, 0, VX86_PROBE_NS_PID, 0));
    uint8_t short_rec[4] = { 7, 0, 0, 0 };
    ns_table_record(&nt, 1, 0, TRACE_NS_CREATE, short_rec, sizeof short_rec);
    ck_assert_uint_eq(nt.count, 1);
    ck_assert_uint_eq(nt.ns[0].type, 0);
    ns_table_free(&nt);
}
END_TEST

static void attach(trace *t, uint64_t cycle, uint32_t pid, uint32_t cg, const char *path)
{
    vx86_probe_cgroup_attach a;
    memset(&a, 0, sizeof a);
    a.pid = pid;
    a.cgroup = cg;
    memcpy(a.path, path, strlen(path));
    probe(t, cycle, 0, VX86_PROBE_KIND_CGROUP_ATTACH, &a, sizeof a);
}

static trace *cg_trace(void)
{
    trace *t = trace_create(0, 1000000000ull);
    task(t, 1, 1, 1, 1, 1, 1, 1, 1, "init");
    attach(t, 2, 1, 1, "/");
    task(t, 3, 2, 2, 1, 1, 1, 1, 1, "sh");
    attach(t, 4, 2, 2, "/a");
    task(t, 5, 3, 3, 1, 1, 1, 1, 2, "job");
    attach(t, 6, 3, 3, "/a/b");
    attach(t, 7, 1, 4, "/ab");
    vx86_probe_cgroup_stat s;
    memset(&s, 0, sizeof s);
    s.cgroup = 2;
    s.pids_current = 2;
    s.pids_max = 4;
    s.memory_current = 3 << 20;
    s.memory_max = 4 << 20;
    s.cpu_weight = 100;
    s.cpu_usage_us = 5000;
    s.cpu_quota_us = 20000;
    s.cpu_period_us = 100000;
    s.nr_periods = 10;
    s.nr_throttled = 2;
    s.throttled_us = 160000;
    s.oom_kills = 1;
    memcpy(s.path, "/a", 2);
    probe(t, 8, 0, VX86_PROBE_KIND_CGROUP_STAT, &s, sizeof s);
    vx86_probe_cgroup_throttle th = { 2, 2, 20000, 100000 };
    probe(t, 9, 0, VX86_PROBE_KIND_CGROUP_THROTTLE, &th, sizeof th);
    vx86_probe_cgroup_oom oom = { 3, 3, 4096, 4096 };
    probe(t, 10, 0, VX86_PROBE_KIND_CGROUP_OOM, &oom, sizeof oom);
    task_exit(t, 11, 3);
    /* a stat without a path, for a cgroup no attach named: limits "max" */
    memset(&s, 0, sizeof s);
    s.cgroup = 9;
    s.pids_max = s.memory_max = s.cpu_quota_us = VX86_PROBE_CGROUP_MAX;
    s.memory_current = 100;
    probe(t, 12, 0, VX86_PROBE_KIND_CGROUP_STAT, &s, offsetof(vx86_probe_cgroup_stat, path));
    return t;
}

static const char CG_TEXT[] =
    "/ (cgroup 1)\n"
    "|- /a (cgroup 2) tasks 2 sh\n"
    "|    memory [###############.....]  75.0%  3145728 / 4194304 bytes, oom_kill 1\n"
    "|    pids   [##########..........]  50.0%  2 / 4\n"
    "|    cpu    max 20000 100000 (20.0%), weight 100, usage 5000 us, throttled 2 of 10 periods (160000 us)\n"
    "|    throttle records 1 (cpu.max 20000 100000)\n"
    "|  `- /a/b (cgroup 3)\n"
    "|       oom records 1 (last killed 3 at 4096 / 4096 bytes)\n"
    "`- /ab (cgroup 4) tasks 1 init\n"
    "? (cgroup 9)\n"
    "  memory (no limit)                     100 / max bytes\n"
    "  pids   (no limit)                     0 / max\n"
    "  cpu    max max, weight 0, usage 0 us, throttled 0 of 0 periods (0 us)\n";

START_TEST(cgroup_tree_from_records)
{
    trace *t = cg_trace();
    cg_table ct;
    cg_table_init(&ct);
    ck_assert(cg_table_from_trace(&ct, t, 0));
    ck_assert_uint_eq(ct.count, 5);
    ck_assert_str_eq(ct.cg[0].path, "/");
    ck_assert_str_eq(ct.cg[2].path, "/a/b");
    ck_assert_int_eq(ct.cg[2].depth, 2);
    ck_assert_str_eq(ct.cg[3].path, "/ab");
    ck_assert_int_eq(ct.cg[3].depth, 1);   /* "/ab" is not under "/a" */
    ck_assert_uint_eq(ct.cg[0].member_count, 0);   /* init moved to /ab */
    ck_assert_uint_eq(ct.cg[2].member_count, 0);   /* job exited */
    ck_assert_uint_eq(ct.cg[1].throttles, 1);
    ck_assert_uint_eq(ct.cg[2].ooms, 1);
    ck_assert_uint_eq(ct.cg[2].oom_pid, 3);
    /* the Chrome export: a counter per cgroup_stat record */
    char *chrome = NULL;
    size_t chrome_len = 0;
    FILE *out = open_memstream(&chrome, &chrome_len);
    ck_assert(trace_write_chrome(t, out));
    fclose(out);
    ck_assert_msg(strstr(chrome, "{\"name\":\"cgroup /a\",\"cat\":\"cgroup\",\"ph\":\"C\",\"pid\":0,\"ts\":0.008,"
                                 "\"args\":{\"memory_bytes\":3145728,\"pids\":2,\"nr_throttled\":2}}") != NULL, "%s", chrome);
    ck_assert_ptr_nonnull(strstr(chrome, "{\"name\":\"cgroup ?\",\"cat\":\"cgroup\",\"ph\":\"C\",\"pid\":0,\"ts\":0.012,"));
    free(chrome);
    char *text = cg_text(&ct);
    ck_assert_str_eq(text, CG_TEXT);
    free(text);
    cg_table_free(&ct);
    cg_table_init(&ct);
    text = cg_text(&ct);
    ck_assert_str_eq(text, "no cgroups (the guest sends CGROUP_ATTACH and CGROUP_STAT records through the trace probe)\n");
    free(text);
    cg_table_free(&ct);
    trace_destroy(t);
}
END_TEST

static void cpu_event(trace *t, uint64_t cycle, int kind, uint32_t asid, uint64_t code, uint64_t guest)
{
    trace_context ctx = { 0, 0, 0, 0, 0 };
    trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.cycle = cycle;
    ev.kind = (uint16_t)kind;
    ev.vector = asid;
    trace_vmexit_data d = { code, 0, 0, guest };
    trace_push(t, &ev, &ctx, kind == TRACE_VMEXIT ? &d : NULL, kind == TRACE_VMEXIT ? sizeof d : 0);
}

static trace *vm_trace(void)
{
    trace *t = trace_create(0, 1000000000ull);
    vx86_probe_vm_create c = { 1, 1, 7, 64, "alpha" };
    probe(t, 50, 0, VX86_PROBE_KIND_VM_CREATE, &c, sizeof c);
    cpu_event(t, 100, TRACE_VMRUN, 1, 0, 0);
    cpu_event(t, 150, TRACE_VMEXIT, 1, SVM_EXIT_CPUID, 50);
    cpu_event(t, 190, TRACE_VMRUN, 1, 0, 0);
    cpu_event(t, 200, TRACE_VMEXIT, 1, SVM_EXIT_CPUID, 10);
    cpu_event(t, 260, TRACE_VMRUN, 2, 0, 0);             /* an ASID no VM_CREATE named */
    cpu_event(t, 300, TRACE_VMEXIT, 2, SVM_EXIT_IOIO, 40);
    cpu_event(t, 320, TRACE_VMRUN, 1, 0, 0);
    cpu_event(t, 330, TRACE_VMEXIT, 1, SVM_EXIT_EXC(14), 10);
    cpu_event(t, 345, TRACE_VMRUN, 1, 0, 0);
    cpu_event(t, 350, TRACE_VMEXIT, 1, SVM_EXIT_SHUTDOWN, 5);
    vx86_probe_vm_exit e = { 1, -3 };
    probe(t, 400, 0, VX86_PROBE_KIND_VM_EXIT, &e, sizeof e);
    return t;
}

static const char VM_TEXT[] =
    "vm 0 asid 2 (asid 2), running: 1 run, 1 exit\n"
    "EXIT           CODE  COUNT                            HANDLING   PER EXIT     IN GUEST\n"
    "ioio           0x7b      1 [####################]           20         20           40\n"
    "total                    1                                  20                      40\n"
    "\n"
    "vm 1 alpha (asid 1, vcpu task 7, 64 KiB), ended with status -3: 4 runs, 4 exits\n"
    "EXIT           CODE  COUNT                            HANDLING   PER EXIT     IN GUEST\n"
    "#PF            0x4e      1 [##########..........]           15         15           10\n"
    "cpuid          0x72      2 [####################]          100         50           60\n"
    "shutdown       0x7f      1 [##########..........]            0          -            5\n"
    "total                    4                                 115                      75\n";

START_TEST(vm_exits_from_events)
{
    trace *t = vm_trace();
    vm_table vt;
    vm_table_init(&vt);
    ck_assert(vm_table_from_trace(&vt, t, 0));
    ck_assert_uint_eq(vt.count, 2);
    const vm_info *a = &vt.vms[1];
    ck_assert_str_eq(a->name, "alpha");
    ck_assert_uint_eq(a->exits, 4);
    ck_assert_uint_eq(a->runs, 4);
    ck_assert(a->exited);
    ck_assert_int_eq(a->status, -3);
    ck_assert_uint_eq(a->code_count, 3);
    ck_assert_uint_eq(a->codes[1].code, SVM_EXIT_CPUID);
    ck_assert_uint_eq(a->codes[1].count, 2);
    ck_assert_uint_eq(a->codes[1].handled, 2);
    ck_assert_uint_eq(a->codes[1].handle_cycles, 40 + 60);   /* to the next VMRUN, of any VM */
    ck_assert_uint_eq(a->codes[1].guest_cycles, 60);
    ck_assert_uint_eq(a->codes[2].handled, 0);   /* the VM ended after it */
    char *text = vm_exits_text(&vt);
    ck_assert_str_eq(text, VM_TEXT);
    free(text);
    vm_table_free(&vt);
    /* as of cycle 200: the second exit not handled yet */
    vm_table_init(&vt);
    ck_assert(vm_table_from_trace(&vt, t, 200));
    ck_assert_uint_eq(vt.count, 1);
    ck_assert_uint_eq(vt.vms[0].codes[0].count, 2);
    ck_assert_uint_eq(vt.vms[0].codes[0].handled, 1);
    vm_table_free(&vt);
    vm_table_init(&vt);
    text = vm_exits_text(&vt);
    ck_assert_str_eq(text, "no VMs (no VMRUN yet, and no VM_CREATE record from a hypervisor)\n");
    free(text);
    vm_table_free(&vt);
    trace_destroy(t);
}
END_TEST

/* Write svg to a file, parse it with python3's xml.etree (root <svg>, count elements matching
 * `xpath` must be `want`) and render it with rsvg-convert to a non-empty PNG. */
static void check_svg(const char *svg, const char *xpath, int want)
{
    char dir[] = "/tmp/vx86-visible-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128], png[128], cmd[1024];
    snprintf(path, sizeof path, "%s/p.svg", dir);
    snprintf(png, sizeof png, "%s/p.png", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(svg, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
             "ns = {'s': 'http://www.w3.org/2000/svg'}; "
             "assert r.tag == '{http://www.w3.org/2000/svg}svg', r.tag; "
             "n = len(r.findall(sys.argv[2], ns)); assert n == int(sys.argv[3]), n\" %s '%s' %d",
             path, xpath, want);
    ck_assert_msg(system(cmd) == 0, "xml.etree: %s", cmd);
    snprintf(cmd, sizeof cmd, "rsvg-convert -o %s %s && test -s %s", png, path, png);
    ck_assert_msg(system(cmd) == 0, "rsvg-convert failed: %s", cmd);
    unlink(path);
    unlink(png);
    rmdir(dir);
}

START_TEST(svg_pictures_parse_and_render)
{
    trace *t = ns_trace();
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 0));
    char *svg = ns_svg(&nt, 800);
    ck_assert_ptr_nonnull(strstr(svg, "<g class=\"ns\" data-type=\"pid\" data-id=\"9\" data-vm=\"0\" data-depth=\"2\">"));
    check_svg(svg, "s:g[@class=\"ns\"]", 10);
    free(svg);
    ns_table_free(&nt);
    trace_destroy(t);

    t = cg_trace();
    cg_table ct;
    cg_table_init(&ct);
    ck_assert(cg_table_from_trace(&ct, t, 0));
    svg = cg_svg(&ct, 900);
    ck_assert_ptr_nonnull(strstr(svg, "<title>memory 3145728 / 4194304 bytes (75.0%)</title>"));
    check_svg(svg, "s:g[@class=\"cgroup\"]", 5);
    free(svg);
    cg_table_free(&ct);
    trace_destroy(t);

    t = vm_trace();
    vm_table vt;
    vm_table_init(&vt);
    ck_assert(vm_table_from_trace(&vt, t, 0));
    svg = vm_exits_svg(&vt, 800);
    ck_assert_ptr_nonnull(strstr(svg, "<title>cpuid (0x72): 2 exits, 100 handling cycles, 60 guest cycles</title>"));
    check_svg(svg, "s:g[@class=\"vm\"]/s:g[@class=\"exit\"]", 4);
    free(svg);
    /* names from the guest are escaped */
    snprintf(vt.vms[1].name, sizeof vt.vms[1].name, "<a&\"b>");
    svg = vm_exits_svg(&vt, 100);   /* clamped to 320 */
    ck_assert_ptr_nonnull(strstr(svg, "width=\"320\""));
    ck_assert_ptr_nonnull(strstr(svg, "vm 1 &lt;a&amp;&quot;b&gt; (asid 1"));
    check_svg(svg, "s:g[@class=\"vm\"]", 2);
    free(svg);
    vm_table_free(&vt);
    trace_destroy(t);
}
END_TEST

START_TEST(tui_panes)
{
    static tui_view v;
    trace *t = vm_trace();
    vm_table vt;
    vm_table_init(&vt);
    ck_assert(vm_table_from_trace(&vt, t, 0));
    tui_view_exits_table(&v, &vt, 40);
    ck_assert_str_eq(v.title, "VM exits (2 VMs, 5 exits)");
    int at = tui_view_find(&v, "cpuid          0x72      2 [", 0);
    ck_assert_int_ge(at, 0);
    ck_assert_int_eq(tui_line_hl_at(&v.lines[at], 28), TUI_HL_GOOD);   /* the bar */
    ck_assert_int_eq(tui_line_hl_at(&v.lines[0], 0), TUI_HL_LABEL);    /* the heading */
    tui_view_exits_table(&v, &vt, 3);
    ck_assert_int_eq(v.count, 3);
    vm_table_free(&vt);
    trace_destroy(t);

    t = cg_trace();
    cg_table ct;
    cg_table_init(&ct);
    ck_assert(cg_table_from_trace(&ct, t, 0));
    tui_view_cgroups_table(&v, &ct, 40);
    ck_assert_str_eq(v.title, "Cgroups (5)");
    at = tui_view_find(&v, "oom records 1", 0);
    ck_assert_int_ge(at, 0);
    ck_assert_int_eq(tui_line_hl_at(&v.lines[at], 0), TUI_HL_FAULT);
    cg_table_free(&ct);
    trace_destroy(t);

    t = ns_trace();
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 0));
    tui_view_ns_table(&v, &nt, 40);
    ck_assert_str_eq(v.title, "Namespaces (10)");
    ck_assert_int_eq(v.count, 11);
    ck_assert_int_eq(tui_view_find(&v, "   `- pid:[9]            pid       1     4 deep", 0), 3);
    ns_table_free(&nt);
    trace_destroy(t);
}
END_TEST

START_TEST(wrapped_trace_says_partial)
{
    trace *t = trace_create(4, 1000000000ull);
    for (uint32_t k = 1; k <= 8; k++)
        ns_create(t, k, k, VX86_PROBE_NS_PID, 0, 0);
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 0));
    ck_assert(nt.partial);
    ck_assert_uint_eq(nt.count, 4);
    char *text = ns_text(&nt);
    ck_assert_ptr_nonnull(strstr(text, "(the trace dropped older events"));
    free(text);
    ns_table_free(&nt);
    trace_destroy(t);
}
END_TEST

/* A snapshot restored at cycle 15 and run on: the abandoned run's events (20, 30) were recorded
 * again (20, 30); each counts once, also the one whose cycle equals the restored run's first. */
START_TEST(restored_run_counts_once)
{
    trace *t = trace_create(0, 1000000000ull);
    ns_create(t, 10, 1, VX86_PROBE_NS_PID, 0, 0);
    ns_create(t, 20, 2, VX86_PROBE_NS_PID, 1, 1);
    ns_create(t, 30, 3, VX86_PROBE_NS_PID, 1, 1);
    ns_create(t, 20, 2, VX86_PROBE_NS_PID, 1, 1);
    ns_create(t, 30, 4, VX86_PROBE_NS_PID, 1, 1);   /* the new run differs here */
    ns_table nt;
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 0));
    ck_assert_uint_eq(nt.count, 3);
    ck_assert_uint_eq(nt.ns[2].id, 4);
    ns_table_free(&nt);
    /* as of cycle 20 (restored, not run on): 1 and 2 */
    ns_table_init(&nt);
    ck_assert(ns_table_from_trace(&nt, t, 20));
    ck_assert_uint_eq(nt.count, 2);
    ns_table_free(&nt);
    trace_destroy(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("visible-models");
    TCase *tc = tcase_create("models");
    tcase_add_test(tc, namespace_tree_from_records);
    tcase_add_test(tc, namespace_names_and_nothing);
    tcase_add_test(tc, cgroup_tree_from_records);
    tcase_add_test(tc, vm_exits_from_events);
    tcase_add_test(tc, svg_pictures_parse_and_render);
    tcase_add_test(tc, tui_panes);
    tcase_add_test(tc, wrapped_trace_says_partial);
    tcase_add_test(tc, restored_run_counts_once);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
