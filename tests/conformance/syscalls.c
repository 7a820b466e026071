/*
 * Syscall conformance: one static musl binary that runs on Linux (the oracle)
 * and on this kernel, exercising issue 4's syscalls and their error cases
 * through raw syscall(2).  Each check prints one line "sc: <check>: <result>"
 * whose text never depends on addresses, times or pids (relations are
 * printed instead), so tests/system/test_syscalls.py can require identical
 * output from both.  Harness contract: stdin and stdout are pipes (fd 2 is
 * fd 1's file); after "sc: waiting for input" the harness sends "xyz\n".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define KADDR   ((void *)0xffffffff80000000UL)  /* the kernel image: never user */
#define PG      4096UL

static char *rw_page;       /* mapped read-write; the page after it is unmapped */
static char *ro_page;       /* mapped read-only */

static const char *errname(int e)
{
    static const struct { int e; const char *n; } t[] = {
        { EPERM, "EPERM" }, { ESRCH, "ESRCH" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
        { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EINVAL, "EINVAL" }, { EMFILE, "EMFILE" },
        { ENOTTY, "ENOTTY" }, { ESPIPE, "ESPIPE" }, { ENOSYS, "ENOSYS" },
        { EOPNOTSUPP, "EOPNOTSUPP" },
    };
    static char other[24];

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].e == e)
            return t[i].n;
    snprintf(other, sizeof(other), "errno %d", e);
    return other;
}

/* Print a syscall's result: the value, or -ENAME. */
static long show(const char *what, long r)
{
    if (r == -1)
        printf("sc: %s: -%s\n", what, errname(errno));
    else
        printf("sc: %s: %ld\n", what, r);
    return r;
}

static void yesno(const char *what, int cond)
{
    printf("sc: %s: %s\n", what, cond ? "yes" : "no");
}

#define S(what, ...) show(what, syscall(__VA_ARGS__))

static uint64_t ns_of(clockid_t c)
{
    struct timespec ts;

    syscall(SYS_clock_gettime, c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void check_write(void)
{
    static const char hello[] = "sc: hello from write\n";
    struct iovec iov[2] = { { "sc: writev ", 11 }, { "joined\n", 7 } };
    struct iovec bad = { KADDR, 3 }, neg = { (void *)hello, (size_t)-1 };

    yesno("write returns its count", syscall(SYS_write, 1, hello, sizeof(hello) - 1)
                                     == (long)sizeof(hello) - 1);
    S("write 0 bytes from NULL", SYS_write, 1, NULL, 0);
    S("write from NULL", SYS_write, 1, NULL, 3);
    S("write from kernel address", SYS_write, 1, KADDR, 3);
    S("write from non-canonical address", SYS_write, 1, (void *)0x0000800000000000UL, 3);
    S("write from unmapped page", SYS_write, 1, rw_page + PG, 3);
    S("write from partly mapped buffer", SYS_write, 1, rw_page + PG - 1, 3);
    S("write to fd 99", SYS_write, 99, hello, 1);
    S("write to fd -1", SYS_write, -1, hello, 1);
    S("write to stdin (read-only)", SYS_write, 0, hello, 1);
    S("writev two segments", SYS_writev, 1, iov, 2);
    S("writev 0 segments", SYS_writev, 1, iov, 0);
    S("writev -1 segments", SYS_writev, 1, iov, -1L);
    S("writev 1025 segments", SYS_writev, 1, iov, 1025);
    S("writev NULL vector", SYS_writev, 1, NULL, 1);
    S("writev kernel segment", SYS_writev, 1, &bad, 1);
    S("writev negative length", SYS_writev, 1, &neg, 1);
    S("writev fd 99", SYS_writev, 99, iov, 2);
    S("pwrite64 on stdout", SYS_pwrite64, 1, hello, 1, 0);
    S("pwrite64 negative offset", SYS_pwrite64, 1, hello, 1, -1L);
}

static void check_read_noinput(void)
{
    char buf[8];
    struct iovec iov = { buf, sizeof(buf) }, empty = { buf, 0 };
    int n = -1, one = 1, zero = 0;

    S("read from stdout (write-only)", SYS_read, 1, buf, 1);
    S("read 0 bytes", SYS_read, 0, buf, 0);
    S("read fd 99", SYS_read, 99, buf, 1);
    S("readv from stdout", SYS_readv, 1, &iov, 1);
    S("readv of 0 bytes", SYS_readv, 0, &empty, 1);
    S("pread64 on stdin", SYS_pread64, 0, buf, 1, 0);
    S("pread64 negative offset", SYS_pread64, 0, buf, 1, -1L);
    S("pread64 fd 99", SYS_pread64, 99, buf, 1, 0);
    S("F_SETFL O_NONBLOCK on stdin", SYS_fcntl, 0, F_SETFL, O_NONBLOCK);
    S("nonblocking read, no input", SYS_read, 0, buf, 1);
    S("nonblocking readv, no input", SYS_readv, 0, &iov, 1);
    S("F_SETFL 0 on stdin", SYS_fcntl, 0, F_SETFL, 0);
    S("FIONREAD", SYS_ioctl, 0, FIONREAD, &n);
    printf("sc: FIONREAD bytes: %d\n", n);
    S("FIONREAD to NULL", SYS_ioctl, 0, FIONREAD, NULL);
    S("FIONBIO on", SYS_ioctl, 0, FIONBIO, &one);
    yesno("FIONBIO set O_NONBLOCK", syscall(SYS_fcntl, 0, F_GETFL) & O_NONBLOCK);
    S("FIONBIO off", SYS_ioctl, 0, FIONBIO, &zero);
    S("FIONBIO from NULL", SYS_ioctl, 0, FIONBIO, NULL);
    S("TIOCGWINSZ on stdout", SYS_ioctl, 1, TIOCGWINSZ, buf);
    S("FIONREAD on fd 99", SYS_ioctl, 99, FIONREAD, &n);
    S("FIOCLEX", SYS_ioctl, 1, FIOCLEX, NULL);
    S("F_GETFD after FIOCLEX", SYS_fcntl, 1, F_GETFD);
    S("FIONCLEX", SYS_ioctl, 1, FIONCLEX, NULL);
}

static void check_fds(void)
{
    struct rlimit old, low = { 16, 0 };
    int fd;

    S("F_GETFL stdin", SYS_fcntl, 0, F_GETFL);
    S("F_GETFL stdout", SYS_fcntl, 1, F_GETFL);
    S("dup stdout", SYS_dup, 1);
    yesno("write through the dup", syscall(SYS_write, 3, "sc: via dup\n", 12) == 12);
    S("dup fd 99", SYS_dup, 99);
    S("dup2 to 10", SYS_dup2, 1, 10);
    S("dup2 10 onto itself", SYS_dup2, 10, 10);
    S("dup2 99 onto itself", SYS_dup2, 99, 99);
    S("dup2 from 99", SYS_dup2, 99, 11);
    S("dup2 to -1", SYS_dup2, 1, -1);
    S("dup2 to 2^30", SYS_dup2, 1, 1 << 30);
    S("dup3 equal fds", SYS_dup3, 1, 1, 0);
    S("dup3 99 onto itself", SYS_dup3, 99, 99, 0);
    S("dup3 bad flags", SYS_dup3, 1, 11, 1);
    S("dup3 O_CLOEXEC", SYS_dup3, 1, 11, O_CLOEXEC);
    S("F_GETFD of the dup3", SYS_fcntl, 11, F_GETFD);
    S("F_GETFD of the dup2", SYS_fcntl, 10, F_GETFD);
    S("F_SETFD 0", SYS_fcntl, 11, F_SETFD, 0);
    S("F_GETFD after F_SETFD", SYS_fcntl, 11, F_GETFD);
    S("F_DUPFD from 20", SYS_fcntl, 1, F_DUPFD, 20);
    S("F_DUPFD_CLOEXEC from 0", SYS_fcntl, 1, F_DUPFD_CLOEXEC, 0);
    S("F_GETFD of F_DUPFD_CLOEXEC", SYS_fcntl, 4, F_GETFD);
    S("F_DUPFD from 2^30", SYS_fcntl, 1, F_DUPFD, 1 << 30);
    S("fcntl fd 99", SYS_fcntl, 99, F_GETFD);
    S("fcntl unknown command", SYS_fcntl, 1, 9999);
    S("F_SETFL O_NONBLOCK via dup 10", SYS_fcntl, 10, F_SETFL, O_NONBLOCK | O_WRONLY);
    yesno("stdout shares it", syscall(SYS_fcntl, 1, F_GETFL) & O_NONBLOCK);
    yesno("stderr shares it", syscall(SYS_fcntl, 2, F_GETFL) & O_NONBLOCK);
    yesno("stdin does not", !(syscall(SYS_fcntl, 0, F_GETFL) & O_NONBLOCK));
    S("F_SETFL 0", SYS_fcntl, 10, F_SETFL, 0);
    S("F_GETFL after clearing", SYS_fcntl, 1, F_GETFL);
    S("close 3", SYS_close, 3);
    S("close 3 again", SYS_close, 3);
    S("close -1", SYS_close, -1);
    S("dup takes the lowest free fd", SYS_dup, 1);

    syscall(SYS_getrlimit, RLIMIT_NOFILE, &old);
    low.rlim_max = old.rlim_max;
    S("setrlimit NOFILE 16", SYS_setrlimit, RLIMIT_NOFILE, &low);
    for (fd = 0; syscall(SYS_dup, 1) >= 0; fd++)
        ;
    printf("sc: dups until the limit: %d, then %s\n", fd, errname(errno));
    S("F_DUPFD at the limit", SYS_fcntl, 1, F_DUPFD, 16);
    S("dup2 to the limit", SYS_dup2, 1, 16);
    S("setrlimit NOFILE back", SYS_setrlimit, RLIMIT_NOFILE, &old);
    for (fd = 3; fd < 32; fd++)
        syscall(SYS_close, fd);
}

static void check_clocks(void)
{
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" },
        { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" },
        { CLOCK_TAI, "TAI" },
    };
    struct timespec ts, res;
    char what[64];

    for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        long r = syscall(SYS_clock_gettime, clocks[i].id, &ts);
        long g = syscall(SYS_clock_getres, clocks[i].id, &res);
        int coarse = strstr(clocks[i].name, "COARSE") != NULL;

        snprintf(what, sizeof(what), "clock %s", clocks[i].name);
        printf("sc: %s: gettime %ld, nsec in range %s, getres %ld, res %s\n", what, r,
               ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000 ? "yes" : "no", g,
               !coarse ? (res.tv_sec == 0 && res.tv_nsec == 1 ? "1ns" : "not 1ns")
                       : (res.tv_sec == 0 && res.tv_nsec >= 1000000 && res.tv_nsec <= 10000000
                          ? "1-10ms" : "out of range"));
    }
    S("clock_gettime clock 100", SYS_clock_gettime, 100, &ts);
    S("clock_gettime to NULL", SYS_clock_gettime, CLOCK_MONOTONIC, NULL);
    S("clock_gettime to kernel", SYS_clock_gettime, CLOCK_MONOTONIC, KADDR);
    S("clock_gettime to read-only", SYS_clock_gettime, CLOCK_MONOTONIC, ro_page);
    S("clock_getres to NULL", SYS_clock_getres, CLOCK_MONOTONIC, NULL);
    S("clock_getres clock 100", SYS_clock_getres, 100, &res);
    S("clock_getres to kernel", SYS_clock_getres, CLOCK_MONOTONIC, KADDR);
    yesno("coarse monotonic <= monotonic",
          ns_of(CLOCK_MONOTONIC_COARSE) <= ns_of(CLOCK_MONOTONIC));
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    yesno("realtime after 2020", ts.tv_sec > 1577836800);
    {
        long t = syscall(SYS_time, NULL);
        yesno("time() within 1 s of realtime", t - ts.tv_sec <= 1 && ts.tv_sec - t <= 1);
    }
    S("time to kernel", SYS_time, KADDR);
    {
        struct timeval tv;
        struct timezone tz;
        S("gettimeofday", SYS_gettimeofday, &tv, &tz);
        yesno("usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        S("gettimeofday NULLs", SYS_gettimeofday, NULL, NULL);
        S("gettimeofday to kernel", SYS_gettimeofday, KADDR, NULL);
        S("gettimeofday tz to kernel", SYS_gettimeofday, &tv, KADDR);
    }
}

static void check_sleep(void)
{
    struct timespec ts = { 0, 10000000 }, bad = { 0, 1000000000 }, neg = { -1, 0 },
                    negns = { 0, -1 }, abs;
    uint64_t t0 = ns_of(CLOCK_MONOTONIC), t1;

    S("nanosleep 10ms", SYS_nanosleep, &ts, NULL);
    t1 = ns_of(CLOCK_MONOTONIC);
    yesno("monotonic advanced at least 10ms", t1 - t0 >= 10000000);
    yesno("and less than 2 s", t1 - t0 < 2000000000ULL);
    S("nanosleep nsec 1e9", SYS_nanosleep, &bad, NULL);
    S("nanosleep negative sec", SYS_nanosleep, &neg, NULL);
    S("nanosleep negative nsec", SYS_nanosleep, &negns, NULL);
    S("nanosleep NULL", SYS_nanosleep, NULL, NULL);
    S("nanosleep from kernel", SYS_nanosleep, KADDR, NULL);
    S("clock_nanosleep MONOTONIC relative", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
    t0 = ns_of(CLOCK_MONOTONIC) + 5000000;
    abs.tv_sec = (time_t)(t0 / 1000000000);
    abs.tv_nsec = (long)(t0 % 1000000000);
    S("clock_nanosleep MONOTONIC absolute", SYS_clock_nanosleep, CLOCK_MONOTONIC,
      TIMER_ABSTIME, &abs, NULL);
    yesno("woke at or after the deadline", ns_of(CLOCK_MONOTONIC) >= t0);
    S("clock_nanosleep absolute in the past", SYS_clock_nanosleep, CLOCK_MONOTONIC,
      TIMER_ABSTIME, &ts, NULL);
    t0 = ns_of(CLOCK_REALTIME) + 5000000;
    abs.tv_sec = (time_t)(t0 / 1000000000);
    abs.tv_nsec = (long)(t0 % 1000000000);
    S("clock_nanosleep REALTIME absolute", SYS_clock_nanosleep, CLOCK_REALTIME,
      TIMER_ABSTIME, &abs, NULL);
    yesno("realtime reached the deadline", ns_of(CLOCK_REALTIME) >= t0);
    S("clock_nanosleep BOOTTIME relative", SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &ts, NULL);
    S("clock_nanosleep unknown flag bits", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &ts, NULL);
    S("clock_nanosleep clock 100", SYS_clock_nanosleep, 100, 0, &ts, NULL);
    S("clock_nanosleep MONOTONIC_RAW", SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ts, NULL);
    S("clock_nanosleep MONOTONIC_COARSE", SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &ts,
      NULL);
    S("clock_nanosleep THREAD_CPUTIME", SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts,
      NULL);
    S("clock_nanosleep bad nsec", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL);
    S("clock_nanosleep NULL", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, NULL, NULL);
}

static void check_ids(void)
{
    struct utsname u;
    struct rlimit r, r2, bad = { 2, 1 }, huge;

    yesno("getpid == gettid", syscall(SYS_getpid) == syscall(SYS_gettid));
    yesno("getppid != getpid", syscall(SYS_getppid) != syscall(SYS_getpid));
    yesno("getuid == geteuid", syscall(SYS_getuid) == syscall(SYS_geteuid));
    yesno("getgid == getegid", syscall(SYS_getgid) == syscall(SYS_getegid));
    S("sched_yield", SYS_sched_yield);
    S("uname", SYS_uname, &u);
    printf("sc: uname sysname %s, machine %s, release starts with a digit: %s\n", u.sysname,
           u.machine, u.release[0] >= '0' && u.release[0] <= '9' ? "yes" : "no");
    S("uname to NULL", SYS_uname, NULL);
    S("uname to kernel", SYS_uname, KADDR);
    S("uname to read-only", SYS_uname, ro_page);
    S("prlimit64 get NOFILE", SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r);
    yesno("cur <= max", r.rlim_cur <= r.rlim_max);
    S("getrlimit NOFILE", SYS_getrlimit, RLIMIT_NOFILE, &r2);
    yesno("getrlimit agrees", r.rlim_cur == r2.rlim_cur && r.rlim_max == r2.rlim_max);
    S("prlimit64 own pid", SYS_prlimit64, syscall(SYS_getpid), RLIMIT_NOFILE, NULL, &r2);
    S("prlimit64 other pid", SYS_prlimit64, 0x7ffffff0, RLIMIT_NOFILE, NULL, &r2);
    S("prlimit64 resource 16", SYS_prlimit64, 0, 16, NULL, &r2);
    S("prlimit64 resource 99", SYS_prlimit64, 0, 99, NULL, &r2);
    S("prlimit64 cur > max", SYS_prlimit64, 0, RLIMIT_NOFILE, &bad, NULL);
    S("prlimit64 new from kernel", SYS_prlimit64, 0, RLIMIT_NOFILE, KADDR, NULL);
    S("prlimit64 old to kernel", SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, KADDR);
    S("prlimit64 set same", SYS_prlimit64, 0, RLIMIT_NOFILE, &r, &r2);
    huge.rlim_cur = huge.rlim_max = 1UL << 30;
    S("setrlimit NOFILE above nr_open", SYS_setrlimit, RLIMIT_NOFILE, &huge);
    S("getrlimit resource 99", SYS_getrlimit, 99, &r2);
    S("getrlimit to NULL", SYS_getrlimit, RLIMIT_NOFILE, NULL);
    S("setrlimit from NULL", SYS_setrlimit, RLIMIT_NOFILE, NULL);
    S("setrlimit cur > max", SYS_setrlimit, RLIMIT_NOFILE, &bad);
    S("syscall 1000", 1000);
    S("syscall 1000 again", 1000);
}

/* The kernel's struct sigaction for rt_sigaction (not libc's). */
struct ksa { unsigned long handler, flags, restorer, mask; };

static void check_signals(void)
{
    struct ksa act = { 0x1234, SA_RESTORER | SA_RESTART | 0x400 | 0x00200000, 0x5678,
                       (1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)) | (1UL << (SIGUSR2 - 1)) },
               old, dfl = { 0 };
    uint64_t set = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGKILL - 1)), oset, now;
    stack_t ss = { .ss_sp = rw_page, .ss_size = 1024 }, os;

    S("rt_sigaction SIGUSR1", SYS_rt_sigaction, SIGUSR1, &act, NULL, 8);
    S("rt_sigaction read back", SYS_rt_sigaction, SIGUSR1, NULL, &old, 8);
    yesno("handler and restorer kept", old.handler == 0x1234 && old.restorer == 0x5678);
    printf("sc: flags read back %#lx, mask read back %#lx\n", old.flags, old.mask);
    S("rt_sigaction SIGKILL", SYS_rt_sigaction, SIGKILL, &act, NULL, 8);
    S("rt_sigaction SIGSTOP", SYS_rt_sigaction, SIGSTOP, &act, NULL, 8);
    S("rt_sigaction read SIGKILL", SYS_rt_sigaction, SIGKILL, NULL, &old, 8);
    S("rt_sigaction signal 0", SYS_rt_sigaction, 0, NULL, &old, 8);
    S("rt_sigaction signal 65", SYS_rt_sigaction, 65, NULL, &old, 8);
    S("rt_sigaction sigsetsize 4", SYS_rt_sigaction, SIGUSR1, NULL, &old, 4);
    S("rt_sigaction act from kernel", SYS_rt_sigaction, SIGUSR1, KADDR, NULL, 8);
    S("rt_sigaction oact to kernel", SYS_rt_sigaction, SIGUSR1, &dfl, KADDR, 8);
    S("rt_sigaction after the fault", SYS_rt_sigaction, SIGUSR1, NULL, &old, 8);
    printf("sc: handler now %#lx\n", old.handler);

    S("rt_sigprocmask SIG_BLOCK", SYS_rt_sigprocmask, SIG_BLOCK, &set, &oset, 8);
    S("rt_sigprocmask read", SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, 8);
    yesno("SIGUSR1 added, SIGKILL not", now == (oset | (1UL << (SIGUSR1 - 1))));
    S("rt_sigprocmask bad how", SYS_rt_sigprocmask, 99, &set, NULL, 8);
    S("rt_sigprocmask bad how, no set", SYS_rt_sigprocmask, 99, NULL, &now, 8);
    S("rt_sigprocmask sigsetsize 16", SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16);
    S("rt_sigprocmask set from kernel", SYS_rt_sigprocmask, SIG_BLOCK, KADDR, NULL, 8);
    S("rt_sigprocmask oset to kernel", SYS_rt_sigprocmask, SIG_BLOCK, NULL, KADDR, 8);
    S("rt_sigprocmask SIG_UNBLOCK", SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);
    S("rt_sigprocmask SIG_SETMASK back", SYS_rt_sigprocmask, SIG_SETMASK, &oset, &now, 8);
    yesno("SIG_UNBLOCK removed it", now == oset);

    S("sigaltstack query", SYS_sigaltstack, NULL, &os);
    printf("sc: initial ss_flags %d, size %zu\n", os.ss_flags, os.ss_size);
    S("sigaltstack 1024 bytes", SYS_sigaltstack, &ss, NULL);
    ss.ss_size = 65536;
    S("sigaltstack 64 KiB", SYS_sigaltstack, &ss, NULL);
    S("sigaltstack query", SYS_sigaltstack, NULL, &os);
    printf("sc: ss_flags %d, size %zu, same sp %s\n", os.ss_flags, os.ss_size,
           os.ss_sp == rw_page ? "yes" : "no");
    ss.ss_flags = 99;
    S("sigaltstack flags 99", SYS_sigaltstack, &ss, NULL);
    ss.ss_flags = SS_ONSTACK;
    S("sigaltstack SS_ONSTACK", SYS_sigaltstack, &ss, &os);
    ss.ss_flags = (int)SS_AUTODISARM;
    S("sigaltstack SS_AUTODISARM", SYS_sigaltstack, &ss, &os);
    S("sigaltstack query", SYS_sigaltstack, NULL, &os);
    printf("sc: ss_flags %#x\n", (unsigned)os.ss_flags);
    ss.ss_flags = SS_DISABLE;
    S("sigaltstack SS_DISABLE", SYS_sigaltstack, &ss, NULL);
    S("sigaltstack query", SYS_sigaltstack, NULL, &os);
    printf("sc: ss_flags %d, size %zu\n", os.ss_flags, os.ss_size);
    S("sigaltstack from kernel", SYS_sigaltstack, KADDR, NULL);
    S("sigaltstack to kernel", SYS_sigaltstack, NULL, KADDR);
    S("sigaltstack to read-only", SYS_sigaltstack, NULL, ro_page);
}

static void check_random(void)
{
    static char big[1 << 20];
    unsigned char a[16], b[16];

    S("getrandom 16", SYS_getrandom, a, 16, 0);
    S("getrandom 16 again", SYS_getrandom, b, 16, 0);
    yesno("they differ", memcmp(a, b, 16) != 0);
    S("getrandom 0 bytes to NULL", SYS_getrandom, NULL, 0, 0);
    S("getrandom GRND_NONBLOCK", SYS_getrandom, a, 16, 1);
    S("getrandom GRND_RANDOM", SYS_getrandom, a, 16, 2);
    S("getrandom GRND_INSECURE", SYS_getrandom, a, 16, 4);
    S("getrandom INSECURE|RANDOM", SYS_getrandom, a, 16, 6);
    S("getrandom flag 8", SYS_getrandom, a, 16, 8);
    S("getrandom to NULL", SYS_getrandom, NULL, 16, 0);
    S("getrandom to kernel", SYS_getrandom, KADDR, 16, 0);
    S("getrandom to read-only", SYS_getrandom, ro_page, 16, 0);
    S("getrandom to partly mapped", SYS_getrandom, rw_page + PG - 8, 16, 0);
    S("getrandom 1 MiB", SYS_getrandom, big, sizeof(big), 0);
}

/* Reads with bad buffers need queued input: a blocking read on an empty pipe never faults. */
static void check_read_input(void)
{
    char buf[16] = { 0 };
    int n = 0;

    printf("sc: waiting for input\n");
    S("blocking read of 1 byte", SYS_read, 0, buf, 1);
    printf("sc: got '%c'\n", buf[0]);
    for (int i = 0; i < 5000 && n < 3; i++) {           /* the rest may trickle in */
        struct timespec ms = { 0, 1000000 };
        syscall(SYS_ioctl, 0, FIONREAD, &n);
        if (n < 3)
            syscall(SYS_nanosleep, &ms, NULL);
    }
    printf("sc: queued: %d\n", n);
    S("read to NULL", SYS_read, 0, NULL, 3);
    S("read to kernel", SYS_read, 0, KADDR, 3);
    S("read to read-only page", SYS_read, 0, ro_page, 3);
    S("read to unmapped page", SYS_read, 0, rw_page + PG, 3);
    S("read to partly mapped buffer", SYS_read, 0, rw_page + PG - 1, 3);
    syscall(SYS_ioctl, 0, FIONREAD, &n);
    printf("sc: still queued after the faults: %d\n", n);
    S("read the rest", SYS_read, 0, buf, sizeof(buf));
    printf("sc: rest is '%c%c' and a newline: %s\n", buf[0], buf[1], buf[2] == '\n' ? "yes" : "no");
    syscall(SYS_fcntl, 0, F_SETFL, O_NONBLOCK);
    S("nonblocking read, drained", SYS_read, 0, buf, 1);
    syscall(SYS_fcntl, 0, F_SETFL, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    rw_page = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro_page = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rw_page == MAP_FAILED || ro_page == MAP_FAILED || munmap(rw_page + PG, PG)) {
        printf("sc: cannot set up test pages\n");
        return 1;
    }
    printf("sc: start\n");
    check_write();
    check_read_noinput();
    check_fds();
    check_clocks();
    check_sleep();
    check_ids();
    check_signals();
    check_random();
    check_read_input();
    printf("sc: done\n");
    return 0;
}
