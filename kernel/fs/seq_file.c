/*
 * The portable half of /proc (Linux's fs/seq_file.c and the lookup of
 * fs/proc): the seq_buf printers, proc_generate's grow-and-retry, the
 * registry of files and path resolution.  Above: kernel/fs/procfs.c (the
 * syscalls and struct file), the console tables, host unit tests.  Below:
 * kmalloc and vsnprintf only, so it builds on the host as well.  Every
 * printer fills the buffer by the same rule: a write fits if a byte is left
 * over after it (vsnprintf's terminator), else the buffer is marked full.
 */
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/procfs.h>
#include <kernel/string.h>

#define PROC_PATH_MAX   64              /* longest registered path we resolve into */
#define SEQ_FIRST_SIZE  4096            /* first buffer; doubled on overflow (seq_read) */

static LIST_HEAD(proc_entries);

void seq_printf(struct seq_buf *m, const char *fmt, ...)
{
    size_t room = m->size - m->len;
    va_list ap;
    int n;

    if (seq_has_overflowed(m))
        return;
    va_start(ap, fmt);
    n = vsnprintf(m->buf + m->len, room, fmt, ap);
    va_end(ap);
    m->len = (size_t)n < room ? m->len + (size_t)n : m->size;
}

/* Fits only with a byte to spare, as vsnprintf's terminator needs: seq_printf's rule. */
void seq_write(struct seq_buf *m, const void *data, size_t len)
{
    if (seq_has_overflowed(m))
        return;
    if (len < m->size - m->len) {
        memcpy(m->buf + m->len, data, len);
        m->len += len;
    } else {
        m->len = m->size;
    }
}

void seq_puts(struct seq_buf *m, const char *s)
{
    seq_write(m, s, strlen(s));
}

void seq_pad(struct seq_buf *m, size_t start, size_t width)
{
    size_t used = m->len - start, n = (used < width ? width - used : 0) + 1;

    if (seq_has_overflowed(m))
        return;
    if (n < m->size - m->len) {
        memset(m->buf + m->len, ' ', n - 1);
        m->buf[m->len + n - 1] = '\n';
        m->len += n;
    } else {
        m->len = m->size;
    }
}

int proc_generate(int (*show)(struct seq_buf *m), char **out, size_t *len)
{
    struct seq_buf m = { .size = SEQ_FIRST_SIZE };
    int err;

    for (;;) {
        m.buf = kmalloc(m.size);
        if (!m.buf)
            return -ENOMEM;
        m.len = 0;
        err = show(&m);
        if (err || !seq_has_overflowed(&m))
            break;
        kfree(m.buf);
        if (m.size >= PROC_MAX_BYTES)
            return -EFBIG;
        m.size *= 2;
    }
    if (err) {
        kfree(m.buf);
        return err;
    }
    *out = m.buf;
    *len = m.len;
    return 0;
}

int proc_register(struct proc_entry *e)
{
    struct proc_entry *p;

    list_for_each_entry(p, &proc_entries, list)
        if (!strcmp(p->path, e->path))
            return -EEXIST;
    list_add_tail(&e->list, &proc_entries);
    return 0;
}

static struct proc_entry *proc_find(const char *path)
{
    struct proc_entry *p;

    list_for_each_entry(p, &proc_entries, list)
        if (!strcmp(p->path, path))
            return p;
    return NULL;
}

/* A directory exists if some file lies below it ("/" always does). */
static bool proc_is_dir(const char *path, size_t len)
{
    struct proc_entry *p;

    list_for_each_entry(p, &proc_entries, list)
        if (!strncmp(p->path, path, len) && p->path[len] == '/')
            return true;
    return len == 0;
}

struct proc_entry *proc_lookup(const char *path, int *err)
{
    char out[PROC_PATH_MAX];
    size_t len = 0;

    *err = -ENOENT;
    while (*path) {
        size_t n = strcspn(path, "/");

        if (n == 0 || (n == 1 && path[0] == '.')) {
            /* nothing to add */
        } else if (n == 2 && path[0] == '.' && path[1] == '.') {
            while (len && out[--len] != '/')
                ;
        } else {
            if (len + 1 + n >= sizeof(out))
                return NULL;                /* longer than any file we have */
            out[len++] = '/';
            memcpy(out + len, path, n);
            len += n;
        }
        out[len] = '\0';
        path += n;
        if (*path == '/') {
            path++;
            if (proc_find(out)) {
                *err = -ENOTDIR;
                return NULL;
            }
            if (!proc_is_dir(out, len))
                return NULL;
        }
    }
    return proc_find(out);
}
