/*
 * Shared inside epoll (kernel/fs/eventpoll.c, eventpoll_wait.c): the
 * instance and its items, Linux's struct eventpoll / epitem /
 * eppoll_entry (fs/eventpoll.c), reduced.
 *
 * Locking: the ready list and every item's rdllink change under ep->lock
 * (interrupts off), because ep_poll_callback() runs inside wake_up*() from
 * any context, hard IRQ included.  Everything else (the hash, the file
 * lists, item fields other than rdllink) changes only in thread context,
 * which nothing preempts, and no path that walks them blocks.
 */
#ifndef KERNEL_FS_EVENTPOLL_IMPL_H
#define KERNEL_FS_EVENTPOLL_IMPL_H

#include <kernel/eventpoll.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

/* Bits of epitem.event.events that are modes, not events (Linux's EP_PRIVATE_BITS). */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

struct eventpoll {
    spinlock_t lock;                    /* rdllist and each epi->rdllink */
    struct wait_queue_head wq;          /* threads in epoll_wait (exclusive waiters) */
    struct wait_queue_head poll_wait;   /* pollers of this epoll file: poll, select, outer epolls */
    struct list_head rdllist;           /* items that may be ready (re-polled before reporting) */
    struct list_head *hash;             /* items by (file, fd): hash_size chains */
    unsigned hash_size;                 /* power of two; doubles as items grow */
    unsigned nitems;
    struct list_head nested;            /* items whose file is an epoll: what the loop check walks */
    struct file *file;                  /* the epoll file (no reference: it owns us) */
};

/* One wait queue an item's file named through poll_wait(), with our callback on it. */
struct eppoll_entry {
    struct eppoll_entry *next;          /* the item's other queues */
    struct epitem *base;
    struct wait_queue_entry wait;       /* func = ep_poll_callback */
    struct wait_queue_head *whead;
};

/* One (file, fd) an instance watches.  Holds no reference on the file (Linux). */
struct epitem {
    struct list_head hnode;             /* ep->hash chain */
    struct list_head rdllink;           /* on ep->rdllist or a harvest's list; empty otherwise */
    struct list_head fllink;            /* the file's watch list (struct ep_file_watch) */
    struct list_head nestlink;          /* ep->nested when `file` is an epoll; empty otherwise */
    struct file *file;
    int fd;
    struct eventpoll *ep;
    struct epoll_event event;           /* as set by ADD/MOD; a fired ONESHOT keeps only private bits */
    struct eppoll_entry *pwqlist;
};

/* The items watching one file: hung on file->f_watch while non-empty (Linux's epitems_head). */
struct ep_file_watch {
    struct file_watch w;
    struct list_head items;             /* epitem.fllink */
};

/* A new epoll instance as a file with one reference, or NULL when out of memory. */
struct file *ep_file_create(void);
/* The item for (f, fd), or NULL. */
struct epitem *ep_find(struct eventpoll *ep, const struct file *f, int fd);
/* Watch (tf, fd) with *ev: hooks the callback and queues it if ready now.  0 or -ENOMEM. */
int ep_insert(struct eventpoll *ep, const struct epoll_event *ev, struct file *tf, int fd);
/* New events and data; queued if ready under them (how MOD re-arms ET and ONESHOT).  0. */
int ep_modify(struct eventpoll *ep, struct epitem *epi, const struct epoll_event *ev);
/* Unhook, unlink and free epi. */
void ep_remove(struct eventpoll *ep, struct epitem *epi);
/* Poll one item for the events it asks for (depth: epoll nesting level, for epoll files). */
unsigned ep_item_poll(struct epitem *epi, poll_table *pt, int depth);
/* The readiness of an epoll instance: EPOLLIN|EPOLLRDNORM if an item on its ready list is ready. */
unsigned ep_poll_readyevents(struct eventpoll *ep, poll_table *pt, int depth);
/* Queue epi as ready (if not already) and wake epoll_wait sleepers and pollers of ep. */
void ep_set_ready(struct eventpoll *ep, struct epitem *epi);
/* Wake pollers of the epoll file (poll, select, outer epolls) with EPOLLIN. */
void ep_wake_pollers(struct eventpoll *ep);

#endif
