/*
 * /proc: a read-only pseudo-filesystem of generated text files (Linux's
 * fs/proc and fs/seq_file.c, reduced to what an app reads).  Above:
 * open(2), openat(2), lseek(2), and read/pread/readv through the fd table.
 * Below: the registry and lookup (kernel/fs/seq_file.c) and each file's
 * show(), registered by its owner (net/proc_net.c for the /proc/net
 * files, this file for /proc/meminfo).  No directories can be opened and
 * there are no inodes: a path names a registered file or fails as Linux's
 * lookup would (ENOENT, or ENOTDIR past a file).
 */
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/init.h>
#include <kernel/mm.h>
#include <kernel/procfs.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <linux/fs.h>          /* SEEK_SET, SEEK_CUR */

#define PATH_MAX        4096            /* bytes with the NUL, as Linux */

/* The open file: the entry and its last snapshot (NULL until the first read). */
struct proc_file {
    const struct proc_entry *entry;
    char *text;
    size_t len;
};

static long proc_read(struct file *f, char *ubuf, size_t len, u64 *pos)
{
    struct proc_file *pf = f->private_data;
    size_t n;

    if (!pf->text || *pos == 0) {           /* a rewind re-runs show(), as seq_read */
        char *text;
        size_t tlen;
        int err = proc_generate(pf->entry->show, &text, &tlen);

        if (err)
            return err;
        kfree(pf->text);
        pf->text = text;
        pf->len = tlen;
    }
    if (*pos >= pf->len)
        return 0;
    n = MIN(len, pf->len - (size_t)*pos);
    if (copy_to_user(ubuf, pf->text + *pos, n))
        return -EFAULT;
    *pos += n;
    return (long)n;
}

static void proc_release(struct file *f)
{
    struct proc_file *pf = f->private_data;

    kfree(pf->text);
    kfree(pf);
}

static const struct file_operations proc_fops = {
    .read = proc_read,
    .release = proc_release,
    .seekable = true,
};

/*
 * Linux's checks, in its order, on an existing file: O_CREAT|O_EXCL
 * EEXIST, O_DIRECTORY ENOTDIR, then permission.  Every file is mode 0444
 * with no write method, which Linux refuses at open with EACCES for
 * /proc/net/{tcp,udp,dev} even to root (it lets snmp and meminfo open and
 * fails the write; we refuse all alike).  O_TRUNC and O_CREAT alone are
 * ignored there too.
 */
static long proc_open_checked(struct proc_entry *e, unsigned flags)
{
    struct proc_file *pf;
    struct file *f;
    int fd;

    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (flags & O_DIRECTORY)
        return -ENOTDIR;
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    pf = kzalloc(sizeof(*pf));
    if (!pf)
        return -ENOMEM;
    pf->entry = e;
    f = alloc_file(&proc_fops, pf, O_RDONLY);
    if (!f) {
        kfree(pf);
        return -ENOMEM;
    }
    fd = fd_install_lowest(&init_process.files, f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        fput(f);
    return fd;
}

/* open(2)/openat(2) with the path still in user memory. */
static long do_open(int dirfd, unsigned long upath, unsigned flags)
{
    char *path = kmalloc(PATH_MAX);
    struct proc_entry *e;
    long ret;
    int err;

    if (!path)
        return -ENOMEM;
    ret = strncpy_from_user(path, (const char *)upath, PATH_MAX);
    if (ret == 0)
        ret = -ENOENT;                      /* "" names nothing */
    if (ret < 0)
        goto out;
    if (path[0] != '/' && dirfd != AT_FDCWD) {
        struct file *d = fget(&init_process.files, dirfd);

        ret = d ? -ENOTDIR : -EBADF;        /* no fd here is a directory */
        if (d)
            fput(d);
        goto out;
    }
    e = proc_lookup(path, &err);
    ret = e ? proc_open_checked(e, flags) : err;
out:
    kfree(path);
    return ret;
}

static long sys_open(unsigned long path, unsigned long flags, unsigned long mode,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_open(AT_FDCWD, path, (unsigned)flags);
}
SYSCALL_DEFINE(open, sys_open);

static long sys_openat(unsigned long dirfd, unsigned long path, unsigned long flags,
                       unsigned long mode, unsigned long a4, unsigned long a5)
{
    return do_open((int)dirfd, path, (unsigned)flags);
}
SYSCALL_DEFINE(openat, sys_openat);

/*
 * lseek(2) as Linux's seq_lseek, which is right for any file whose size is
 * unknown until read: SEEK_SET and SEEK_CUR to any offset >= 0 (reads past
 * the end return 0); SEEK_END and the rest EINVAL.  Non-seekable files
 * (console, sockets) ESPIPE.  /proc's are today's only seekable files.
 */
static long sys_lseek(unsigned long fd, unsigned long off, unsigned long whence,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct file *f = fget(&init_process.files, (int)fd);
    long pos = -EINVAL;

    if (!f)
        return -EBADF;
    if (!f->f_op->seekable)
        pos = -ESPIPE;
    else if ((unsigned)whence == SEEK_SET || (unsigned)whence == SEEK_CUR)
        pos = (long)off + ((unsigned)whence == SEEK_CUR ? (long)f->f_pos : 0);
    if (pos >= 0)
        f->f_pos = (u64)pos;
    else if (pos != -ESPIPE)
        pos = -EINVAL;                      /* bad whence, or before the start */
    fput(f);
    return pos;
}
SYSCALL_DEFINE(lseek, sys_lseek);

/*
 * /proc/meminfo (Linux's fs/proc/meminfo.c layout: "Name:" padded to 16
 * columns, kB in 8).  Slab is the kernel heap in use, what leak checks
 * compare; nothing is reclaimable, so MemAvailable is MemFree.
 */
static int meminfo_show(struct seq_buf *m)
{
    static const char *const names[] = {
        "MemTotal:", "MemFree:", "MemAvailable:", "Buffers:", "Cached:",
        "Slab:", "SReclaimable:", "SUnreclaim:",
    };
    u64 slab = (kmem_bytes_in_use() + 1023) / 1024;
    u64 vals[] = { pmm_total_bytes() / 1024, pmm_free_bytes() / 1024,
                   pmm_free_bytes() / 1024, 0, 0, slab, 0, slab };

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        seq_printf(m, "%-16s%8llu kB\n", names[i], (unsigned long long)vals[i]);
    return 0;
}

static struct proc_entry meminfo_entry = { .path = "/proc/meminfo", .show = meminfo_show };

static int procfs_init(void)
{
    return proc_register(&meminfo_entry);
}
subsys_initcall(procfs_init);
