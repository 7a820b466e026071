/*
 * Kernel command line, Linux syntax: words separated by spaces, `name` or
 * `name=value`, double quotes group spaces into a value, and `--` ends the
 * kernel's words: everything after it is the app's argv[1..].
 * Subsystems declare their parameters with KERNEL_PARAM(); unknown or
 * malformed words are reported on the console and ignored.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <kernel/compiler.h>

#define CMDLINE_MAX_ARGS 32

struct kernel_param {
    const char *name;
    /* Apply the value (NULL for a bare word); 0, or -EINVAL to report it as malformed. */
    int (*set)(const char *val);
};

#define KERNEL_PARAM(pname, fn)                                             \
    static const struct kernel_param __kparam_##fn                          \
        __used __section("kparam") __aligned(8) = { pname, fn }

struct cmdline {
    char buf[1024];                 /* storage the words point into */
    int argc;                       /* app arguments after "--" */
    char *argv[CMDLINE_MAX_ARGS + 1];
    unsigned problems;              /* words reported as unknown or malformed */
};

typedef void (*cmdline_report_t)(const char *word, const char *why);

/*
 * Split `s`, call the matching parameter's set() for each kernel word and
 * collect app words into out->argv (NULL-terminated).  Unknown words, failed
 * set() calls, unterminated quotes and more than CMDLINE_MAX_ARGS app words
 * go to `report` and are skipped.  Returns the number of problems.
 */
int cmdline_parse(const char *s, const struct kernel_param *params, size_t nparams,
                  struct cmdline *out, cmdline_report_t report);

/* The parsed boot command line (kernel_main fills it). */
extern struct cmdline boot_cmdline;
void cmdline_init(const char *s);

#endif
