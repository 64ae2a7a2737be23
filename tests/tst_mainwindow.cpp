#include "io/tracestreamer.h"
#include "model/tasktablemodel.h"
#include "model/tracefeed.h"
#include "panes/awaittreepane.h"
#include "panes/codeview.h"
#include "panes/detailspane.h"
#include "panes/problemspane.h"
#include "panes/runningtimeview.h"
#include "record/pythoncommand.h"
#include "run/runsession.h"
#include "scenarios/scenarioregistry.h"
#include "sequence/sequencemessage.h"
#include "sequence/sequenceview.h"
#include "style/viewpalette.h"
#include "testlib/tracetext.h"
#include "timeline/timelineview.h"
#include "window/controlbar.h"
#include "window/filecommands.h"
#include "window/mainwindow.h"
#include "window/mainwindowactions.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;

namespace {

QToolButton *buttonFor(MainWindow &window, QAction *action)
{
    for (QToolButton *button : window.controls()->findChildren<QToolButton *>()) {
        if (button->defaultAction() == action)
            return button;
    }
    return nullptr;
}

//! Whether `picture` has exactly `colour` within 4 px of `point` (logical pixels).
bool hasColourNear(const QImage &picture, QPoint point, const QColor &colour)
{
    for (int dx = -4; dx <= 4; ++dx) {
        for (int dy = -4; dy <= 4; ++dy) {
            const QPoint at = (point + QPoint(dx, dy)) * picture.devicePixelRatio();
            if (picture.rect().contains(at) && picture.pixelColor(at) == colour)
                return true;
        }
    }
    return false;
}

//! Shows the window active on `scenario` and presses Right twice in the diagram: two steps.
bool showAndStepTwiceByKeyboard(MainWindow &window, const QString &scenario)
{
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window) || !window.openScenario(scenario, {}))
        return false;
    window.diagram()->setFocus();
    QTest::keyClick(window.diagram(), Qt::Key_Right);
    QTest::keyClick(window.diagram(), Qt::Key_Right);
    return window.session().stepCount() == 2;
}

QStringList tableTexts(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < model.columnCount(); ++column)
            cells << model.index(row, column).data().toString();
        out << cells.join(u'|');
    }
    return out;
}

//! Everything a person sees that depends on the run, to compare two moments.
struct Snapshot
{
    QStringList events;
    QStringList tasks;
    QStringList eventRows;
    qsizetype diagramRows = 0;
    SeqNo stepFirst = 0;
    SeqNo stepEnd = 0;
    SeqNo selected = 0;
    qint64 steps = 0;
    QString clock;

    static Snapshot of(MainWindow &window)
    {
        Snapshot s;
        s.events = eventLines(*window.session().trace());
        s.tasks = tableTexts(*window.taskTable()->model());
        s.eventRows = tableTexts(*window.eventTable()->model());
        s.diagramRows = window.diagram()->layout().rowCount();
        s.stepFirst = window.diagram()->currentStepFirst();
        s.stepEnd = window.diagram()->currentStepEnd();
        s.selected = window.selectedSeq();
        s.steps = window.session().stepCount();
        s.clock = window.controls()->clockText();
        return s;
    }
    friend bool operator==(const Snapshot &, const Snapshot &) = default;
};

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("LoopscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    void aListeningWindowDrawsAProgramThatStreamsToIt()
    {
        MainWindow window;
        QVERIFY(!window.listen(QStringLiteral("192.0.2.1:7788"))); // not loopback: refused
        QVERIFY(window.listenAddress().isEmpty());
        QVERIFY(window.listen(QStringLiteral("127.0.0.1:0")));
        QVERIFY(window.actions().listen->text().contains(window.listenAddress()));
        QSignalSpy shown(&window, &MainWindow::liveProgramShown);
        // A program on the scheduler streams its trace (LOOPSCOPE_LIVE) and ends.
        const ScenarioRegistry registry;
        const auto run = registry.get(QStringLiteral("two-coroutines")).start({});
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, window.listenAddress().section(u':', -1).toUShort());
        QVERIFY(socket->waitForConnected(5000));
        TraceMetadata metadata = TraceMetadata::recordedNow(QString(), {}, ClockMode::Virtual);
        metadata.program = QStringLiteral("streamer (pid 1)");
        {
            TraceStreamer streamer(run->trace(), metadata, std::move(socket));
            run->runToEnd();
        } // the end marker goes out
        QTRY_COMPARE(shown.count(), 1);
        QCOMPARE(window.session().title(), QStringLiteral("streamer (pid 1)"));
        QTRY_VERIFY(window.session().isFinished());
        const auto lines = [](const Trace &trace) {
            QStringList all;
            for (qsizetype i = 0; i < trace.size(); ++i)
                all << trace.describe(trace.at(i));
            return all;
        };
        QCOMPARE(lines(*window.session().trace()), lines(run->trace()));
        // The window says which clock the program ran on (the window follows it in real time).
        QVERIFY2(window.controls()->clockText().startsWith(QStringLiteral("virtual clock ·")),
            qPrintable(window.controls()->clockText()));

        // A second program takes the window; the first stays at hand in File → Live Programs.
        auto second = std::make_unique<QTcpSocket>();
        second->connectToHost(QHostAddress::LocalHost, window.listenAddress().section(u':', -1).toUShort());
        QVERIFY(second->waitForConnected(5000));
        second->write(QByteArray("not a trace"));
        QVERIFY(second->waitForBytesWritten(5000));
        QTRY_COMPARE(shown.count(), 2);
        const auto picks = [&window] {
            QStringList texts;
            for (const QMenu *menu : window.findChildren<QMenu *>()) {
                if (menu->title() == QStringLiteral("Live &Programs")) {
                    for (const QAction *action : menu->actions())
                        texts << action->text();
                }
            }
            return texts;
        };
        QTRY_COMPARE(picks(),
            QStringList(
                { QStringLiteral("streamer (pid 1) — ended"), QStringLiteral("a program — cut short") }));
    }

    void theDiagramFollowsTheCurrentEventSideways_data()
    {
        QTest::addColumn<bool>("fold");
        QTest::newRow("idle lanes fold") << true;
        QTest::newRow("every lane open") << false;
    }

    void theDiagramFollowsTheCurrentEventSideways()
    {
        // Eight loops and their tasks are far wider than the window: at every step the lanes the
        // step's arrows land on are on screen, at the start, in the middle and at the end. Folding
        // the lanes that take no part in the rows on screen brings both ends of every arrow on
        // screen; with every lane open, the view scrolls to the end where the arrow lands.
        QFETCH(bool, fold);
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.actions().foldIdleLanes->setChecked(fold);
        QVERIFY(window.openScenario(QStringLiteral("threads"), { QStringLiteral("loops=8") }));
        SequenceView &diagram = *window.diagram();
        QCOMPARE(diagram.isFoldingIdleLanes(), fold);
        const SequenceLayout &layout = diagram.layout();
        int steps = 0;
        int sideways = 0; // steps that had to scroll
        int folded = 0;   // steps that folded lanes
        int bothEnds = 0; // steps whose arrow was on screen whole
        while (!window.session().isFinished() && steps < 400) {
            const int before = diagram.horizontalScrollBar()->value();
            window.session().step();
            ++steps;
            sideways += diagram.horizontalScrollBar()->value() != before;
            folded += layout.foldedLaneCount() > 0;
            const Trace &trace = *window.session().trace();
            const qsizetype row = trace.indexOfSeq(window.selectedSeq());
            QVERIFY(row >= 0);
            const SequenceMessage message = sequenceMessage(layout, trace.at(row));
            if (message.from < 0)
                continue;
            // Both ends when the lanes between them leave room, else the end the arrow lands on.
            const int near = std::min(message.from, message.to);
            const int far = std::max(message.from, message.to);
            const double span = layout.laneLeft(far) + layout.laneWidthAt(far) - layout.laneLeft(near);
            std::vector<int> lanes { far };
            if (fold && span <= diagram.viewport()->width() - SequenceLayout::GutterWidth)
                lanes.push_back(near);
            for (const int lane : lanes) {
                const double x = layout.laneCenter(lane) - diagram.horizontalScrollBar()->value();
                QVERIFY2(x >= SequenceLayout::GutterWidth && x <= diagram.viewport()->width(),
                    qPrintable(QStringLiteral("step %1: lane %2 is drawn at x = %3 of %4")
                                   .arg(steps)
                                   .arg(lane)
                                   .arg(x)
                                   .arg(diagram.viewport()->width())));
                QVERIFY(!layout.isFolded(lane));
            }
            bothEnds += lanes.size() == 2;
        }
        QVERIFY(window.session().isFinished());
        const double openWidth = SequenceLayout::GutterWidth
            + (layout.laneCount() + SequenceLayout::RightMarginLanes) * layout.laneWidth();
        QVERIFY2(openWidth > 2 * diagram.viewport()->width(),
            qPrintable(QStringLiteral("%1 lanes in %2 pixels")
                           .arg(layout.laneCount())
                           .arg(diagram.viewport()->width())));
        if (fold) {
            QVERIFY(folded > steps / 2);
            QVERIFY(bothEnds > steps / 2);
            // Turning folding off opens every lane again.
            window.actions().foldIdleLanes->setChecked(false);
            QCOMPARE(layout.foldedLaneCount(), 0);
        } else {
            QCOMPARE(folded, 0);
            QVERIFY(sideways > 0);
        }
    }

    void aGroupLaneOpensInPlaceAndClosesAgain()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("sequential-vs-concurrent"),
            { QStringLiteral("n=300"), QStringLiteral("mode=concurrent") }));
        window.session().advance(100'000);
        SequenceView &diagram = *window.diagram();
        const SequenceLayout &layout = diagram.layout();
        const Trace &trace = *window.session().trace();
        const auto groupLane = [&layout] {
            for (int lane = 0; lane < layout.laneCount(); ++lane) {
                if (layout.lane(lane).kind == SequenceLayout::LaneKind::TaskGroup)
                    return lane;
            }
            return -1;
        };
        const int group = groupLane();
        QVERIFY(group > 0);
        const TaskId firstMember = layout.lane(group).id;
        // The numbered members name the group; the "gather" spawned after them is counted.
        QCOMPARE(trace.taskName(layout.lane(group).last), QStringLiteral("gather"));
        QCOMPARE(diagram.renderer()->laneTitle(group), QStringLiteral("op 63…300 +1"));
        // Double-clicking the group's header opens it where it was.
        diagram.horizontalScrollBar()->setValue(
            static_cast<int>(layout.laneLeft(group) - SequenceLayout::GutterWidth));
        const QPoint header = diagram.mapFromDiagram(QPointF(
            layout.laneCenter(group), diagram.visibleArea().top() + SequenceLayout::HeaderHeight / 2));
        QTest::mouseDClick(diagram.viewport(), Qt::LeftButton, {}, header);
        QCOMPARE(layout.lane(layout.laneOfTask(firstMember)).kind, SequenceLayout::LaneKind::Task);
        QCOMPARE(layout.laneOfTask(firstMember), group);
        const double x = layout.laneCenter(group) - diagram.horizontalScrollBar()->value();
        QVERIFY(x >= SequenceLayout::GutterWidth && x <= diagram.viewport()->width());
        // Every arrow lands on a lane that exists.
        for (qsizetype row = 0; row < trace.size(); ++row) {
            const SequenceMessage m = sequenceMessage(layout, trace.at(row));
            QVERIFY(m.from < layout.laneCount() && m.to < layout.laneCount());
        }
        // Double-clicking a member's header closes the group again.
        const QPoint member
            = diagram.mapFromDiagram(QPointF(layout.laneCenter(layout.laneOfTask(firstMember)),
                diagram.visibleArea().top() + SequenceLayout::HeaderHeight / 2));
        QTest::mouseDClick(diagram.viewport(), Qt::LeftButton, {}, member);
        QCOMPARE(layout.laneOfTask(firstMember), groupLane());
    }

    void aPythonProgramIsDrawnLiveAndCanBeStopped()
    {
        // A program that prints, sleeps and never ends: the window draws what it recorded while it
        // runs, shows its source with the line of the current await, and Stop ends it, keeping the trace.
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString script = folder.filePath(QStringLiteral("ticker.py"));
        QFile file(script);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("import asyncio\n"
                   "async def tick(name, pause):\n"
                   "    while True:\n"
                   "        await asyncio.sleep(pause)\n"
                   "async def main():\n"
                   "    await asyncio.gather(tick('fast', 0.05), tick('slow', 0.2))\n"
                   "asyncio.run(main())\n");
        file.close();
        QString error;
        const PythonCommand command
            = PythonCommand::parse({ QStringLiteral("python3"), script }, folder.path(), &error);
        QVERIFY2(command.isValid(), qPrintable(error));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(window.traceProgram(command, &error), qPrintable(error));
        QCOMPARE(window.session().title(), QStringLiteral("python3 %1").arg(script));
        QTRY_VERIFY_WITH_TIMEOUT(window.diagram()->layout().rowCount() > 30, 20000);
        QVERIFY(window.session().canStopProgram());
        QVERIFY(window.actions().stopProgram->isEnabled());
        QVERIFY(!window.session().isFinished());
        QCOMPARE(window.code()->sourcePath(), script);
        // The tasks are the program's own, named by their coroutines.
        const Trace &trace = *window.session().trace();
        QStringList names;
        for (TaskId id = 1; id < trace.taskCount(); ++id)
            names << trace.taskName(id);
        QVERIFY2(names.contains(QStringLiteral("main 1")) && names.contains(QStringLiteral("tick 2"))
                && names.contains(QStringLiteral("tick 3")),
            qPrintable(names.join(u',')));
        // The selected event is the newest one drawn; a sleep's suspension points at line 4.
        bool sawSleepLine = false;
        for (qsizetype i = 0; i < trace.size(); ++i)
            sawSleepLine
                = sawSleepLine || (trace.at(i).kind == EventKind::TaskSuspended && trace.at(i).line == 4);
        QVERIFY(sawSleepLine);

        window.actions().stopProgram->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QVERIFY(!window.session().canStopProgram());
        QTRY_VERIFY(!window.actions().stopProgram->isEnabled());
        const Trace &ended = *window.session().trace();
        QVERIFY(ended.describe(ended.at(ended.size() - 2)).contains(QStringLiteral("was stopped"))
            || ended.describe(ended.last()).contains(QStringLiteral("was stopped")));
        QCOMPARE(ended.last().kind, EventKind::LoopStopped);
        QCOMPARE(window.diagram()->layout().rowCount(), ended.size());
        // Stepping back replays what was recorded; the program is not run again.
        const qint64 steps = window.session().stepCount();
        window.session().stepBack();
        QCOMPARE(window.session().stepCount(), steps - 1);
        QVERIFY(window.session().isReplayingRecording());
        QCOMPARE(window.code()->sourcePath(), script); // the replay still knows whose source it is
        QVERIFY(window.session().recordedMetadata());
        QCOMPARE(window.session().recordedMetadata()->sourceFile, script);
    }

    void theProblemsPaneListsWhatTheLintsFindAndSelectsIt()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(1000);
        ProblemsPane &problems = *window.problems();
        QTRY_VERIFY(problems.findings().empty());
        QVERIFY(window.openScenario(QStringLiteral("callback-blocking"), {}));
        window.session().advance(2);
        // Findings follow the run as it grows: after two steps one callback has blocked the loop.
        QTRY_COMPARE(problems.findings().size(), 1u);
        window.session().advance(1000);
        QTRY_COMPARE(problems.findings().size(), 4u);
        QCOMPARE(problems.table()->rowCount(), 4);
        QCOMPARE(problems.table()->item(0, 0)->text(), QStringLiteral("blocking-step"));
        QCOMPARE(problems.table()->item(0, 1)->text(), QStringLiteral("hello"));
        auto *dock = window.findChild<QDockWidget *>(QStringLiteral("problems"));
        QVERIFY(dock);
        QCOMPARE(dock->windowTitle(), QStringLiteral("Problems (4)"));
        // Each problem is marked on its task's lifeline, at its event's row: a warning colour there.
        SequenceView &diagram = *window.diagram();
        const SequenceLayout &layout = diagram.layout();
        const Finding &first = problems.findings().front();
        diagram.setFollowing(false);
        diagram.setSelectedSeq(first.seq);
        QApplication::processEvents();
        const qsizetype row = window.session().trace()->indexOfSeq(first.seq);
        const QPoint mark = diagram.mapFromDiagram(QPointF(
            layout.laneCenter(layout.laneOfTask(first.task)) - SequenceLayout::ActivationHalfWidth - 8,
            layout.rowTop(row) + 7));
        const QColor warning = ViewPalette::fromPalette(diagram.palette()).warning;
        QVERIFY2(hasColourNear(diagram.viewport()->grab().toImage(), mark, warning),
            "no warning sign where the first problem is");
        // ... and on its task's lane in the timeline, above the bar at the event's time.
        TimelineView &timeline = *window.timeline();
        timeline.fit();
        QApplication::processEvents();
        const TimelineLayout &lanes = timeline.layout();
        QCOMPARE(lanes.axis(), TimelineLayout::Axis::Time);
        const QPoint sign(qRound(lanes.mapTimeToX(static_cast<double>(first.timeNs))),
            qRound(lanes.laneTop(static_cast<int>(first.task) - 1) + 4)
                - timeline.verticalScrollBar()->value());
        QVERIFY2(hasColourNear(timeline.viewport()->grab().toImage(), sign, warning),
            "no warning sign on the timeline where the first problem is");
        // The details of the task's event show how its steps and wake-ups were spread; those of
        // a loop's event, where the loop's time went.
        window.selectEvent(first.seq);
        const QString taskDetails = window.details()->toPlainText();
        QVERIFY2(taskDetails.contains(QStringLiteral("Steps"))
                && taskDetails.contains(QStringLiteral("Wake to resume"))
                && taskDetails.contains(QStringLiteral("longest")),
            qPrintable(taskDetails));
        const Trace &trace = *window.session().trace();
        qsizetype loopEvent = 0;
        while (loopEvent < trace.size() && trace.at(loopEvent).task != NoTask)
            ++loopEvent;
        QVERIFY(loopEvent < trace.size());
        window.selectEvent(trace.at(loopEvent).seq);
        QVERIFY2(window.details()->toPlainText().contains(QStringLiteral("running tasks")),
            qPrintable(window.details()->toPlainText()));
        // Choosing a problem selects its event everywhere.
        problems.table()->setCurrentCell(2, 0);
        QCOMPARE(window.selectedSeq(), problems.findings()[2].seq);
        QCOMPARE(window.diagram()->selectedSeq(), problems.findings()[2].seq);
    }

    void theAwaitTreeFollowsTheSelectedEvent()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("delegation"), { QStringLiteral("n=3") }));
        window.session().advance(4);
        window.selectEvent(11);
        QTreeWidget *tree = window.awaitTree()->tree();
        const auto chain = [tree] {
            QStringList lines;
            for (QTreeWidgetItem *item = tree->topLevelItem(0); item;
                 item = item->childCount() > 0 ? item->child(0) : nullptr)
                lines << item->text(0) + QStringLiteral(": ") + item->text(1);
            return lines;
        };
        // The chain, one level under the other, as the selected event left it.
        QTRY_COMPARE(chain(),
            (QStringList { "outer: awaits task level 3", "level 3: awaits task level 2",
                "level 2: awaits task level 1", "level 1: running" }));
        QCOMPARE(tree->topLevelItemCount(), 1);
        window.selectEvent(2);
        QTRY_COMPARE(chain(), QStringList { "outer: running" });
    }

    void stepAdvancesOneActionAndEveryViewAgrees()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        QToolButton *step = buttonFor(window, window.actions().step);
        QVERIFY(step);
        for (int k = 1; k <= 8; ++k) {
            QTest::mouseClick(step, Qt::LeftButton);
            QCOMPARE(window.session().stepCount(), k);
            const Trace &trace = *window.session().trace();
            const StepResult &result = window.session().lastStep();
            QCOMPARE(result.endSeq, trace.nextSeq());
            // The diagram, the event list and the task table all show exactly the trace so far.
            QCOMPARE(window.diagram()->layout().rowCount(), trace.size());
            QCOMPARE(window.eventTable()->model()->rowCount(), int(trace.size()));
            QCOMPARE(window.taskTable()->model()->rowCount(), 2);
            QCOMPARE(window.diagram()->currentStepFirst(), result.firstSeq);
            QCOMPARE(window.diagram()->currentStepEnd(), result.endSeq);
            // The newest event of the step is the selection everywhere.
            const SeqNo newest = result.endSeq - 1;
            QCOMPARE(window.selectedSeq(), newest);
            QCOMPARE(window.diagram()->selectedSeq(), newest);
            QCOMPARE(window.eventTable()->currentIndex().row(), int(trace.indexOfSeq(newest)));
            QCOMPARE(window.details()->shownSeq(), qint64(newest));
            for (TaskId id : { 1u, 2u }) {
                const int row = int(id) - 1;
                QCOMPARE(window.taskTable()->model()->index(row, 2).data().toString(),
                    taskRunStateName(window.feed().digest().task(id).state));
            }
        }
        QVERIFY(window.session().isFinished());
        QVERIFY(!window.actions().step->isEnabled());
        QVERIFY(window.controls()->clockText().contains(QStringLiteral("2.000 s")));
    }

    void stepBackReturnsToAnIdenticalState()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("delegation"), {}));
        QToolButton *step = buttonFor(window, window.actions().step);
        QToolButton *back = buttonFor(window, window.actions().stepBack);
        for (int k = 0; k < 5; ++k)
            QTest::mouseClick(step, Qt::LeftButton);
        const Snapshot before = Snapshot::of(window);
        QTest::mouseClick(step, Qt::LeftButton);
        QVERIFY(!(Snapshot::of(window) == before));
        QTest::mouseClick(back, Qt::LeftButton);
        const Snapshot after = Snapshot::of(window);
        QCOMPARE(after.events, before.events);
        QCOMPARE(after.tasks, before.tasks);
        QCOMPARE(after.eventRows, before.eventRows);
        QCOMPARE(after.diagramRows, before.diagramRows);
        QCOMPARE(after.stepFirst, before.stepFirst);
        QCOMPARE(after.stepEnd, before.stepEnd);
        QCOMPARE(after.selected, before.selected);
        QCOMPARE(after.steps, before.steps);
        QCOMPARE(after.clock, before.clock);
    }

    void stepBackOnARealClockRunSaysItReplaysUntilTheLiveRunTakesOver()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("paginated-http"),
            { QStringLiteral("pages=2"), QStringLiteral("latency_ms=10") }));
        RunSession &session = window.session();
        const auto stepTo = [&session](qint64 count) {
            return QTest::qWaitFor([&] {
                if (session.stepCount() < count && !session.isFinished())
                    session.step();
                return session.stepCount() >= count;
            });
        };
        QVERIFY(stepTo(12));
        QVERIFY(window.controls()->clockText().startsWith(QStringLiteral("real clock ·")));
        window.actions().stepBack->trigger();
        QVERIFY(window.controls()->clockText().contains(QStringLiteral("replaying the recording")));
        QVERIFY(window.actions().step->isEnabled());
        QVERIFY(stepTo(13)); // through the recorded step, then live again
        QVERIFY(window.controls()->clockText().startsWith(QStringLiteral("real clock ·")));
        QCOMPARE(window.diagram()->layout().rowCount(), session.trace()->size());
    }

    void tablesKeepTheirArrowKeys()
    {
        MainWindow window;
        QVERIFY(showAndStepTwiceByKeyboard(window, QStringLiteral("two-coroutines")));

        QTableView *events = window.eventTable();
        events->setFocus();
        QVERIFY(QTest::qWaitFor([&] { return events->hasFocus(); }));
        events->setCurrentIndex(events->model()->index(0, 1));
        QTest::keyClick(events, Qt::Key_Down);
        QCOMPARE(events->currentIndex().row(), 1); // the table has the keyboard
        QTest::keyClick(events, Qt::Key_Right);
        QTest::keyClick(events, Qt::Key_Left);
        QTest::keyClick(events, Qt::Key_Space);
        QTest::keyClick(events, Qt::Key_R);
        QCOMPARE(window.session().stepCount(), 2);
        QVERIFY(!window.session().isAnimating());

        // Shortcuts with modifiers still reach the window from a table.
        QTest::keyClick(events, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(window.findField()->hasFocus());
    }

    void keyboardRunsPausesStepsAndResets()
    {
        MainWindow window;
        QVERIFY(showAndStepTwiceByKeyboard(window, QStringLiteral("producer-consumer")));
        QTest::keyClick(window.diagram(), Qt::Key_Left);
        QCOMPARE(window.session().stepCount(), 1);

        window.controls()->setSpeed(60);
        QSignalSpy stepped(&window.session(), &RunSession::stepped);
        QTest::keyClick(window.diagram(), Qt::Key_Space);
        QVERIFY(window.session().isAnimating());
        QCOMPARE(window.actions().runPause->text(), QStringLiteral("Pause"));
        QTRY_VERIFY(window.session().stepCount() >= 4);
        QTest::keyClick(window.diagram(), Qt::Key_Space);
        QVERIFY(!window.session().isAnimating());
        QCOMPARE(window.actions().runPause->text(), QStringLiteral("Run"));
        const qint64 paused = window.session().stepCount();
        stepped.clear();
        QVERIFY(!stepped.wait(200));
        QCOMPARE(window.session().stepCount(), paused);

        QTest::keyClick(window.diagram(), Qt::Key_R);
        QCOMPARE(window.session().stepCount(), 0);
        const double zoom = window.diagram()->zoom();
        QTest::keyClick(window.diagram(), Qt::Key_Plus);
        QVERIFY(window.diagram()->zoom() > zoom);
        QTest::keyClick(window.diagram(), Qt::Key_Minus);
        QCOMPARE(window.diagram()->zoom(), zoom);
    }

    void runningToTheEndUpdatesEveryView()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("sequential-vs-concurrent"), { QStringLiteral("n=20") }));
        window.controls()->setSpeed(0);
        window.actions().runPause->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_COMPARE(window.eventTable()->model()->rowCount(), int(window.session().trace()->size()));
        QCOMPARE(window.diagram()->layout().rowCount(), window.session().trace()->size());
        QCOMPARE(window.taskTable()->model()->rowCount(), int(window.feed().digest().taskCount()));
        QVERIFY(!window.session().isAnimating());
    }

    void detailsFollowAPlayingRunTenTimesASecond()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(
            window.openScenario(QStringLiteral("sequential-vs-concurrent"), { QStringLiteral("n=100000") }));
        window.controls()->setSpeed(0);
        // After the window has handled each step: the selection is the step's newest event, and
        // the details pane (rich text, slow to lay out) catches up with it only every 100 ms.
        int steps = 0, detailsBehind = 0;
        connect(&window.session(), &RunSession::stepped, &window, [&] {
            ++steps;
            detailsBehind += window.details()->shownSeq() != qint64(window.selectedSeq());
        });
        window.actions().runPause->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QVERIFY(steps > 2);
        QVERIFY2(detailsBehind > 0, qPrintable(QStringLiteral("%1 steps").arg(steps)));
        // Once the run stops, they show the last event.
        QTRY_COMPARE(window.details()->shownSeq(), qint64(window.selectedSeq()));
        QCOMPARE(window.selectedSeq(), window.session().trace()->nextSeq() - 1);
        // A step the user asks for shows at once.
        window.selectEvent(3);
        QCOMPARE(window.details()->shownSeq(), qint64(3));
    }

    void selectingAnEventInOneViewSelectsItInAll_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<quint64>("expected");
        QTest::newRow("diagram: row 5") << "diagram" << quint64(5);
        QTest::newRow("event list: row 7") << "events" << quint64(7);
        QTest::newRow("timeline: C2 awaiting its read") << "timeline" << quint64(8);
        QTest::newRow("task table: C1") << "tasks" << quint64(13);
    }
    void selectingAnEventInOneViewSelectsItInAll()
    {
        QFETCH(QString, where);
        QFETCH(quint64, expected);
        MainWindow window;
        window.resize(1500, 940);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(8);
        window.feed().flush();
        if (where == QLatin1StringView("diagram")) {
            SequenceView *diagram = window.diagram();
            diagram->ensureRowVisible(5);
            const QPoint at = diagram->mapFromDiagram(
                QPointF(diagram->layout().laneCenter(1) + 30, diagram->layout().rowCenter(5)));
            QTest::mouseClick(diagram->viewport(), Qt::LeftButton, {}, at);
        } else if (where == QLatin1StringView("events")) {
            QTableView *table = window.eventTable();
            const QModelIndex index = table->model()->index(7, 1);
            table->scrollTo(index);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        } else if (where == QLatin1StringView("timeline")) {
            TimelineView *timeline = window.timeline();
            const TimelineLayout &layout = timeline->layout();
            const QPoint at(int(layout.mapTimeToX(1e9)),
                int(layout.laneTop(1) + TimelineLayout::LaneHeight / 2
                    - timeline->verticalScrollBar()->value()));
            QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, at);
        } else {
            QTableView *table = window.taskTable();
            const QModelIndex index = table->model()->index(0, 1);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
        }
        const Trace &trace = *window.session().trace();
        const TraceEvent &event = trace.at(trace.indexOfSeq(expected));
        QCOMPARE(window.selectedSeq(), expected);
        QCOMPARE(window.diagram()->selectedSeq(), expected);
        QCOMPARE(window.eventTable()->currentIndex().row(), int(expected));
        QCOMPARE(window.details()->shownSeq(), qint64(expected));
        QVERIFY(window.timeline()->hasSelection());
        QCOMPARE(window.timeline()->selectedTime(), event.timeNs);
        QCOMPARE(window.timeline()->selectedTask(), event.task);
        QCOMPARE(window.taskTable()->currentIndex().data(Qt::UserRole + 1).toUInt(), event.task);
    }

    void theCodePaneHighlightsTheLineOfTheSelectedEvent()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(1);
        QVERIFY(window.code()->sourcePath().endsWith(QStringLiteral("twocoroutines.cpp")));
        const Trace &trace = *window.session().trace();
        const TraceEvent &suspended = trace.last();
        QCOMPARE(suspended.kind, EventKind::TaskSuspended);
        QVERIFY(suspended.line > 0);
        QCOMPARE(window.code()->highlightedLine(), int(suspended.line));
        QVERIFY(window.code()
                    ->document()
                    ->findBlockByNumber(suspended.line - 1)
                    .text()
                    .contains(QStringLiteral("co_await")));
        // The loop's own events (waiting, stopping) keep the place in the code where the program
        // last was: the pane never jumps back to the top.
        window.session().advance(100);
        const TraceEvent stopped = window.session().trace()->last();
        QCOMPARE(stopped.kind, EventKind::LoopStopped);
        QCOMPARE(window.selectedSeq(), stopped.seq);
        QVERIFY(window.code()->highlightedLine() > 1);
        QVERIFY(window.code()
                    ->document()
                    ->findBlockByNumber(window.code()->highlightedLine() - 1)
                    .text()
                    .contains(QStringLiteral("co_")));
    }

    void theCodePaneShowsTheLessonNotTheHarness()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        CodeView &code = *window.code();
        QVERIFY(code.hiddenLineCount() > 5);
        QStringList shown;
        for (QTextBlock block = code.document()->begin(); block.isValid(); block = block.next()) {
            if (block.isVisible())
                shown << block.text();
        }
        const QString lesson = shown.join(u'\n');
        QVERIFY(lesson.contains(QStringLiteral("co_await io(")));
        QVERIFY2(!lesson.contains(QStringLiteral("#include")), qPrintable(lesson));
        QVERIFY(!lesson.contains(QStringLiteral("makeTwoCoroutinesScenario")));
        QVERIFY(!lesson.contains(QStringLiteral("ScenarioInfo")));
        // The harness is one toggle away, and line numbers count the whole file either way.
        window.actions().wholeSource->setChecked(true);
        QCOMPARE(code.hiddenLineCount(), 0);
        window.actions().wholeSource->setChecked(false);
        QVERIFY(code.hiddenLineCount() > 5);
    }

    void followsTheNewestEventUnlessScrolledAway()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("sequential-vs-concurrent"), { QStringLiteral("n=30") }));
        window.session().advance(40);
        QScrollBar *bar = window.diagram()->verticalScrollBar();
        QVERIFY(bar->maximum() > 0);
        QCOMPARE(bar->value(), bar->maximum());
        bar->setValue(0); // the user scrolls up
        QVERIFY(!window.diagram()->isFollowing());
        QVERIFY(!window.actions().followNewest->isChecked());
        window.session().advance(5);
        QCOMPARE(bar->value(), 0);
        bar->setValue(bar->maximum()); // and back down
        QVERIFY(window.diagram()->isFollowing());
        window.session().advance(5);
        QCOMPARE(bar->value(), bar->maximum());
    }

    void parameterChangesRestartTheRun()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(3);
        auto *latency = window.controls()->findChild<QSpinBox *>(QStringLiteral("latency_ms"));
        QVERIFY(latency);
        QCOMPARE(latency->value(), 2000);
        latency->setValue(500);
        QCOMPARE(window.session().stepCount(), 0);
        QCOMPARE(window.session().params().value(QStringLiteral("latency_ms")), 500.0);
        window.session().advance(100);
        QCOMPARE(window.session().now(), 500'000'000);
    }

    void tableColumnsAreAsWideAsTheNamesTheyShow()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("paginated"), {}));
        window.session().advance(10'000);
        QTableView *tasks = window.taskTable();
        const QAbstractItemModel &model = *tasks->model();
        QVERIFY(model.rowCount() > 10);
        const QFontMetrics metrics = tasks->fontMetrics();
        QString widest;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString name = model.index(row, TaskTableModel::NameColumn).data().toString();
            if (metrics.horizontalAdvance(name) > metrics.horizontalAdvance(widest))
                widest = name;
        }
        QCOMPARE(widest, QStringLiteral("unbounded gather"));
        // "unb…ded" no more: the column makes room for the whole name.
        QTRY_VERIFY(tasks->columnWidth(TaskTableModel::NameColumn) >= metrics.horizontalAdvance(widest) + 8);
    }

    void theLessonStaysWhileTheRunIsSteppedAndHelpExplainsTheViews()
    {
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        auto *lesson = window.findChild<QTextBrowser *>(QStringLiteral("lessonText"));
        QVERIFY(lesson);
        const ScenarioRegistry registry; // (outlives `info`, which refers into it)
        const ScenarioInfo &info = registry.get(QStringLiteral("two-coroutines")).info();
        QVERIFY(lesson->toPlainText().contains(info.title));
        window.session().advance(3);
        QVERIFY(lesson->toPlainText().contains(info.title)); // Details shows the event; the lesson stays
        QVERIFY(lesson->toPlainText().contains(info.explanation.left(40)));

        window.actions().readingGuide->trigger();
        auto *guide = window.findChild<QMessageBox *>(QStringLiteral("readingGuide"));
        QVERIFY(guide);
        for (const char *part :
            { "Lifelines", "Activation bars", "Solid arrows", "Dashed arrows", "current step" })
            QVERIFY2(guide->text().contains(QLatin1String(part)), part);
        for (int s = 0; s < TaskRunStateCount; ++s)
            QVERIFY(guide->text().contains(taskRunStateName(static_cast<TaskRunState>(s)).toHtmlEscaped()));
        guide->close();
    }

    void theTimelineCountsEventsWhenNoTimePasses()
    {
        // A callback queue runs in no time at all: the timeline spreads it over its events instead
        // of drawing one empty instant.
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("callback-queue"), {}));
        window.session().advance(100);
        QVERIFY(window.session().isFinished());
        QCOMPARE(window.session().now(), 0);
        TimelineView &timeline = *window.timeline();
        QCOMPARE(timeline.layout().axis(), TimelineLayout::Axis::Events);
        const QImage image = timeline.viewport()->grab().toImage();
        const ViewPalette colours = ViewPalette::fromPalette(timeline.palette());
        const int y = int(timeline.layout().laneTop(0) + TimelineLayout::LaneHeight / 2)
            - timeline.verticalScrollBar()->value();
        int painted = 0;
        const int left = int(TimelineLayout::LabelWidth) + 2;
        for (int x = left; x < image.width() - 2; ++x) {
            const QColor c = image.pixelColor(x, y);
            for (int s = 0; s < TaskRunStateCount; ++s)
                painted += c == colours.stateColor(static_cast<TaskRunState>(s));
        }
        QVERIFY2(painted > (image.width() - left) / 4, qPrintable(QString::number(painted)));
        // Once time passes, the axis is time again.
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(100);
        QCOMPARE(timeline.layout().axis(), TimelineLayout::Axis::Time);
    }

    void theLaneFilterKeepsTheLanesOneIsLookingFor()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("paginated"), {}));
        window.session().advance(10'000);
        const SequenceLayout &layout = window.diagram()->layout();
        const int before = layout.laneCount();
        auto *filter = window.findChild<QLineEdit *>(QStringLiteral("laneFilter"));
        QVERIFY(filter);
        filter->setText(QStringLiteral("sequential"));
        QVERIFY(layout.laneCount() < before);
        const Trace &trace = *window.session().trace();
        for (int lane = 0; lane < layout.laneCount(); ++lane) {
            if (layout.lane(lane).kind == SequenceLayout::LaneKind::Task)
                QVERIFY(trace.taskName(layout.lane(lane).id).contains(QStringLiteral("sequential")));
        }
        filter->clear();
        QCOMPARE(layout.laneCount(), before);
    }

    void lanesNarrowToADensityViewAndFitAgain()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.actions().foldIdleLanes->setChecked(false);
        QVERIFY(window.openScenario(QStringLiteral("threads"), { QStringLiteral("loops=8") }));
        window.session().advance(1000);
        SequenceView &diagram = *window.diagram();
        const SequenceLayout &layout = diagram.layout();
        const double fitted = layout.laneWidth();
        QVERIFY(layout.contentSize().width() > diagram.viewport()->width());
        for (int i = 0; i < 10 && layout.contentSize().width() > diagram.viewport()->width(); ++i)
            window.actions().narrowerLanes->trigger();
        // Every lane on screen at once: the density view, without labels.
        QVERIFY(layout.contentSize().width() <= diagram.viewport()->width());
        QCOMPARE(layout.detail(), SequenceLayout::Detail::Compact);
        window.resize(1300, 800); // a resize keeps the chosen width
        QApplication::processEvents();
        QVERIFY(layout.laneWidth() < fitted);
        window.actions().fitLanes->trigger();
        QCOMPARE(layout.laneWidth(), fitted);
    }

    void theRunningTimeChartIsAViewOfTheWindow()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *chart = window.findChild<RunningTimeView *>(QStringLiteral("runningTime"));
        QVERIFY(chart);
        QVERIFY(window.openScenario(QStringLiteral("sequential-vs-concurrent"), {}));
        QVERIFY(chart->hasChart());
        chart->resize(640, 400);
        const QImage picture = chart->grab().toImage();
        QSet<QRgb> colours;
        for (int y = 0; y < picture.height(); y += 4)
            for (int x = 0; x < picture.width(); x += 4)
                colours.insert(picture.pixel(x, y));
        QVERIFY(colours.size() > 8); // axes, two series, labels: a chart, not a blank panel
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        QVERIFY(!chart->hasChart());
    }

    void enumeratedParametersAreChosenByName()
    {
        MainWindow window;
        QVERIFY(window.openScenario(
            QStringLiteral("sequential-vs-concurrent"), { QStringLiteral("mode=sequential") }));
        auto *mode = window.controls()->findChild<QComboBox *>(QStringLiteral("mode"));
        QVERIFY(mode);
        QCOMPARE(mode->count(), 3);
        QCOMPARE(mode->currentText(), QStringLiteral("sequential"));
        mode->setCurrentIndex(mode->findText(QStringLiteral("concurrent")));
        QCOMPARE(window.session().params().value(QStringLiteral("mode")), 2.0);
        QCOMPARE(window.session().stepCount(), 0);
    }

    void findSelectsMatchingEvents()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(8);
        window.actions().find->trigger();
        QTest::keyClicks(window.findField(), QStringLiteral("read b"));
        QTest::keyClick(window.findField(), Qt::Key_Return);
        QCOMPARE(window.selectedSeq(), SeqNo(7));
        QTest::keyClick(window.findField(), Qt::Key_Return);
        QCOMPARE(window.selectedSeq(), SeqNo(8));
    }

    void savedTracesOpenAgainAndReplay()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("two.loopscope"));
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(100);
        const QStringList original = eventLines(*window.session().trace());
        QString error;
        QVERIFY2(window.files().saveTrace(path, &error), qPrintable(error));
        QVERIFY2(window.files().openTrace(path, &error), qPrintable(error));
        QCOMPARE(window.session().title(), QStringLiteral("two.loopscope"));
        QVERIFY(!window.session().scenario());
        QCOMPARE(eventLines(*window.session().trace()), original);
        QCOMPARE(window.diagram()->layout().rowCount(), original.size());
        const qint64 steps = window.session().stepCount();
        window.actions().stepBack->trigger();
        QCOMPARE(window.session().stepCount(), steps - 1);
        // The code pane shows the scenario the trace came from.
        QVERIFY(window.code()->sourcePath().endsWith(QStringLiteral("twocoroutines.cpp")));
    }

    void unreadableFilesAreReportedClearly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.loopscope"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a trace\n");
        file.close();
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        QString error;
        QVERIFY(!window.files().openTrace(path, &error));
        QVERIFY2(error.contains(QStringLiteral("bad.loopscope")), qPrintable(error));
        QVERIFY(!window.files().openTrace(dir.filePath(QStringLiteral("missing.loopscope")), &error));
        QVERIFY2(error.contains(QStringLiteral("Cannot open")), qPrintable(error));
        QCOMPARE(window.session().scenario()->info().id, QStringLiteral("two-coroutines"));
    }

    void exportWritesTheWholeRun_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("name");
        QTest::newRow("diagram png") << int(FileCommands::ExportKind::DiagramPng) << "diagram.png";
        QTest::newRow("diagram svg") << int(FileCommands::ExportKind::DiagramSvg) << "diagram.svg";
        QTest::newRow("timeline pdf") << int(FileCommands::ExportKind::TimelinePdf) << "timeline.pdf";
        QTest::newRow("mermaid") << int(FileCommands::ExportKind::Mermaid) << "diagram.mmd";
        QTest::newRow("perfetto") << int(FileCommands::ExportKind::Perfetto) << "trace.json";
        QTest::newRow("har") << int(FileCommands::ExportKind::Har) << "requests.har";
    }
    void exportWritesTheWholeRun()
    {
        QFETCH(int, kind);
        QFETCH(QString, name);
        QTemporaryDir dir;
        QString error;
        MainWindow empty; // no run yet: nothing to export, and a message that says so
        QVERIFY(!empty.files().exportTo(dir.filePath(name), FileCommands::ExportKind(kind), &error));
        QVERIFY2(error.contains(QStringLiteral("nothing to export")), qPrintable(error));
        QVERIFY(!QFile::exists(dir.filePath(name)));
        MainWindow window;
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        window.session().advance(100);
        QVERIFY2(window.files().exportTo(dir.filePath(name), FileCommands::ExportKind(kind), &error),
            qPrintable(error));
        QFile written(dir.filePath(name));
        QVERIFY(written.open(QIODevice::ReadOnly));
        if (name.endsWith(
                QStringLiteral(".har"))) // two coroutines make no requests: an archive without entries
            QVERIFY(written.readAll().contains("\"entries\":[]"));
        else
            QVERIFY(written.size() > 100);
        if (name.endsWith(QStringLiteral(".png"))) {
            const QImage image(dir.filePath(name));
            QVERIFY(image.height() > image.width() / 2);
        }
    }

    void settingsAreRememberedBetweenRuns()
    {
        {
            MainWindow window;
            QVERIFY(window.openScenario(QStringLiteral("delegation"), { QStringLiteral("n=4") }));
            window.controls()->setSpeed(15);
            window.actions().ioLanePerOperation->setChecked(true);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.close();
        }
        MainWindow again;
        again.openLastScenario();
        QCOMPARE(again.session().scenario()->info().id, QStringLiteral("delegation"));
        QCOMPARE(again.session().params().value(QStringLiteral("n")), 4.0);
        QCOMPARE(again.controls()->speed(), 15);
        QCOMPARE(again.session().speed(), 15);
        QVERIFY(again.actions().ioLanePerOperation->isChecked());
        QCOMPARE(again.diagram()->layout().ioLaneMode(), SequenceLayout::IoLaneMode::PerOperation);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
