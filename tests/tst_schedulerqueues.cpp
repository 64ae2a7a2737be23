// The scheduler's two queues, on their own: the ReadyQueue that runs coroutines turn by turn, and
// the TimerQueue that fires timers in deadline order.
#include "scheduler/detail/readyqueue.h"
#include "scheduler/detail/timerqueue.h"

#include <algorithm>
#include <QRandomGenerator>
#include <QtTest>
#include <tuple>
#include <vector>

using namespace Loopscope;

class TestSchedulerQueues : public QObject
{
    Q_OBJECT
private slots:
    void readyQueueRunsTurnByTurnInOrder()
    {
        // Coroutines made ready during a turn wait for the next one, in the order they came,
        // however far the arrays have to grow.
        detail::ReadyQueue queue;
        std::vector<detail::ReadyNode> nodes(5000);
        const auto frame
            = [&nodes](std::size_t i) { return std::coroutine_handle<>::from_address(&nodes[i]); };
        QVERIFY(queue.isEmpty());
        QVERIFY(!queue.beginTurn());
        for (std::size_t i = 0; i < 3000; ++i)
            queue.push(nodes[i], frame(i));
        QCOMPARE(queue.size(), std::size_t(3000));
        QVERIFY(!queue.turnHasMore()); // queued, but no turn has begun
        QVERIFY(queue.beginTurn());
        std::size_t taken = 0;
        while (queue.turnHasMore()) {
            const detail::ReadyQueue::Entry entry = queue.pop();
            QCOMPARE(entry.node, &nodes[taken]);
            QCOMPARE(entry.frame, static_cast<void *>(&nodes[taken]));
            if (taken < 2000)
                queue.push(nodes[3000 + taken], frame(3000 + taken)); // for the next turn
            ++taken;
        }
        QCOMPARE(taken, std::size_t(3000));
        QCOMPARE(queue.size(), std::size_t(2000));
        QVERIFY(queue.beginTurn());
        for (std::size_t i = 3000; i < 5000; ++i)
            QCOMPARE(queue.pop().node, &nodes[i]);
        QVERIFY(!queue.turnHasMore());
        QVERIFY(queue.isEmpty());
        queue.push(nodes[0], frame(0));
        queue.clear();
        QVERIFY(queue.isEmpty());
        QVERIFY(!queue.beginTurn());
    }

    void readyQueueLooksAheadWithinItsArrays()
    {
        // Turns of every size from 1 to 2100 entries, so that some fill their array exactly: the
        // look-ahead near the end of a turn must stay inside the array (ASan builds check it).
        detail::ReadyQueue queue;
        std::vector<detail::ReadyNode> nodes(2100);
        std::size_t resumed = 0;
        for (std::size_t size = 1; size <= nodes.size(); ++size) {
            for (std::size_t i = 0; i < size; ++i)
                queue.push(nodes[i], std::coroutine_handle<>::from_address(&nodes[i]));
            QVERIFY(queue.beginTurn());
            for (std::size_t i = 0; queue.turnHasMore(); ++i) {
                queue.prefetchAhead();
                QCOMPARE(queue.pop().node, &nodes[i]);
                ++resumed;
            }
        }
        QCOMPARE(resumed, nodes.size() * (nodes.size() + 1) / 2);
        QVERIFY(queue.isEmpty());
    }

    void timerQueueFiresInDeadlineThenArmingOrder()
    {
        // In-order and out-of-order arming mixed, with removals, checked against a sorted list.
        detail::TimerQueue queue;
        std::vector<detail::WaitNode> nodes(2000);
        std::vector<std::tuple<std::int64_t, std::uint64_t, detail::WaitNode *>> expected;
        QRandomGenerator random(42);
        std::int64_t clock = 0;
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            clock += random.bounded(3);
            const std::int64_t deadline = random.bounded(4) == 0 ? clock - random.bounded(50) : clock + 100;
            queue.push(nodes[i], deadline, i);
            expected.emplace_back(deadline, i, &nodes[i]);
        }
        for (std::size_t i = 0; i < nodes.size(); i += 7) {
            queue.remove(nodes[i]);
            std::erase_if(expected, [&](const auto &entry) { return std::get<2>(entry) == &nodes[i]; });
        }
        std::sort(expected.begin(), expected.end());
        QCOMPARE(queue.size(), expected.size());
        for (const auto &[deadline, order, node] : expected) {
            QCOMPARE(queue.topDeadline(), deadline);
            QCOMPARE(queue.top(), node);
            queue.remove(*queue.top());
        }
        QVERIFY(queue.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSchedulerQueues)
#include "tst_schedulerqueues.moc"
