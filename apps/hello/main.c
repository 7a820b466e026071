/*
 * hello: the smallest app.  Prints its argv one per line and exits with the
 * status given as its first argument (default 0), so tests can check that
 * argv and the exit status cross the kernel boundary intact.  Plain POSIX C:
 * the same binary runs on Linux.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    fflush(stdout);
    return argc > 1 ? atoi(argv[1]) : 0;
}
