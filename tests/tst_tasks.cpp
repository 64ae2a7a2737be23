// Tasks awaiting tasks: values and exceptions passed along a delegation chain, and cancellation
// before, during and deep inside a run.
#include "scheduler/awaitables.h"
#include "testlib/sampletasks.h"
#include "testlib/tracetext.h"

#include <QSignalSpy>
#include <QtTest>
#include <stdexcept>

using namespace Loopscope;
using namespace Loopscope::Testing;

namespace {

Task<int> failingLink(int depth)
{
    if (depth == 0) {
        co_await yieldNow();
        throw std::runtime_error("disk on fire");
    }
    co_return co_await failingLink(depth - 1);
}

} // namespace

class TestTasks : public QObject
{
    Q_OBJECT
private slots:
    void delegationChainPassesValuesAndReturn()
    {
        Scheduler s;
        QStringList seen;
        const int result = s.runUntilComplete(chainLink(10, &seen), QStringLiteral("outer"));
        QCOMPARE(result, 42);
        QCOMPARE(seen.size(), 11);
        QCOMPARE(seen.first(), QStringLiteral("innermost"));
        QCOMPARE(seen.last(), QStringLiteral("link 10"));
        QCOMPARE(countKind(s.trace(), EventKind::TaskDelegated), qsizetype(10));
        QCOMPARE(countKind(s.trace(), EventKind::TaskReturned), qsizetype(11));
        // The loop resumes the innermost frame directly: the await is where the chain is parked.
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            const auto &e = s.trace().at(i);
            if (e.kind == EventKind::TaskResumed)
                QCOMPARE(s.trace().taskName(e.task), QStringLiteral("link 0"));
        }
    }

    void delegationChainCarriesExceptions()
    {
        Scheduler s;
        auto handle = s.spawn(failingLink(10), QStringLiteral("outer"));
        QSignalSpy failed(&s, &Scheduler::taskFailed);
        s.runUntilIdle();
        QCOMPARE(handle.state(), TaskState::Failed);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, handle.result());
        QCOMPARE(countKind(s.trace(), EventKind::TaskFailed), qsizetype(11));
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.first().at(1).toString(), QStringLiteral("disk on fire"));
        QVERIFY(fullText(s.trace()).contains(QStringLiteral("fails: disk on fire")));
    }

    void cancellationReachesTheInnermostAwait()
    {
        Scheduler s;
        QStringList seen;
        auto handle = s.spawn(chainLink(10, &seen), QStringLiteral("outer"));
        s.step(); // runs the chain down to its innermost sleep
        QCOMPARE(s.timerCount(), std::size_t(1));
        QVERIFY(s.cancel(handle));
        s.runUntilIdle();
        QCOMPARE(handle.state(), TaskState::Cancelled);
        QVERIFY(seen.isEmpty());
        QCOMPARE(countKind(s.trace(), EventKind::TaskCancelled), qsizetype(11));
        QCOMPARE(s.timerCount(), std::size_t(0));
        QCOMPARE(s.now(), 0); // the sleep never completed
    }

    void aTaskCancelledWhileItRunsStopsAtItsNextYield()
    {
        // As in asyncio: the yield still parks for the turn, and the task is resumed with the
        // CancelledError instead of going on.
        Scheduler s;
        int yields = 0;
        auto body = [](int *count) -> Task<void> {
            Scheduler &self = co_await thisScheduler();
            self.cancel(self.currentTask());
            for (;;) {
                co_await yieldNow();
                ++*count;
            }
        };
        auto handle = s.spawn(body(&yields), QStringLiteral("self-cancelling"));
        s.runUntilIdle();
        QCOMPARE(handle.state(), TaskState::Cancelled);
        QCOMPARE(yields, 0);
        QStringList kinds;
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            if (s.trace().at(i).task == handle.id())
                kinds << eventKindName(s.trace().at(i).kind);
        }
        QCOMPARE(kinds.mid(kinds.size() - 3),
            QStringList({ eventKindName(EventKind::TaskSuspended), eventKindName(EventKind::TaskResumed),
                eventKindName(EventKind::TaskCancelled) }));
    }

    void cancelledBeforeStartNeverRuns()
    {
        Scheduler s;
        bool ran = false;
        auto body = [](bool *flag) -> Task<void> {
            *flag = true;
            co_return;
        };
        auto handle = s.spawn(body(&ran));
        s.cancel(handle.id());
        s.runUntilIdle();
        QVERIFY(!ran);
        QCOMPARE(handle.state(), TaskState::Cancelled);
        QVERIFY_THROWS_EXCEPTION(CancelledError, handle.result());
    }
};

QTEST_GUILESS_MAIN(TestTasks)
#include "tst_tasks.moc"
