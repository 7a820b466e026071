/*
 * Open files and the descriptor table (Linux's struct file / fdtable).
 *
 * An fd is an index into the (single, process-wide) fdtable; each slot holds
 * a reference to a struct file, which points at its implementation through
 * f_op (console, socket, epoll, eventfd, /proc files ...) and private_data.
 * A file lives while references exist: every fd and every in-flight syscall
 * (fget/fput) holds one; the last fput calls f_op->release.
 * File operations take user-space pointers and copy with copy_{to,from}_user.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <kernel/types.h>

#define NR_OPEN_DEFAULT 1024    /* RLIMIT_NOFILE soft limit, as Linux's default */

/* open(2) and fcntl(2) constants: Linux's uapi header is the spec. */
#include <linux/fcntl.h>

struct file;
struct poll_table_struct;

struct file_operations {
    /* Bytes read into/written from user memory, or -errno (-EAGAIN, -EFAULT ...). */
    long (*read)(struct file *f, char *ubuf, size_t len, u64 *pos);
    long (*write)(struct file *f, const char *ubuf, size_t len, u64 *pos);
    /* Readiness mask (EPOLLIN ...); registers on wait queues through pt when non-NULL. */
    unsigned (*poll)(struct file *f, struct poll_table_struct *pt);
    long (*ioctl)(struct file *f, unsigned cmd, unsigned long arg);
    /* Last reference gone: free private_data. */
    void (*release)(struct file *f);
    bool seekable;              /* false: pread/pwrite/lseek give -ESPIPE */
};

/*
 * Someone who must hear of a file's end before f_op->release: epoll, whose
 * callbacks sit on the file's wait queues (kernel/fs/eventpoll.c embeds this
 * in its per-file list of watches; Linux's f_ep).  The owner sets and clears
 * f_watch; the last fput calls release(f) first, as Linux's __fput calls
 * eventpoll_release(), so no callback outlives the queue it hangs on.
 */
struct file_watch {
    void (*release)(struct file *f);
};

struct file {
    unsigned refcount;
    unsigned f_flags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK */
    u64 f_pos;                  /* bytes */
    const struct file_operations *f_op;
    void *private_data;         /* owned by the implementation behind f_op */
    struct file_watch *f_watch; /* NULL unless epoll watches the file */
};

/* A new file with one reference, or NULL when out of memory. */
struct file *alloc_file(const struct file_operations *fop, void *private_data, unsigned flags);
static inline struct file *get_file(struct file *f) { f->refcount++; return f; }
/* Drop a reference; the last one calls f_op->release and frees the file. */
void fput(struct file *f);

/* The descriptor table. */
struct fdtable {
    struct file *fd[NR_OPEN_DEFAULT];
    u64 cloexec[NR_OPEN_DEFAULT / 64];  /* FD_CLOEXEC bits */
    unsigned max_fds;                   /* RLIMIT_NOFILE: fds must be < this */
};

void fdtable_init(struct fdtable *t);
/* Install f (the table takes over the caller's reference) in the lowest free fd >= min; fd or -EMFILE (-EINVAL if min >= the limit). */
int fd_install_lowest(struct fdtable *t, struct file *f, unsigned min, bool cloexec);
/* The file at fd with a new reference (caller fputs), or NULL (-EBADF for callers). */
struct file *fget(struct fdtable *t, int fd);
/* close(2): 0 or -EBADF. */
int fd_close(struct fdtable *t, int fd);
/* dup(2) = fd_dup(t, fd, 0, false); F_DUPFD(_CLOEXEC) gives min. newfd or -EBADF/-EMFILE/-EINVAL. */
int fd_dup(struct fdtable *t, int oldfd, unsigned min, bool cloexec);
/* dup2(2) (flags -1) and dup3(2) (flags 0 or O_CLOEXEC): newfd, or -EBADF/-EINVAL. */
int fd_dup3(struct fdtable *t, int oldfd, int newfd, int flags);
/* fcntl(2) for F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; -EINVAL otherwise. */
long fd_fcntl(struct fdtable *t, int fd, unsigned cmd, unsigned long arg);
/* Close every open fd (at exit). */
void fdtable_close_all(struct fdtable *t);

#endif
