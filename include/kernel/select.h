/*
 * Helpers the readiness syscalls share (kernel/fs/select.c): deadlines and
 * the temporary signal mask of ppoll/pselect6/epoll_pwait.
 *
 * A deadline is an absolute time in ns on the monotonic clock
 * (ktime_get_ns()): 0 means "do not wait" (a zero timeout; Linux keeps
 * {0, 0} for it likewise) and WAIT_FOREVER means no timeout.
 */
#ifndef KERNEL_SELECT_H
#define KERNEL_SELECT_H

#include <kernel/types.h>

/*
 * The deadline `sec` s + `nsec` ns from now into *end_ns (Linux's
 * poll_select_set_timeout: saturating).  -EINVAL unless sec >= 0 and
 * 0 <= nsec < 1e9.
 */
int poll_select_set_timeout(u64 *end_ns, s64 sec, s64 nsec);
/* A deadline in ms as poll(2) and epoll_wait(2) take it: negative is forever. */
u64 poll_deadline_ms(int ms);
/* ns from now until end_ns: 0 once it has passed (or for 0), WAIT_FOREVER stays. */
u64 poll_time_left(u64 end_ns);

/*
 * The signal mask a p*-call runs with (Linux's set_user_sigmask): with a
 * non-NULL umask, -EINVAL unless sigsetsize is 8, -EFAULT for a bad
 * pointer; else the thread's recorded mask becomes *umask (SIGKILL and
 * SIGSTOP never blocked).  *saved always gets the mask in force before,
 * for restore_saved_sigmask() (a no-op restore when umask was NULL).  Signals are recorded, never delivered, so the
 * mask changes nothing else.
 */
int set_user_sigmask(const void *umask, size_t sigsetsize, u64 *saved);
void restore_saved_sigmask(u64 saved);

#endif
