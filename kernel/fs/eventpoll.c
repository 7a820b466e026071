/*
 * epoll instances and their items (epoll(7), epoll_create(2), epoll_ctl(2);
 * Linux's fs/eventpoll.c).  Above: epoll_ctl (eventpoll_ctl.c) and
 * epoll_wait (eventpoll_wait.c).  Below: each watched file's f_op->poll,
 * through which ep_ptable_queue_proc() hangs ep_poll_callback() on the
 * file's wait queues; from then on the
 * file's wakers (sk_data_ready, eventfd writes, timer expiry ...) push the
 * item onto the ready list.  Nothing here ever scans all watched files.
 *
 * Lifetime: an item holds no reference on its file.  When the file's last
 * reference goes, fput() calls ep_file_release() (struct file_watch) first,
 * which removes every item on it: close(fd) alone does not, if a dup keeps
 * the file open (epoll(7), Q6).
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include "eventpoll_impl.h"

#define EP_HASH_MIN     16          /* buckets of a new instance */

static unsigned ep_eventpoll_poll(struct file *f, poll_table *pt)
{
    return ep_poll_readyevents(f->private_data, pt, 0);
}

static void ep_eventpoll_release(struct file *f);

static const struct file_operations eventpoll_fops = {
    .poll = ep_eventpoll_poll,
    .release = ep_eventpoll_release,
    .seekable = false,
};

bool is_file_epoll(const struct file *f)
{
    return f->f_op == &eventpoll_fops;
}

/* --- the (file, fd) hash ------------------------------------------------ */

static struct list_head *ep_bucket(struct eventpoll *ep, const struct file *f, int fd)
{
    u64 h = ((u64)(uintptr_t)f >> 4) ^ (u64)(unsigned)fd;

    h *= 0x9e3779b97f4a7c15ULL;         /* Fibonacci hashing: top bits are well mixed */
    return &ep->hash[h >> 40 & (ep->hash_size - 1)];
}

struct epitem *ep_find(struct eventpoll *ep, const struct file *f, int fd)
{
    struct epitem *epi;

    list_for_each_entry(epi, ep_bucket(ep, f, fd), hnode)
        if (epi->file == f && epi->fd == fd)
            return epi;
    return NULL;
}

/* Double the table when chains would average over 2 items; a failed grow only costs speed. */
static void ep_hash_grow(struct eventpoll *ep)
{
    struct list_head *old = ep->hash;
    unsigned old_size = ep->hash_size;
    struct list_head *nh;

    if (ep->nitems < 2 * old_size || !(nh = kmalloc(2 * old_size * sizeof(*nh))))
        return;
    for (unsigned i = 0; i < 2 * old_size; i++)
        INIT_LIST_HEAD(&nh[i]);
    ep->hash = nh;
    ep->hash_size = 2 * old_size;
    for (unsigned i = 0; i < old_size; i++) {
        while (!list_empty(&old[i])) {
            struct epitem *epi = list_first_entry(&old[i], struct epitem, hnode);

            list_move_tail(&epi->hnode, ep_bucket(ep, epi->file, epi->fd));
        }
    }
    kfree(old);
}

/* --- the wake callback ---------------------------------------------------- */

/*
 * Called by wake_up*() on a watched file's queue, in any context (Linux's
 * ep_poll_callback).  key: the EPOLL* events that happened, or NULL for
 * "something changed".  Returns 1 when it counts as an exclusive wake:
 * for EPOLLEXCLUSIVE items only if a thread was waiting here for a matching
 * event; so a wake_up() passes on to the next instance when nobody waits.
 */
static int ep_poll_callback(struct wait_queue_entry *wait, unsigned mode, int flags, void *key)
{
    struct eppoll_entry *pwq = container_of(wait, struct eppoll_entry, wait);
    struct epitem *epi = pwq->base;
    struct eventpoll *ep = epi->ep;
    unsigned pollflags = (unsigned)(uintptr_t)key, events = epi->event.events;
    bool exclusive = events & EPOLLEXCLUSIVE, ewake = false, pwake;
    unsigned long irqf;

    /* A fired ONESHOT item is disabled until EPOLL_CTL_MOD re-arms it. */
    if (!(events & ~EP_PRIVATE_BITS) || (pollflags && !(pollflags & events)))
        return 0;
    spin_lock_irqsave(&ep->lock, irqf);
    if (list_empty(&epi->rdllink))
        list_add_tail(&epi->rdllink, &ep->rdllist);
    if (waitqueue_active(&ep->wq)) {
        unsigned inout = pollflags & (EPOLLIN | EPOLLOUT);

        ewake = !inout || (inout != (EPOLLIN | EPOLLOUT) && (inout & events));
        wake_up(&ep->wq);
    }
    pwake = waitqueue_active(&ep->poll_wait);
    spin_unlock_irqrestore(&ep->lock, irqf);
    if (pwake)
        ep_wake_pollers(ep);
    return exclusive ? ewake : 1;
}

void ep_wake_pollers(struct eventpoll *ep)
{
    wake_up_poll(&ep->poll_wait, EPOLLIN);
}

void ep_set_ready(struct eventpoll *ep, struct epitem *epi)
{
    unsigned long irqf;
    bool pwake = false;

    spin_lock_irqsave(&ep->lock, irqf);
    if (list_empty(&epi->rdllink)) {
        list_add_tail(&epi->rdllink, &ep->rdllist);
        if (waitqueue_active(&ep->wq))
            wake_up(&ep->wq);
        pwake = waitqueue_active(&ep->poll_wait);
    }
    spin_unlock_irqrestore(&ep->lock, irqf);
    if (pwake)
        ep_wake_pollers(ep);
}

/* The poll table ep_insert() passes: queueing allocates one eppoll_entry per queue. */
struct ep_pqueue {
    poll_table pt;
    struct epitem *epi;                 /* NULL once an allocation failed */
};

static void ep_ptable_queue_proc(struct file *f, struct wait_queue_head *whead, poll_table *pt)
{
    struct ep_pqueue *epq = container_of(pt, struct ep_pqueue, pt);
    struct epitem *epi = epq->epi;
    struct eppoll_entry *pwq;

    if (!epi)
        return;
    pwq = kzalloc(sizeof(*pwq));
    if (!pwq) {
        epq->epi = NULL;
        return;
    }
    pwq->wait.func = ep_poll_callback;
    INIT_LIST_HEAD(&pwq->wait.entry);
    pwq->whead = whead;
    pwq->base = epi;
    /* EPOLLEXCLUSIVE is exactly an exclusive entry: wake_up() stops at the first that woke. */
    if (epi->event.events & EPOLLEXCLUSIVE)
        add_wait_queue_exclusive(whead, &pwq->wait);
    else
        add_wait_queue(whead, &pwq->wait);
    pwq->next = epi->pwqlist;
    epi->pwqlist = pwq;
}

/* --- items ---------------------------------------------------------------- */

static void ep_file_release(struct file *f);

/* Put epi on its file's watch list, creating the list on the first watch. */
static int ep_attach_file(struct epitem *epi)
{
    struct file *f = epi->file;
    struct ep_file_watch *fw;

    if (!f->f_watch) {
        fw = kzalloc(sizeof(*fw));
        if (!fw)
            return -ENOMEM;
        fw->w.release = ep_file_release;
        INIT_LIST_HEAD(&fw->items);
        f->f_watch = &fw->w;
    }
    fw = container_of(f->f_watch, struct ep_file_watch, w);
    list_add_tail(&epi->fllink, &fw->items);
    return 0;
}

static void ep_detach_file(struct epitem *epi)
{
    struct file *f = epi->file;
    struct ep_file_watch *fw = container_of(f->f_watch, struct ep_file_watch, w);

    list_del_init(&epi->fllink);
    if (list_empty(&fw->items)) {
        f->f_watch = NULL;
        kfree(fw);
    }
}

/* Unhook, unlink and free epi (Linux's ep_remove). */
void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
    unsigned long irqf;

    while (epi->pwqlist) {
        struct eppoll_entry *pwq = epi->pwqlist;

        epi->pwqlist = pwq->next;
        remove_wait_queue(pwq->whead, &pwq->wait);
        kfree(pwq);
    }
    ep_detach_file(epi);
    list_del_init(&epi->hnode);
    list_del_init(&epi->nestlink);
    spin_lock_irqsave(&ep->lock, irqf);
    list_del_init(&epi->rdllink);
    spin_unlock_irqrestore(&ep->lock, irqf);
    ep->nitems--;
    kfree(epi);
}

/* The watched file's last reference is going: every instance forgets it. */
static void ep_file_release(struct file *f)
{
    while (f->f_watch) {
        struct ep_file_watch *fw = container_of(f->f_watch, struct ep_file_watch, w);
        struct epitem *epi = list_first_entry(&fw->items, struct epitem, fllink);

        ep_remove(epi->ep, epi);
    }
}

int ep_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *tf, int fd)
{
    struct ep_pqueue epq = { .pt = { ep_ptable_queue_proc, ev->events } };
    struct epitem *epi = kzalloc(sizeof(*epi));

    if (!epi)
        return -ENOMEM;
    INIT_LIST_HEAD(&epi->rdllink);
    INIT_LIST_HEAD(&epi->nestlink);
    epi->ep = ep;
    epi->file = tf;
    epi->fd = fd;
    epi->event = *ev;
    if (ep_attach_file(epi)) {
        kfree(epi);
        return -ENOMEM;
    }
    list_add_tail(&epi->hnode, ep_bucket(ep, tf, fd));
    ep->nitems++;
    if (is_file_epoll(tf))
        list_add_tail(&epi->nestlink, &ep->nested);
    epq.epi = epi;
    /* The first poll both hooks the callback (queue proc) and reports what is ready now. */
    unsigned revents = ep_item_poll(epi, &epq.pt, 1);

    if (!epq.epi) {
        ep_remove(ep, epi);
        return -ENOMEM;
    }
    if (revents)
        ep_set_ready(ep, epi);
    ep_hash_grow(ep);
    return 0;
}

/* New events and data; an item ready under the new mask is queued (how MOD re-arms ET and ONESHOT). */
int ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *ev)
{
    poll_table pt = { NULL, ev->events };

    epi->event = *ev;
    if (ep_item_poll(epi, &pt, 1))
        ep_set_ready(ep, epi);
    return 0;
}

/* --- instances ------------------------------------------------------------ */

static struct eventpoll *ep_alloc(void)
{
    struct eventpoll *ep = kzalloc(sizeof(*ep));

    if (!ep)
        return NULL;
    ep->hash = kmalloc(EP_HASH_MIN * sizeof(*ep->hash));
    if (!ep->hash) {
        kfree(ep);
        return NULL;
    }
    ep->hash_size = EP_HASH_MIN;
    for (unsigned i = 0; i < EP_HASH_MIN; i++)
        INIT_LIST_HEAD(&ep->hash[i]);
    spin_lock_init(&ep->lock);
    init_waitqueue_head(&ep->wq);
    init_waitqueue_head(&ep->poll_wait);
    INIT_LIST_HEAD(&ep->rdllist);
    INIT_LIST_HEAD(&ep->nested);
    return ep;
}

/* Last reference to the epoll file: drop every item (outer watchers already left, in fput). */
static void ep_eventpoll_release(struct file *f)
{
    struct eventpoll *ep = f->private_data;

    for (unsigned i = 0; i < ep->hash_size; i++)
        while (!list_empty(&ep->hash[i]))
            ep_remove(ep, list_first_entry(&ep->hash[i], struct epitem, hnode));
    kfree(ep->hash);
    kfree(ep);
}

struct file *ep_file_create(void)
{
    struct eventpoll *ep = ep_alloc();
    struct file *f;

    if (!ep)
        return NULL;
    f = alloc_file(&eventpoll_fops, ep, O_RDWR);
    if (!f) {
        kfree(ep->hash);
        kfree(ep);
        return NULL;
    }
    ep->file = f;
    return f;
}
