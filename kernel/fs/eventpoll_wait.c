/*
 * epoll harvesting (epoll_wait(2), epoll_pwait(2), epoll_pwait2(2); Linux's
 * ep_poll / ep_send_events): re-poll only the items on the ready list,
 * report those still ready, and re-queue level-triggered ones so the next
 * call looks again; edge-triggered items come back only through a new wake
 * (ep_poll_callback in eventpoll.c), EPOLLONESHOT ones only through
 * EPOLL_CTL_MOD.  Also the epoll file's own poll, for poll/select on an
 * epoll fd and epoll inside epoll.  Above: the syscalls.  Below: the items'
 * f_op->poll and the instance's wait queues.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/select.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include "eventpoll_impl.h"

unsigned ep_item_poll(struct epitem *epi, poll_table *pt, int depth)
{
    struct file *f = epi->file;
    unsigned mask;

    pt->_key = epi->event.events;
    if (is_file_epoll(f))
        mask = ep_poll_readyevents(f->private_data, pt, depth);
    else
        mask = f->f_op->poll(f, pt);
    return mask & epi->event.events;
}

/* Take the whole ready list (a harvest works on its private copy, as Linux's txlist). */
static void ep_start_scan(struct eventpoll *ep, struct list_head *txlist)
{
    unsigned long irqf;

    spin_lock_irqsave(&ep->lock, irqf);
    list_splice_init(&ep->rdllist, txlist);
    spin_unlock_irqrestore(&ep->lock, irqf);
}

/*
 * Put back what the harvest left, ahead of what arrived meanwhile, and wake
 * another epoll_wait sleeper if ready items remain (it may take them).
 */
static void ep_done_scan(struct eventpoll *ep, struct list_head *txlist)
{
    unsigned long irqf;

    spin_lock_irqsave(&ep->lock, irqf);
    list_splice_init(txlist, &ep->rdllist);
    if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq))
        wake_up(&ep->wq);
    spin_unlock_irqrestore(&ep->lock, irqf);
}

static void ep_unlink_ready(struct eventpoll *ep, struct epitem *epi)
{
    unsigned long irqf;

    spin_lock_irqsave(&ep->lock, irqf);
    list_del_init(&epi->rdllink);
    spin_unlock_irqrestore(&ep->lock, irqf);
}

unsigned ep_poll_readyevents(struct eventpoll *ep, poll_table *pt, int depth)
{
    poll_table nopt = { NULL, ~0u };
    struct epitem *epi, *tmp;
    LIST_HEAD(txlist);
    unsigned res = 0;

    poll_wait(ep->file, &ep->poll_wait, pt);
    ep_start_scan(ep, &txlist);
    list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
        if (ep_item_poll(epi, &nopt, depth + 1)) {
            res = EPOLLIN | EPOLLRDNORM;
            break;
        }
        /* Woken but not ready for what it asks: no need to keep it queued. */
        ep_unlink_ready(ep, epi);
    }
    ep_done_scan(ep, &txlist);
    return res;
}

/*
 * Back on the ready list with no wake (Linux's LT re-add): ep_done_scan()
 * wakes one more epoll_wait sleeper if anything stays ready, and waking
 * pollers of this epoll on every harvest would only make them spin.
 */
static void ep_requeue(struct eventpoll *ep, struct epitem *epi)
{
    unsigned long irqf;

    spin_lock_irqsave(&ep->lock, irqf);
    if (list_empty(&epi->rdllink))
        list_add_tail(&epi->rdllink, &ep->rdllist);
    spin_unlock_irqrestore(&ep->lock, irqf);
}

/*
 * Report up to maxevents ready items to the user array: the count, or
 * -EFAULT if not even the first could be stored (it stays queued).
 */
static int ep_send_events(struct eventpoll *ep, struct epoll_event *uevents, int maxevents)
{
    poll_table nopt = { NULL, ~0u };
    struct epitem *epi, *tmp;
    LIST_HEAD(txlist);
    int res = 0;

    ep_start_scan(ep, &txlist);
    list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
        struct epoll_event out;
        unsigned revents;

        if (res >= maxevents)
            break;
        ep_unlink_ready(ep, epi);
        revents = ep_item_poll(epi, &nopt, 1);
        if (!revents)
            continue;
        out.events = revents;
        out.data = epi->event.data;
        if (copy_to_user(&uevents[res], &out, sizeof(out))) {
            unsigned long irqf;

            spin_lock_irqsave(&ep->lock, irqf);
            list_add(&epi->rdllink, &txlist);
            spin_unlock_irqrestore(&ep->lock, irqf);
            if (!res)
                res = -EFAULT;
            break;
        }
        res++;
        if (epi->event.events & EPOLLONESHOT)
            epi->event.events &= EP_PRIVATE_BITS;
        else if (!(epi->event.events & EPOLLET))
            ep_requeue(ep, epi);        /* level-triggered: look again next time */
    }
    ep_done_scan(ep, &txlist);
    return res;
}

static bool ep_events_available(struct eventpoll *ep)
{
    return !list_empty(&ep->rdllist);
}

/*
 * Queue on ep->wq (exclusive, so one wake rouses one thread) unless events
 * arrived, then sleep until woken or end_ns.  Returns true if the deadline
 * passed with nothing woken.  The check and the queueing happen with
 * interrupts off, so a callback either sees the waiter or ran before.
 */
static bool ep_sleep(struct eventpoll *ep, u64 end_ns)
{
    struct wait_queue_entry wait;
    unsigned long irqf;
    bool avail, timed_out = false;

    init_wait_entry(&wait, WQ_FLAG_EXCLUSIVE);
    spin_lock_irqsave(&ep->lock, irqf);
    set_current_state(TASK_UNINTERRUPTIBLE);
    avail = ep_events_available(ep);
    if (!avail)
        add_wait_queue_exclusive(&ep->wq, &wait);
    spin_unlock_irqrestore(&ep->lock, irqf);
    if (!avail) {
        u64 left = poll_time_left(end_ns);

        timed_out = !left || !schedule_timeout(left);
    }
    set_current_state(TASK_RUNNING);
    spin_lock_irqsave(&ep->lock, irqf);
    /* A wake that came after the deadline still counts: harvest. */
    if (timed_out && list_empty(&wait.entry))
        timed_out = false;
    list_del_init(&wait.entry);
    spin_unlock_irqrestore(&ep->lock, irqf);
    return timed_out;
}

static int ep_poll(struct eventpoll *ep, struct epoll_event *uevents, int maxevents, u64 end_ns)
{
    bool timed_out = end_ns == 0;

    for (;;) {
        if (ep_events_available(ep)) {
            int res = ep_send_events(ep, uevents, maxevents);

            if (res)
                return res;
        }
        if (timed_out)
            return 0;
        timed_out = ep_sleep(ep, end_ns);
    }
}

int do_epoll_wait(int epfd, struct epoll_event *uevents, int maxevents, u64 end_ns)
{
    struct file *f;
    int res;

    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
        return -EINVAL;
    if (!access_ok(uevents, (size_t)maxevents * sizeof(*uevents)))
        return -EFAULT;
    f = fget(&init_process.files, epfd);
    if (!f)
        return -EBADF;
    res = is_file_epoll(f) ? ep_poll(f->private_data, uevents, maxevents, end_ns) : -EINVAL;
    fput(f);
    return res;
}

/* --- syscalls --------------------------------------------------------------- */

static long epoll_pwait_common(int epfd, unsigned long uevents, int maxevents, u64 end_ns,
                               unsigned long umask, size_t sigsetsize)
{
    u64 saved;
    int err = set_user_sigmask((const void *)umask, sigsetsize, &saved);

    if (err)
        return err;
    err = do_epoll_wait(epfd, (struct epoll_event *)uevents, maxevents, end_ns);
    restore_saved_sigmask(saved);
    return err;
}

static long sys_epoll_wait(unsigned long epfd, unsigned long uevents, unsigned long maxevents,
                           unsigned long timeout, unsigned long a4, unsigned long a5)
{
    return do_epoll_wait((int)epfd, (struct epoll_event *)uevents, (int)maxevents,
                         poll_deadline_ms((int)timeout));
}
SYSCALL_DEFINE(epoll_wait, sys_epoll_wait);

static long sys_epoll_pwait(unsigned long epfd, unsigned long uevents, unsigned long maxevents,
                            unsigned long timeout, unsigned long umask, unsigned long sigsetsize)
{
    return epoll_pwait_common((int)epfd, uevents, (int)maxevents,
                              poll_deadline_ms((int)timeout), umask, sigsetsize);
}
SYSCALL_DEFINE(epoll_pwait, sys_epoll_pwait);

/* The timeout is a struct timespec (NULL: forever), checked before the sigmask (Linux). */
static long sys_epoll_pwait2(unsigned long epfd, unsigned long uevents, unsigned long maxevents,
                             unsigned long uts, unsigned long umask, unsigned long sigsetsize)
{
    u64 end_ns = WAIT_FOREVER;
    struct { s64 sec, nsec; } ts;

    if (uts) {
        if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
            return -EFAULT;
        if (poll_select_set_timeout(&end_ns, ts.sec, ts.nsec))
            return -EINVAL;
    }
    return epoll_pwait_common((int)epfd, uevents, (int)maxevents, end_ns, umask, sigsetsize);
}
SYSCALL_DEFINE(epoll_pwait2, sys_epoll_pwait2);
