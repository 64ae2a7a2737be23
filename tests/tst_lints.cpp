#include "analysis/awaittree.h"
#include "analysis/latency.h"
#include "analysis/lints.h"
#include "analysis/tracedigest.h"
#include "cli/lintcommand.h"
#include "scenarioplay.h"
#include "scheduler/awaitables.h"
#include "scheduler/errors.h"

#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

using namespace Loopscope;
using ScenarioTesting::Ms;
using ScenarioTesting::play;

namespace {

//! A hand-written schedule: tasks named as given, events appended in order.
class Schedule
{
public:
    TaskId task(const QString &name, TaskId parent = NoTask)
    {
        const TaskId id = ++m_tasks;
        m_trace.registerTask(id, m_trace.intern(name), parent);
        event(EventKind::TaskCreated, id, parent, m_trace.intern(name));
        return id;
    }
    Schedule &at(std::int64_t ns)
    {
        m_now = ns;
        return *this;
    }
    Schedule &event(EventKind kind, TaskId task, std::uint32_t other = 0, std::uint32_t detail = 0,
        WaitKind wait = WaitKind::Other)
    {
        m_trace.append(kind, m_now, task, other, detail, 0, wait);
        return *this;
    }
    Schedule &suspend(TaskId task, WaitKind wait, const QString &label, std::uint32_t other = 0)
    {
        return event(EventKind::TaskSuspended, task, other, m_trace.intern(label), wait);
    }
    const Trace &trace() const { return m_trace; }

private:
    Trace m_trace;
    TaskId m_tasks = 0;
    std::int64_t m_now = 0;
};

QStringList kindsAndTasks(const Trace &trace, const std::vector<Finding> &findings)
{
    QStringList list;
    for (const Finding &f : findings)
        list << QStringLiteral("%1 %2").arg(findingKindName(f.kind), trace.taskName(f.task));
    return list;
}

int lint(const QStringList &args, QString *out = nullptr, QString *err = nullptr)
{
    QString o;
    QString e;
    QTextStream outStream(&o);
    QTextStream errStream(&e);
    const int code = runLintCommand(args, outStream, errStream);
    outStream.flush();
    errStream.flush();
    if (out)
        *out = o;
    if (err)
        *err = e;
    return code;
}

} // namespace

class TestLints : public QObject
{
    Q_OBJECT
private slots:
    void cleanScenariosStayClean_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("params");
        const auto row = [](const char *name, QStringList params = {}) {
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(name, params.join(u' '))))
                << QString::fromLatin1(name) << params;
        };
        row("two-coroutines");
        row("generators");
        row("send");
        row("delegation", { "n=5" });
        row("callback-queue");
        row("callback-timer");
        row("sequential-vs-concurrent", { "n=300", "mode=sequential" });
        row("sequential-vs-concurrent", { "n=300", "mode=concurrent" });
        row("producer-consumer");
        row("nested-loop");
        row("paginated");
        row("polling-loop", { "readiness=readiness" });
    }

    void cleanScenariosStayClean()
    {
        QFETCH(QString, scenario);
        QFETCH(QStringList, params);
        const auto played = play(scenario, params);
        const std::vector<Finding> findings = lintTrace(played.trace());
        QVERIFY2(findings.empty(), qPrintable(kindsAndTasks(played.trace(), findings).join(u'\n')));
    }

    void aBlockingCallbackIsABlockingStep()
    {
        const auto played = play(QStringLiteral("callback-blocking"));
        const std::vector<Finding> findings = lintTrace(played.trace());
        QCOMPARE(kindsAndTasks(played.trace(), findings),
            (QStringList { "blocking-step hello", "blocking-step world", "blocking-step hello",
                "blocking-step world" }));
        QVERIFY(findings.front().message.contains(QStringLiteral("held the loop for 1.000 s")));
        // Over a higher threshold the same schedule is clean.
        LintOptions lenient;
        lenient.maxStepNs = 2000 * Ms;
        QVERIFY(lintTrace(played.trace(), lenient).empty());
        // The CPU-bound task of loop 0 blocks its own loop.
        const auto threads = play(QStringLiteral("threads"), { QStringLiteral("loops=3") });
        QCOMPARE(kindsAndTasks(threads.trace(), lintTrace(threads.trace())),
            (QStringList { "blocking-step L0 crunch" }));
        // Loops on threads stop one after the other: one stopping leaves the others' tasks alone.
        Trace halfway;
        halfway.copyRecordsFrom(threads.trace());
        for (qsizetype i = 0; i < threads.trace().size(); ++i) {
            halfway.appendEvent(threads.trace().at(i));
            if (threads.trace().at(i).kind == EventKind::LoopStopped)
                break;
        }
        QCOMPARE(kindsAndTasks(halfway, lintTrace(halfway)), (QStringList { "blocking-step L0 crunch" }));
    }

    void thePollingLoopWastesItsPolls()
    {
        const auto played = play(QStringLiteral("polling-loop"));
        const std::vector<Finding> findings = lintTrace(played.trace());
        QCOMPARE(
            kindsAndTasks(played.trace(), findings), (QStringList { "busy-polling C1", "busy-polling C2" }));
        QVERIFY2(
            findings.front().message.contains(QStringLiteral("was polled 30 times and found not ready 29")),
            qPrintable(findings.front().message));
    }

    void aYieldLoopNeverYieldsAndWakesItself()
    {
        Schedule s;
        const TaskId spinner = s.task(QStringLiteral("spinner"));
        s.event(EventKind::LoopStarted, NoTask).event(EventKind::TaskStarted, spinner);
        for (int i = 0; i < 150; ++i)
            s.suspend(spinner, WaitKind::Yield, QStringLiteral("sleep(0)"))
                .event(EventKind::TaskResumed, spinner);
        s.event(EventKind::TaskReturned, spinner).event(EventKind::LoopStopped, NoTask);
        QCOMPARE(kindsAndTasks(s.trace(), lintTrace(s.trace())),
            (QStringList { "never-yields spinner", "busy-polling spinner" }));
        // Two tasks taking turns are not a busy loop of one task, but both still wake themselves.
        Schedule turns;
        const TaskId a = turns.task(QStringLiteral("a"));
        const TaskId b = turns.task(QStringLiteral("b"));
        turns.event(EventKind::TaskStarted, a).suspend(a, WaitKind::Yield, QStringLiteral("sleep(0)"));
        turns.event(EventKind::TaskStarted, b).suspend(b, WaitKind::Yield, QStringLiteral("sleep(0)"));
        for (int i = 0; i < 150; ++i) {
            turns.event(EventKind::TaskResumed, a).suspend(a, WaitKind::Yield, QStringLiteral("sleep(0)"));
            turns.event(EventKind::TaskResumed, b).suspend(b, WaitKind::Yield, QStringLiteral("sleep(0)"));
        }
        QCOMPARE(kindsAndTasks(turns.trace(), lintTrace(turns.trace())),
            (QStringList { "busy-polling a", "busy-polling b" }));
    }

    void aWaitNothingCanEndIsALostWakeup()
    {
        Schedule s;
        const TaskId consumer = s.task(QStringLiteral("consumer"));
        const TaskId sleeper = s.task(QStringLiteral("sleeper"));
        const TaskId joiner = s.task(QStringLiteral("joiner"));
        s.event(EventKind::LoopStarted, NoTask);
        s.event(EventKind::TaskStarted, consumer)
            .suspend(consumer, WaitKind::Queue, QStringLiteral("queue get"));
        s.event(EventKind::TaskStarted, sleeper)
            .suspend(sleeper, WaitKind::Timer, QStringLiteral("sleep 5 s"), 1);
        s.event(EventKind::TaskStarted, joiner)
            .suspend(joiner, WaitKind::Task, QStringLiteral("task consumer"), consumer);
        s.at(10 * Ms).event(EventKind::LoopStopped, NoTask);
        const std::vector<Finding> findings = lintTrace(s.trace());
        QCOMPARE(kindsAndTasks(s.trace(), findings),
            (QStringList { "lost-wakeup consumer", "lost-wakeup joiner", "left-pending sleeper" }));
        QCOMPARE(findings[0].message,
            QStringLiteral("consumer will never be resumed: it awaits queue get, which nothing can set any "
                           "more (the loop has stopped)"));
        // A trace that ends while the loop still runs (cut short, or live) judges nothing yet.
        Schedule running;
        const TaskId t = running.task(QStringLiteral("t"));
        running.event(EventKind::TaskStarted, t).suspend(t, WaitKind::Queue, QStringLiteral("queue get"));
        QVERIFY(lintTrace(running.trace()).empty());
    }

    void aFailureNobodyAwaitsIsReported()
    {
        Schedule s;
        const TaskId parent = s.task(QStringLiteral("parent"));
        s.event(EventKind::LoopStarted, NoTask).event(EventKind::TaskStarted, parent);
        const TaskId lost = s.task(QStringLiteral("fire and forget"), parent);
        const TaskId kept = s.task(QStringLiteral("awaited"), parent);
        s.suspend(parent, WaitKind::Task, QStringLiteral("task awaited"), kept);
        s.event(EventKind::TaskStarted, lost).event(EventKind::TaskFailed, lost);
        s.event(EventKind::TaskStarted, kept).event(EventKind::TaskFailed, kept);
        s.event(EventKind::TaskResumed, parent).event(EventKind::TaskReturned, parent);
        s.event(EventKind::LoopStopped, NoTask);
        QCOMPARE(kindsAndTasks(s.trace(), lintTrace(s.trace())),
            (QStringList { "failure-never-retrieved fire and forget" }));
        // Children of a task that awaited them as a group (gather, TaskGroup) were retrieved.
        Schedule group;
        const TaskId main = group.task(QStringLiteral("main"));
        group.event(EventKind::TaskStarted, main);
        const TaskId child = group.task(QStringLiteral("child"), main);
        group.suspend(main, WaitKind::Task, QStringLiteral("gather (1)"));
        group.event(EventKind::TaskStarted, child).event(EventKind::TaskFailed, child);
        group.event(EventKind::TaskResumed, main).event(EventKind::TaskFailed, main);
        group.event(EventKind::LoopStopped, NoTask); // main's failure stopped the loop: whoever ran it got it
        QVERIFY(lintTrace(group.trace()).empty());
    }

    void aTaskReadyTooLongIsStarved()
    {
        Schedule s;
        const TaskId late = s.task(QStringLiteral("late"));
        s.event(EventKind::TaskStarted, late).suspend(late, WaitKind::Timer, QStringLiteral("sleep 1 s"), 1);
        s.at(1000 * Ms).event(EventKind::TimerFired, late, 1);
        s.at(1250 * Ms).event(EventKind::TaskResumed, late).event(EventKind::TaskReturned, late);
        const std::vector<Finding> findings = lintTrace(s.trace());
        QCOMPARE(kindsAndTasks(s.trace(), findings), (QStringList { "starved late" }));
        QVERIFY2(
            findings[0].message.contains(QStringLiteral("was ready for 250 ms before the loop resumed it")),
            qPrintable(findings[0].message));
        QCOMPARE(findings[0].timeNs, 1250 * Ms);
        LintOptions lenient;
        lenient.maxReadyNs = 300 * Ms;
        QVERIFY(lintTrace(s.trace(), lenient).empty());
        // A timer the loop fires late, because a step held it, made its task ready when it was
        // due: "patient" sleeps 10 ms, "crunch" blocks from 5 ms to 155 ms, the timer fires then.
        Schedule blocked;
        const TaskId patient = blocked.task(QStringLiteral("patient"));
        const TaskId crunch = blocked.task(QStringLiteral("crunch"));
        blocked.event(EventKind::TaskStarted, patient).event(EventKind::TimerArmed, patient, 1, 10'000);
        blocked.suspend(patient, WaitKind::Timer, QStringLiteral("sleep 0.01 s"), 1);
        blocked.at(5 * Ms).event(EventKind::TaskStarted, crunch);
        blocked.at(155 * Ms).event(EventKind::TaskReturned, crunch).event(EventKind::TimerFired, patient, 1);
        blocked.at(156 * Ms).event(EventKind::TaskResumed, patient).event(EventKind::TaskReturned, patient);
        const std::vector<Finding> starved = lintTrace(blocked.trace());
        QCOMPARE(kindsAndTasks(blocked.trace(), starved),
            (QStringList { "blocking-step crunch", "starved patient" }));
        QVERIFY2(starved[1].message.contains(QStringLiteral("was ready for 146 ms")),
            qPrintable(starved[1].message));
    }

    void tooMuchInFlightIsAnUnboundedFanOut()
    {
        const auto played = play(QStringLiteral("sequential-vs-concurrent"),
            { QStringLiteral("n=1500"), QStringLiteral("mode=concurrent") });
        const std::vector<Finding> findings = lintTrace(played.trace());
        QCOMPARE(findings.size(), 1u);
        QCOMPARE(findings[0].kind, FindingKind::UnboundedFanOut);
        QVERIFY2(findings[0].message.startsWith(QStringLiteral("1500 I/O operations were in flight at once")),
            qPrintable(findings[0].message));
        LintOptions options;
        options.only = { FindingKind::BlockingStep };
        QVERIFY(lintTrace(played.trace(), options).empty());
    }

    void theAwaitTreeShowsWhoAwaitsWhom()
    {
        // A chain of delegations nests each level under the one that awaits it.
        const auto chain = play(QStringLiteral("delegation"), { QStringLiteral("n=3") });
        QCOMPARE(formatAwaitTree(chain.trace(), awaitTree(chain.trace(), 11)),
            QStringLiteral("event loop\n"
                           "└── outer — awaits task level 3\n"
                           "    └── level 3 — awaits task level 2\n"
                           "        └── level 2 — awaits task level 1\n"
                           "            └── level 1 — running\n"));
        // Producer and consumer await nothing of each other: two branches of the loop.
        const auto pair = play(QStringLiteral("producer-consumer"));
        const std::vector<AwaitNode> nodes = awaitTree(pair.trace(), 20);
        QCOMPARE(nodes.size(), 2u);
        QCOMPARE(pair.trace().taskName(nodes[0].task), QStringLiteral("producer"));
        QCOMPARE(nodes[0].doing, QStringLiteral("running"));
        QCOMPARE(nodes[1].doing, QStringLiteral("awaits sleep"));
        QVERIFY(nodes[1].line > 0);
        // While the loop waits in sequential-vs-concurrent: the sequential task on its one
        // request, the concurrent one through gather on its operations.
        const auto both = play(QStringLiteral("sequential-vs-concurrent"));
        QCOMPARE(formatAwaitTree(both.trace(), awaitTree(both.trace(), 23)),
            QStringLiteral("event loop\n"
                           "├── sequential — awaits request (line 32)\n"
                           "├── concurrent — awaits task gather\n"
                           "│   └── gather — awaits task op 1\n"
                           "│       └── op 1 — awaits request (line 23)\n"
                           "├── op 2 — awaits request (line 23)\n"
                           "└── op 3 — awaits request (line 23)\n"));
        // A group awaited as a whole (gather, TaskGroup) holds its parent's children; finished
        // tasks leave the tree; at the end nothing is alive.
        Schedule s;
        const TaskId main = s.task(QStringLiteral("main"));
        s.event(EventKind::TaskStarted, main);
        const TaskId a = s.task(QStringLiteral("a"), main);
        const TaskId b = s.task(QStringLiteral("b"), main);
        s.suspend(main, WaitKind::Task, QStringLiteral("gather (2)"));
        s.event(EventKind::TaskStarted, a).suspend(a, WaitKind::Timer, QStringLiteral("sleep 1 s"), 1);
        s.event(EventKind::TaskStarted, b).event(EventKind::TaskReturned, b);
        const SeqNo afterB = s.trace().last().seq;
        QCOMPARE(formatAwaitTree(s.trace(), awaitTree(s.trace(), afterB)),
            QStringLiteral("event loop\n└── main — awaits gather (2)\n    └── a — awaits sleep 1 s\n"));
        s.event(EventKind::TimerFired, a, 1);
        QCOMPARE(awaitTree(s.trace(), s.trace().last().seq).back().doing, QStringLiteral("ready"));
        s.event(EventKind::TaskResumed, a).event(EventKind::TaskReturned, a);
        s.event(EventKind::TaskResumed, main).event(EventKind::TaskReturned, main);
        QVERIFY(awaitTree(s.trace(), s.trace().last().seq).empty());
    }

    void readyTimeIsTheSchedulingLatency()
    {
        // Checked by hand: "late" sleeps 1 s, its timer fires at 1.000 s, the loop resumes it at
        // 1.250 s and it runs 50 ms: busy 50 ms, ready 250 ms (plus its start, at once), waiting 1 s.
        Schedule s;
        const TaskId late = s.task(QStringLiteral("late"));
        s.event(EventKind::TaskStarted, late).suspend(late, WaitKind::Timer, QStringLiteral("sleep 1 s"), 1);
        s.at(1000 * Ms).event(EventKind::TimerFired, late, 1);
        s.at(1250 * Ms).event(EventKind::TaskResumed, late);
        s.at(1300 * Ms).event(EventKind::TaskReturned, late);
        TraceDigest digest;
        digest.update(s.trace());
        const TaskSummary &task = digest.task(late);
        QCOMPARE(digest.busyNs(task), 50 * Ms);
        QCOMPARE(digest.readyNs(task), 250 * Ms);
        QCOMPARE(digest.waitingNs(task), 1000 * Ms);
    }

    void histogramsCountIntoReadableBuckets()
    {
        QCOMPARE(DurationHistogram::bucketOf(0), 0);
        QCOMPARE(DurationHistogram::bucketOf(999), 0);
        QCOMPARE(DurationHistogram::bucketOf(1000), 1); // [1 µs, 2 µs)
        QCOMPARE(DurationHistogram::bucketOf(4999), 2);
        QCOMPARE(DurationHistogram::bucketOf(5000), 3);
        QCOMPARE(DurationHistogram::lowerNs(3), 5000);
        QCOMPARE(DurationHistogram::upperNs(3), 10'000);
        QCOMPARE(DurationHistogram::bucketOf(250 * Ms), DurationHistogram::bucketOf(200 * Ms));
        QCOMPARE(DurationHistogram::upperNs(DurationHistogram::bucketOf(250 * Ms)), 500 * Ms);
        QCOMPARE(
            DurationHistogram::bucketOf(std::int64_t(5000) * 1000 * Ms), DurationHistogram::BucketCount - 1);
        DurationHistogram h;
        QCOMPARE(h.percentileNs(0.5), 0);
        QVERIFY(h.usedBuckets().first > h.usedBuckets().second);
        for (int i = 0; i < 98; ++i)
            h.add(3 * Ms); // [2 ms, 5 ms)
        h.add(30 * Ms);
        h.add(70 * Ms);
        QCOMPARE(h.count(), 100u);
        QCOMPARE(h.percentileNs(0.5), 5 * Ms);
        QCOMPARE(h.percentileNs(0.99), 50 * Ms);
        QCOMPARE(h.percentileNs(1.0), 70 * Ms); // the last bucket's edge is above the longest: the longest
        QCOMPARE(h.maxNs(), 70 * Ms);
        QCOMPARE(h.totalNs(), 98 * 3 * Ms + 100 * Ms);
        QCOMPARE(h.usedBuckets(),
            std::pair(DurationHistogram::bucketOf(3 * Ms), DurationHistogram::bucketOf(70 * Ms)));
    }

    void latencyFiguresMatchTheScheduleByHand()
    {
        // "a" starts at once and runs 10 ms before its first await (a 100 ms timer), is woken at
        // 110 ms but resumed only at 140 ms because "b" holds the loop from 100 ms to 140 ms, then
        // runs 5 ms and ends. "b" starts at 100 ms (ready 100 ms since its creation) and runs 40 ms.
        Schedule s;
        const TaskId a = s.task(QStringLiteral("a"));
        const TaskId b = s.task(QStringLiteral("b"));
        s.event(EventKind::LoopStarted, NoTask);
        s.event(EventKind::TaskStarted, a);
        s.at(10 * Ms)
            .event(EventKind::TimerArmed, a, 1, 100'000)
            .suspend(a, WaitKind::Timer, QStringLiteral("sleep"), 1);
        s.event(EventKind::LoopWaiting, NoTask, 0, 90'000);
        s.at(100 * Ms).event(EventKind::TaskStarted, b);
        s.at(110 * Ms).event(EventKind::TimerFired, a, 1);
        s.at(140 * Ms).event(EventKind::TaskReturned, b);
        s.event(EventKind::TaskResumed, a);
        s.at(145 * Ms)
            .event(EventKind::IoSubmitted, a, 7)
            .suspend(a, WaitKind::Io, QStringLiteral("read"), 7);
        s.event(EventKind::LoopWaiting, NoTask, 0, 1000);
        s.at(345 * Ms).event(EventKind::IoCompleted, a, 7).event(EventKind::TaskResumed, a);
        s.at(350 * Ms).event(EventKind::TaskReturned, a);
        s.event(EventKind::LoopStopped, NoTask);
        TraceDigest digest;
        digest.update(s.trace());
        const TaskLatency la = taskLatency(digest.task(a));
        QCOMPARE(la.steps.count(), 3u);
        QCOMPARE(la.steps.totalNs(), 10 * Ms + 5 * Ms + 5 * Ms);
        QCOMPARE(la.steps.maxNs(), 10 * Ms);
        QCOMPARE(la.wakeToResume.count(), 3u); // its start (at once), the timer (30 ms), the read (at once)
        QCOMPARE(la.wakeToResume.totalNs(), 30 * Ms);
        QCOMPARE(la.wakeToResume.countIn(0), 2u);
        QCOMPARE(la.wakeToResume.countIn(DurationHistogram::bucketOf(30 * Ms)), 1u);
        const TaskLatency lb = taskLatency(digest.task(b));
        QCOMPARE(lb.steps.count(), 1u);
        QCOMPARE(lb.steps.maxNs(), 40 * Ms);
        QCOMPARE(lb.wakeToResume.maxNs(), 100 * Ms);
        // The loop: running 10 + 40 + 5 + 5 = 60 ms, idle until the timer 90 ms (nothing in flight),
        // waiting for the read 200 ms; its own work the rest of the 350 ms (none here).
        const std::vector<LoopShare> shares = loopShares(s.trace());
        QCOMPARE(shares.size(), 1u);
        QCOMPARE(shares[0].runningNs, 60 * Ms);
        QCOMPARE(shares[0].idleNs, 90 * Ms);
        QCOMPARE(shares[0].waitingIoNs, 200 * Ms);
        QCOMPARE(shares[0].ownNs, 0);
        QCOMPARE(shares[0].totalNs(), 350 * Ms);
        QCOMPARE(formatLoopShare(shares[0]),
            QStringLiteral("running tasks 17.1%, waiting for I/O 57.1%, idle 25.7%, its own work 0.0%"));
        // A task still running has no whole step yet; an empty trace has no loop.
        QVERIFY(loopShares(Trace()).empty());
        // A loop that does not announce its waits (a run the window drives) waited until what
        // woke it: without its loop_waiting events the read's 200 ms are still a wait for I/O;
        // the 90 ms before "b" started, which no completion ended, are the loop's own.
        Trace unannounced;
        unannounced.copyRecordsFrom(s.trace());
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            if (s.trace().at(i).kind != EventKind::LoopWaiting)
                unannounced.appendEvent(s.trace().at(i));
        }
        const std::vector<LoopShare> inferred = loopShares(unannounced);
        QCOMPARE(inferred.size(), 1u);
        QCOMPARE(inferred[0].runningNs, 60 * Ms);
        QCOMPARE(inferred[0].idleNs, 0);
        QCOMPARE(inferred[0].waitingIoNs, 200 * Ms);
        QCOMPARE(inferred[0].ownNs, 90 * Ms);
    }

    void loopsOnSeveralThreadsEachHaveTheirShare()
    {
        const auto played = play(QStringLiteral("threads"), { QStringLiteral("loops=3") });
        const std::vector<LoopShare> shares = loopShares(played.trace());
        QCOMPARE(shares.size(), 3u);
        for (std::size_t i = 0; i < shares.size(); ++i) {
            QCOMPARE(shares[i].thread, static_cast<std::uint8_t>(i));
            QVERIFY(shares[i].totalNs() > 0);
            QVERIFY(shares[i].runningNs + shares[i].waitingIoNs + shares[i].idleNs > 0);
        }
        // Kept up to date a few events at a time, the accounting agrees with the whole trace read
        // at once at every point.
        Trace growing;
        growing.copyRecordsFrom(played.trace());
        LoopAccounting accounting;
        const auto sameShares = [](const std::vector<LoopShare> &a, const std::vector<LoopShare> &b) {
            return a.size() == b.size()
                && std::equal(a.begin(), a.end(), b.begin(), [](const LoopShare &x, const LoopShare &y) {
                       return x.thread == y.thread && x.runningNs == y.runningNs
                           && x.waitingIoNs == y.waitingIoNs && x.idleNs == y.idleNs && x.ownNs == y.ownNs;
                   });
        };
        for (qsizetype i = 0; i < played.trace().size(); ++i) {
            growing.appendEvent(played.trace().at(i));
            if (i % 7 == 0 || i + 1 == played.trace().size()) {
                accounting.update(growing);
                QVERIFY2(
                    sameShares(accounting.shares(), loopShares(growing)), qPrintable(QString::number(i)));
            }
        }
        QVERIFY(sameShares(accounting.shares(), shares));
    }

    void aLiveSessionFindsWhatTheWholeTraceHas()
    {
        // Fed a growing trace a few events at a time, the session agrees with linting the trace as
        // it stands at every point: blocking steps as they happen, pending tasks until they end.
        for (const char *scenario : { "callback-blocking", "polling-loop", "producer-consumer" }) {
            const auto played = play(QString::fromLatin1(scenario));
            const Trace &whole = played.trace();
            Trace growing;
            growing.copyRecordsFrom(whole);
            LintSession session(growing);
            for (qsizetype i = 0; i < whole.size(); ++i) {
                growing.appendEvent(whole.at(i));
                if (i % 7 != 6 && i + 1 != whole.size())
                    continue;
                QCOMPARE(
                    kindsAndTasks(growing, session.update()), kindsAndTasks(growing, lintTrace(growing)));
            }
            QCOMPARE(kindsAndTasks(growing, session.update()), kindsAndTasks(whole, lintTrace(whole)));
        }
    }

    void aCancellationCaughtAndIgnoredIsSwallowed()
    {
        // On Loopscope's scheduler: one task catches the CancelledError and sleeps on, one honours it.
        Scheduler s;
        const auto headstrong = s.spawn(
            []() -> Task<void> {
                try {
                    co_await sleep(std::chrono::seconds(1));
                } catch (const CancelledError &) { }
                co_await sleep(std::chrono::seconds(1));
            }(),
            QStringLiteral("headstrong"));
        const auto polite = s.spawn(
            []() -> Task<void> { co_await sleep(std::chrono::seconds(1)); }(), QStringLiteral("polite"));
        s.spawn(
            [](Scheduler &loop, TaskId a, TaskId b) -> Task<void> {
                co_await yieldNow();
                loop.cancel(a);
                loop.cancel(b);
            }(s, headstrong.id(), polite.id()),
            QStringLiteral("canceller"));
        s.runUntilIdle();
        const std::vector<Finding> findings = lintTrace(s.trace());
        QCOMPARE(kindsAndTasks(s.trace(), findings), (QStringList { "swallowed-cancellation headstrong" }));
        QVERIFY2(findings[0].message.startsWith(QStringLiteral("headstrong was asked to cancel (#")),
            qPrintable(findings[0].message));
        QVERIFY(findings[0].message.contains(QStringLiteral("awaited sleep")));
        // The request is in the trace, from the task that asked.
        bool asked = false;
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            const TraceEvent e = s.trace().at(i);
            asked = asked
                || (e.kind == EventKind::CancelRequested && s.trace().taskName(e.task) == u"headstrong"
                    && s.trace().taskName(e.other) == u"canceller");
        }
        QVERIFY(asked);
    }

    void kindsAndOptionsHaveNames()
    {
        for (const FindingKind kind : allFindingKinds())
            QCOMPARE(findingKindFromName(QString(findingKindName(kind))), std::optional(kind));
        QVERIFY(!findingKindFromName(u"nope"));
        QVERIFY(LintOptions().validate().isEmpty());
        LintOptions bad;
        bad.maxStepNs = -1;
        QVERIFY(!bad.validate().isEmpty());
        bad = LintOptions();
        bad.minSelfWakeShare = 1.5;
        QVERIFY(!bad.validate().isEmpty());
    }

    void theCommandLineExitsAsCiNeeds()
    {
        QString out;
        QString err;
        QCOMPARE(lint({ "--scenario", "two-coroutines" }, &out, &err), 0);
        QCOMPARE(out, QString());
        QCOMPARE(lint({ "--scenario", "callback-blocking" }, &out), 1);
        QCOMPARE(out.count(u'\n'), 4);
        QVERIFY2(out.startsWith(QStringLiteral("blocking-step seq="))
                && out.contains(QStringLiteral(" task=hello: ")),
            qPrintable(out));
        QCOMPARE(lint({ "--scenario", "callback-blocking", "--max-step-ms", "1500" }), 0);
        QCOMPARE(lint({ "--scenario", "polling-loop", "--only", "blocking-step,starved" }), 0);
        QCOMPARE(lint({ "--scenario", "polling-loop", "--only", "busy-polling" }, &out), 1);
        QCOMPARE(out.count(u'\n'), 2);
        // Bad usage and damaged traces: a message and status 2.
        QCOMPARE(lint({ "--scenario", "polling-loop", "--only", "typo" }, nullptr, &err), 2);
        QVERIFY(err.contains(QStringLiteral("no lint is called 'typo'")));
        QCOMPARE(lint({ "--scenario", "two-coroutines", "--max-step-ms", "-5" }, nullptr, &err), 2);
        QVERIFY(err.contains(QStringLiteral("above 0")));
        QCOMPARE(lint({}, nullptr, &err), 2);
        QCOMPARE(lint({ "--scenario", "no-such-scenario" }, nullptr, &err), 2);
        QTemporaryDir folder;
        const QString damaged = folder.filePath(QStringLiteral("damaged.loopscope"));
        QFile file(damaged);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\":\"loopscope-trace\",\"version\":1\n garbage");
        file.close();
        QCOMPARE(lint({ damaged }, nullptr, &err), 2);
        QVERIFY2(err.startsWith(QStringLiteral("loopscope lint: ")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestLints)
#include "tst_lints.moc"
