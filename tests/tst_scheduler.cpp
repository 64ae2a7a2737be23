// The scheduler's loop: turns and stepping, the canonical two-coroutine schedule and its golden
// text, concurrent waits, determinism, slow steps, nested runs, task names, publishing the trace
// once per turn, what its public face shows, and freeing what is left when it is destroyed. The
// primitives it offers tasks have suites of their own (see scheduler.cmake).
#include "scheduler/boundedqueue.h"
#include "scheduler/event.h"
#include "scheduler/semaphore.h"
#include "testlib/sampletasks.h"
#include "testlib/tracetext.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace std::chrono_literals;

namespace {

//! A SourceLine taken past line 65535 (defined at the end of this file).
SourceLine lineFarDown();

// The back end stays behind detail::SchedulerBackend: a program can neither trace, park nor wake
// tasks by hand, nor reach a task's shared state through its handle.
template<typename S>
concept ShowsItsBackEnd = requires(S &s, detail::WaitNode &node)
{
    s.record(EventKind::Message, TaskId {});
}
|| requires(S &s, detail::WaitNode &node)
{
    s.makeReady(node);
}
|| requires(S &s, detail::PromiseBase &p, detail::WaitNode &node)
{
    s.suspend(p, std::coroutine_handle<> {}, node);
}
|| requires(S &s)
{
    s.intern(QString());
};
template<typename H>
concept ShowsItsCore = requires(const H &handle)
{
    handle.core();
};
static_assert(!ShowsItsBackEnd<Scheduler>, "Scheduler's back end must not be public");
static_assert(
    ShowsItsBackEnd<detail::SchedulerBackend>, "the back end is reached through detail::SchedulerBackend");
static_assert(!ShowsItsCore<TaskHandle<int>>, "a TaskHandle's core is the back end's");

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT
private slots:
    void twoCoroutinesFollowTheCanonicalSchedule()
    {
        Scheduler s;
        auto c1 = s.spawn(awaitIo(QStringLiteral("read a")), QStringLiteral("C1"));
        auto c2 = s.spawn(awaitIo(QStringLiteral("read b")), QStringLiteral("C2"));
        s.runUntilIdle();
        const QStringList expected {
            "task_created C1",
            "task_created C2",
            "loop_started loop",
            "task_started C1",
            "io_submitted C1",
            "task_suspended C1",
            "task_started C2",
            "io_submitted C2",
            "task_suspended C2",
            "loop_waiting loop",
            "io_completed C1",
            "io_completed C2",
            "task_resumed C1",
            "task_returned C1",
            "task_resumed C2",
            "task_returned C2",
            "loop_stopped loop",
        };
        QCOMPARE(schedule(s.trace()), expected);
        QCOMPARE(c1.result(), 1);
        QCOMPARE(c2.result(), 1);
        QCOMPARE(s.now(), 2'000'000'000);
    }

    void stepWalksOneSchedulingActionAtATime()
    {
        Scheduler s;
        s.spawn(awaitIo(QStringLiteral("read a")), QStringLiteral("C1"));
        s.spawn(awaitIo(QStringLiteral("read b")), QStringLiteral("C2"));
        struct Expect
        {
            StepAction action;
            QString task;
            QStringList events;
        };
        const QList<Expect> walk {
            { StepAction::StartedTask, "C1",
                { "loop_started loop", "task_started C1", "io_submitted C1", "task_suspended C1" } },
            { StepAction::StartedTask, "C2", { "task_started C2", "io_submitted C2", "task_suspended C2" } },
            { StepAction::Waited, "loop", { "loop_waiting loop" } },
            { StepAction::CompletedIo, "C1", { "io_completed C1" } },
            { StepAction::CompletedIo, "C2", { "io_completed C2" } },
            { StepAction::ResumedTask, "C1", { "task_resumed C1", "task_returned C1" } },
            { StepAction::ResumedTask, "C2", { "task_resumed C2", "task_returned C2" } },
            { StepAction::Idle, "loop", { "loop_stopped loop" } },
        };
        for (const auto &expect : walk) {
            const StepResult r = s.step();
            QCOMPARE(stepActionName(r.action), stepActionName(expect.action));
            QCOMPARE(s.trace().taskName(r.task), expect.task);
            QStringList events;
            for (SeqNo seq = r.firstSeq; seq < r.endSeq; ++seq) {
                const auto &e = s.trace().at(s.trace().indexOfSeq(seq));
                events << QStringLiteral("%1 %2").arg(eventKindName(e.kind), s.trace().taskName(e.task));
            }
            QCOMPARE(events, expect.events);
        }
    }

    void concurrentWaitsOverlap_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("2") << 2;
        QTest::newRow("3") << 3;
        QTest::newRow("1000") << 1000;
        QTest::newRow("100000") << 100000;
    }
    void concurrentWaitsOverlap()
    {
        QFETCH(int, n);
        Scheduler s;
        for (int i = 0; i < n; ++i)
            s.spawn(awaitIo(QStringLiteral("request")));
        s.runUntilIdle();
        QCOMPARE(s.now(), 2'000'000'000LL);
        QCOMPARE(countKind(s.trace(), EventKind::TaskReturned), qsizetype(n));
        QCOMPARE(s.liveTaskCount(), 0);

        Scheduler sequential;
        const int m = std::min(n, 1000);
        auto one = [](int count) -> Task<void> {
            for (int i = 0; i < count; ++i)
                co_await io(QStringLiteral("request"), 2s);
        };
        sequential.runUntilComplete(one(m));
        QCOMPARE(sequential.now(), 2'000'000'000LL * m);
    }

    void nestedRunFailsAndTheLoopSurvives()
    {
        Scheduler s;
        auto nested = [](QString *error) -> Task<int> {
            Scheduler &self = co_await thisScheduler();
            try {
                self.runUntilIdle();
            } catch (const LoopAlreadyRunningError &e) {
                *error = e.message();
            }
            try {
                self.step();
            } catch (const LoopAlreadyRunningError &) {
                error->append(QStringLiteral(" (step too)"));
            }
            co_await sleep(1s);
            co_return 7;
        };
        QString error;
        auto other = s.spawn(awaitIo(QStringLiteral("x"), 3s));
        QCOMPARE(s.runUntilComplete(nested(&error)), 7);
        QCOMPARE(error, QStringLiteral("the event loop is already running (step too)"));
        s.runUntilIdle();
        QCOMPARE(other.result(), 1);
    }

    void uncaughtNestedRunIsATaskFailure()
    {
        Scheduler s;
        auto nested = []() -> Task<void> {
            Scheduler &self = co_await thisScheduler();
            self.runUntilIdle();
        };
        auto handle = s.spawn(nested(), QStringLiteral("naughty"));
        s.runUntilIdle();
        QCOMPARE(handle.state(), TaskState::Failed);
        QVERIFY(
            fullText(s.trace()).contains(QStringLiteral("naughty fails: the event loop is already running")));
    }

    void yieldNowInterleavesRoundRobin()
    {
        Scheduler s;
        QStringList order;
        auto worker = [](QString name, QStringList &out) -> Task<void> {
            for (int i = 0; i < 3; ++i) {
                out << name + QString::number(i);
                co_await yieldNow();
            }
        };
        s.spawn(worker(QStringLiteral("a"), order));
        s.spawn(worker(QStringLiteral("b"), order));
        s.runUntilIdle();
        QCOMPARE(order.join(u' '), QStringLiteral("a0 b0 a1 b1 a2 b2"));
    }

    void awaitsRecordTheLineTheyAreWrittenOn()
    {
        Scheduler s;
        static constexpr int YieldLine = __LINE__ + 3;
        static constexpr int SleepLine = __LINE__ + 3;
        auto task = []() -> Task<void> {
            co_await yieldNow();
            co_await sleep(1s);
        };
        s.spawn(task());
        s.runUntilIdle();
        QList<int> suspended;
        QList<int> resumed;
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            const TraceEvent e = s.trace().at(i);
            if (e.kind == EventKind::TaskSuspended)
                suspended << e.line;
            if (e.kind == EventKind::TaskResumed)
                resumed << e.line;
        }
        QCOMPARE(suspended, (QList<int> { YieldLine, SleepLine }));
        QCOMPARE(resumed, (QList<int> { YieldLine, SleepLine }));

        static_assert(SourceLine(std::source_location::current()).value() == __LINE__);
        QCOMPARE(SourceLine().value(), std::uint16_t(__LINE__));
        QCOMPARE(lineFarDown().value(), std::uint16_t(UINT16_MAX)); // trace events keep 16 bits
    }

    void blockingCallIsFlaggedAsSlowStep()
    {
        Scheduler s;
        auto blocker = []() -> Task<void> {
            co_await blockFor(500ms);
            co_await yieldNow();
        };
        s.runUntilComplete(blocker(), QStringLiteral("blocker"));
        QCOMPARE(countKind(s.trace(), EventKind::SlowStep), qsizetype(1));
        QVERIFY(
            fullText(s.trace()).contains(QStringLiteral("SLOW STEP: blocker ran 500 ms without yielding")));

        // Two short blocking calls in one step add up; the steps after them are not slow.
        Scheduler twice;
        auto blocksTwice = []() -> Task<void> {
            co_await blockFor(60ms);
            co_await blockFor(60ms);
            co_await yieldNow();
            co_await yieldNow();
        };
        twice.runUntilComplete(blocksTwice(), QStringLiteral("twice"));
        QCOMPARE(countKind(twice.trace(), EventKind::SlowStep), qsizetype(1));
        QVERIFY(fullText(twice.trace()).contains(QStringLiteral("twice ran 120 ms without yielding")));

        // On the real clock every step is timed.
        Scheduler real(SchedulerOptions { ClockMode::Real });
        auto sleepsHard = []() -> Task<void> {
            co_await blockFor(250ms);
            co_await yieldNow();
        };
        real.runUntilComplete(sleepsHard(), QStringLiteral("real"));
        QCOMPARE(countKind(real.trace(), EventKind::SlowStep), qsizetype(1));
    }

    void sameProgramGivesAByteIdenticalTrace()
    {
        auto run = [] {
            Scheduler s;
            Semaphore sem(2);
            auto worker = [](Semaphore &limit, int i) -> Task<int> {
                co_await limit.acquire();
                Semaphore::Permit permit(limit);
                co_await io(
                    QStringLiteral("GET /page/%1").arg(i), std::chrono::milliseconds(100 + 37 * (i % 5)));
                co_await yieldNow();
                co_return i *i;
            };
            for (int i = 0; i < 20; ++i)
                s.spawn(worker(sem, i), QStringLiteral("w%1").arg(i));
            s.runUntilIdle();
            return fullText(s.trace()).toUtf8();
        };
        const QByteArray first = run();
        QCOMPARE(run(), first);
        QVERIFY(first.size() > 2000);
    }

    void twoCoroutineGoldenText()
    {
        Scheduler s;
        s.spawn(awaitIo(QStringLiteral("read a")), QStringLiteral("C1"));
        s.spawn(awaitIo(QStringLiteral("read b")), QStringLiteral("C2"));
        s.runUntilIdle();
        const QString golden = QStringLiteral("#0 t=0 s C1 created\n"
                                              "#1 t=0 s C2 created\n"
                                              "#2 t=0 s loop started\n"
                                              "#3 t=0 s loop starts C1\n"
                                              "#4 t=0 s C1 submits I/O #1 read a\n"
                                              "#5 t=0 s C1 awaits read a\n"
                                              "#6 t=0 s loop starts C2\n"
                                              "#7 t=0 s C2 submits I/O #2 read b\n"
                                              "#8 t=0 s C2 awaits read b\n"
                                              "#9 t=0 s loop waits on I/O and timers for 2.000 s\n"
                                              "#10 t=2.000 s I/O #1 complete done -> C1\n"
                                              "#11 t=2.000 s I/O #2 complete done -> C2\n"
                                              "#12 t=2.000 s loop resumes C1\n"
                                              "#13 t=2.000 s C1 completes, returning 1\n"
                                              "#14 t=2.000 s loop resumes C2\n"
                                              "#15 t=2.000 s C2 completes, returning 1\n"
                                              "#16 t=2.000 s loop stopped (idle)");
        QCOMPARE(fullText(s.trace()), golden);
    }

    void publishesOncePerTurn()
    {
        Scheduler s;
        QSignalSpy appended(&s.trace(), &Trace::eventsAppended);
        auto worker = []() -> Task<void> {
            for (int i = 0; i < 3; ++i)
                co_await yieldNow();
        };
        for (int i = 0; i < 100; ++i)
            s.spawn(worker());
        s.runUntilIdle();
        // 4 turns of 100 resumptions each, plus the final publish: far fewer signals than events.
        QVERIFY(appended.count() <= 6);
        QVERIFY(s.trace().size() > 700);
        SeqNo expected = 0;
        for (const auto &args : appended) {
            QCOMPARE(args.at(0).value<SeqNo>(), expected);
            expected = args.at(1).value<SeqNo>() + 1;
        }
        QCOMPARE(expected, s.trace().nextSeq());
    }

    void valuesReadAsPeopleWriteThem()
    {
        struct Opaque
        {
            int secret = 0;
        };
        QCOMPARE(formatValue(42), QStringLiteral("42"));
        QCOMPARE(formatValue(true), QStringLiteral("true"));
        QCOMPARE(formatValue(QStringLiteral("text")), QStringLiteral("text"));
        // A type with nothing to say about itself is named as it is written, not as it is mangled.
        const QString opaque = formatValue(Opaque {});
        QVERIFY2(opaque.endsWith(QStringLiteral("::Opaque")), qPrintable(opaque));
        QCOMPARE(readableTypeName(typeid(SourceLine)), QStringLiteral("Loopscope::SourceLine"));
    }

    void spawnedTasksTakeTheirNames()
    {
        Scheduler s;
        const auto plain = s.spawn(awaitIo(QStringLiteral("a")));
        const auto named = s.spawn(awaitIo(QStringLiteral("b")).named(QStringLiteral("fetcher")));
        const auto both
            = s.spawn(awaitIo(QStringLiteral("c")).named(QStringLiteral("ignored")), QStringLiteral("given"));
        s.runUntilIdle();
        QCOMPARE(s.trace().taskName(plain.id()), QStringLiteral("task %1").arg(plain.id()));
        QCOMPARE(s.trace().taskName(named.id()), QStringLiteral("fetcher"));
        QCOMPARE(s.trace().taskName(both.id()), QStringLiteral("given"));
    }

    void destroyingTheSchedulerFreesSuspendedTasks()
    {
        auto s = std::make_unique<Scheduler>();
        auto queue = std::make_unique<BoundedQueue<QString>>(1);
        Semaphore sem(1);
        Event never;
        QStringList seen;
        auto getter = [](BoundedQueue<QString> &q) -> Task<void> { co_await q.get(); };
        auto putter = [](BoundedQueue<QString> &q) -> Task<void> {
            co_await q.put(QStringLiteral("a"));
            co_await q.put(QStringLiteral("b"));
        };
        auto holder = [](Semaphore &sm, Event &e) -> Task<void> {
            co_await sm.acquire();
            Semaphore::Permit permit(sm);
            co_await e.wait();
        };
        auto joiner = [](TaskHandle<int> h) -> Task<void> { co_await h; };
        s->spawn(getter(*queue));
        s->spawn(holder(sem, never));
        s->spawn(holder(sem, never));
        auto chain = s->spawn(chainLink(5, &seen));
        s->spawn(joiner(chain));
        s->step();
        s->step();
        s->step();
        s->step();
        s->step();
        auto owner = std::make_unique<Scheduler>();
        owner->spawn(putter(*queue));
        owner->step();
        owner.reset(); // a task parked on a queue that outlives its scheduler
        s.reset();
        queue.reset();
        QCOMPARE(sem.available(), 1);
        QVERIFY(seen.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"

// Last in the file, since it renumbers the lines after it.
namespace {
#line 70000
SourceLine lineFarDown()
{
    return SourceLine();
}
} // namespace
