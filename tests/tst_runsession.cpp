#include "run/replayrun.h"
#include "run/runsession.h"
#include "run/schedulerrun.h"
#include "scenarios/scenarioregistry.h"
#include "scheduler/awaitables.h"
#include "scheduler/errors.h"
#include "testlib/tracetext.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;

namespace {

//! A scenario whose runs cannot start, to see how the session reports it.
class BrokenScenario : public Scenario
{
public:
    BrokenScenario() { m_info.id = QStringLiteral("broken"); }
    const ScenarioInfo &info() const override { return m_info; }
    std::unique_ptr<Run> start(const ScenarioParams &) const override
    {
        throw Error(QStringLiteral("the disk is on fire"));
    }

private:
    ScenarioInfo m_info;
};

} // namespace

class TestRunSession : public QObject
{
    Q_OBJECT
private slots:
    void heldStateGoesAfterTheTasksNewestFirst()
    {
        std::vector<QString> gone;
        struct Noting
        {
            std::vector<QString> &gone;
            QString name;
            ~Noting() { gone.push_back(name); }
        };
        {
            SchedulerRun run;
            run.hold(std::make_unique<Noting>(gone, QStringLiteral("folder")));
            run.hold(std::make_unique<Noting>(gone, QStringLiteral("file in it")));
            auto &last = run.hold(std::make_unique<Noting>(gone, QStringLiteral("writer")));
            // A task that still waits when the run goes: its frame refers to the state, and goes first.
            run.loop().spawn(
                [](Noting &writer) -> Task<void> {
                    const auto noteOnExit
                        = qScopeGuard([&writer] { writer.gone.push_back(QStringLiteral("task")); });
                    co_await sleep(std::chrono::hours(1));
                }(last),
                QStringLiteral("waiting"));
            run.step();
            run.step();
            QVERIFY(gone.empty());
        }
        QCOMPARE(gone,
            (std::vector<QString> { QStringLiteral("task"), QStringLiteral("writer"),
                QStringLiteral("file in it"), QStringLiteral("folder") }));
    }

    void stepTakesOneSchedulingActionAtATime()
    {
        ScenarioRegistry registry;
        RunSession session;
        QSignalSpy replaced(&session, &RunSession::runReplaced);
        QSignalSpy stepped(&session, &RunSession::stepped);
        QVERIFY(
            session.openScenario(registry.get(QStringLiteral("two-coroutines")), { { "latency_ms", 2000 } }));
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(session.stepCount(), 0);
        QVERIFY(session.trace()->isEmpty() || session.trace()->last().kind == EventKind::TaskCreated);

        const QList<StepAction> expected { StepAction::StartedTask, StepAction::StartedTask,
            StepAction::Waited, StepAction::CompletedIo, StepAction::CompletedIo, StepAction::ResumedTask,
            StepAction::ResumedTask, StepAction::Idle };
        for (int i = 0; i < expected.size(); ++i) {
            const SeqNo before = session.trace()->nextSeq();
            const StepResult result = session.step();
            // The clock shown is where the newest event happened: the wait (step 3) is at 0 s,
            // the completions after it at 2 s.
            QCOMPARE(session.now(), i < 3 ? 0 : 2'000'000'000);
            QCOMPARE(stepActionName(result.action), stepActionName(expected[i]));
            QCOMPARE(session.stepCount(), i + 1);
            QCOMPARE(result.firstSeq, before);
            QCOMPARE(result.endSeq, session.trace()->nextSeq());
        }
        QVERIFY(session.isFinished());
        QCOMPARE(stepped.count(), expected.size());
        QCOMPARE(session.now(), 2'000'000'000);
        // Stepping a finished run does nothing.
        session.step();
        QCOMPARE(session.stepCount(), expected.size());
        QCOMPARE(stepped.count(), expected.size());
    }

    void stepBackReturnsToTheIdenticalState_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("steps");
        QTest::newRow("two-coroutines, after the wait") << "two-coroutines" << 4;
        QTest::newRow("two-coroutines, at the end") << "two-coroutines" << 8;
        QTest::newRow("delegation") << "delegation" << 6;
        QTest::newRow("producer-consumer") << "producer-consumer" << 25;
    }
    void aSavedTraceOpensAtItsEndInOneGo_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<bool>("cut"); // a recording that stops mid-run: its last step is not the loop's end
        for (const char *id : { "two-coroutines", "threads", "delegation", "callback-blocking",
                 "paginated-http", "producer-consumer" }) {
            QTest::newRow(id) << QString::fromLatin1(id) << false;
            QTest::newRow(qPrintable(QStringLiteral("%1, cut").arg(QLatin1StringView(id))))
                << QString::fromLatin1(id) << true;
        }
    }
    void aSavedTraceOpensAtItsEndInOneGo()
    {
        // advance() to the end of a replay takes every step in one pass (ReplayRun::skipToEnd):
        // the same steps, trace and last step as taking them one by one, and stepping back works.
        QFETCH(QString, scenario);
        QFETCH(bool, cut);
        const ScenarioRegistry registry;
        const auto recorded = registry.get(scenario).start({});
        recorded->runToEnd();
        std::unique_ptr<Trace> whole = recorded->trace().copy();
        if (cut) {
            auto prefix = std::make_unique<Trace>();
            prefix->copyRecordsFrom(*whole);
            prefix->appendRange(*whole, 0, whole->size() * 2 / 3);
            whole = std::move(prefix);
        }
        std::shared_ptr<const Trace> recording = std::move(whole);
        const auto replay = [recording] { return std::make_unique<ReplayRun>(recording, TraceMetadata {}); };
        RunSession atOnce, oneByOne;
        QVERIFY(atOnce.open(replay, QStringLiteral("file")));
        QVERIFY(oneByOne.open(replay, QStringLiteral("file")));
        QSignalSpy stepped(&atOnce, &RunSession::stepped);
        QSignalSpy finished(&atOnce, &RunSession::finished);
        const qint64 taken = atOnce.advance(std::numeric_limits<qint64>::max());
        while (!oneByOne.isFinished())
            oneByOne.advance(1);
        QVERIFY(atOnce.isFinished());
        QCOMPARE(stepped.count(), 1);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(taken, oneByOne.stepCount());
        QCOMPARE(atOnce.stepCount(), oneByOne.stepCount());
        const StepResult a = atOnce.lastStep(), b = oneByOne.lastStep();
        QCOMPARE(a.action, b.action);
        QCOMPARE(a.task, b.task);
        QCOMPARE(a.firstSeq, b.firstSeq);
        QCOMPARE(a.endSeq, b.endSeq);
        QCOMPARE(Testing::eventLines(*atOnce.trace()), Testing::eventLines(*oneByOne.trace()));
        QCOMPARE(Testing::eventLines(*atOnce.trace()), Testing::eventLines(*recording));
        for (int back = 0; back < 3; ++back) {
            atOnce.stepBack();
            oneByOne.stepBack();
            QCOMPARE(atOnce.stepCount(), oneByOne.stepCount());
            QCOMPARE(Testing::eventLines(*atOnce.trace()), Testing::eventLines(*oneByOne.trace()));
        }
    }

    void stepBackReturnsToTheIdenticalState()
    {
        QFETCH(QString, scenario);
        QFETCH(int, steps);
        ScenarioRegistry registry;
        RunSession session;
        QVERIFY(session.openScenario(registry.get(scenario), registry.parseParams(scenario, {})));
        session.advance(steps - 1);
        const QStringList before = eventLines(*session.trace());
        const std::int64_t clock = session.now();
        const StepResult last = session.lastStep();
        session.step();
        QVERIFY(eventLines(*session.trace()) != before);
        QSignalSpy replaced(&session, &RunSession::runReplaced);
        session.stepBack();
        QCOMPARE(replaced.count(), 1);
        QCOMPARE(session.stepCount(), steps - 1);
        QCOMPARE(eventLines(*session.trace()), before);
        QCOMPARE(session.now(), clock);
        QCOMPARE(session.lastStep().firstSeq, last.firstSeq);
        QCOMPARE(session.lastStep().endSeq, last.endSeq);
    }

    void stepBackOnARealClockRunReplaysTheRecording()
    {
        // Real HTTP against the demo API: stepping back must not fetch again, and the run it shows
        // is the one that happened (the same wall-clock times), step for step.
        ScenarioRegistry registry;
        RunSession session;
        QVERIFY(session.openScenario(registry.get(QStringLiteral("paginated-http")),
            registry.parseParams(QStringLiteral("paginated-http"),
                { QStringLiteral("pages=3"), QStringLiteral("latency_ms=20") })));
        QCOMPARE(session.clockMode(), ClockMode::Real);
        const auto stepUntil = [&session](qint64 count) {
            while (session.stepCount() < count && !session.isFinished()) {
                if (session.step().action == StepAction::Blocked)
                    QTest::qWait(2);
            }
        };
        stepUntil(25);
        QCOMPARE(session.stepCount(), 25);
        const QStringList recorded = eventLines(*session.trace());
        const std::size_t requests = session.trace()->ioRecords().size();

        session.stepBack();
        QVERIFY(session.isReplayingRecording());
        QCOMPARE(session.clockMode(), ClockMode::Real);
        QCOMPARE(session.stepCount(), 24);
        const QStringList shown = eventLines(*session.trace());
        QVERIFY(shown.size() < recorded.size());
        QCOMPARE(shown, recorded.mid(0, shown.size())); // a prefix of what happened, times and all
        QCOMPARE(session.trace()->ioRecords().size(), requests);
        session.stepBack();
        QCOMPARE(session.stepCount(), 23);

        // Forward again: the recording, step by step, back to where the live run was.
        QSignalSpy replaced(&session, &RunSession::runReplaced);
        session.step();
        session.step();
        QCOMPARE(session.stepCount(), 25);
        QCOMPARE(eventLines(*session.trace()), recorded);
        QVERIFY(!session.isFinished());

        // From there the live run, paused meanwhile, goes on: new requests, to the end.
        stepUntil(26);
        QVERIFY(!session.isReplayingRecording());
        QCOMPARE(replaced.size(), 1);
        QCOMPARE(eventLines(*session.trace()).mid(0, recorded.size()), recorded);
        stepUntil(100000);
        QVERIFY(session.isFinished());
        QVERIFY(session.trace()->ioRecords().size() > requests);
        const QStringList all = eventLines(*session.trace());
        QVERIFY(all.size() > recorded.size());
        QVERIFY(all.last().contains(QStringLiteral("loop stopped")));

        session.reset();
        QVERIFY(!session.isReplayingRecording());
        QCOMPARE(session.stepCount(), 0);
    }

    void resetStartsAFreshRun()
    {
        ScenarioRegistry registry;
        RunSession session;
        QVERIFY(session.openScenario(registry.get(QStringLiteral("two-coroutines")), {}));
        const QStringList fresh = eventLines(*session.trace());
        session.advance(5);
        session.reset();
        QCOMPARE(session.stepCount(), 0);
        QCOMPARE(eventLines(*session.trace()), fresh);
        session.stepBack(); // nothing to undo at step 0
        QCOMPARE(session.stepCount(), 0);
    }

    void animationStepsOnATimerAndCanBePaused()
    {
        ScenarioRegistry registry;
        RunSession session;
        session.setSpeed(60);
        const QString id = QStringLiteral("sequential-vs-concurrent");
        QVERIFY(
            session.openScenario(registry.get(id), registry.parseParams(id, { QStringLiteral("n=300") })));
        QSignalSpy animating(&session, &RunSession::animatingChanged);
        QSignalSpy stepped(&session, &RunSession::stepped);
        session.startAnimation();
        QVERIFY(session.isAnimating());
        QVERIFY(stepped.wait(2000));
        session.pauseAnimation();
        QVERIFY(!session.isAnimating());
        const qint64 paused = session.stepCount();
        QVERIFY(paused >= 1);
        stepped.clear();
        QVERIFY(!stepped.wait(150)); // paused: nothing happens
        QCOMPARE(session.stepCount(), paused);
        session.toggleAnimation();
        QVERIFY(session.isAnimating());
        QSignalSpy finished(&session, &RunSession::finished);
        session.advance(1'000'000); // the rest at once: the animation stops at the end
        QCOMPARE(finished.count(), 1);
        QVERIFY(session.isFinished());
        QVERIFY(!session.isAnimating());
        QCOMPARE(animating.count(), 4);
    }

    void animatesARealClockRunWhileItsIoIsInFlight()
    {
        // The session is the one driver of a run inside the Qt event loop: flat out, a real-clock
        // run whose task waits for real time finishes without blocking the thread.
        std::shared_ptr<int> result = std::make_shared<int>(0);
        RunSession session;
        session.setSpeed(0);
        QVERIFY(session.open(
            [result] {
                auto run = std::make_unique<SchedulerRun>(SchedulerOptions { ClockMode::Real });
                run->loop().spawn([](std::shared_ptr<int> out) -> Task<> {
                    co_await io(QStringLiteral("x"), std::chrono::milliseconds(30));
                    *out = 1;
                }(result));
                return run;
            },
            QStringLiteral("real clock")));
        QSignalSpy finished(&session, &RunSession::finished);
        session.startAnimation();
        QVERIFY(finished.wait(5000));
        QCOMPARE(*result, 1);
        QVERIFY(!session.run()->scheduler()->isRunning());
        QCOMPARE(session.clockMode(), ClockMode::Real);
    }

    void flatOutRunsInSlicesThatKeepTheUiResponsive()
    {
        ScenarioRegistry registry;
        RunSession session;
        session.setSpeed(0);
        const QString id = QStringLiteral("sequential-vs-concurrent");
        QVERIFY(
            session.openScenario(registry.get(id), registry.parseParams(id, { QStringLiteral("n=200000") })));
        QSignalSpy stepped(&session, &RunSession::stepped);
        QSignalSpy finished(&session, &RunSession::finished);
        session.startAnimation();
        QVERIFY(finished.wait(30000));
        QVERIFY(session.isFinished());
        QVERIFY(!session.isAnimating());
        // Many steps per notification, and several notifications: the event loop ran in between.
        QVERIFY2(stepped.count() > 1, qPrintable(QString::number(stepped.count())));
        QVERIFY(stepped.count() < session.stepCount() / 100);
    }

    void aRunThatCannotStartIsReported()
    {
        ScenarioRegistry registry;
        RunSession session;
        QVERIFY(session.openScenario(registry.get(QStringLiteral("two-coroutines")), {}));
        QSignalSpy errors(&session, &RunSession::errorOccurred);
        BrokenScenario broken;
        QVERIFY(!session.openScenario(broken, {}));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().first().toString().contains(QStringLiteral("the disk is on fire")));
        // The previous run is still there.
        QCOMPARE(session.scenario()->info().id, QStringLiteral("two-coroutines"));
        QVERIFY(session.hasRun());
    }

    void badParametersAreReportedWithTheirRange()
    {
        ScenarioRegistry registry;
        RunSession session;
        QSignalSpy errors(&session, &RunSession::errorOccurred);
        QVERIFY(
            !session.openScenario(registry.get(QStringLiteral("two-coroutines")), { { "latency_ms", 0 } }));
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().first().toString().contains(QStringLiteral("latency_ms")),
            qPrintable(errors.first().first().toString()));
        QVERIFY(!session.hasRun());
    }
};

QTEST_GUILESS_MAIN(TestRunSession)
#include "tst_runsession.moc"
