/*
 * Per-layer TSC cycle accounting (include/kernel/prof.h): the layer stacks,
 * the counters, and console key 'p' that prints them.  Called from the
 * interrupt, syscall and scheduler entry points in kernel/ and from the layer
 * boundaries of net/ and the NIC drivers.  Uniprocessor: a mark and a stack
 * update are made with interrupts off so a nested interrupt never sees half.
 */
#include <kernel/arch/cpu.h>
#include <kernel/arch/irqflags.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/prof.h>
#include <kernel/string.h>
#include <kernel/time.h>

struct prof_counter prof_counters[NR_PROF_LAYERS];

/*
 * Off unless booted with prof=on: each layer crossing costs an RDTSC and an
 * interrupt-flag save/restore, which under TCG are helper calls (make profile
 * measured ~10 % of a TCP bulk send).  Off, a crossing is a load and a branch.
 */
static bool prof_on;

static int set_prof(const char *val)
{
    if (val && !strcmp(val, "on"))
        prof_on = true;
    else if (val && !strcmp(val, "off"))
        prof_on = false;
    else
        return -EINVAL;
    return 0;
}
KERNEL_PARAM("prof", set_prof);

static struct prof_stack boot_stack;
static struct prof_stack *cur = &boot_stack;
static u64 last_mark;                   /* TSC of the last charge */
static u64 interval_start;              /* TSC of the last 'p' (or boot) */

static const char *const layer_names[NR_PROF_LAYERS] = {
    [PROF_KERNEL] = "kernel", [PROF_USER] = "user", [PROF_IDLE] = "idle",
    [PROF_IRQ] = "irq", [PROF_SOFTIRQ] = "softirq", [PROF_SCHED] = "sched",
    [PROF_SYSCALL] = "syscall", [PROF_SOCK] = "sock", [PROF_COPY] = "copy",
    [PROF_TCP_IN] = "tcp_in", [PROF_TCP_OUT] = "tcp_out", [PROF_UDP] = "udp_icmp",
    [PROF_IP_IN] = "ip_in", [PROF_IP_OUT] = "ip_out", [PROF_ETH] = "eth",
    [PROF_NIC_RX] = "nic_rx", [PROF_NIC_TX] = "nic_tx",
};

static unsigned top(const struct prof_stack *s)
{
    if (!s->depth)
        return s->base;
    return s->layer[(s->depth <= PROF_MAX_DEPTH ? s->depth : PROF_MAX_DEPTH) - 1];
}

/* Interrupts off. */
static void charge(void)
{
    u64 now = rdtsc();

    prof_counters[top(cur)].cycles += now - last_mark;
    last_mark = now;
}

void prof_enter(enum prof_layer l)
{
    unsigned long flags;

    if (!prof_on)
        return;
    local_irq_save(flags);
    charge();
    if (cur->depth < PROF_MAX_DEPTH)
        cur->layer[cur->depth] = (u8)l;
    if (cur->depth < 255)
        cur->depth++;
    prof_counters[l].entries++;
    local_irq_restore(flags);
}

void prof_exit(void)
{
    unsigned long flags;

    if (!prof_on)
        return;
    local_irq_save(flags);
    charge();
    if (cur->depth)
        cur->depth--;
    local_irq_restore(flags);
}

void prof_switch(struct prof_stack *next)
{
    if (prof_on)
        charge();
    cur = next;
}

void prof_set_base(struct prof_stack *s, enum prof_layer base)
{
    s->base = (u8)base;
}

/* Console key 'p': self cycles per layer since the last 'p', then reset. */
static void prof_key(char c)
{
    unsigned long flags;
    struct prof_counter snap[NR_PROF_LAYERS];
    u64 total, khz = tsc_khz ? tsc_khz : 1;

    (void)c;
    if (!prof_on) {
        pr_info("prof: off: boot with prof=on to count cycles per layer");
        return;
    }
    local_irq_save(flags);
    charge();
    memcpy(snap, prof_counters, sizeof(snap));
    memset(prof_counters, 0, sizeof(prof_counters));
    total = last_mark - interval_start;
    interval_start = last_mark;
    local_irq_restore(flags);
    pr_info("prof: layer         cycles   share    entries  cycles/entry");
    for (unsigned l = 0; l < NR_PROF_LAYERS; l++) {
        u64 permille = total ? snap[l].cycles * 1000 / total : 0;
        pr_info("prof: %-8s %12llu %3llu.%llu%% %10llu %13llu", layer_names[l],
                (unsigned long long)snap[l].cycles, (unsigned long long)(permille / 10),
                (unsigned long long)(permille % 10), (unsigned long long)snap[l].entries,
                (unsigned long long)(snap[l].entries ? snap[l].cycles / snap[l].entries : 0));
    }
    pr_info("prof: total %llu cycles in %llu ms", (unsigned long long)total,
            (unsigned long long)(total / khz));
}

static int prof_init(void)
{
    unsigned long flags;

    local_irq_save(flags);
    memset(prof_counters, 0, sizeof(prof_counters));   /* what came before had no mark */
    last_mark = interval_start = rdtsc();
    local_irq_restore(flags);
    return console_register_key('p', prof_key);
}
subsys_initcall(prof_init);
