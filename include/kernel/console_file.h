/*
 * The console as a struct file (kernel/fs/console.c): the app's stdin,
 * stdout and stderr.  Pipe semantics, not a tty's; see that file's header.
 */
#ifndef KERNEL_CONSOLE_FILE_H
#define KERNEL_CONSOLE_FILE_H

#include <kernel/file.h>

/*
 * Install the console in an empty table as fd 0 (read-only) and fds 1 and
 * 2 (one write-only open file), and start routing typed bytes to it.
 * Call once, before the app runs.  0, or -ENOMEM.
 */
int console_files_init(struct fdtable *t);

#endif
