/*
 * Kernel command-line parser (Linux syntax, Documentation/admin-guide/
 * kernel-parameters.rst): words, name=value, double quotes, `--` before the
 * app's arguments.  Portable: tests/unit/test_cmdline.c runs it on the host.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/string.h>

/*
 * Cut the next word out of *pp into dst (quotes removed).  Returns the word's
 * length, 0 at the end, or -EINVAL for an unterminated quote.
 */
static int next_word(const char **pp, char *dst, size_t room, size_t *used)
{
    const char *p = *pp;
    bool quoted = false;
    size_t n = 0;

    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    if (!*p) {
        *pp = p;
        return 0;
    }
    for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
        if (*p == '"') {
            quoted = !quoted;
            continue;
        }
        if (n + 1 < room)
            dst[n++] = *p;
    }
    dst[n] = '\0';
    *used = n + 1;
    *pp = p;
    return quoted ? -EINVAL : (int)MAX(n, (size_t)1);
}

static const struct kernel_param *find_param(const struct kernel_param *params, size_t n,
                                             const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(params[i].name) == len && !strncmp(params[i].name, name, len))
            return &params[i];
    return NULL;
}

static void kernel_word(char *word, const struct kernel_param *params, size_t nparams,
                        struct cmdline *out, cmdline_report_t report)
{
    char *eq = strchr(word, '=');
    size_t len = eq ? (size_t)(eq - word) : strlen(word);
    const struct kernel_param *kp = find_param(params, nparams, word, len);

    if (!kp) {
        out->problems++;
        report(word, "unknown parameter");
    } else if (kp->set(eq ? eq + 1 : NULL)) {
        out->problems++;
        report(word, "malformed value");
    }
}

int cmdline_parse(const char *s, const struct kernel_param *params, size_t nparams,
                  struct cmdline *out, cmdline_report_t report)
{
    size_t pos = 0, used = 0;
    bool app = false;
    int r;

    memset(out, 0, sizeof(*out));
    while (s && pos < sizeof(out->buf) - 1) {
        char *word = out->buf + pos;
        r = next_word(&s, word, sizeof(out->buf) - pos, &used);
        if (r == 0)
            break;
        pos += used;
        if (r < 0) {
            out->problems++;
            report(word, "unterminated quote");
            continue;
        }
        if (!app && !strcmp(word, "--")) {
            app = true;
        } else if (app) {
            if (out->argc < CMDLINE_MAX_ARGS) {
                out->argv[out->argc++] = word;
            } else {
                out->problems++;
                report(word, "too many app arguments");
            }
        } else {
            kernel_word(word, params, nparams, out, report);
        }
    }
    out->argv[out->argc] = NULL;
    return (int)out->problems;
}
