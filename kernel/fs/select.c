/*
 * select(2) and pselect6 (select(2), select_tut(2); Linux's fs/select.c),
 * plus what they share with poll(2) (kernel/fs/poll.c) and epoll_pwait:
 * the per-call waiter (select_impl.h), deadlines in ns, the remaining-time
 * write-back and the temporary signal mask.  Above: the syscalls.  Below:
 * each file's f_op->poll, which names its wait queues through poll_wait().
 *
 * select's readiness sets follow Linux: readable is POLLIN_SET (data, EOF,
 * hang-up or error), writable POLLOUT_SET, exceptional EPOLLPRI.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/process.h>
#include <kernel/select.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include "select_impl.h"

#define POLLIN_SET  (EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR)
#define POLLOUT_SET (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR)
#define POLLEX_SET  EPOLLPRI

#define NO_SAVED_MASK UINT64_MAX        /* never a real mask: SIGKILL/SIGSTOP are never blocked */
#define UNBLOCKABLE   ((1ULL << (9 - 1)) | (1ULL << (19 - 1)))  /* SIGKILL, SIGSTOP */

/* --- deadlines and the signal mask ------------------------------------------ */

int poll_select_set_timeout(u64 *end_ns, s64 sec, s64 nsec)
{
    u64 now, t;

    if (sec < 0 || nsec < 0 || nsec >= (s64)NSEC_PER_SEC)
        return -EINVAL;
    if (!sec && !nsec) {
        *end_ns = 0;
        return 0;
    }
    now = ktime_get_ns();
    t = (u64)sec >= (UINT64_MAX - (u64)nsec) / NSEC_PER_SEC ? UINT64_MAX
                                                             : (u64)sec * NSEC_PER_SEC + (u64)nsec;
    *end_ns = t >= UINT64_MAX - now ? WAIT_FOREVER : now + t;
    return 0;
}

u64 poll_deadline_ms(int ms)
{
    u64 end = WAIT_FOREVER;

    if (ms >= 0)
        poll_select_set_timeout(&end, ms / 1000, (s64)(ms % 1000) * (s64)NSEC_PER_MSEC);
    return end;
}

u64 poll_time_left(u64 end_ns)
{
    u64 now;

    if (end_ns == WAIT_FOREVER)
        return WAIT_FOREVER;
    now = ktime_get_ns();
    return end_ns > now ? end_ns - now : 0;
}

int set_user_sigmask(const void *umask, size_t sigsetsize, u64 *saved)
{
    struct user_thread *ut;
    u64 mask;

    *saved = NO_SAVED_MASK;
    if (!umask)
        return 0;
    if (sigsetsize != sizeof(u64))
        return -EINVAL;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    ut = uthread(current);
    *saved = ut->sigmask;
    ut->sigmask = mask & ~UNBLOCKABLE;
    return 0;
}

void restore_saved_sigmask(u64 saved)
{
    if (saved != NO_SAVED_MASK)
        uthread(current)->sigmask = saved;
}

long poll_select_finish(u64 end_ns, void *utime, enum poll_time_type type, long ret)
{
    u64 left;

    if (!utime || end_ns == 0)
        return ret;
    left = poll_time_left(end_ns);
    if (type == PT_TIMEVAL) {
        struct { s64 sec, usec; } tv = { (s64)(left / NSEC_PER_SEC),
                                         (s64)(left % NSEC_PER_SEC / NSEC_PER_USEC) };
        (void)copy_to_user(utime, &tv, sizeof(tv));
    } else {
        struct { s64 sec, nsec; } ts = { (s64)(left / NSEC_PER_SEC), (s64)(left % NSEC_PER_SEC) };
        (void)copy_to_user(utime, &ts, sizeof(ts));
    }
    return ret;
}

/* --- the per-call waiter ------------------------------------------------------ */

static int pollwake(struct wait_queue_entry *wait, unsigned mode, int flags, void *key)
{
    struct poll_table_entry *entry = container_of(wait, struct poll_table_entry, wait);
    struct poll_wqueues *pwq = wait->private;

    if (key && !((unsigned)(uintptr_t)key & entry->key))
        return 0;
    WRITE_ONCE(pwq->triggered, 1);
    return wake_up_process(pwq->polling_task);
}

static struct poll_table_entry *poll_get_entry(struct poll_wqueues *pwq)
{
    struct poll_table_page *page = pwq->pages;

    if (pwq->inline_used < POLL_INLINE_ENTRIES)
        return &pwq->inline_entries[pwq->inline_used++];
    if (!page || page->used == POLL_PAGE_ENTRIES) {
        page = kmalloc(sizeof(*page));
        if (!page) {
            pwq->error = -ENOMEM;
            return NULL;
        }
        page->used = 0;
        page->next = pwq->pages;
        pwq->pages = page;
    }
    return &page->entries[page->used++];
}

/* The queueing function of select/poll's table (Linux's __pollwait). */
static void __pollwait(struct file *f, struct wait_queue_head *whead, poll_table *pt)
{
    struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
    struct poll_table_entry *entry = poll_get_entry(pwq);

    if (!entry)
        return;
    entry->filp = get_file(f);
    entry->wait_address = whead;
    entry->key = pt->_key;
    entry->wait.func = pollwake;
    entry->wait.private = pwq;
    INIT_LIST_HEAD(&entry->wait.entry);
    add_wait_queue(whead, &entry->wait);
}

void poll_initwait(struct poll_wqueues *pwq)
{
    pwq->pt._qproc = __pollwait;
    pwq->pt._key = ~0u;
    pwq->polling_task = current;
    pwq->triggered = 0;
    pwq->error = 0;
    pwq->inline_used = 0;
    pwq->pages = NULL;
}

static void free_poll_entry(struct poll_table_entry *entry)
{
    remove_wait_queue(entry->wait_address, &entry->wait);
    fput(entry->filp);
}

void poll_freewait(struct poll_wqueues *pwq)
{
    for (unsigned i = 0; i < pwq->inline_used; i++)
        free_poll_entry(&pwq->inline_entries[i]);
    while (pwq->pages) {
        struct poll_table_page *page = pwq->pages;

        for (unsigned i = 0; i < page->used; i++)
            free_poll_entry(&page->entries[i]);
        pwq->pages = page->next;
        kfree(page);
    }
}

/* The state is set before `triggered` is read, so a wake in between makes schedule() return. */
bool poll_schedule(struct poll_wqueues *pwq, u64 end_ns)
{
    bool timed_out = false;

    set_current_state(TASK_UNINTERRUPTIBLE);
    if (!READ_ONCE(pwq->triggered)) {
        u64 left = poll_time_left(end_ns);

        timed_out = !left || !schedule_timeout(left);
    }
    set_current_state(TASK_RUNNING);
    WRITE_ONCE(pwq->triggered, 0);
    return !timed_out;
}

unsigned vfs_poll(struct file *f, poll_table *pt)
{
    return f->f_op->poll ? f->f_op->poll(f, pt) : DEFAULT_POLLMASK;
}

/* --- select ------------------------------------------------------------------- */

#define FDSET_WORDS (NR_OPEN_DEFAULT / 64)

/* The three sets asked and the three answered, in u64 words of fd bits. */
struct fd_sets {
    u64 in[FDSET_WORDS], out[FDSET_WORDS], ex[FDSET_WORDS];
    u64 res_in[FDSET_WORDS], res_out[FDSET_WORDS], res_ex[FDSET_WORDS];
};

static struct fdtable *files(void) { return &init_process.files; }
static size_t fds_bytes(int n) { return (size_t)(n + 63) / 64 * 8; }

/* 1 + the highest fd asked about, or -EBADF if any fd asked about is not open (Linux). */
static int max_select_fd(int n, const struct fd_sets *s)
{
    struct fdtable *t = files();
    int max = 0;

    for (int fd = 0; fd < n; fd++) {
        u64 bit = 1ULL << (fd % 64);

        if (!((s->in[fd / 64] | s->out[fd / 64] | s->ex[fd / 64]) & bit))
            continue;
        if (!t->fd[fd])
            return -EBADF;
        max = fd + 1;
    }
    return max;
}

/* Poll one fd for select; how many of its bits became set. */
static int select_one(struct fd_sets *s, int fd, poll_table *pt)
{
    unsigned w = (unsigned)fd / 64, mask;
    u64 bit = 1ULL << (fd % 64);
    struct file *f = fget(files(), fd);
    int n = 0;

    if (!f)
        return 0;                       /* closed by another thread meanwhile */
    pt->_key = POLLEX_SET | (s->in[w] & bit ? POLLIN_SET : 0) | (s->out[w] & bit ? POLLOUT_SET : 0);
    mask = vfs_poll(f, pt);
    fput(f);
    if ((mask & POLLIN_SET) && (s->in[w] & bit)) {
        s->res_in[w] |= bit;
        n++;
    }
    if ((mask & POLLOUT_SET) && (s->out[w] & bit)) {
        s->res_out[w] |= bit;
        n++;
    }
    if ((mask & POLLEX_SET) && (s->ex[w] & bit)) {
        s->res_ex[w] |= bit;
        n++;
    }
    return n;
}

static int do_select(int n, struct fd_sets *s, u64 end_ns)
{
    struct poll_wqueues table;
    bool timed_out = end_ns == 0;
    int ret = max_select_fd(n, s);

    if (ret < 0)
        return ret;
    n = ret;
    poll_initwait(&table);
    if (timed_out)
        table.pt._qproc = NULL;
    for (;;) {
        ret = 0;
        for (int fd = 0; fd < n; fd++) {
            if (!((s->in[fd / 64] | s->out[fd / 64] | s->ex[fd / 64]) & (1ULL << (fd % 64))))
                continue;
            ret += select_one(s, fd, &table.pt);
            if (ret)                    /* found one: no need to hook any further queue */
                table.pt._qproc = NULL;
        }
        table.pt._qproc = NULL;
        if (ret || timed_out)
            break;
        if (table.error) {
            ret = table.error;
            break;
        }
        timed_out = !poll_schedule(&table, end_ns);
    }
    poll_freewait(&table);
    return ret;
}

static int get_fd_set(int n, unsigned long uset, u64 *set)
{
    if (uset)
        return copy_from_user(set, (void *)uset, fds_bytes(n)) ? -EFAULT : 0;
    memset(set, 0, fds_bytes(n));
    return 0;
}

static int set_fd_set(int n, unsigned long uset, const u64 *set)
{
    return uset && copy_to_user((void *)uset, set, fds_bytes(n)) ? -EFAULT : 0;
}

/* Linux's core_sys_select: n is clamped to the fd limit; the answered sets replace the asked ones. */
static long core_sys_select(int n, unsigned long inp, unsigned long outp, unsigned long exp,
                            u64 end_ns)
{
    struct fd_sets s;
    int ret;

    if (n < 0)
        return -EINVAL;
    n = MIN(n, (int)MIN(files()->max_fds, (unsigned)NR_OPEN_DEFAULT));
    if (get_fd_set(n, inp, s.in) || get_fd_set(n, outp, s.out) || get_fd_set(n, exp, s.ex))
        return -EFAULT;
    memset(s.res_in, 0, sizeof(s.res_in));
    memset(s.res_out, 0, sizeof(s.res_out));
    memset(s.res_ex, 0, sizeof(s.res_ex));
    ret = do_select(n, &s, end_ns);
    if (ret < 0)
        return ret;
    if (set_fd_set(n, inp, s.res_in) || set_fd_set(n, outp, s.res_out) ||
        set_fd_set(n, exp, s.res_ex))
        return -EFAULT;
    return ret;
}

/* select(2): tv_usec beyond a second carries into tv_sec before the check, as in Linux. */
static long sys_select(unsigned long n, unsigned long inp, unsigned long outp,
                       unsigned long exp, unsigned long utv, unsigned long a5)
{
    u64 end_ns = WAIT_FOREVER;
    struct { s64 sec, usec; } tv;

    if (utv) {
        if (copy_from_user(&tv, (void *)utv, sizeof(tv)))
            return -EFAULT;
        if (poll_select_set_timeout(&end_ns, (s64)((u64)tv.sec + (u64)(tv.usec / 1000000)),
                                    tv.usec % 1000000 * (s64)NSEC_PER_USEC))
            return -EINVAL;
    }
    return poll_select_finish(end_ns, (void *)utv, PT_TIMEVAL,
                              core_sys_select((int)n, inp, outp, exp, end_ns));
}
SYSCALL_DEFINE(select, sys_select);

/* pselect6: the sixth argument points at { const sigset_t *ss; size_t ss_len; }. */
static long sys_pselect6(unsigned long n, unsigned long inp, unsigned long outp,
                         unsigned long exp, unsigned long uts, unsigned long usig)
{
    struct { u64 ss, len; } sig = { 0, 0 };
    struct { s64 sec, nsec; } ts;
    u64 end_ns = WAIT_FOREVER, saved;
    long ret;

    if (usig && copy_from_user(&sig, (void *)usig, sizeof(sig)))
        return -EFAULT;
    if (uts) {
        if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
            return -EFAULT;
        if (poll_select_set_timeout(&end_ns, ts.sec, ts.nsec))
            return -EINVAL;
    }
    ret = set_user_sigmask((const void *)sig.ss, sig.len, &saved);
    if (ret)
        return ret;
    ret = core_sys_select((int)n, inp, outp, exp, end_ns);
    restore_saved_sigmask(saved);
    return poll_select_finish(end_ns, (void *)uts, PT_TIMESPEC, ret);
}
SYSCALL_DEFINE(pselect6, sys_pselect6);
