/*
 * Timer facility: a hierarchical timing wheel with cascading (the classic
 * Linux wheel, kept tickless).  Above: timer users (TCP, schedule_timeout)
 * and TIMER_SOFTIRQ, which calls run_timers().  Below: the clock-event seam,
 * clockevent_program() (LAPIC timer on the target, a fake on the host).
 * This file owns the wheel; it never reads the clock itself (run_timers gets
 * `now`), so it is portable and unit-tested against a fake clock.
 *
 * Time is counted in ticks of TIMER_GRANULARITY_NS.  A timer due at tick
 * te = ceil(expires / granule) sits at level L when te - clk lies in
 * [64^L, 64^(L+1)), in slot (te >> 6L) & 63, where clk is the first tick not
 * yet processed.  When clk reaches the start of a coarse slot's block, that
 * slot is cascaded: its timers are re-filed by their exact expiry, so every
 * timer finally fires from level 0 at exactly tick te: never early, at most
 * one granule late.  Instead of stepping every tick, run_timers() jumps from
 * event to event, found with one bitmap of occupied slots per level.
 */
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/timer.h>

#define LVL_BITS        6
#define LVL_SIZE        (1U << LVL_BITS)
#define LVL_MASK        (LVL_SIZE - 1)
#define WHEEL_LEVELS    6       /* 2^36 ticks: about 2.2 years; farther timers re-cascade */
#define WHEEL_RANGE     (1ULL << (LVL_BITS * WHEEL_LEVELS))
#define NO_EVENT        UINT64_MAX

static struct list_head wheel[WHEEL_LEVELS * LVL_SIZE];
static u64 occupied[WHEEL_LEVELS];      /* bit s of level L: slot s non-empty */
static u64 clk;                         /* ticks < clk have been processed */
static unsigned nr_pending;
static u64 programmed = UINT64_MAX;     /* last clockevent_program() argument */
static bool running;                    /* inside run_timers(): it programs at the end */
static DEFINE_SPINLOCK(timer_lock);

static u64 expiry_tick(u64 expires)
{
    return (expires >> TIMER_TICK_SHIFT) + !!(expires & (TIMER_GRANULARITY_NS - 1));
}

static u64 tick_to_ns(u64 tick)
{
    return tick == NO_EVENT ? UINT64_MAX : tick << TIMER_TICK_SHIFT;
}

/*
 * First tick >= clk at which level `lvl` slot `slot` needs work (level 0:
 * fire; above: cascade).  Blocks of 64^lvl ticks not yet cascaded start at
 * ceil(clk / 64^lvl); the slot's block is the first of those mapping to it.
 */
static u64 slot_event_tick(unsigned lvl, unsigned slot)
{
    unsigned shift = lvl * LVL_BITS;
    u64 first = (clk + (1ULL << shift) - 1) >> shift;

    return (first + ((slot - first) & LVL_MASK)) << shift;
}

static u64 next_event_tick(void)
{
    u64 best = NO_EVENT;

    for (unsigned lvl = 0; lvl < WHEEL_LEVELS; lvl++) {
        unsigned shift = lvl * LVL_BITS, rot;
        u64 first, bits;

        if (!occupied[lvl])
            continue;
        first = (clk + (1ULL << shift) - 1) >> shift;
        rot = first & LVL_MASK;
        bits = (occupied[lvl] >> rot) | (occupied[lvl] << ((LVL_SIZE - rot) & LVL_MASK));
        best = MIN(best, (first + (u64)__builtin_ctzll(bits)) << shift);
    }
    return best;
}

/* File t by its expiry relative to clk; returns the tick its slot next needs work. */
static u64 enqueue(struct timer_list *t)
{
    u64 te = MAX(expiry_tick(t->expires), clk);
    u64 delta = te - clk;
    unsigned lvl = 0, slot;

    if (delta >= WHEEL_RANGE) {         /* park in the top level; re-filed on cascade */
        te = clk + WHEEL_RANGE - 1;
        delta = WHEEL_RANGE - 1;
    }
    if (delta >= LVL_SIZE)
        lvl = (63 - (unsigned)__builtin_clzll(delta)) / LVL_BITS;
    slot = (te >> (lvl * LVL_BITS)) & LVL_MASK;
    t->wheel_idx = lvl * LVL_SIZE + slot;
    list_add_tail(&t->entry, &wheel[t->wheel_idx]);
    occupied[lvl] |= 1ULL << slot;
    return slot_event_tick(lvl, slot);
}

/*
 * Unlink a pending t.  It may sit on run_timers()' private expired list,
 * whose slot has since been emptied or refilled: the bit follows the slot.
 */
static void dequeue(struct timer_list *t)
{
    list_del_init(&t->entry);
    if (list_empty(&wheel[t->wheel_idx]))
        occupied[t->wheel_idx / LVL_SIZE] &= ~(1ULL << (t->wheel_idx % LVL_SIZE));
}

/* Move every timer of slot idx onto the empty list `to` and mark the slot free. */
static void take_slot(unsigned idx, struct list_head *to)
{
    struct list_head *from = &wheel[idx];

    occupied[idx / LVL_SIZE] &= ~(1ULL << (idx % LVL_SIZE));
    if (list_empty(from))
        return;
    to->next = from->next;
    to->prev = from->prev;
    to->next->prev = to;
    to->prev->next = to;
    INIT_LIST_HEAD(from);
}

static void program(u64 ns)
{
    programmed = ns;
    clockevent_program(ns);
}

/* Re-file the timers of every coarse slot whose block starts at tick clk. */
static void cascade(void)
{
    for (unsigned lvl = WHEEL_LEVELS - 1; lvl > 0; lvl--) {
        unsigned shift = lvl * LVL_BITS;
        struct list_head moving;

        if (clk & ((1ULL << shift) - 1))
            continue;
        INIT_LIST_HEAD(&moving);
        take_slot(lvl * LVL_SIZE + ((clk >> shift) & LVL_MASK), &moving);
        while (!list_empty(&moving)) {
            struct timer_list *t = list_first_entry(&moving, struct timer_list, entry);
            list_del_init(&t->entry);
            enqueue(t);
        }
    }
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *t))
{
    INIT_LIST_HEAD(&t->entry);
    t->expires = 0;
    t->function = fn;
    t->wheel_idx = 0;
}

int mod_timer(struct timer_list *t, u64 expires)
{
    unsigned long flags;
    int was_pending;
    u64 ev;

    spin_lock_irqsave(&timer_lock, flags);
    was_pending = timer_pending(t);
    if (was_pending)
        dequeue(t);
    else
        nr_pending++;
    t->expires = expires;
    ev = tick_to_ns(enqueue(t));
    if (!running && ev < programmed)
        program(ev);
    spin_unlock_irqrestore(&timer_lock, flags);
    return was_pending;
}

/* The clock event is left armed: an early, empty run_timers() is harmless. */
int del_timer(struct timer_list *t)
{
    unsigned long flags;
    int was_pending;

    spin_lock_irqsave(&timer_lock, flags);
    was_pending = timer_pending(t);
    if (was_pending) {
        dequeue(t);
        nr_pending--;
    }
    spin_unlock_irqrestore(&timer_lock, flags);
    return was_pending;
}

/*
 * Fire the level-0 slot of tick clk.  clk moves past it first, so a callback
 * re-arming for "now" lands in the next tick instead of the slot being
 * emptied.  Each timer is unlinked before its callback runs, and the lock is
 * dropped around it, so callbacks may mod_timer/del_timer anything.
 */
static unsigned expire_tick(unsigned long *flags)
{
    struct list_head expired;
    unsigned ran = 0;

    INIT_LIST_HEAD(&expired);
    take_slot(clk & LVL_MASK, &expired);
    clk++;
    while (!list_empty(&expired)) {
        struct timer_list *t = list_first_entry(&expired, struct timer_list, entry);
        list_del_init(&t->entry);
        nr_pending--;
        spin_unlock_irqrestore(&timer_lock, *flags);
        t->function(t);
        spin_lock_irqsave(&timer_lock, *flags);
        ran++;
    }
    return ran;
}

unsigned run_timers(u64 now)
{
    u64 now_tick = now >> TIMER_TICK_SHIFT, ev;
    unsigned long flags;
    unsigned ran = 0;

    spin_lock_irqsave(&timer_lock, flags);
    running = true;
    while ((ev = next_event_tick()) <= now_tick) {
        clk = ev;
        cascade();
        ran += expire_tick(&flags);
    }
    clk = MAX(clk, now_tick + 1);
    running = false;
    program(tick_to_ns(next_event_tick()));
    spin_unlock_irqrestore(&timer_lock, flags);
    return ran;
}

u64 timer_next_expiry(void)
{
    unsigned long flags;
    u64 ns;

    spin_lock_irqsave(&timer_lock, flags);
    ns = tick_to_ns(next_event_tick());
    spin_unlock_irqrestore(&timer_lock, flags);
    return ns;
}

unsigned timers_pending(void)
{
    return READ_ONCE(nr_pending);
}

void timers_init(u64 now)
{
    for (unsigned i = 0; i < ARRAY_SIZE(wheel); i++)
        INIT_LIST_HEAD(&wheel[i]);
    for (unsigned lvl = 0; lvl < WHEEL_LEVELS; lvl++)
        occupied[lvl] = 0;
    clk = (now >> TIMER_TICK_SHIFT) + 1;
    nr_pending = 0;
    running = false;
    programmed = UINT64_MAX;
}
