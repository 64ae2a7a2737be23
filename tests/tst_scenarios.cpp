// What every built-in scenario shares (a description, its source as a resource, deterministic runs,
// event lines that point into that source, run life cycle), and the claims of the scenarios about
// coroutines, generators and event loops, checked on their traces.
#include "run/runsession.h"
#include "scenarioplay.h"

#include <QFile>
#include <QSignalSpy>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace ScenarioTesting;

class TestScenarios : public QObject
{
    Q_OBJECT

    static void everyScenario_data()
    {
        QTest::addColumn<QString>("id");
        for (const QString &id : ScenarioRegistry().ids())
            QTest::newRow(qPrintable(id)) << id;
    }
    //! Scenarios on the virtual clock: their traces are deterministic.
    static void virtualScenarios_data()
    {
        QTest::addColumn<QString>("id");
        for (const ScenarioInfo &info : ScenarioRegistry().list()) {
            if (info.clock == ClockMode::Virtual)
                QTest::newRow(qPrintable(info.id)) << info.id;
        }
    }

private slots:
    void describedAndShipsItsSource_data() { everyScenario_data(); }
    void describedAndShipsItsSource()
    {
        QFETCH(QString, id);
        const ScenarioInfo info = ScenarioRegistry().get(id).info();
        QVERIFY(!info.title.isEmpty());
        QVERIFY(!info.summary.isEmpty());
        QVERIFY(info.explanation.size() > 200);
        QFile source(info.sourcePath);
        QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(info.sourcePath));
        QVERIFY(QString::fromUtf8(source.readAll()).contains(QStringLiteral("\"%1\"").arg(id)));
        for (const ScenarioParameter &p : info.parameters) {
            QVERIFY(p.minimum <= p.defaultValue && p.defaultValue <= p.maximum);
            QVERIFY(!p.description.isEmpty());
        }
    }

    void runsAreDeterministic_data() { virtualScenarios_data(); }
    void runsAreDeterministic()
    {
        QFETCH(QString, id);
        const QString first = fullText(play(id).trace());
        QVERIFY(first.count(u'\n') > 8);
        QCOMPARE(fullText(play(id).trace()), first);
    }

    void eventLinesPointIntoTheShownSource_data() { everyScenario_data(); }
    void eventLinesPointIntoTheShownSource()
    {
        QFETCH(QString, id);
        const ScenarioInfo info = ScenarioRegistry().get(id).info();
        QFile file(info.sourcePath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
        const Played played = play(id);
        qsizetype withLine = 0;
        for (qsizetype i = 0; i < played.trace().size(); ++i) {
            const TraceEvent &e = played.trace().at(i);
            if (e.line == 0)
                continue;
            ++withLine;
            QVERIFY2(e.line <= lines.size(), qPrintable(played.trace().describe(e)));
            const QString text = lines.at(e.line - 1);
            const bool awaits
                = text.contains(QStringLiteral("co_await")) || text.contains(QStringLiteral("co_yield"));
            const bool callsTheLoop
                = text.contains(QStringLiteral("loop.")) || text.contains(QStringLiteral("loop->"));
            QVERIFY2(awaits || callsTheLoop,
                qPrintable(played.trace().describe(e) + QStringLiteral(" -> ") + text));
        }
        QVERIFY(withLine > 0);
    }

    void steppingAFinishedRunDoesNothing()
    {
        Played played = play(QStringLiteral("two-coroutines"));
        QVERIFY(played.run->isFinished());
        const qsizetype size = played.trace().size();
        QCOMPARE(played.run->step().action, StepAction::Idle);
        QCOMPARE(played.trace().size(), size);
        QVERIFY(played.run->scheduler());
    }

    void anAnimatedSessionFinishesTheRun()
    {
        // The UI plays a run by animating it in a RunSession inside the Qt event loop.
        const ScenarioRegistry registry;
        RunSession session;
        session.setSpeed(0);
        QVERIFY(session.openScenario(registry.get(QStringLiteral("producer-consumer")),
            registry.parseParams(QStringLiteral("producer-consumer"), { "quotes=5" })));
        QSignalSpy finished(&session, &RunSession::finished);
        session.startAnimation();
        QVERIFY(!session.isFinished());
        QVERIFY(finished.wait(5000));
        QVERIFY(session.run()->isFinished());
        QCOMPARE(messages(*session.trace()).last(),
            QStringLiteral("consumer: queue closed and empty after 5 quotes: done"));
    }

    void twoCoroutinesOverlapTheirWaits_data()
    {
        QTest::addColumn<int>("latencyMs");
        QTest::newRow("2 s") << 2000;
        QTest::newRow("350 ms") << 350;
    }
    void twoCoroutinesOverlapTheirWaits()
    {
        QFETCH(int, latencyMs);
        const Played played
            = play(QStringLiteral("two-coroutines"), { QStringLiteral("latency_ms=%1").arg(latencyMs) });
        const Trace &t = played.trace();
        QCOMPARE(t.last().timeNs, latencyMs * Ms); // not twice the latency
        QCOMPARE(countKind(t, EventKind::LoopWaiting), qsizetype(1));
        QStringList order;
        for (qsizetype i = 0; i < t.size(); ++i) {
            const TraceEvent &e = t.at(i);
            if (e.kind == EventKind::TaskSuspended || e.kind == EventKind::TaskResumed
                || e.kind == EventKind::LoopWaiting)
                order << QStringLiteral("%1 %2 @%3")
                             .arg(eventKindName(e.kind), t.taskName(e.task))
                             .arg(e.timeNs / Ms);
        }
        const QString end = QString::number(latencyMs);
        QCOMPARE(order,
            (QStringList { "task_suspended C1 @0", "task_suspended C2 @0", "loop_waiting loop @0",
                "task_resumed C1 @" + end, "task_resumed C2 @" + end }));
    }

    void generatorMakesValuesOnlyWhenAsked()
    {
        const Played played
            = play(QStringLiteral("generators"), { QStringLiteral("n=4"), QStringLiteral("pause_ms=250") });
        const Trace &t = played.trace();
        int expected = 0;
        for (qsizetype i = 0; i < t.size(); ++i) {
            const TraceEvent &e = t.at(i);
            if (e.kind != EventKind::ValueYielded)
                continue;
            QCOMPARE(t.taskName(e.task), QStringLiteral("numbers"));
            QCOMPARE(t.detailText(e), QString::number(expected));
            QCOMPARE(e.timeNs, expected * 250 * Ms); // made at the consumer's pace, not up front
            const TraceEvent &request = t.at(i - 1);
            QCOMPARE(t.detailText(request), QStringLiteral("next(numbers)"));
            QCOMPARE(t.taskName(request.task), QStringLiteral("consumer"));
            QCOMPARE(t.detailText(t.at(i + 1)), QStringLiteral("got %1").arg(expected));
            ++expected;
        }
        QCOMPARE(expected, 4);
        const QStringList said = messages(t);
        QCOMPARE(said.mid(0, 4),
            (QStringList { "consumer: next(iterator) -> 1", "consumer: next(iterator) -> 2",
                "consumer: next(iterator) -> 3", "consumer: StopIteration: list exhausted" }));
        QVERIFY(said.contains(QStringLiteral("consumer: StopIteration: numbers is exhausted")));
        QVERIFY(said.contains(QStringLiteral("consumer: next(numbers): nothing left, numbers is exhausted")));
        QCOMPARE(said.last(), QStringLiteral("consumer: second pass over numbers: 0 values"));
    }

    void sendNeedsPrimingThenSquares_data()
    {
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("count");
        QTest::addColumn<QStringList>("results");
        QTest::newRow("2, 3") << 2 << 2 << QStringList { "2 squared is 4", "3 squared is 9" };
        QTest::newRow("-1, 0, 1") << -1 << 3
                                  << QStringList { "-1 squared is 1", "0 squared is 0", "1 squared is 1" };
    }
    void sendNeedsPrimingThenSquares()
    {
        QFETCH(int, first);
        QFETCH(int, count);
        QFETCH(QStringList, results);
        const Played played = play(QStringLiteral("send"),
            { QStringLiteral("first=%1").arg(first), QStringLiteral("count=%1").arg(count) });
        QStringList expected { QStringLiteral("feeder: send(%1) to squarer").arg(first),
            QStringLiteral("feeder: error: can't send a value to a just-started generator"),
            QStringLiteral("feeder: next(squarer)") };
        for (int i = 0; i < count; ++i)
            expected << QStringLiteral("feeder: send(%1) to squarer").arg(first + i)
                     << QStringLiteral("feeder: ") + results[i];
        expected << QStringLiteral("feeder: close(squarer)")
                 << QStringLiteral("squarer: cleanup: the squarer shuts down");
        QCOMPARE(messages(played.trace()), expected);
        QCOMPARE(played.trace().at(played.trace().size() - 3).kind, EventKind::TaskCancelled);
        QCOMPARE(countKind(played.trace(), EventKind::ValueYielded), qsizetype(count));
    }

    void delegationPassesStraightThrough_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("50") << 50;
    }
    void delegationPassesStraightThrough()
    {
        QFETCH(int, n);
        const Played played = play(QStringLiteral("delegation"), { QStringLiteral("n=%1").arg(n) });
        const Trace &t = played.trace();
        QCOMPARE(messages(t), QStringList { QStringLiteral("outer: outer got 42") });
        QCOMPARE(countKind(t, EventKind::TaskDelegated), qsizetype(n));
        QCOMPARE(countKind(t, EventKind::TaskFailed), qsizetype(0));
        QCOMPARE(t.last().timeNs, 1000 * Ms); // two reads of 500 ms, whatever the depth
        for (qsizetype i = 0; i < t.size(); ++i) {
            const TraceEvent &e = t.at(i);
            if (e.kind == EventKind::TaskResumed) // the loop resumes the innermost frame directly
                QCOMPARE(t.taskName(e.task), QStringLiteral("level 1"));
            if (e.kind == EventKind::TaskReturned && e.task != 1)
                QCOMPARE(t.detailText(e), QStringLiteral("42"));
        }
    }

    void pollingWastesWhatReadinessSaves_data()
    {
        QTest::addColumn<int>("coroutines");
        QTest::addColumn<int>("readiness");
        QTest::addColumn<int>("wastedPolls");
        QTest::newRow("2 polled") << 2 << 0 << 58;
        QTest::newRow("3 polled") << 3 << 0 << 87;
        QTest::newRow("2 on the scheduler") << 2 << 1 << 0;
        QTest::newRow("3 on the scheduler") << 3 << 1 << 0;
    }
    void pollingWastesWhatReadinessSaves()
    {
        QFETCH(int, coroutines);
        QFETCH(int, readiness);
        QFETCH(int, wastedPolls);
        const Played played = play(QStringLiteral("polling-loop"),
            { QStringLiteral("coroutines=%1").arg(coroutines),
                QStringLiteral("readiness=%1").arg(readiness) });
        const Trace &t = played.trace();
        QCOMPARE(t.last().timeNs, 3 * Second); // 3.00 s for two coroutines, and still for three
        QCOMPARE(countKind(t, EventKind::Poll), qsizetype(wastedPolls));
        QCOMPARE(countKind(t, EventKind::IoCompleted), qsizetype(coroutines));
        for (qsizetype i = 0; i < t.size(); ++i) {
            if (t.at(i).kind == EventKind::TaskReturned)
                QCOMPARE(t.detailText(t.at(i)), QStringLiteral("200"));
        }
        QCOMPARE(countKind(t, EventKind::TaskReturned), qsizetype(coroutines));
        QCOMPARE(played.run->scheduler() != nullptr, readiness == 1);
    }

    void callbackQueueAlternatesGreetings()
    {
        const Played played = play(QStringLiteral("callback-queue"));
        QCOMPARE(messages(played.trace()),
            (QStringList { "hello: Hello", "world: world", "hello: Hello", "world: world" }));
        QCOMPARE(played.trace().last().timeNs, 0);
        QCOMPARE(countKind(played.trace(), EventKind::SlowStep), qsizetype(0));
    }

    void blockingCallbacksStallTheLoop()
    {
        const Played played = play(QStringLiteral("callback-blocking"));
        const Trace &t = played.trace();
        QCOMPARE(countKind(t, EventKind::SlowStep), qsizetype(4)); // every greeting held the loop
        QCOMPARE(timesOf(t, QStringLiteral("Hello")), (QList<std::int64_t> { 0, 2 * Second }));
        // While a greeting sleeps nothing happens at all: no event falls inside (0 s, 1 s).
        for (qsizetype i = 0; i < t.size(); ++i)
            QVERIFY(t.at(i).timeNs == 0 || t.at(i).timeNs >= Second);
        const QStringList said = messages(t);
        QVERIFY(said.contains(QStringLiteral("tick: tick, 1.750 s late")));
        QVERIFY(!said.contains(QStringLiteral("tick: tick, on time")));
    }

    void aTimerKeepsTheLoopFree()
    {
        const Played played = play(QStringLiteral("callback-timer"));
        const Trace &t = played.trace();
        QCOMPARE(countKind(t, EventKind::SlowStep), qsizetype(0));
        QCOMPARE(timesOf(t, QStringLiteral("Hello")), (QList<std::int64_t> { 0, 2 * Second }));
        QCOMPARE(timesOf(t, QStringLiteral("world")), (QList<std::int64_t> { Second, 3 * Second }));
        QList<std::int64_t> ticks;
        for (int i = 1; i <= 12; ++i)
            ticks << i * 250 * Ms;
        QCOMPARE(timesOf(t, QStringLiteral("tick, on time")), ticks);
    }
};

QTEST_GUILESS_MAIN(TestScenarios)
#include "tst_scenarios.moc"
