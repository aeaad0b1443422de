/* exec.c: replace the current program with a static ELF32 executable (System V ABI i386), or
 * run a "#!" script's interpreter.
 *
 * The new address space is built completely before the old one is dropped, so a failing
 * execve (ENOENT, ENOEXEC, ENOMEM, E2BIG) returns to the caller unchanged. The initial stack
 * is Linux's: argc, argv[], NULL, envp[], NULL, auxv (AT_PAGESZ, AT_NULL), then the strings. */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"

#define ELF_MAGIC 0x464C457Fu              /* "\x7FELF" */
#define ELFCLASS32 1
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define PF_W_ELF 2
#define AT_NULL 0
#define AT_PAGESZ 6
#define MAX_PHNUM 16
#define USTACK_ARGS_MAX (64 * 1024)        /* argv + envp strings and pointers */
#define EXEC_MAX_ARGS 512                  /* argv + envp entries (sys_execve copies fewer) */

struct elfhdr {
    uint32_t magic;
    uint8_t class, data, version, osabi, pad[8];
    uint16_t type, machine;
    uint32_t version2, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct proghdr {
    uint32_t type, off, vaddr, paddr, filesz, memsz, flags, align;
};

static int exec_elf(const char *path, char *const argv[], char *const envp[], struct trapframe *tf);

/* Copy into another address space (the new one, not yet current) through the direct map. */
static int put_in(uint32_t *pgdir, uint32_t va, const void *src, uint32_t n, int owner)
{
    while (n) {
        if (vm_alloc_range(pgdir, va, va + 1, PTE_W, owner) < 0)
            return -ENOMEM;
        uint32_t *pde = &pgdir[PDX(va)];
        uint32_t pte = ((uint32_t *)P2V(*pde & PTE_ADDR))[PTX(va)];
        uint32_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        memcpy((char *)P2V(pte & PTE_ADDR) + (va & (PAGE_SIZE - 1)), src, chunk);
        src = (const char *)src + chunk;
        va += chunk;
        n -= chunk;
    }
    return 0;
}

static int load_segment(uint32_t *pgdir, struct inode *ip, const struct proghdr *ph, int owner)
{
    uint32_t perm = (ph->flags & PF_W_ELF) ? PTE_W : 0;
    int r = vm_alloc_range(pgdir, ph->vaddr, ph->vaddr + ph->memsz, perm, owner);
    if (r < 0)
        return r;
    for (uint32_t done = 0; done < ph->filesz;) {
        uint32_t va = ph->vaddr + done;
        uint32_t pte = ((uint32_t *)P2V(pgdir[PDX(va)] & PTE_ADDR))[PTX(va)];
        uint32_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > ph->filesz - done)
            chunk = ph->filesz - done;
        r = inode_read(ip, (char *)P2V(pte & PTE_ADDR) + (va & (PAGE_SIZE - 1)), ph->off + done, chunk);
        if (r != (int)chunk)
            return r < 0 ? r : -ENOEXEC;
        done += chunk;
    }
    return 0;
}

static int count(char *const v[]) { int n = 0; while (v && v[n]) n++; return n; }

/* Lay out argc/argv/envp/auxv and the strings below USTACK_TOP; returns the new esp or 0. */
static uint32_t build_stack(uint32_t *pgdir, char *const argv[], char *const envp[], int owner)
{
    int argc = count(argv), envc = count(envp);
    uint32_t strings = 0;
    for (int i = 0; i < argc; i++) strings += strlen(argv[i]) + 1;
    for (int i = 0; i < envc; i++) strings += strlen(envp[i]) + 1;
    uint32_t words = 1 + argc + 1 + envc + 1 + 4;
    if (argc + envc > EXEC_MAX_ARGS || strings + words * 4 > USTACK_ARGS_MAX)
        return 0;
    uint32_t str_at = USTACK_TOP - strings;
    uint32_t sp = (str_at - words * 4) & ~15u;
    uint32_t vec[words];
    uint32_t w = 0, s = str_at;
    vec[w++] = (uint32_t)argc;
    for (int i = 0; i < argc; i++) {
        uint32_t len = strlen(argv[i]) + 1;
        if (put_in(pgdir, s, argv[i], len, owner) < 0)
            return 0;
        vec[w++] = s;
        s += len;
    }
    vec[w++] = 0;
    for (int i = 0; i < envc; i++) {
        uint32_t len = strlen(envp[i]) + 1;
        if (put_in(pgdir, s, envp[i], len, owner) < 0)
            return 0;
        vec[w++] = s;
        s += len;
    }
    vec[w++] = 0;
    vec[w++] = AT_PAGESZ; vec[w++] = PAGE_SIZE;
    vec[w++] = AT_NULL; vec[w++] = 0;
    return put_in(pgdir, sp, vec, words * 4, owner) < 0 ? 0 : sp;
}

/* "#!INTERPRETER [ARG]" on the first line: run INTERPRETER [ARG] PATH ARGV[1..] instead, as Linux's
 * binfmt_script does. One level only: the interpreter must be an ELF program. *line gets the
 * first line (at most 127 bytes, NUL-terminated); 1 if it is a script, 0 if not, or -errno. */
#define SCRIPT_LINE_MAX 128
static int read_shebang(struct inode *ip, char *line)
{
    int n = inode_read(ip, line, 0, SCRIPT_LINE_MAX - 1);
    if (n < 2 || line[0] != '#' || line[1] != '!')
        return 0;
    line[n] = 0;
    char *nl = strchr(line, '\n');
    if (!nl)
        return n == SCRIPT_LINE_MAX - 1 ? -ENOEXEC : 1;   /* Linux: a line that does not fit */
    *nl = 0;
    return 1;
}

static int exec_script(const char *path, char *line, char *const argv[], char *const envp[],
                       struct trapframe *tf)
{
    char *s = line + 2, *interp, *arg = NULL;
    while (*s == ' ' || *s == '\t') s++;
    interp = s;
    while (*s && *s != ' ' && *s != '\t') s++;
    if (*s) {
        *s++ = 0;
        while (*s == ' ' || *s == '\t') s++;
        if (*s) {
            arg = s;                       /* the rest of the line is one argument, as Linux */
            for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
                e[-1] = 0;
        }
    }
    if (!*interp)
        return -ENOEXEC;
    int argc = 0;
    while (argv && argv[argc]) argc++;
    char **nargv = kmalloc((uint32_t)(argc + 3) * sizeof(char *));
    if (!nargv)
        return -ENOMEM;
    int k = 0;
    nargv[k++] = interp;
    if (arg)
        nargv[k++] = arg;
    nargv[k++] = (char *)path;
    for (int i = 1; i < argc; i++)
        nargv[k++] = argv[i];
    nargv[k] = NULL;
    int r = exec_elf(interp, nargv, envp, tf);
    kfree(nargv);
    return r;
}

int exec(const char *path, char *const argv[], char *const envp[], struct trapframe *tf)
{
    int err = 0;
    struct inode *ip = namei(path, &err);
    if (!ip)
        return err ? err : -ENOENT;
    if (!S_ISREG(ip->mode) || !(ip->mode & 0111)) {
        iput(ip);
        return -EACCES;
    }
    char *line = kmalloc(SCRIPT_LINE_MAX);
    int r = line ? read_shebang(ip, line) : -ENOMEM;
    iput(ip);
    if (r == 1)
        r = exec_script(path, line, argv, envp, tf);
    else if (r == 0)
        r = exec_elf(path, argv, envp, tf);
    kfree(line);
    return r;
}

static int exec_elf(const char *path, char *const argv[], char *const envp[], struct trapframe *tf)
{
    struct proc *p = current;
    int err = 0;
    struct inode *ip = namei(path, &err);
    if (!ip)
        return err ? err : -ENOENT;
    struct elfhdr eh;
    struct proghdr ph[MAX_PHNUM];
    uint32_t *pgdir = NULL;
    int r = -ENOEXEC;
    /* Root may run a regular file with any execute bit (Linux's may_open + generic_permission). */
    if (!S_ISREG(ip->mode) || !(ip->mode & 0111)) {
        r = -EACCES;
        goto fail;
    }
    if (inode_read(ip, &eh, 0, sizeof eh) != sizeof eh || eh.magic != ELF_MAGIC || eh.class != ELFCLASS32 ||
        eh.data != ELFDATA2LSB || eh.type != ET_EXEC || eh.machine != EM_386 ||
        eh.phentsize != sizeof(struct proghdr) || eh.phnum == 0 || eh.phnum > MAX_PHNUM)
        goto fail;
    if (inode_read(ip, ph, eh.phoff, eh.phnum * sizeof ph[0]) != (int)(eh.phnum * sizeof ph[0]))
        goto fail;
    uint32_t image_end = 0;
    for (int i = 0; i < eh.phnum; i++) {
        if (ph[i].type != PT_LOAD)
            continue;
        uint32_t end = ph[i].vaddr + ph[i].memsz;
        if (ph[i].filesz > ph[i].memsz || end < ph[i].vaddr || ph[i].vaddr < PAGE_SIZE ||
            end > USTACK_TOP - USTACK_MAX || ph[i].off + ph[i].filesz < ph[i].off)
            goto fail;
        if (end > image_end)
            image_end = end;
    }
    if (!image_end || eh.entry >= image_end)
        goto fail;
    r = -ENOMEM;
    pgdir = vm_new_pgdir(p->pid);
    if (!pgdir)
        goto fail;
    for (int i = 0; i < eh.phnum; i++) {
        if (ph[i].type == PT_LOAD && (r = load_segment(pgdir, ip, &ph[i], p->pid)) < 0)
            goto fail;
    }
    uint32_t sp = build_stack(pgdir, argv, envp, p->pid);
    if (!sp) {
        r = -E2BIG;
        goto fail;
    }
    iput(ip);

    /* The point of no return: switch to the new image. */
    uint32_t *old = p->pgdir;
    p->pgdir = pgdir;
    vm_switch(p);
    if (old)
        vm_free(old);
    p->brk_start = p->brk = PGROUNDUP(image_end);
    proc_set_name(p, path);
    p->cmdline_len = 0;
    for (int i = 0; argv && argv[i]; i++) {
        uint32_t len = strlen(argv[i]) + 1;
        if (p->cmdline_len + len > PROC_CMDLINE_LEN)
            break;
        memcpy(p->cmdline + p->cmdline_len, argv[i], len);
        p->cmdline_len += len;
    }
    for (int fd = 0; fd < NOFILE && fd < 32; fd++) {
        if ((p->cloexec >> fd) & 1 && p->ofile[fd]) {
            file_close(p->ofile[fd]);
            p->ofile[fd] = NULL;
        }
    }
    p->cloexec = 0;
    signal_exec(p);
    trace_task_create(p);                  /* again, with the new name (the trace's rename) */
    memset(tf, 0, sizeof *tf);
    tf->cs = UCODE_SEL;
    tf->ds = tf->es = tf->fs = tf->gs = tf->ss = UDATA_SEL;
    tf->eflags = F_IF;
    tf->eip = eh.entry;
    tf->esp = sp;
    return 0;

fail:
    if (pgdir)
        vm_free(pgdir);
    iput(ip);
    return r;
}
