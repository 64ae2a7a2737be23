// The primitives tasks synchronise with: BoundedQueue (back-pressure), Semaphore (a concurrency
// limit) and Event (a flag many tasks wait for).
#include "scheduler/boundedqueue.h"
#include "scheduler/event.h"
#include "scheduler/semaphore.h"
#include "testlib/tracetext.h"

#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace std::chrono_literals;

class TestSyncPrimitives : public QObject
{
    Q_OBJECT
private slots:
    void boundedQueueAppliesBackPressure()
    {
        Scheduler s;
        BoundedQueue<int> queue(2, QStringLiteral("quotes"));
        QList<int> received;
        auto producer = [](BoundedQueue<int> &q) -> Task<void> {
            for (int i = 0; i < 6; ++i)
                co_await q.put(i);
            q.close();
        };
        auto consumer = [](BoundedQueue<int> &q, QList<int> &out) -> Task<int> {
            while (auto item = co_await q.get()) {
                co_await sleep(1s);
                out << *item;
            }
            co_return out.size();
        };
        s.spawn(producer(queue), QStringLiteral("producer"));
        auto c = s.spawn(consumer(queue, received), QStringLiteral("consumer"));
        s.runUntilIdle();
        QCOMPARE(received, (QList<int> { 0, 1, 2, 3, 4, 5 }));
        QCOMPARE(c.result(), 6);
        QCOMPARE(queue.peakSize(), std::size_t(2));
        QVERIFY(fullText(s.trace()).contains(QStringLiteral("producer awaits quotes full (put)")));
        QVERIFY_THROWS_EXCEPTION(QueueClosedError, s.runUntilComplete(producer(queue)));
    }

    void semaphoreBoundsConcurrency()
    {
        Scheduler s;
        Semaphore limit(3, QStringLiteral("limit"));
        int inFlight = 0;
        int peak = 0;
        auto worker = [](Semaphore &sem, int &now, int &max) -> Task<void> {
            co_await sem.acquire();
            Semaphore::Permit permit(sem);
            max = std::max(max, ++now);
            co_await io(QStringLiteral("fetch"), 1s);
            --now;
        };
        for (int i = 0; i < 10; ++i)
            s.spawn(worker(limit, inFlight, peak));
        s.runUntilIdle();
        QCOMPARE(peak, 3);
        QCOMPARE(limit.peakHeld(), 3);
        QCOMPARE(limit.available(), 3);
        QCOMPARE(s.now(), 4'000'000'000); // ceil(10 / 3) rounds of 1 s
        QVERIFY_THROWS_EXCEPTION(InvalidStateError, limit.release());
    }

    void eventWakesEveryWaiter()
    {
        Scheduler s;
        Event ready(QStringLiteral("ready"));
        auto waiter = [](Event &e) -> Task<int> {
            co_await e.wait();
            co_return 1;
        };
        auto setter = [](Event &e) -> Task<void> {
            co_await sleep(2s);
            e.set();
        };
        auto a = s.spawn(waiter(ready));
        auto b = s.spawn(waiter(ready));
        s.spawn(setter(ready));
        s.runUntilIdle();
        QCOMPARE(a.result() + b.result(), 2);
        QCOMPARE(s.now(), 2'000'000'000);
    }
};

QTEST_GUILESS_MAIN(TestSyncPrimitives)
#include "tst_syncprimitives.moc"
