#include "analysis/latency.h"
#include "analysis/tracedigest.h"
#include "scenarioplay.h"
#include "scheduler/awaitables.h"
#include "scheduler/boundedqueue.h"
#include "scheduler/event.h"
#include "scheduler/semaphore.h"
#include "testlib/sampletasks.h"

#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;
using Loopscope::Testing::readRecord;

namespace {

void spawnTwoCoroutines(Scheduler &s)
{
    s.spawn(readRecord(QStringLiteral("a")), QStringLiteral("C1"));
    s.spawn(readRecord(QStringLiteral("b")), QStringLiteral("C2"));
}

QList<TaskRunState> states(const TaskSummary &task)
{
    QList<TaskRunState> out;
    for (const TaskStateSpan &span : task.spans)
        out << span.state;
    return out;
}

//! Activations as "task start-end depth" strings, in start order.
QStringList activations(const Trace &trace, const TraceDigest &digest)
{
    QStringList out;
    const IntervalIndex &seqs = digest.activationIntervals();
    for (qsizetype i = 0; i < seqs.size(); ++i) {
        const Activation &a = digest.activations()[static_cast<std::size_t>(i)];
        out << QStringLiteral("%1 %2-%3 %4")
                   .arg(trace.taskName(a.task))
                   .arg(seqs.start(i))
                   .arg(seqs.end(i))
                   .arg(a.depth);
    }
    return out;
}

Task<int> chain(int depth)
{
    if (depth == 0) {
        co_await sleep(1s);
        co_return 7;
    }
    co_return co_await chain(depth - 1).named(QStringLiteral("link %1").arg(depth - 1));
}

Task<void> rounds(int count)
{
    for (int i = 0; i < count; ++i) {
        co_await yieldNow();
        co_await io(QStringLiteral("read"), 2ms);
        co_await sleep(1ms);
    }
}

//! Everything a digest says about `trace`, as text to compare.
QStringList described(const Trace &trace, const TraceDigest &digest)
{
    QStringList out = activations(trace, digest);
    for (TaskId id = 1; id <= digest.taskCount(); ++id) {
        const TaskSummary &task = digest.task(id);
        QString line = QStringLiteral("task %1 parent %2 resumes %3 busy %4 ready %5 waiting %6 spans")
                           .arg(id)
                           .arg(task.parent)
                           .arg(task.resumes)
                           .arg(digest.busyNs(task))
                           .arg(digest.readyNs(task))
                           .arg(digest.waitingNs(task));
        for (const TaskStateSpan &span : task.spans)
            line += QStringLiteral(" %1@%2").arg(int(span.state)).arg(span.startSeq);
        out << line;
    }
    for (qsizetype i = 0; i < digest.ioCount(); ++i)
        out << QStringLiteral("io %1 task %2 %3-%4")
                   .arg(digest.ioOperations()[std::size_t(i)].id)
                   .arg(digest.ioOperations()[std::size_t(i)].task)
                   .arg(digest.ioFlights().start(i))
                   .arg(digest.ioFlights().end(i));
    for (std::size_t i = 0; i < digest.timers().size(); ++i)
        out << QStringLiteral("timer %1 %2-%3")
                   .arg(digest.timers()[i].id)
                   .arg(digest.timerFlights().start(qsizetype(i)))
                   .arg(digest.timerFlights().end(qsizetype(i)));
    for (const LoopShare &share : digest.loopShares())
        out << QStringLiteral("loop %1: %2 %3 %4 %5")
                   .arg(share.thread)
                   .arg(share.runningNs)
                   .arg(share.waitingIoNs)
                   .arg(share.idleNs)
                   .arg(share.ownNs);
    return out;
}

} // namespace

class TestTraceDigest : public QObject
{
    Q_OBJECT
private slots:
    void twoCoroutinesEndDoneAfterWaitingTwoSeconds()
    {
        Scheduler s;
        spawnTwoCoroutines(s);
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        QCOMPARE(digest.taskCount(), TaskId(2));
        for (TaskId id : { 1u, 2u }) {
            const TaskSummary &task = digest.task(id);
            QCOMPARE(task.state, TaskRunState::Done);
            QCOMPARE(task.resumes, 1u);
            QCOMPARE(digest.waitingNs(task), 2'000'000'000);
            QCOMPARE(digest.busyNs(task), 0);
            QCOMPARE(s.trace().labels().text(task.outcome), QStringLiteral("1"));
            QCOMPARE(states(task),
                (QList<TaskRunState> { TaskRunState::Ready, TaskRunState::Running, TaskRunState::AwaitingIo,
                    TaskRunState::Ready, TaskRunState::Running, TaskRunState::Done }));
        }
        QCOMPARE(digest.endTimeNs(), 2'000'000'000);
    }

    void activationsSpanFromStartOrResumeToSuspendOrReturn()
    {
        Scheduler s;
        spawnTwoCoroutines(s);
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        // The canonical schedule: C1 runs for events 3..5, C2 for 6..8, then 12..13 and 14..15.
        QCOMPARE(activations(s.trace(), digest),
            (QStringList { "C1 3-5 0", "C2 6-8 0", "C1 12-13 0", "C2 14-15 0" }));
        const IntervalIndex &flights = digest.ioFlights();
        QCOMPARE(flights.size(), 2);
        QCOMPARE(flights.start(0), SeqNo(4));
        QCOMPARE(flights.end(0), SeqNo(10));
        QCOMPARE(flights.start(1), SeqNo(7));
        QCOMPARE(flights.end(1), SeqNo(11));
        QCOMPARE(s.trace().labels().text(digest.io(1)->detail), QStringLiteral("read a"));
    }

    void whileSuspendedTheTaskSaysWhatItAwaits()
    {
        Scheduler s;
        spawnTwoCoroutines(s);
        s.step();
        TraceDigest digest;
        digest.update(s.trace());
        const TaskSummary &c1 = digest.task(1);
        QCOMPARE(c1.state, TaskRunState::AwaitingIo);
        QCOMPARE(digest.awaitingText(s.trace(), c1), QStringLiteral("I/O read a"));
        QCOMPARE(digest.task(2).state, TaskRunState::Ready);
        QCOMPARE(digest.activationIntervals().end(0), SeqNo(5));
    }

    void awaitKinds_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<TaskRunState>("state");
        QTest::addColumn<QString>("awaiting");
        QTest::newRow("sleep") << 0 << TaskRunState::AwaitingTimer << "sleep 3.000 s";
        QTest::newRow("another task") << 1 << TaskRunState::AwaitingTask << "task sleeper";
        QTest::newRow("an event") << 2 << TaskRunState::AwaitingOther << "event go";
        QTest::newRow("yield") << 3 << TaskRunState::Ready << "";
    }
    void awaitKinds()
    {
        QFETCH(int, kind);
        QFETCH(TaskRunState, state);
        QFETCH(QString, awaiting);
        Scheduler s;
        Event go(QStringLiteral("go"));
        auto sleeper = s.spawn([]() -> Task<void> { co_await sleep(5s); }(), QStringLiteral("sleeper"));
        auto body = [](int kind, TaskHandle<void> other, Event &event) -> Task<void> {
            switch (kind) {
            case 0:
                co_await sleep(3s);
                break;
            case 1:
                co_await other;
                break;
            case 2:
                co_await event.wait();
                break;
            default:
                co_await yieldNow();
                break;
            }
        };
        s.spawn(body(kind, sleeper, go), QStringLiteral("watched"));
        s.step(); // the sleeper starts and sleeps
        s.step(); // the watched task starts and suspends
        TraceDigest digest;
        digest.update(s.trace());
        const TaskSummary &watched = digest.task(2);
        QCOMPARE(watched.state, state);
        QCOMPARE(digest.awaitingText(s.trace(), watched), awaiting);
    }

    void everyAwaitMarksWhatKindOfWaitItIs()
    {
        // The kind of a wait travels in the suspension and in the resumption that ends it.
        Scheduler s;
        Event go(QStringLiteral("go"));
        Semaphore permits(1, QStringLiteral("db"));
        BoundedQueue<int> queue(1, QStringLiteral("q"));
        auto sleeper = s.spawn([]() -> Task<void> { co_await sleep(1s); }(), QStringLiteral("sleeper"));
        s.spawn([](Event &event) -> Task<void> { co_await event.wait(); }(go), QStringLiteral("waiter"));
        s.spawn(
            [](Semaphore &db, Event &event) -> Task<void> {
                co_await db.acquire();
                co_await event.wait();
                db.release();
            }(permits, go),
            QStringLiteral("holder"));
        s.spawn(
            [](Semaphore &db) -> Task<void> {
                co_await db.acquire();
                db.release();
            }(permits),
            QStringLiteral("blocked"));
        s.spawn(
            [](BoundedQueue<int> &q) -> Task<void> { co_await q.get(); }(queue), QStringLiteral("consumer"));
        s.spawn(
            [](TaskHandle<void> other, BoundedQueue<int> &q, Event &event) -> Task<void> {
                co_await yieldNow();
                co_await other;
                co_await io(QStringLiteral("read"), 1s);
                co_await q.put(1);
                event.set();
            }(sleeper, queue, go),
            QStringLiteral("main"));
        s.runUntilIdle();
        QMap<QString, QStringList> waits; // task -> the kinds of its suspensions, then of its resumptions
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            const TraceEvent e = s.trace().at(i);
            if (e.kind == EventKind::TaskSuspended || e.kind == EventKind::TaskResumed)
                waits[s.trace().taskName(e.task)] << QStringLiteral("%1 %2").arg(
                    e.kind == EventKind::TaskSuspended ? "awaits" : "resumed after", waitKindName(e.wait()));
        }
        QCOMPARE(
            waits.value(QStringLiteral("sleeper")), QStringList({ "awaits timer", "resumed after timer" }));
        QCOMPARE(waits.value(QStringLiteral("waiter")), QStringList({ "awaits sync", "resumed after sync" }));
        QCOMPARE(
            waits.value(QStringLiteral("blocked")), QStringList({ "awaits sync", "resumed after sync" }));
        QCOMPARE(
            waits.value(QStringLiteral("consumer")), QStringList({ "awaits queue", "resumed after queue" }));
        QCOMPARE(waits.value(QStringLiteral("main")),
            QStringList({ "awaits yield", "resumed after yield", "awaits task", "resumed after task",
                "awaits io", "resumed after io" }));
    }

    void theKindOfAWaitIsReadFromTheEventNotItsLabel_data()
    {
        QTest::addColumn<QString>("label");
        QTest::addColumn<WaitKind>("wait");
        QTest::addColumn<TaskRunState>("state");
        QTest::newRow("a wait labelled yield") << "yield" << WaitKind::Other << TaskRunState::AwaitingOther;
        QTest::newRow("a yield labelled otherwise") << "next turn" << WaitKind::Yield << TaskRunState::Ready;
        QTest::newRow("a join whatever its label")
            << "the other one" << WaitKind::Task << TaskRunState::AwaitingTask;
        QTest::newRow("I/O without a submit")
            << "socket readable" << WaitKind::Io << TaskRunState::AwaitingIo;
        QTest::newRow("a queue") << "q empty (get)" << WaitKind::Queue << TaskRunState::AwaitingOther;
    }
    void theKindOfAWaitIsReadFromTheEventNotItsLabel()
    {
        QFETCH(QString, label);
        QFETCH(WaitKind, wait);
        QFETCH(TaskRunState, state);
        Trace trace;
        trace.registerTask(1, trace.intern(QStringLiteral("T")), NoTask);
        trace.append(EventKind::TaskCreated, 0, 1);
        trace.append(EventKind::TaskStarted, 0, 1);
        trace.append(EventKind::TaskSuspended, 0, 1, 1, trace.intern(label), 0, wait);
        TraceDigest digest;
        digest.update(trace);
        QCOMPARE(digest.task(1).state, state);
    }

    void aGeneratorRunsInsideItsConsumersActivation()
    {
        // The feeder sends values into its generator: it holds the thread from its start to its
        // first sleep, then from each wake-up to the next, and the generator runs, nested above
        // it, from each send to the value it yields back.
        const ScenarioTesting::Played played = ScenarioTesting::play(QStringLiteral("send"));
        const Trace &trace = played.trace();
        TraceDigest digest;
        digest.update(trace);
        const IntervalIndex &seqs = digest.activationIntervals();
        QStringList feeder;
        QStringList squarer;
        for (qsizetype i = 0; i < seqs.size(); ++i) {
            const Activation &a = digest.activations()[std::size_t(i)];
            const QString span = QStringLiteral("%1-%2@%3").arg(seqs.start(i)).arg(seqs.end(i)).arg(a.depth);
            (trace.taskName(a.task) == u"feeder" ? feeder : squarer) << span;
        }
        QCOMPARE(feeder.size(), 3); // a bar from its start, one per wake-up after a sleep
        QVERIFY2(squarer.size() >= 3, qPrintable(squarer.join(u' ')));
        for (const QString &span : squarer)
            QVERIFY2(span.endsWith(QStringLiteral("@1")), qPrintable(span)); // above the feeder's
        QCOMPARE(digest.task(1).state, TaskRunState::Done);
    }

    void loopsOnThreadsHoldTheirThreadsInParallel()
    {
        // Three loops on three threads: loop 0's CPU-bound task holds its thread for 1.5 s while
        // the other loops start and resume their fetches; its activation spans all of it.
        const ScenarioTesting::Played played
            = ScenarioTesting::play(QStringLiteral("threads"), { QStringLiteral("loops=3") });
        const Trace &trace = played.trace();
        TraceDigest digest;
        digest.update(trace);
        const IntervalIndex &seqs = digest.activationIntervals();
        qsizetype crunch = -1;
        for (qsizetype i = 0; i < seqs.size(); ++i) {
            if (trace.taskName(digest.activations()[std::size_t(i)].task) == u"L0 crunch")
                crunch = i;
        }
        QVERIFY(crunch >= 0);
        const SeqNo start = seqs.start(crunch);
        const SeqNo end = seqs.end(crunch);
        QCOMPARE(
            trace.at(trace.indexOfSeq(end)).timeNs - trace.at(trace.indexOfSeq(start)).timeNs, 1'500'000'000);
        int othersMeanwhile = 0;
        for (qsizetype i = 0; i < seqs.size(); ++i) {
            const TaskId task = digest.activations()[std::size_t(i)].task;
            othersMeanwhile += i != crunch && seqs.start(i) > start && seqs.start(i) < end
                && trace.taskName(task).startsWith(QStringLiteral("L1"));
        }
        QVERIFY(othersMeanwhile > 0);
    }

    void delegationNestsActivationsAndResumesTheParent()
    {
        Scheduler s;
        s.spawn(chain(2), QStringLiteral("outer"));
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        QCOMPARE(digest.taskCount(), TaskId(3));
        // outer delegates to link 1, which delegates to link 0: nested bars until link 0 sleeps.
        const QStringList bars = activations(s.trace(), digest);
        QVERIFY2(bars.size() >= 6, qPrintable(bars.join(u'|')));
        QVERIFY(bars[0].startsWith(QStringLiteral("outer ")) && bars[0].endsWith(QStringLiteral(" 0")));
        QVERIFY(bars[1].startsWith(QStringLiteral("link 1 ")) && bars[1].endsWith(QStringLiteral(" 1")));
        QVERIFY(bars[2].startsWith(QStringLiteral("link 0 ")) && bars[2].endsWith(QStringLiteral(" 2")));
        for (TaskId id : { 1u, 2u, 3u })
            QCOMPARE(digest.task(id).state, TaskRunState::Done);
        QCOMPARE(s.trace().labels().text(digest.task(1).outcome), QStringLiteral("7"));
        // While link 0 slept, its parents were awaiting a task, not running.
        QCOMPARE(digest.task(1).spans[2].state, TaskRunState::AwaitingTask);
    }

    void failuresAndCancellationsEndTheTask()
    {
        Scheduler s;
        auto failing = []() -> Task<void> {
            co_await yieldNow();
            throw std::runtime_error("disk on fire");
        };
        s.spawn(failing(), QStringLiteral("failing"));
        auto sleeper = s.spawn([]() -> Task<void> { co_await sleep(10s); }(), QStringLiteral("sleeper"));
        s.step();
        s.step();
        s.cancel(sleeper);
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        QCOMPARE(digest.task(1).state, TaskRunState::Failed);
        QCOMPARE(s.trace().labels().text(digest.task(1).outcome), QStringLiteral("disk on fire"));
        QCOMPARE(digest.task(2).state, TaskRunState::Cancelled);
        // The cancelled sleep never fired; its flight ends with the task.
        QVERIFY(digest.timerFlights().end(0) != IntervalIndex::OpenEnd);
    }

    void incrementalUpdatesEqualOneUpdate()
    {
        Scheduler stepped;
        Scheduler whole;
        for (Scheduler *s : { &stepped, &whole }) {
            for (int i = 0; i < 20; ++i)
                s->spawn(readRecord(QString::number(i)), QStringLiteral("w%1").arg(i));
            s->spawn(chain(3), QStringLiteral("outer"));
        }
        TraceDigest incremental;
        while (stepped.step().action != StepAction::Idle)
            incremental.update(stepped.trace());
        whole.runUntilIdle();
        TraceDigest once;
        once.update(whole.trace());
        QCOMPARE(incremental.taskCount(), once.taskCount());
        for (TaskId id = 1; id <= once.taskCount(); ++id) {
            QCOMPARE(states(incremental.task(id)), states(once.task(id)));
            QCOMPARE(incremental.busyNs(incremental.task(id)), once.busyNs(once.task(id)));
            QCOMPARE(incremental.waitingNs(incremental.task(id)), once.waitingNs(once.task(id)));
        }
        QCOMPARE(activations(stepped.trace(), incremental), activations(whole.trace(), once));
    }

    void aLongTraceDigestsTheSameAtOnceInBatchesAndEventByEvent()
    {
        // Over 100,000 new events at once, the digest sizes its lists first: that must change
        // nothing, whatever the batches (a trace opened whole, a background digest in slices).
        SchedulerOptions options;
        options.clock = ClockMode::Virtual;
        Scheduler s(options);
        for (int i = 0; i < 300; ++i)
            s.spawn(rounds(60), QStringLiteral("w%1").arg(i));
        s.spawn(chain(3), QStringLiteral("outer"));
        s.runUntilIdle();
        const Trace &trace = s.trace();
        QVERIFY2(trace.size() > 150'000, qPrintable(QString::number(trace.size())));
        TraceDigest once;
        once.update(trace);
        TraceDigest batches;
        qsizetype end = 0;
        for (const qsizetype batch : { 1, 7, 120'000, 1'000, 40'000 }) {
            end = std::min(trace.size(), end + batch);
            batches.updateUntil(trace, end);
            QCOMPARE(batches.nextSeq(), trace.firstSeq() + SeqNo(end));
        }
        const TraceDigest::Change rest = batches.update(trace);
        QVERIFY(!rest.isEmpty());
        TraceDigest eventByEvent;
        for (qsizetype i = 0; i < trace.size(); ++i)
            eventByEvent.add(trace.at(i));
        const QStringList expected = described(trace, eventByEvent);
        QCOMPARE(described(trace, once), expected);
        QCOMPARE(described(trace, batches), expected);
        QCOMPARE(once.ioCount(), qsizetype(300 * 60));
        // The loop's time, kept by the digest, is what a pass of its own finds.
        const std::vector<LoopShare> shares = once.loopShares();
        const std::vector<LoopShare> own = loopShares(trace);
        QCOMPARE(shares.size(), own.size());
        QCOMPARE(shares.front().runningNs, own.front().runningNs);
        QCOMPARE(shares.front().waitingIoNs, own.front().waitingIoNs);
        QCOMPARE(shares.front().idleNs, own.front().idleNs);
        QVERIFY(shares.front().waitingIoNs > 0);
    }

    void updateReportsTheTasksThatChanged()
    {
        Scheduler s;
        spawnTwoCoroutines(s);
        TraceDigest digest;
        s.step();
        const TraceDigest::Change first = digest.update(s.trace());
        QCOMPARE(first.taskCountBefore, TaskId(0));
        QCOMPARE(first.first, TaskId(1));
        QCOMPARE(first.last, TaskId(2));
        s.step(); // only C2 runs
        const TraceDigest::Change second = digest.update(s.trace());
        QCOMPARE(second.first, TaskId(2));
        QCOMPARE(second.last, TaskId(2));
        QVERIFY(digest.update(s.trace()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTraceDigest)
#include "tst_tracedigest.moc"
