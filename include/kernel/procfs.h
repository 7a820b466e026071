/*
 * A small read-only /proc (Linux's fs/proc + seq_file, reduced): files are
 * registered by name with a show() function that prints the whole file
 * into a seq_buf.  open(2)/openat(2) of a registered path gives a
 * read-only, seekable fd; the text is generated when a read starts at
 * offset 0 (as seq_file regenerates after a rewind) and later reads page
 * through that snapshot, so one fgets() loop sees one consistent table.
 * Any other path gives ENOENT.  Owned by kernel/fs/procfs.c.
 */
#ifndef KERNEL_PROCFS_H
#define KERNEL_PROCFS_H

#include <kernel/compiler.h>
#include <kernel/list.h>

/*
 * Output buffer for show() (Linux's struct seq_file, minus the iterator).
 * seq_printf past `size` marks the buffer full (len == size); the caller
 * then retries with a larger one, so show() must print from scratch and
 * have no side effects.
 */
struct seq_buf {
    char *buf;
    size_t size;                /* bytes of buf */
    size_t len;                 /* bytes written; == size once overflowed */
};

void seq_printf(struct seq_buf *m, const char *fmt, ...) __printf(2, 3);
void seq_puts(struct seq_buf *m, const char *s);
/* len bytes of data, as seq_puts would print them (Linux seq_write). */
void seq_write(struct seq_buf *m, const void *data, size_t len);
/* Pad the line begun at offset `start` with spaces to `width` bytes, then '\n' (Linux seq_pad). */
void seq_pad(struct seq_buf *m, size_t start, size_t width);
static inline bool seq_has_overflowed(const struct seq_buf *m) { return m->len >= m->size; }

/*
 * A file: `path` absolute and normalised ("/proc/net/tcp"), static
 * storage owned by the registrant; show() returns 0 or -errno (the read
 * fails with it).
 */
struct proc_entry {
    const char *path;
    int (*show)(struct seq_buf *m);
    struct list_head list;      /* procfs's registry */
};

/* Add e to /proc (call from an initcall); -EEXIST if the path is taken. */
int proc_register(struct proc_entry *e);

/*
 * Resolve `path` (the cwd is "/") the way Linux's walk fails: "." and ".."
 * and repeated slashes are allowed, every component before the last must
 * be an existing directory (*err -ENOTDIR if it is a file, -ENOENT if
 * absent), and the last must be a file (a trailing slash on a file:
 * -ENOTDIR).  Directories cannot be opened here: -ENOENT.  The entry, or
 * NULL with *err set.
 */
struct proc_entry *proc_lookup(const char *path, int *err);

/*
 * Generate e's text into a fresh kmalloc'd buffer (*out, caller kfrees)
 * of *len bytes, growing the buffer until it fits (up to PROC_MAX_BYTES).
 * 0, -ENOMEM, -EFBIG, or show()'s error.  Also for the console tables.
 */
#define PROC_MAX_BYTES  (4u << 20)    /* the largest kmalloc (order 10) */
int proc_generate(int (*show)(struct seq_buf *m), char **out, size_t *len);

#endif
