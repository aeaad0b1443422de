/* msg.c: System V message queues (msgget, msgsnd, msgrcv, msgctl, and the old ipc(2) entry
 * that i386 programs may use), with Linux's rules (msgop(2), msgctl(2)): ids that change when a
 * slot is reused, type-selected receive, IPC_NOWAIT, MSG_NOERROR, MSG_EXCEPT, the queue's byte
 * limit, sleepers woken by IPC_RMID (EIDRM).
 *
 * One table today; the IPC namespace of the container issue gives each namespace its own (all
 * lookups go through msg_ns()). A message's text lives in a chain of kernel pages, as Linux's
 * msg_msgseg chain, since a message may be larger than one page. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/ipc.h"

#define MSGMNI 32                          /* queues (Linux's default is 32000) */
#define MSGMNB 16384                       /* default byte limit of one queue (Linux's MSGMNB) */
#define SEQ_MULTIPLIER 32768               /* id = seq * SEQ_MULTIPLIER + slot, as Linux's ipc ids */
#define SEG_DATA (PAGE_SIZE - sizeof(void *))

struct msgseg {
    struct msgseg *next;
    char data[SEG_DATA];
};

struct msg {
    struct msg *next;
    int32_t type;
    uint32_t size;
    struct msgseg *text;
};

struct msgq {
    int used;
    int32_t key;
    uint16_t seq, mode;
    struct msg *head;
    uint32_t cbytes, qnum, qbytes;
    int32_t lspid, lrpid;
    uint32_t stime, rtime, ctime;
};

struct msg_ns {
    struct msgq q[MSGMNI];
};
static struct msg_ns init_msg_ns;

static struct msg_ns *msg_ns(struct proc *p)
{
    return p->ns && p->ns->ipc->msg ? p->ns->ipc->msg : &init_msg_ns;   /* containers/ns.c */
}

/* An IPC namespace's table: the initial one, a new empty one, and freeing one with its queues. */
struct msg_ns *msg_ns_init(void) { return &init_msg_ns; }
struct msg_ns *msg_ns_create(void) { return kzalloc(sizeof(struct msg_ns)); }
static uint32_t now_seconds(void) { return (uint32_t)(ktime_ns() / 1000000000ull); }

static struct msgq *lookup(int id)
{
    if (id < 0)
        return NULL;
    struct msgq *q = &msg_ns(current)->q[id % SEQ_MULTIPLIER % MSGMNI];
    if (id % SEQ_MULTIPLIER >= MSGMNI || !q->used || q->seq != id / SEQ_MULTIPLIER)
        return NULL;
    return q;
}

static int id_of(struct msgq *q) { return q->seq * SEQ_MULTIPLIER + (int)(q - msg_ns(current)->q); }

static void free_msg(struct msg *m)
{
    for (struct msgseg *s = m->text, *next; s; s = next) {
        next = s->next;
        kfree(s);
    }
    kfree(m);
}

/* Copy n bytes of user text into a chain of pages: the message, or NULL (*err set). */
static struct msg *load_msg(uint32_t utext, uint32_t n, int *err)
{
    struct msg *m = kzalloc(sizeof *m);
    if (!m) {
        *err = -ENOMEM;
        return NULL;
    }
    m->size = n;
    struct msgseg **tail = &m->text;
    for (uint32_t done = 0; done < n;) {
        struct msgseg *s = kmalloc(PAGE_SIZE);
        uint32_t k = n - done < SEG_DATA ? n - done : SEG_DATA;
        if (!s || (s->next = NULL, copyin(s->data, utext + done, k) < 0)) {
            *err = s ? -EFAULT : -ENOMEM;
            kfree(s);
            free_msg(m);
            return NULL;
        }
        *tail = s;
        tail = &s->next;
        done += k;
    }
    return m;
}

static int store_msg(uint32_t utext, const struct msg *m, uint32_t n)
{
    const struct msgseg *s = m->text;
    for (uint32_t done = 0; done < n; s = s->next) {
        uint32_t k = n - done < SEG_DATA ? n - done : SEG_DATA;
        if (copyout(utext + done, s->data, k) < 0)
            return -EFAULT;
        done += k;
    }
    return 0;
}

static long do_msgget(int32_t key, uint32_t flags)
{
    struct msg_ns *ns = msg_ns(current);
    if (key != IPC_PRIVATE) {
        for (int i = 0; i < MSGMNI; i++) {
            struct msgq *q = &ns->q[i];
            if (q->used && q->key == key)
                return (flags & IPC_CREAT) && (flags & IPC_EXCL) ? -EEXIST : id_of(q);
        }
        if (!(flags & IPC_CREAT))
            return -ENOENT;
    }
    for (int i = 0; i < MSGMNI; i++) {
        struct msgq *q = &ns->q[i];
        if (q->used)
            continue;
        uint16_t seq = (uint16_t)(q->seq + 1);
        memset(q, 0, sizeof *q);
        q->used = 1;
        q->seq = seq;
        q->key = key;
        q->mode = flags & 0777;
        q->qbytes = MSGMNB;
        q->ctime = now_seconds();
        return id_of(q);
    }
    return -ENOSPC;
}

static long do_msgsnd(int id, uint32_t umsg, uint32_t size, uint32_t flags)
{
    int32_t type;
    if ((int32_t)size < 0 || size > MSGMAX)
        return -EINVAL;
    if (copyin(&type, umsg, 4) < 0)
        return -EFAULT;
    if (type < 1)
        return -EINVAL;
    int err = 0;
    struct msg *m = load_msg(umsg + 4, size, &err);
    if (!m)
        return err;
    m->type = type;
    uint32_t f = irq_save();
    for (;;) {
        struct msgq *q = lookup(id);
        if (!q) {
            err = -EINVAL;
            break;
        }
        if (q->cbytes + size <= q->qbytes && q->qnum < q->qbytes) {
            struct msg **tail = &q->head;
            while (*tail)
                tail = &(*tail)->next;
            *tail = m;
            m = NULL;
            q->cbytes += size;
            q->qnum++;
            q->lspid = current->pid;
            q->stime = now_seconds();
            wakeup(q);
            break;
        }
        if (flags & IPC_NOWAIT) {
            err = -EAGAIN;
            break;
        }
        if (signal_pending(current)) {
            err = -EINTR;
            break;
        }
        sleep_on(q);
        if (!lookup(id)) {
            err = -EIDRM;
            break;
        }
    }
    irq_restore(f);
    if (m)
        free_msg(m);
    return err;
}

/* The message msgrcv(2) would take for msgtyp, or NULL: the link that points at it. */
static struct msg **find_msg(struct msgq *q, int32_t msgtyp, uint32_t flags)
{
    struct msg **best = NULL;
    for (struct msg **pp = &q->head; *pp; pp = &(*pp)->next) {
        int32_t t = (*pp)->type;
        if (msgtyp == 0)
            return pp;
        if (msgtyp > 0 && ((flags & MSG_EXCEPT) ? t != msgtyp : t == msgtyp))
            return pp;
        if (msgtyp < 0 && t <= -msgtyp && (!best || t < (*best)->type))
            best = pp;
    }
    return best;
}

static long do_msgrcv(int id, uint32_t umsg, uint32_t size, int32_t msgtyp, uint32_t flags)
{
    if ((int32_t)size < 0)
        return -EINVAL;
    uint32_t f = irq_save();
    struct msg *m = NULL;
    long r = 0;
    for (;;) {
        struct msgq *q = lookup(id);
        if (!q) {
            r = -EINVAL;
            break;
        }
        struct msg **pp = find_msg(q, msgtyp, flags);
        if (pp) {
            if ((*pp)->size > size && !(flags & MSG_NOERROR)) {
                r = -E2BIG;
                break;
            }
            m = *pp;
            *pp = m->next;
            q->cbytes -= m->size;
            q->qnum--;
            q->lrpid = current->pid;
            q->rtime = now_seconds();
            wakeup(q);                     /* room for a blocked sender */
            break;
        }
        if (flags & IPC_NOWAIT) {
            r = -ENOMSG;
            break;
        }
        if (signal_pending(current)) {
            r = -EINTR;
            break;
        }
        sleep_on(q);
        if (!lookup(id)) {
            r = -EIDRM;
            break;
        }
    }
    irq_restore(f);
    if (!m)
        return r;
    uint32_t n = m->size < size ? m->size : size;
    if (copyout(umsg, &m->type, 4) < 0 || store_msg(umsg + 4, m, n) < 0)
        r = -EFAULT;                       /* the message is lost, as on Linux */
    else
        r = (long)n;
    free_msg(m);
    return r;
}

static long do_msgctl(int id, uint32_t cmd, uint32_t ubuf)
{
    struct msgq *q = lookup(id);
    cmd &= ~(uint32_t)IPC_64;
    if (!q)
        return -EINVAL;
    switch (cmd) {
    case IPC_RMID: {
        uint32_t f = irq_save();
        for (struct msg *m = q->head, *next; m; m = next) {
            next = m->next;
            free_msg(m);
        }
        q->head = NULL;
        q->used = 0;
        wakeup(q);                         /* sleepers find the id gone: EIDRM */
        irq_restore(f);
        return 0;
    }
    case IPC_STAT: {
        struct msqid64_ds ds;
        memset(&ds, 0, sizeof ds);
        ds.msg_perm.key = q->key;
        ds.msg_perm.mode = q->mode;
        ds.msg_perm.seq = q->seq;
        ds.msg_stime = q->stime;
        ds.msg_rtime = q->rtime;
        ds.msg_ctime = q->ctime;
        ds.msg_cbytes = q->cbytes;
        ds.msg_qnum = q->qnum;
        ds.msg_qbytes = q->qbytes;
        ds.msg_lspid = q->lspid;
        ds.msg_lrpid = q->lrpid;
        return copyout(ubuf, &ds, sizeof ds) < 0 ? -EFAULT : 0;
    }
    case IPC_SET: {
        struct msqid64_ds ds;
        if (copyin(&ds, ubuf, sizeof ds) < 0)
            return -EFAULT;
        q->qbytes = ds.msg_qbytes;
        q->mode = ds.msg_perm.mode & 0777;
        q->ctime = now_seconds();
        wakeup(q);
        return 0;
    }
    default:
        return -EINVAL;
    }
}

long sys_msgget(const struct syscall_args *a) { return do_msgget((int32_t)a->arg[0], a->arg[1]); }
long sys_msgsnd(const struct syscall_args *a) { return do_msgsnd((int)a->arg[0], a->arg[1], a->arg[2], a->arg[3]); }
long sys_msgrcv(const struct syscall_args *a)
{
    return do_msgrcv((int)a->arg[0], a->arg[1], a->arg[2], (int32_t)a->arg[3], a->arg[4]);
}
long sys_msgctl(const struct syscall_args *a) { return do_msgctl((int)a->arg[0], a->arg[1], a->arg[2]); }

/* ipc(call, first, second, third, ptr, fifth): the i386 multiplexer (ipc/syscall.c). Only the
 * message-queue calls; semaphores and shared memory are not modelled (-ENOSYS). */
#define IPCOP_MSGSND 11
#define IPCOP_MSGRCV 12
#define IPCOP_MSGGET 13
#define IPCOP_MSGCTL 14

long sys_ipc(const struct syscall_args *a)
{
    uint32_t call = a->arg[0] & 0xFFFF, version = a->arg[0] >> 16;
    int first = (int)a->arg[1];
    uint32_t second = a->arg[2], third = a->arg[3], ptr = a->arg[4], fifth = a->arg[5];
    switch (call) {
    case IPCOP_MSGSND:
        return do_msgsnd(first, ptr, second, third);
    case IPCOP_MSGRCV:
        if (version == 0) {                /* ptr -> struct ipc_kludge { msgp, msgtyp } */
            uint32_t kludge[2];
            if (!ptr || copyin(kludge, ptr, sizeof kludge) < 0)
                return -EFAULT;
            return do_msgrcv(first, kludge[0], second, (int32_t)kludge[1], third);
        }
        return do_msgrcv(first, ptr, second, (int32_t)fifth, third);
    case IPCOP_MSGGET:
        return do_msgget(first, second);
    case IPCOP_MSGCTL:
        return do_msgctl(first, second, ptr);
    default:
        return -ENOSYS;
    }
}

void msg_ns_destroy(struct msg_ns *ns)
{
    for (int i = 0; ns && i < MSGMNI; i++)
        for (struct msg *m = ns->q[i].head, *next; ns->q[i].used && m; m = next) {
            next = m->next;
            free_msg(m);
        }
    kfree(ns);
}
