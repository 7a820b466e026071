"""Threads, the scheduler and wait queues in the real kernel: `ktest=threads`
(kernel/sched/ktest_threads.c) runs a 64-thread token ring, exclusive
wake-ups, 32 msleep()ers and a wait_event_timeout(), then joins everything;
each fact is one console line asserted here.
"""
import re

from conftest import qemu_status

RING = r"threads: ring of (?P<n>\d+) threads: (?P<hops>\d+) hand-offs of (?P<want>\d+), (?P<order>\w+) order"
ROUNDS = r"threads: ring rounds completed (?P<done>\d+) of (?P<rounds>\d+)"
EXCL_ONE = re.compile(r"threads: exclusive wake_up #(\d+) woke (\d+) of (\d+) waiting")
EXCL_ALL = r"threads: exclusive wake_up_all woke (?P<woke>\d+) of (?P<waiting>\d+) waiting"
FIFO = r"threads: exclusive waiters woke in FIFO order: (?P<fifo>\w+)"
SLEEP = r"threads: msleep (?P<n>\d+) threads, (?P<early>\d+) woke early, latest (?P<late>\d+) us late"
TIMEOUT = (r"threads: wait_event_timeout 10 ms on a false condition returned (?P<ret>\d+) "
           r"after (?P<us>\d+) us")
LEFT = r"threads: (?P<n>\d+) threads left"
HEAP = r"threads: heap (?P<now>\d+) bytes in use, (?P<before>\d+) before"


def test_threads(boot):
    g = boot(append="ktest=threads")
    g.wait_for(r"ktest: threads: start", timeout=60)

    ring = g.wait_for(RING, timeout=120)
    assert int(ring.group("n")) == 64
    assert ring.group("hops") == ring.group("want")
    assert ring.group("order") == "ring"
    rounds = g.wait_for(ROUNDS)
    assert rounds.group("done") == rounds.group("rounds")

    excl_all = g.wait_for(EXCL_ALL)
    ones = EXCL_ONE.findall(g.output)
    assert len(ones) >= 3, "expected several one-by-one exclusive wake-ups"
    waiting = 8
    for k, (num, woke, n) in enumerate(ones, start=1):
        assert int(num) == k
        assert int(woke) == 1, f"wake_up #{k} woke {woke} exclusive waiters"
        assert int(n) == waiting
        waiting -= 1
    assert int(excl_all.group("waiting")) == waiting
    assert excl_all.group("woke") == excl_all.group("waiting")
    assert g.wait_for(FIFO).group("fifo") == "yes"

    sleep = g.wait_for(SLEEP, timeout=120)
    assert int(sleep.group("n")) == 32
    assert int(sleep.group("early")) == 0
    timeout = g.wait_for(TIMEOUT)
    assert int(timeout.group("ret")) == 0
    assert int(timeout.group("us")) >= 10_000

    assert int(g.wait_for(LEFT).group("n")) == 2
    heap = g.wait_for(HEAP)
    assert heap.group("now") == heap.group("before"), "heap not back to its baseline"
    g.wait_for(r"ktest: threads: PASS")
    assert g.wait_exit() == qemu_status(0)
