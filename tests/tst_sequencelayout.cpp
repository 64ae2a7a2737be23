#include "analysis/tracedigest.h"
#include "scenarioplay.h"
#include "scheduler/awaitables.h"
#include "sequence/laneactivity.h"
#include "sequence/sequencechrome.h"
#include "sequence/sequencelayout.h"
#include "sequence/sequencemessage.h"
#include "sequence/timemarks.h"
#include "twocoroutinesfixture.h"

#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;
using Shape = SequenceMessage::Shape;
using LaneKind = SequenceLayout::LaneKind;

namespace {

using Loopscope::Testing::readRecord;
using TestFixtures::TwoCoroutines;

QString shapeName(Shape shape)
{
    switch (shape) {
    case Shape::Call:
        return QStringLiteral("call");
    case Shape::Return:
        return QStringLiteral("return");
    case Shape::Note:
        return QStringLiteral("note");
    case Shape::Marker:
        return QStringLiteral("marker");
    }
    return {};
}

//! `count` tasks that each read once ("op 1", "op 2"...), laid out with a budget of 64 task lanes.
struct ManyTasks
{
    Scheduler scheduler;
    TraceDigest digest;
    SequenceLayout layout;

    explicit ManyTasks(int count)
    {
        for (int i = 0; i < count; ++i)
            scheduler.spawn(readRecord(QStringLiteral("op %1").arg(i + 1)));
        scheduler.runUntilIdle();
        digest.update(scheduler.trace());
        layout.setMaxTaskLanes(64);
        layout.update(digest, scheduler.trace().size());
    }
};

} // namespace

class TestSequenceLayout : public QObject
{
    Q_OBJECT
private slots:
    void lanesAreTheLoopTheTasksAndTheIo()
    {
        TwoCoroutines run;
        const SequenceLayout &layout = run.layout;
        QCOMPARE(layout.laneCount(), 4);
        QCOMPARE(layout.lane(0).kind, LaneKind::Loop);
        QCOMPARE(layout.lane(1).kind, LaneKind::Task);
        QCOMPARE(layout.lane(1).id, 1u);
        QCOMPARE(layout.lane(2).id, 2u);
        QCOMPARE(layout.lane(3).kind, LaneKind::Io);
        QCOMPARE(layout.laneOfTask(1), 1);
        QCOMPARE(layout.laneOfTask(2), 2);
        QCOMPARE(layout.laneOfIo(1), 3);
        QCOMPARE(layout.laneOfIo(2), 3);
        QCOMPARE(layout.waitLane(), 3);
        for (int lane = 0; lane < layout.laneCount(); ++lane) {
            QCOMPARE(layout.laneAt(layout.laneCenter(lane)), lane);
            if (lane > 0)
                QCOMPARE(
                    layout.laneCenter(lane) - layout.laneCenter(lane - 1), SequenceLayout::DefaultLaneWidth);
        }
        QCOMPARE(layout.laneAt(SequenceLayout::GutterWidth - 1), -1);
    }

    //! The diagram of the two-coroutine scenario, row by row: what the reference figure shows, plus
    //! the submissions and completions on the I/O lane.
    void twoCoroutinesDrawTheCanonicalMessages_data()
    {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<QString>("label");
        QTest::newRow("C1 created") << 0 << "marker" << 1 << 1 << "C1 created";
        QTest::newRow("C2 created") << 1 << "marker" << 2 << 2 << "C2 created";
        QTest::newRow("loop started") << 2 << "marker" << 0 << 0 << "loop started";
        QTest::newRow("start C1") << 3 << "call" << 0 << 1 << "start C1";
        QTest::newRow("C1 submits") << 4 << "call" << 1 << 3 << "read a";
        QTest::newRow("C1 awaits") << 5 << "return" << 1 << 0 << "await read a";
        QTest::newRow("start C2") << 6 << "call" << 0 << 2 << "start C2";
        QTest::newRow("C2 submits") << 7 << "call" << 2 << 3 << "read b";
        QTest::newRow("C2 awaits") << 8 << "return" << 2 << 0 << "await read b";
        QTest::newRow("loop waits") << 9 << "call" << 0 << 3 << "wait for I/O (2.000 s)";
        QTest::newRow("read a completes") << 10 << "return" << 3 << 0 << "I/O complete: read a";
        QTest::newRow("read b completes") << 11 << "return" << 3 << 0 << "I/O complete: read b";
        QTest::newRow("resume C1") << 12 << "call" << 0 << 1 << "resume C1";
        QTest::newRow("C1 returns") << 13 << "return" << 1 << 0 << "return 1";
        QTest::newRow("resume C2") << 14 << "call" << 0 << 2 << "resume C2";
        QTest::newRow("C2 returns") << 15 << "return" << 2 << 0 << "return 1";
        QTest::newRow("loop stopped") << 16 << "marker" << 0 << 0 << "loop stopped: idle";
    }
    void twoCoroutinesDrawTheCanonicalMessages()
    {
        QFETCH(int, row);
        QFETCH(QString, shape);
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(QString, label);
        TwoCoroutines run;
        QCOMPARE(run.trace().size(), 17);
        const TraceEvent &event = run.trace().at(row);
        const SequenceMessage message = sequenceMessage(run.layout, event);
        QCOMPARE(shapeName(message.shape), shape);
        QCOMPARE(message.from, from);
        QCOMPARE(message.to, to);
        QCOMPARE(sequenceLabel(run.trace(), run.digest, event), label);
        if (message.isArrow()) {
            // The arrow runs between the two lifelines at its row's height, in the right direction.
            const QLineF line = run.layout.arrowLine(row, from, to);
            QCOMPARE(line.y1(), run.layout.arrowY(row));
            QCOMPARE(line.y2(), line.y1());
            QVERIFY(line.y1() > run.layout.rowTop(row) && line.y1() < run.layout.rowTop(row + 1));
            const double inset = SequenceLayout::ActivationHalfWidth * (to > from ? 1 : -1);
            QCOMPARE(line.x1(), run.layout.laneCenter(from) + inset);
            QCOMPARE(line.x2(), run.layout.laneCenter(to) - inset);
        }
    }

    void activationBarsCoverTheRowsATaskRuns()
    {
        TwoCoroutines run;
        // C1 holds the thread from "start C1" (row 3) to "await read a" (row 5).
        const QRectF bar = run.layout.activationRect(3, 5, run.layout.laneOfTask(1), 0);
        QCOMPARE(bar.top(), run.layout.arrowY(3));
        QCOMPARE(bar.bottom(), run.layout.arrowY(5));
        QCOMPARE(bar.center().x(), run.layout.laneCenter(1));
        QCOMPARE(bar.width(), 2 * SequenceLayout::ActivationHalfWidth);
        // Arrows touch the bar's edges.
        QCOMPARE(run.layout.arrowLine(3, 0, 1).x2(), bar.left());
        QCOMPARE(run.layout.arrowLine(5, 1, 0).x1(), bar.left());
        const QRectF nested = run.layout.activationRect(3, 5, 1, 1);
        QVERIFY(nested.left() > bar.left());
    }

    void rowsMapToYAndBack_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::newRow("default") << 1.0;
        QTest::newRow("zoomed in") << 2.5;
        QTest::newRow("compact") << 0.3;
        QTest::newRow("density") << 0.01;
    }
    void rowsMapToYAndBack()
    {
        QFETCH(double, zoom);
        SequenceLayout layout;
        TraceDigest digest;
        layout.update(digest, 1000);
        layout.setZoom(zoom);
        for (qsizetype row : { qsizetype(0), qsizetype(1), qsizetype(500), qsizetype(999) }) {
            QCOMPARE(layout.rowAt(layout.rowCenter(row)), row);
            QCOMPARE(layout.rowAt(layout.rowTop(row) + layout.rowHeight() * 0.01), row);
        }
        QCOMPARE(layout.rowAt(SequenceLayout::HeaderHeight - 1), qsizetype(-1));
        QCOMPARE(layout.rowAt(layout.bodyBottom() + 1), qsizetype(-1));
        const auto [first, last] = layout.rowsBetween(layout.rowTop(10), layout.rowTop(20));
        QCOMPARE(first, qsizetype(10));
        QCOMPARE(last, qsizetype(19));
        const auto [none, empty] = layout.rowsBetween(0, SequenceLayout::HeaderHeight);
        QVERIFY(none > empty);
        QCOMPARE(layout.contentSize().height(), layout.bodyBottom() + 16);
    }

    void zoomDecidesTheDetail_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::addColumn<int>("detail");
        QTest::newRow("default: labels") << 1.0 << int(SequenceLayout::Detail::Full);
        QTest::newRow("half: arrows only") << 0.5 << int(SequenceLayout::Detail::Compact);
        QTest::newRow("tenth: density") << 0.1 << int(SequenceLayout::Detail::Density);
        QTest::newRow("clamped below") << 1e-9 << int(SequenceLayout::Detail::Density);
    }
    void zoomDecidesTheDetail()
    {
        QFETCH(double, zoom);
        QFETCH(int, detail);
        SequenceLayout layout;
        layout.setZoom(zoom);
        QCOMPARE(int(layout.detail()), detail);
        QVERIFY(layout.zoom() >= SequenceLayout::MinZoom && layout.zoom() <= SequenceLayout::MaxZoom);
    }

    void hitTestingFindsTheRowAndLane()
    {
        TwoCoroutines run;
        const SequenceLayout::Hit hit
            = run.layout.hitTest(QPointF(run.layout.laneCenter(2) + 10, run.layout.rowCenter(6)));
        QCOMPARE(hit.row, qsizetype(6));
        QCOMPARE(hit.lane, 2);
        const SequenceLayout::Hit header = run.layout.hitTest(QPointF(run.layout.laneCenter(1), 10));
        QCOMPARE(header.row, qsizetype(-1));
        QCOMPARE(header.lane, 1);
    }

    void thousandsOfTasksShareAGroupLane()
    {
        ManyTasks many(2000);
        const SequenceLayout &layout = many.layout;
        QCOMPARE(layout.laneCount(), 1 + 64 + 1); // loop, 63 tasks + a group, I/O
        QCOMPARE(layout.lane(63).kind, LaneKind::Task);
        QCOMPARE(layout.lane(64).kind, LaneKind::TaskGroup);
        QCOMPARE(layout.lane(64).id, 64u);
        QCOMPARE(layout.lane(64).members, 2000u - 63u);
        QCOMPARE(layout.laneOfTask(63), 63);
        QCOMPARE(layout.laneOfTask(64), 64);
        QCOMPARE(layout.laneOfTask(2000), 64);
        QCOMPARE(layout.laneOfTask(2001), -1);
        QCOMPARE(layout.lane(65).kind, LaneKind::Io);
        const auto [first, last] = layout.lanesBetween(layout.laneCenter(10), layout.laneCenter(12));
        QCOMPARE(first, 10);
        QCOMPARE(last, 12);
    }

    void lanesFitTheViewBetweenTheirBounds()
    {
        TwoCoroutines run; // four lanes
        SequenceLayout &layout = run.layout;
        const double gutter = SequenceLayout::GutterWidth;
        const double lanes = 4 + SequenceLayout::RightMarginLanes;
        // Room to spare: as wide as the titles want, no wider.
        QCOMPARE(layout.fittingLaneWidth(gutter + 4000, 200), 200.0);
        // Too little room: narrower, so that every lane shows...
        QCOMPARE(layout.fittingLaneWidth(gutter + 130 * lanes, 200), 130.0);
        // ...but never narrower than the minimum, nor wider than the maximum.
        QCOMPARE(layout.fittingLaneWidth(gutter + 10 * lanes, 200), SequenceLayout::MinLaneWidth);
        QCOMPARE(layout.fittingLaneWidth(gutter + 4000, 4000), SequenceLayout::MaxLaneWidth);

        layout.setLaneWidth(1);
        QCOMPARE(layout.laneWidth(), SequenceLayout::NarrowestLaneWidth);
        QCOMPARE(layout.detail(), SequenceLayout::Detail::Compact); // too narrow for labels
        layout.setLaneWidth(200);
        QCOMPARE(layout.laneWidth(), 200.0);
        QCOMPARE(layout.contentSize().width(), gutter + lanes * 200);
        for (int lane = 0; lane < layout.laneCount(); ++lane) {
            QCOMPARE(layout.laneAt(layout.laneCenter(lane) + 99), lane);
            QCOMPARE(layout.laneAt(layout.laneCenter(lane) - 99), lane);
            QCOMPARE(layout.headerRect(lane).center().x(), layout.laneCenter(lane));
            QCOMPARE(layout.headerRect(lane).width(), 200.0 - 28);
        }
        const auto [first, last] = layout.lanesBetween(gutter + 250, gutter + 450);
        QCOMPARE(first, 1);
        QCOMPARE(last, 2);
    }

    void everyLoopOfAMultiLoopTraceHasItsLifeline()
    {
        // Three loops on three threads, merged into one trace: a lifeline per loop, and each
        // loop's decisions start and end on its own.
        const ScenarioTesting::Played played
            = ScenarioTesting::play(QStringLiteral("threads"), { QStringLiteral("loops=3") });
        const Trace &trace = played.trace();
        TraceDigest digest;
        digest.update(trace);
        QCOMPARE(digest.loopCount(), 3);
        SequenceLayout layout;
        layout.update(digest, trace.size());
        QCOMPARE(layout.loopCount(), 3);
        for (int thread = 0; thread < 3; ++thread) {
            QCOMPARE(layout.lane(thread).kind, LaneKind::Loop);
            QCOMPARE(layout.lane(thread).id, std::uint32_t(thread));
            QCOMPARE(layout.loopLane(static_cast<std::uint8_t>(thread)), thread);
        }
        QCOMPARE(layout.lane(3).kind, LaneKind::Task);
        QCOMPARE(layout.loopLane(9), SequenceLayout::LoopLane); // a lane the trace never used
        int resumes = 0;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind != EventKind::TaskResumed && e.kind != EventKind::IoCompleted)
                continue;
            const SequenceMessage m = sequenceMessage(layout, e);
            const int loopEnd = e.kind == EventKind::TaskResumed ? m.from : m.to;
            QCOMPARE(loopEnd, int(e.thread));
            resumes += e.kind == EventKind::TaskResumed;
        }
        QCOMPARE(resumes, 6); // two fetches a loop

        // One loop: one lifeline, as before.
        TwoCoroutines run;
        QCOMPARE(run.layout.loopCount(), 1);
        QCOMPARE(run.layout.lane(1).kind, LaneKind::Task);
    }

    void generatorValuesAndSendsGoBetweenTheCoroutinesThatExchangeThem_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::newRow("generators") << "generators";
        QTest::newRow("send") << "send";
    }
    void generatorValuesAndSendsGoBetweenTheCoroutinesThatExchangeThem()
    {
        QFETCH(QString, scenario);
        const ScenarioTesting::Played played = ScenarioTesting::play(scenario);
        const Trace &trace = played.trace();
        TraceDigest digest;
        digest.update(trace);
        SequenceLayout layout;
        layout.update(digest, trace.size());
        int values = 0;
        int requests = 0;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            const SequenceMessage m = sequenceMessage(layout, e);
            const bool value = e.kind == EventKind::ValueYielded
                || (e.kind == EventKind::TaskSuspended && e.wait() == WaitKind::Value);
            const bool request = e.kind == EventKind::Message && e.other != NoTask;
            if (!value && !request)
                continue;
            QVERIFY(m.isArrow());
            // From the generator to its consumer with a value; from the consumer to the generator
            // with next(), send() and close().
            QCOMPARE(m.from, layout.laneOfTask(e.task));
            QCOMPARE(m.to, layout.laneOfTask(e.other));
            QVERIFY(m.to != layout.loopLane(e.thread));
            values += value;
            requests += request;
        }
        QVERIFY(values > 0);
        QVERIFY(requests > 0);
    }

    void lanesCanBeFilteredAndPinned()
    {
        const ScenarioTesting::Played played
            = ScenarioTesting::play(QStringLiteral("sequential-vs-concurrent"),
                { QStringLiteral("n=12"), QStringLiteral("mode=concurrent") });
        const Trace &trace = played.trace();
        TraceDigest digest;
        digest.update(trace);
        SequenceLayout layout;
        layout.update(digest, trace.size());
        const auto idOf = [&trace](const QString &name) {
            for (TaskId id = 1; id <= trace.taskCount(); ++id) {
                if (trace.taskName(id) == name)
                    return id;
            }
            return NoTask;
        };
        QVERIFY(idOf(QStringLiteral("op 12")) != NoTask);
        // Only "op 1", "op 10", "op 11" and "op 12" keep a lane; the others share the group lane.
        layout.setTaskFilter(
            [&trace](TaskId id) { return trace.taskName(id).startsWith(QStringLiteral("op 1")); });
        for (const char *name : { "op 1", "op 10", "op 11", "op 12" })
            QCOMPARE(layout.lane(layout.laneOfTask(idOf(QLatin1String(name)))).kind, LaneKind::Task);
        const int group = layout.laneOfTask(idOf(QStringLiteral("op 5")));
        QCOMPARE(layout.lane(group).kind, LaneKind::TaskGroup);
        QCOMPARE(layout.laneOfTask(idOf(QStringLiteral("concurrent"))), group);
        QCOMPARE(layout.lane(group).members, digest.taskCount() - 4);
        // A pinned task comes first, right of the loop, whatever the filter says.
        layout.setPinnedTasks({ idOf(QStringLiteral("op 7")) });
        QCOMPARE(layout.laneOfTask(idOf(QStringLiteral("op 7"))), SequenceLayout::LoopLane + 1);
        QCOMPARE(layout.laneOfTask(idOf(QStringLiteral("op 1"))), SequenceLayout::LoopLane + 2);
        // Every arrow still lands on a lane that exists.
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const SequenceMessage m = sequenceMessage(layout, trace.at(i));
            QVERIFY(m.from < layout.laneCount() && m.to < layout.laneCount());
        }
        layout.setTaskFilter({});
        layout.setPinnedTasks({});
        QCOMPARE(layout.laneOfTask(idOf(QStringLiteral("op 7"))), int(idOf(QStringLiteral("op 7"))));
    }

    void anExpandedGroupOpensWhereItsLaneWas()
    {
        ManyTasks many(300);
        SequenceLayout &layout = many.layout;
        const int group = layout.laneOfTask(300);
        QCOMPARE(layout.lane(group).kind, LaneKind::TaskGroup);
        QCOMPARE(layout.lane(group).id, 64u);
        // Opening the group gives each member a lane where the group was; the lanes before it stay.
        layout.setExpandedTasks(64, 300);
        QVERIFY(layout.hasExpandedTasks());
        for (TaskId id = 1; id <= 300; ++id) {
            QCOMPARE(layout.laneOfTask(id), int(id));
            QCOMPARE(layout.lane(int(id)).kind, LaneKind::Task);
        }
        QCOMPARE(layout.lane(301).kind, LaneKind::Io);
        // A pinned task keeps its place first.
        layout.setPinnedTasks({ 5 });
        QCOMPARE(layout.laneOfTask(5), SequenceLayout::LoopLane + 1);
        QCOMPARE(layout.laneOfTask(64), 64);
        layout.setPinnedTasks({});
        layout.setExpandedTasks(1, 0);
        QVERIFY(!layout.hasExpandedTasks());
        QCOMPARE(layout.laneOfTask(63), 63);
        QCOMPARE(layout.laneOfTask(64), group);
    }

    void anExpandedGroupHasALimit()
    {
        ManyTasks many(2000);
        SequenceLayout &layout = many.layout;
        layout.setExpandedTasks(64, 2000);
        const TaskId lastOwn = 63 + SequenceLayout::MaxExpandedLanes;
        QCOMPARE(layout.lane(layout.laneOfTask(lastOwn)).kind, LaneKind::Task);
        const int group = layout.laneOfTask(lastOwn + 1);
        QCOMPARE(layout.lane(group).kind, LaneKind::TaskGroup);
        QCOMPARE(layout.lane(group).members, 2000u - lastOwn);
        QCOMPARE(layout.laneOfTask(2000), group);
    }

    void foldedLanesAreThinAndTheOthersMoveLeft()
    {
        const TwoCoroutines run;
        SequenceLayout layout;
        layout.update(run.digest, run.trace().size());
        QCOMPARE(layout.laneCount(), 4); // loop, C1, C2, I/O
        const double wide = layout.laneWidth();
        const double io = layout.laneCenter(3);
        QVERIFY(!layout.setFoldedLanes({}));
        QVERIFY(layout.setFoldedLanes({ false, true, false, false }));
        QVERIFY(!layout.setFoldedLanes({ false, true, false, false }));
        QCOMPARE(layout.foldedLaneCount(), 1);
        QVERIFY(layout.isFolded(1));
        QCOMPARE(layout.laneWidthAt(1), SequenceLayout::FoldedLaneWidth);
        QCOMPARE(layout.laneWidthAt(2), wide);
        QCOMPARE(layout.laneCenter(3), io - (wide - SequenceLayout::FoldedLaneWidth));
        QCOMPARE(layout.laneLeft(2), SequenceLayout::GutterWidth + wide + SequenceLayout::FoldedLaneWidth);
        // Hit testing and the painted range follow the new edges.
        QCOMPARE(layout.laneAt(layout.laneLeft(1) + 1), 1);
        QCOMPARE(layout.laneAt(layout.laneLeft(2) - 0.5), 1);
        QCOMPARE(layout.laneAt(layout.laneLeft(2)), 2);
        QCOMPARE(layout.laneAt(layout.laneLeft(3) + layout.laneWidthAt(3)), -1);
        QCOMPARE(layout.lanesBetween(layout.laneLeft(1) + 1, layout.laneLeft(2) + 1), std::make_pair(1, 2));
        QCOMPARE(layout.contentSize().width(),
            SequenceLayout::GutterWidth + 3 * wide + SequenceLayout::FoldedLaneWidth
                + SequenceLayout::RightMarginLanes * wide);
        QVERIFY(layout.headerRect(1).width() < SequenceLayout::FoldedLaneWidth);
        // Narrower folds, down to a floor.
        QVERIFY(layout.setFoldedLaneWidth(10));
        QCOMPARE(layout.laneWidthAt(1), 10.0);
        layout.setFoldedLaneWidth(1);
        QCOMPARE(layout.laneWidthAt(1), SequenceLayout::NarrowestFoldedLaneWidth);
        // New lanes open everything again: the view folds anew from what it shows.
        layout.setIoLaneMode(SequenceLayout::IoLaneMode::PerOperation);
        QCOMPARE(layout.foldedLaneCount(), 0);
    }

    void lanesTakePartWhereTheirEventsAndBarsAre()
    {
        const TwoCoroutines run;
        SequenceLayout layout;
        layout.update(run.digest, run.trace().size());
        const Trace &trace = run.trace();
        const auto rowOf = [&trace](EventKind kind, TaskId task) {
            for (qsizetype row = 0; row < trace.size(); ++row) {
                if (trace.at(row).kind == kind && trace.at(row).task == task)
                    return row;
            }
            return qsizetype(-1);
        };
        // While C1 starts, only the loop and C1 act (the I/O side has nothing in flight yet).
        const qsizetype start = rowOf(EventKind::TaskStarted, 1);
        QVERIFY(start >= 0);
        std::vector<bool> part = lanesTakingPart(trace, run.digest, layout, start, start);
        QCOMPARE(part, (std::vector<bool> { true, true, false, false }));
        // C2's completion: C2 and the loop act, the I/O lane does not any more, C1 is done.
        const qsizetype done = rowOf(EventKind::TaskReturned, 2);
        part = lanesTakingPart(trace, run.digest, layout, done, done);
        QCOMPARE(part, (std::vector<bool> { true, false, true, false }));
        // Pinned tasks take part wherever one looks.
        layout.setPinnedTasks({ 2 });
        part = lanesTakingPart(trace, run.digest, layout, start, start);
        QCOMPARE(part[static_cast<std::size_t>(layout.laneOfTask(2))], true);
        // No rows: only the landmarks.
        QCOMPARE(lanesTakingPart(trace, run.digest, layout, 5, 4),
            (std::vector<bool> { true, true, false, false }));
    }

    void groupLanesNameTheRangeOfTasksTheyHold()
    {
        QCOMPARE(SequenceChrome::groupTitle(QStringLiteral("op 63"), QStringLiteral("op 301"), 239),
            QStringLiteral("op 63…301"));
        QCOMPARE(SequenceChrome::groupTitle(QStringLiteral("worker 10"), QStringLiteral("worker 19"), 10),
            QStringLiteral("worker 10…19"));
        QCOMPARE(SequenceChrome::groupTitle(QStringLiteral("op 63"), QStringLiteral("op 300"), 239, 1),
            QStringLiteral("op 63…300 +1"));
        QCOMPARE(SequenceChrome::groupTitle(QStringLiteral("fetch a"), QStringLiteral("parse b"), 7),
            QStringLiteral("7 more tasks"));
    }

    void arrowsScrolledPartlyAwayStopAtTheEdge()
    {
        // From x = 100 to 900 in a view that shows 200..600: cut at the right edge, start inside.
        auto cut = SequenceLayout::clipArrow(QLineF(100, 50, 900, 50), 200, 600);
        QCOMPARE(cut.line, QLineF(200, 50, 600, 50));
        QVERIFY(cut.startCut && cut.endCut);
        cut = SequenceLayout::clipArrow(QLineF(500, 50, 300, 50), 200, 600); // within: untouched
        QCOMPARE(cut.line, QLineF(500, 50, 300, 50));
        QVERIFY(!cut.startCut && !cut.endCut && cut.isVisible());
        cut = SequenceLayout::clipArrow(QLineF(700, 50, 900, 50), 200, 600); // all out of view
        QVERIFY(!cut.isVisible());
        cut = SequenceLayout::clipArrow(QLineF(400, 50, 50, 50), 200, 600); // leftwards, end cut
        QCOMPARE(cut.line.x2(), 200.0);
        QVERIFY(cut.endCut && !cut.startCut);
    }

    void timeIsStampedWhereItMovedNotOnEveryArrow()
    {
        const auto moments = [](const Trace &trace, qsizetype first, qsizetype last) {
            QList<qsizetype> rows;
            TimeMarks marks(trace, first, last);
            for (qsizetype row = first; row <= last; ++row) {
                if (marks.startsMoment(row))
                    rows << row;
            }
            return rows;
        };
        // A real clock: 100 events 30 ns apart, a 5 ms wait, 100 more. Two moments, not 200.
        Trace real;
        std::int64_t t = 0;
        for (int i = 0; i < 200; ++i) {
            t += i == 100 ? 5'000'000 : 30;
            real.append(EventKind::Message, t, NoTask);
        }
        QCOMPARE(moments(real, 0, 199), QList<qsizetype>({ 0, 100 }));
        // Zoomed in on the first hundred, the nanoseconds are the story: they show again.
        QVERIFY(moments(real, 0, 20).size() > 10);
        // A virtual clock: every jump shows, and events at one instant share it.
        Trace virtualClock;
        for (const std::int64_t at : { 0LL, 0LL, 0LL, 2'000'000'000LL, 2'000'000'000LL, 4'000'000'000LL })
            virtualClock.append(EventKind::Message, at, NoTask);
        QCOMPARE(moments(virtualClock, 0, 5), QList<qsizetype>({ 0, 3, 5 }));
    }

    void ioLanesPerOperationOrShared()
    {
        Scheduler s;
        for (const char *name : { "a", "b", "c" })
            s.spawn(readRecord(QLatin1StringView(name)),
                QStringLiteral("reader %1").arg(QLatin1StringView(name)));
        s.spawn([]() -> Task<void> { co_await sleep(1s); }(), QStringLiteral("sleeper"));
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        SequenceLayout layout;
        layout.update(digest, s.trace().size());
        QCOMPARE(layout.laneCount(), 6); // loop, 4 tasks, one shared lane for I/O and timers
        QCOMPARE(layout.laneOfIo(3), 5);
        QCOMPARE(layout.timerLane(), 5);
        layout.setIoLaneMode(SequenceLayout::IoLaneMode::PerOperation);
        QCOMPARE(layout.laneCount(), 9); // loop, 4 tasks, read a, read b, read c, timers
        QCOMPARE(layout.laneOfIo(1), 5);
        QCOMPARE(layout.laneOfIo(3), 7);
        QCOMPARE(layout.lane(8).kind, LaneKind::Timers);
        QCOMPARE(layout.timerLane(), 8);
        QCOMPARE(layout.waitLane(), 8);
        layout.setMaxIoLanes(2); // read a keeps its lane, b and c share a group
        QCOMPARE(layout.laneCount(), 8);
        QCOMPARE(layout.lane(6).kind, LaneKind::IoGroup);
        QCOMPARE(layout.lane(6).members, 2u);
        QCOMPARE(layout.laneOfIo(2), 6);
        QCOMPARE(layout.laneOfIo(3), 6);
    }

    void footerAddsRoomBelowTheRows()
    {
        TwoCoroutines run;
        const double without = run.layout.contentSize().height();
        run.layout.setFooter(true);
        QCOMPARE(run.layout.contentSize().height(), run.layout.bodyBottom() + SequenceLayout::FooterHeight);
        QVERIFY(run.layout.contentSize().height() > without);
    }
};

QTEST_GUILESS_MAIN(TestSequenceLayout)
#include "tst_sequencelayout.moc"
