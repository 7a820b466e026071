/*
 * Wall clock: the MC146818 CMOS RTC, read once at boot (ports 0x70/0x71),
 * then carried forward by the monotonic clock.  Above: ktime_get_real_ns()
 * (gettimeofday and friends).  This file owns the epoch offset.  The RTC is
 * assumed to hold UTC, as QEMU's does by default.
 */
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include "time_impl.h"

#define CMOS_ADDR       0x70
#define CMOS_DATA       0x71
#define RTC_SECONDS     0x00
#define RTC_MINUTES     0x02
#define RTC_HOURS       0x04
#define RTC_DAY         0x07
#define RTC_MONTH       0x08
#define RTC_YEAR        0x09
#define RTC_REG_A       0x0a
#define RTC_REG_B       0x0b
#define RTC_CENTURY     0x32            /* the PC/AT and ACPI FADT default */
#define RTC_A_UIP       0x80            /* update in progress: registers unstable */
#define RTC_B_24H       0x02
#define RTC_B_BINARY    0x04            /* DM: binary, else BCD */
#define RTC_HOUR_PM     0x80            /* in 12-hour mode */
#define RTC_UIP_TIMEOUT_NS (10 * NSEC_PER_MSEC)
#define RTC_READ_TRIES  4

struct rtc_time { unsigned sec, min, hour, day, mon, year, century; };

static u64 real_offset_ns;             /* epoch ns at monotonic 0 */

static u8 cmos_read(u8 reg)
{
    outb(CMOS_ADDR, reg);
    return inb(CMOS_DATA);
}

/*
 * Raw registers once no update is in progress.  UIP stays set for at most
 * 2 ms per update (MC146818 datasheet); far longer means no RTC (0xff).
 */
static int rtc_read_raw(struct rtc_time *t)
{
    u64 start = ktime_get_ns();

    while (cmos_read(RTC_REG_A) & RTC_A_UIP)
        if (ktime_get_ns() - start > RTC_UIP_TIMEOUT_NS)
            return -ETIMEDOUT;
    t->sec = cmos_read(RTC_SECONDS);
    t->min = cmos_read(RTC_MINUTES);
    t->hour = cmos_read(RTC_HOURS);
    t->day = cmos_read(RTC_DAY);
    t->mon = cmos_read(RTC_MONTH);
    t->year = cmos_read(RTC_YEAR);
    t->century = cmos_read(RTC_CENTURY);
    return 0;
}

static unsigned bcd2bin(unsigned v) { return (v & 0x0f) + (v >> 4) * 10; }

/* To binary, 24-hour, four-digit year, as status register B says they are stored. */
static void rtc_decode(struct rtc_time *t, u8 reg_b)
{
    bool pm = t->hour & RTC_HOUR_PM;

    t->hour &= ~RTC_HOUR_PM;
    if (!(reg_b & RTC_B_BINARY)) {
        t->sec = bcd2bin(t->sec);
        t->min = bcd2bin(t->min);
        t->hour = bcd2bin(t->hour);
        t->day = bcd2bin(t->day);
        t->mon = bcd2bin(t->mon);
        t->year = bcd2bin(t->year);
        t->century = bcd2bin(t->century);
    }
    if (!(reg_b & RTC_B_24H))           /* 12 AM is hour 0, 12 PM is hour 12 */
        t->hour = t->hour % 12 + (pm ? 12 : 0);
    if (t->century < 19 || t->century > 21)
        t->century = 20;                /* no century register: assume 20xx */
    t->year += t->century * 100;
}

/* Read until two reads agree, so no update split the fields; 0 or -errno. */
static int rtc_read(struct rtc_time *t)
{
    struct rtc_time again;

    if (rtc_read_raw(t))
        return -ETIMEDOUT;
    for (int i = 0; i < RTC_READ_TRIES; i++) {
        if (rtc_read_raw(&again))
            return -ETIMEDOUT;
        if (!memcmp(&again, t, sizeof(again))) {
            rtc_decode(t, cmos_read(RTC_REG_B));
            return 0;
        }
        *t = again;
    }
    return -EIO;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static u64 days_from_civil(unsigned y, unsigned m, unsigned d)
{
    unsigned era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (u64)era * 146097 + doe - 719468;
}

void rtc_init(void)
{
    struct rtc_time t;
    u64 mono, secs;

    if (rtc_read(&t)) {
        pr_warn("time: no working RTC; wall clock starts at the epoch");
        return;
    }
    mono = ktime_get_ns();
    if (t.mon < 1 || t.mon > 12 || t.day < 1 || t.day > 31 || t.hour > 23 ||
        t.min > 59 || t.sec > 59) {
        pr_warn("time: RTC holds no valid date; wall clock starts at the epoch");
        return;
    }
    secs = days_from_civil(t.year, t.mon, t.day) * 86400 + t.hour * 3600 + t.min * 60 + t.sec;
    real_offset_ns = secs * NSEC_PER_SEC - mono;
    pr_info("time: RTC %04u-%02u-%02u %02u:%02u:%02u UTC", t.year, t.mon, t.day,
            t.hour, t.min, t.sec);
}

/* To the RTC's one-second resolution (it is read once, not at a second's edge). */
u64 ktime_get_real_ns(void)
{
    return real_offset_ns + ktime_get_ns();
}
