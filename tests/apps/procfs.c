/*
 * Guest side of tests/system/test_procfs.py, and the same binary on Linux
 * as the oracle: opens a UDP socket on port 5353 and a TCP listener on
 * port 8081 (so both tables have a row), then answers console lines:
 *   "1": print every file below between "=== <path>" and "=== end" lines,
 *        read with stdio as apps read them (fopen, fgets);
 *   "2": the error cases, one "procfs: <case>: <result>" line each;
 *   "0": exit 0.
 * Digits only: the kernel keeps some letters ('n', 'i', 's') for itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const files[] = {
    "/proc/net/dev", "/proc/net/snmp", "/proc/net/udp", "/proc/net/tcp", "/proc/meminfo",
};

static void dump(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];

    printf("=== %s\n", path);
    if (!f) {
        printf("procfs: fopen %s: %s\n", path, strerror(errno));
    } else {
        while (fgets(line, sizeof(line), f))
            fputs(line, stdout);
        fclose(f);
    }
    printf("=== end\n");
}

static const char *result(long r)
{
    static char buf[64];

    if (r >= 0)
        snprintf(buf, sizeof(buf), "%ld", r);
    else
        snprintf(buf, sizeof(buf), "%s", errno == ENOENT ? "ENOENT" : errno == EACCES ? "EACCES"
                 : errno == ENOTDIR ? "ENOTDIR" : errno == EEXIST ? "EEXIST"
                 : errno == EINVAL ? "EINVAL" : errno == ESPIPE ? "ESPIPE" : strerror(errno));
    return buf;
}

static void try_open(const char *what, const char *path, int flags)
{
    int fd = open(path, flags, 0644);

    printf("procfs: %s: %s\n", what, result(fd < 0 ? -1 : 0));
    if (fd >= 0)
        close(fd);
}

/* lseek as seq_file allows, and a re-read after a rewind giving the same first line. */
static void seek_cases(void)
{
    int fd = open("/proc/net/snmp", O_RDONLY);
    char a[16] = "", b[16] = "";

    printf("procfs: lseek set 5: %s\n", result(lseek(fd, 5, SEEK_SET)));
    printf("procfs: lseek cur 3: %s\n", result(lseek(fd, 3, SEEK_CUR)));
    printf("procfs: lseek end: %s\n", result(lseek(fd, 0, SEEK_END)));
    printf("procfs: lseek negative: %s\n", result(lseek(fd, -100, SEEK_CUR)));
    printf("procfs: read past end: %s\n", result((lseek(fd, 1 << 20, SEEK_SET), read(fd, a, 8))));
    lseek(fd, 0, SEEK_SET);
    printf("procfs: read at 0: %s\n", result(read(fd, a, 8)));
    printf("procfs: pread at 0: %s\n", result(pread(fd, b, 8, 0)));
    printf("procfs: same text: %s\n", memcmp(a, b, 8) ? "no" : "yes");
    printf("procfs: lseek console: %s\n", result(lseek(1, 0, SEEK_SET)));
    close(fd);
}

static void error_cases(void)
{
    try_open("open nonexistent", "/proc/net/nonexistent", O_RDONLY);
    try_open("open outside proc", "/etc/passwd-not-here", O_RDONLY);
    try_open("open write", "/proc/net/tcp", O_WRONLY);
    try_open("open rdwr", "/proc/net/udp", O_RDWR);
    try_open("open excl", "/proc/net/dev", O_RDONLY | O_CREAT | O_EXCL);
    try_open("open directory flag", "/proc/net/tcp", O_RDONLY | O_DIRECTORY);
    try_open("open below a file", "/proc/net/tcp/x", O_RDONLY);
    try_open("open dotted", "/proc//net/./../net/tcp", O_RDONLY);
    try_open("openat relative", "proc/meminfo", O_RDONLY);
    seek_cases();
}

/* Sockets for the tables: UDP 5353 and a TCP listener on 8081 (errors are printed, not fatal). */
static void make_sockets(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
    int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_port = htons(5353);
    if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)))
        printf("procfs: udp socket: %s\n", strerror(errno));
    a.sin_port = htons(8081);
    if (t < 0 || bind(t, (struct sockaddr *)&a, sizeof(a)) || listen(t, 16))
        printf("procfs: tcp listener: %s\n", strerror(errno));
}

int main(void)
{
    char cmd[16];

    setvbuf(stdout, NULL, _IOLBF, 0);
    make_sockets();
    printf("procfs: ready\n");
    while (fgets(cmd, sizeof(cmd), stdin)) {
        if (cmd[0] == '1') {
            for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
                dump(files[i]);
            printf("procfs: dumped\n");
        } else if (cmd[0] == '2') {
            error_cases();
            printf("procfs: errors done\n");
        } else if (cmd[0] == '0') {
            break;
        }
    }
    return 0;
}
