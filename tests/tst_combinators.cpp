// Awaiting other tasks: waitFor() with a timeout, and gathering the results of many (whenAll).
#include "scheduler/combinators.h"
#include "testlib/sampletasks.h"

#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace std::chrono_literals;

class TestCombinators : public QObject
{
    Q_OBJECT
private slots:
    void waitForTimesOutAndCancels()
    {
        Scheduler s;
        auto slow = s.spawn(awaitIo(QStringLiteral("slow"), 5s), QStringLiteral("slow"));
        auto watcher = [](TaskHandle<int> target) -> Task<QString> {
            try {
                co_await waitFor(target, 1s);
                co_return QStringLiteral("finished");
            } catch (const TimeoutError &e) {
                co_return e.message();
            }
        };
        QCOMPARE(s.runUntilComplete(watcher(slow)), QStringLiteral("slow did not finish within 1.000 s"));
        s.runUntilIdle();
        QCOMPARE(slow.state(), TaskState::Cancelled);
        QCOMPARE(s.now(), 1'000'000'000);
    }

    void waitForReturnsInTime()
    {
        Scheduler s;
        auto fast = s.spawn(awaitIo(QStringLiteral("fast"), 1s));
        auto watcher = [](TaskHandle<int> target) -> Task<int> { co_return co_await waitFor(target, 3s); };
        QCOMPARE(s.runUntilComplete(watcher(fast)), 1);
        QCOMPARE(s.timerCount(), std::size_t(0)); // the timeout timer was disarmed
        s.runUntilIdle();
        QCOMPARE(s.now(), 1'000'000'000);
    }

    void gatherCollectsResults()
    {
        Scheduler s;
        auto main = []() -> Task<int> {
            std::vector<Task<int>> tasks;
            for (int i = 0; i < 5; ++i)
                tasks.push_back(awaitIo(QStringLiteral("op"), std::chrono::seconds(i + 1)));
            const auto results = co_await whenAll(std::move(tasks));
            co_return static_cast<int>(results.size());
        };
        QCOMPARE(s.runUntilComplete(main()), 5);
        QCOMPARE(s.now(), 5'000'000'000);
    }
};

QTEST_GUILESS_MAIN(TestCombinators)
#include "tst_combinators.moc"
