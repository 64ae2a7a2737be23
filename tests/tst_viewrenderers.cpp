#include "analysis/tracedigest.h"
#include "model/tracefeed.h"
#include "scenarios/scenarioregistry.h"
#include "scheduler/awaitables.h"
#include "sequence/sequencechrome.h"
#include "sequence/sequencerenderer.h"
#include "sequence/sequenceshapes.h"
#include "sequence/sequenceview.h"
#include "style/nameelision.h"
#include "style/stripfill.h"
#include "timeline/timelinerenderer.h"
#include "twocoroutinesfixture.h"

#include <QHelpEvent>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

using Loopscope::Testing::readRecord;
using TestFixtures::TwoCoroutines;

//! A light palette independent of the platform theme, so that expected colours are known.
ViewPalette lightPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf4, 0xf5, 0xf7));
    palette.setColor(QPalette::Text, Qt::black);
    palette.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    return ViewPalette::fromPalette(palette);
}

int distance(QColor a, QColor b)
{
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

QColor pixel(const QImage &image, double x, double y)
{
    return image.pixelColor(static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)));
}

} // namespace

class TestViewRenderers : public QObject
{
    Q_OBJECT
private slots:
    void concurrentFlightsOnALaneAreOneLayer()
    {
        // Thirty reads in flight at once share the I/O lane: one busy bar, not thirty layers of it.
        Scheduler s;
        for (int i = 0; i < 30; ++i)
            s.spawn(readRecord(QString::number(i)), QStringLiteral("t%1").arg(i));
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        SequenceLayout layout;
        layout.update(digest, s.trace().size());
        SequenceRenderer renderer(s.trace(), digest, layout);
        const ViewPalette colours = lightPalette();
        renderer.setPalette(colours);
        qsizetype lastSubmitted = -1;
        std::uint32_t io = 0;
        for (qsizetype row = 0; row < s.trace().size(); ++row) {
            if (s.trace().at(row).kind == EventKind::IoSubmitted) {
                lastSubmitted = row;
                io = s.trace().at(row).other;
            }
        }
        QVERIFY(lastSubmitted > 0);
        const double x = layout.laneCenter(layout.laneOfIo(io));
        const double y = layout.arrowY(lastSubmitted) + 3;            // every read is in flight here
        const QRectF area(0, y - 200, std::max(x + 100, 900.0), 400); // below the pinned header
        QImage image(area.size().toSize(), QImage::Format_ARGB32);
        QPainter painter(&image);
        painter.translate(-area.topLeft());
        renderer.paint(painter, area);
        painter.end();
        const QColor under = pixel(image, x - 8, y - area.top());
        QColor flight = colours.stateColor(TaskRunState::AwaitingIo);
        flight.setAlphaF(0.55f);
        QImage once(1, 1, QImage::Format_ARGB32);
        once.fill(under);
        QPainter layer(&once);
        layer.fillRect(QRectF(0, 0, 1, 1), flight);
        layer.end();
        QVERIFY2(distance(pixel(image, x - 1.6, y - area.top()), once.pixelColor(0, 0)) < 6,
            qPrintable(QStringLiteral("%1 against %2")
                           .arg(pixel(image, x - 1.6, y - area.top()).name(), once.pixelColor(0, 0).name())));
    }

    void aFillInStripsLooksLikeOneFill()
    {
        // Tall fills go in short strips (Qt would otherwise hand them to its thread pool): the
        // picture must not show where one strip ends, with or without antialiasing.
        for (const bool antialiased : { false, true }) {
            for (const QRectF &rect :
                { QRectF(3.5, 10.5, 4, 300.25), QRectF(0, 0, 40, 64), QRectF(1.25, 2.75, 90, 1000) }) {
                QImage once(100, 1010, QImage::Format_ARGB32_Premultiplied);
                QImage strips = once;
                for (QImage *image : { &once, &strips }) {
                    image->fill(Qt::white);
                    QPainter painter(image);
                    painter.setRenderHint(QPainter::Antialiasing, antialiased);
                    const QColor colour(40, 90, 200, 140);
                    if (image == &once)
                        painter.fillRect(rect, colour);
                    else
                        fillInStrips(painter, rect, colour);
                }
                QCOMPARE(strips, once);
            }
        }
    }

    void diagramLanesShowWholeTaskNamesAndFitTheView()
    {
        const QString longName = QStringLiteral("fetch page 12 of the customer orders");
        Scheduler s;
        s.spawn(readRecord(QStringLiteral("a")), longName);
        s.spawn(readRecord(QStringLiteral("b")), QStringLiteral("C2"));
        s.runUntilIdle();
        TraceFeed feed;
        feed.setTrace(&s.trace());
        SequenceView view(&feed);
        view.resize(1400, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        feed.flush();

        // Room to spare: the header box holds the whole name.
        const SequenceLayout &layout = view.layout();
        const double title = QFontMetricsF(view.font()).horizontalAdvance(longName);
        QVERIFY2(layout.headerRect(1).width() - 12 >= title,
            qPrintable(QStringLiteral("header %1 px for a %2 px name")
                           .arg(layout.headerRect(1).width())
                           .arg(title)));
        QVERIFY(layout.contentSize().width() <= view.viewport()->width());

        // A narrow window: lanes shrink so that more of them show, down to the minimum.
        const double wide = layout.laneWidth();
        view.resize(420, 500);
        QTRY_VERIFY(layout.laneWidth() < wide);
        QCOMPARE(layout.laneWidth(), SequenceLayout::MinLaneWidth);
        view.resize(SequenceLayout::GutterWidth + 4.25 * 160 + view.width() - view.viewport()->width(), 500);
        QTRY_COMPARE(layout.laneWidth(), SequenceLayout::DefaultLaneWidth);

        // Where the header shortens the name, its tooltip has it whole.
        const QPoint header(static_cast<int>(layout.laneCenter(1) - view.horizontalScrollBar()->value()), 20);
        QHelpEvent help(QEvent::ToolTip, header, view.viewport()->mapToGlobal(header));
        QCoreApplication::sendEvent(view.viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(longName), qPrintable(QToolTip::text()));
        QVERIFY(QToolTip::text().contains(QStringLiteral("#1")));
    }

    void diagramDrawsLifelinesArrowsAndActivationsWhereTheLayoutSays()
    {
        TwoCoroutines run;
        const ViewPalette colours = lightPalette();
        SequenceRenderer renderer(run.trace(), run.digest, run.layout);
        renderer.setPalette(colours);
        const qsizetype last = run.trace().size() - 1;
        const QSize size = renderer.rowsSize(0, last).toSize();
        QCOMPARE(size.height(), int(SequenceLayout::HeaderHeight + 17 * run.layout.rowHeight() + 16));
        QImage image(size, QImage::Format_ARGB32);
        image.fill(Qt::magenta); // anything left unpainted would show
        QPainter painter(&image);
        renderer.paintRows(painter, 0, last);
        painter.end();
        QVERIFY(distance(pixel(image, 1, 1), Qt::magenta) > 100);
        QVERIFY(distance(pixel(image, size.width() - 2, size.height() - 2), Qt::magenta) > 100);

        const SequenceLayout &l = run.layout;
        // C1's lifeline, in its accent, where nothing crosses it (row 7: C2 submits to the I/O lane).
        const QColor lifeline = pixel(image, l.laneCenter(1), l.rowTop(7) + 3);
        QVERIFY2(
            distance(lifeline, colours.faded(colours.taskAccent(1), 0.25)) < 60, qPrintable(lifeline.name()));
        // "start C1" (row 3): a solid arrow between the loop and C1 at the row's arrow height.
        const double startMid = (l.laneCenter(0) + l.laneCenter(1)) / 2;
        QVERIFY(distance(pixel(image, startMid, l.arrowY(3)), colours.arrow) < 80);
        QVERIFY(distance(pixel(image, startMid, l.arrowY(3) + 4), colours.background) < 10);
        // "await read a" (row 5): dashed, so the line alternates between ink and paper.
        int ink = 0;
        const QLineF awaitLine = l.arrowLine(5, 1, 0);
        for (double x = awaitLine.x2() + 12; x < awaitLine.x1() - 2; x += 1)
            ink += distance(pixel(image, x, l.arrowY(5)), colours.arrow) < 120;
        const double length = awaitLine.x1() - awaitLine.x2() - 14;
        QVERIFY2(ink > length * 0.35 && ink < length * 0.85, qPrintable(QString::number(ink / length)));
        // C1's activation bar from "start C1" to "await read a", filled with its faded accent.
        const QRectF bar = l.activationRect(3, 5, 1, 0);
        QVERIFY(distance(pixel(image, bar.center().x(), bar.center().y()),
                    colours.faded(colours.taskAccent(1), 0.62))
            < 40);
        // No bar where C1 is suspended (row 7, where only C2 and the I/O lane are busy).
        QVERIFY(distance(pixel(image, bar.center().x() - 3, l.rowTop(7) + 6), colours.background) < 40);
        // Header boxes on top, footer-less picture ends below the last row.
        const QRectF header = l.headerRect(1, 0);
        QVERIFY(distance(pixel(image, header.left() + 4, header.bottom() - 4),
                    colours.faded(colours.taskAccent(1), 0.86))
            < 30);
    }

    void footerEndsTheLifelinesOfAPage()
    {
        // A page that ends inside C1's activation (rows 3 to 5): nothing of it shows below the footer.
        TwoCoroutines run;
        run.layout.setFooter(true);
        run.layout.update(run.digest, run.trace().size());
        const ViewPalette colours = lightPalette();
        SequenceRenderer renderer(run.trace(), run.digest, run.layout);
        renderer.setPalette(colours);
        const QSize size = renderer.rowsSize(3, 4).toSize();
        QImage image(size, QImage::Format_ARGB32);
        image.fill(Qt::magenta);
        QPainter painter(&image);
        renderer.paintRows(painter, 3, 4);
        painter.end();
        const double lane = run.layout.laneCenter(1);
        const double bodyBottom = SequenceLayout::HeaderHeight + 2 * run.layout.rowHeight();
        QVERIFY(
            distance(pixel(image, lane, bodyBottom - 3), colours.faded(colours.taskAccent(1), 0.62)) < 40);
        for (double y = bodyBottom + 1; y < size.height(); y += 1) {
            const QColor below = pixel(image, lane + 4, y);
            QVERIFY2(distance(below, colours.faded(colours.taskAccent(1), 0.62)) > 40,
                qPrintable(
                    QStringLiteral("activation shows at y=%1 below the body (%2)").arg(y).arg(bodyBottom)));
        }
    }

    void currentStepAndSelectionAreHighlighted()
    {
        TwoCoroutines run;
        const ViewPalette colours = lightPalette();
        SequenceRenderer renderer(run.trace(), run.digest, run.layout);
        renderer.setPalette(colours);
        renderer.setCurrentStep(12, 14);
        renderer.setSelectedSeq(13);
        const QSize size = renderer.rowsSize(0, 16).toSize();
        QImage image(size, QImage::Format_ARGB32);
        QPainter painter(&image);
        renderer.paintRows(painter, 0, 16);
        painter.end();
        const double x = run.layout.laneCenter(3) + 40; // right of the I/O lane: only the row band
        QVERIFY(distance(pixel(image, x, run.layout.rowCenter(11)), colours.background) < 5);
        const QColor step = pixel(image, x, run.layout.rowCenter(12));
        QVERIFY2(step.red() > step.blue() + 20, qPrintable(step.name())); // amber
        const QColor selected = pixel(image, x, run.layout.rowCenter(13));
        QVERIFY2(
            selected.blue() > selected.red() + 20, qPrintable(selected.name())); // blue, not mixed with amber
    }

    void pinnedHeadersStayOnTopWhileScrolled()
    {
        Scheduler s;
        for (int i = 0; i < 50; ++i)
            s.spawn(readRecord(QString::number(i)), QStringLiteral("t%1").arg(i));
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        SequenceLayout layout;
        layout.update(digest, s.trace().size());
        SequenceRenderer renderer(s.trace(), digest, layout);
        const ViewPalette colours = lightPalette();
        renderer.setPalette(colours);
        const QRectF area(0, 3000, 900, 600);
        QImage image(area.size().toSize(), QImage::Format_ARGB32);
        QPainter painter(&image);
        painter.translate(-area.topLeft());
        renderer.paint(painter, area);
        painter.end();
        const QRectF header = layout.headerRect(1, 0);
        QVERIFY(distance(pixel(image, header.left() + 4, header.bottom() - 4),
                    colours.faded(colours.taskAccent(1), 0.86))
            < 30);
        // The gutter is pinned at the left edge.
        QVERIFY(distance(pixel(image, 5, 300), colours.alternate) < 10);
    }

    void zoomedOutRowsBecomeDensityBands()
    {
        Scheduler s;
        for (int i = 0; i < 20000; ++i)
            s.spawn(readRecord(QString::number(i)));
        s.runUntilIdle();
        TraceDigest digest;
        digest.update(s.trace());
        SequenceLayout layout;
        layout.update(digest, s.trace().size());
        layout.setZoom(0.002);
        QCOMPARE(layout.detail(), SequenceLayout::Detail::Density);
        SequenceRenderer renderer(s.trace(), digest, layout);
        const ViewPalette colours = lightPalette();
        renderer.setPalette(colours);
        const QRectF area(0, 0, 1200, std::min(800.0, layout.contentSize().height()));
        QImage image(area.size().toSize(), QImage::Format_ARGB32);
        QPainter painter(&image);
        renderer.paint(painter, area);
        painter.end();
        // The loop lane is busy all along: its band is darker than the paper.
        const double y
            = SequenceLayout::HeaderHeight + (layout.bodyBottom() - SequenceLayout::HeaderHeight) / 2;
        QVERIFY(
            distance(pixel(image, layout.laneCenter(0), std::min(y, area.height() - 5)), colours.background)
            > 60);
    }

    void darkPalettesKeepEverythingReadable()
    {
        TwoCoroutines run;
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x27, 0x2b));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xd6));
        const ViewPalette colours = ViewPalette::fromPalette(dark);
        QVERIFY(colours.dark);
        SequenceRenderer renderer(run.trace(), run.digest, run.layout);
        renderer.setPalette(colours);
        renderer.setCurrentStep(12, 14);
        const QSize size = renderer.rowsSize(0, 16).toSize();
        QImage image(size, QImage::Format_ARGB32);
        QPainter painter(&image);
        renderer.paintRows(painter, 0, 16);
        painter.end();
        const SequenceLayout &l = run.layout;
        QVERIFY(pixel(image, l.laneCenter(3) + 40, l.rowCenter(5)).lightness() < 60);
        // Arrows and their labels are light on the dark paper.
        const double startMid = (l.laneCenter(0) + l.laneCenter(1)) / 2;
        QVERIFY(pixel(image, startMid, l.arrowY(3)).lightness() > 150);
        int bright = 0;
        for (double x = startMid - 20; x < startMid + 20; ++x)
            for (double y = l.arrowY(3) - 16; y < l.arrowY(3) - 5; ++y)
                bright += pixel(image, x, y).lightness() > 150;
        QVERIFY2(bright > 20, qPrintable(QString::number(bright))); // the label "start C1"
    }

    void timelineColoursEachTaskByState()
    {
        TwoCoroutines run;
        TimelineLayout layout;
        layout.setWidth(800);
        layout.setLaneCount(int(run.digest.taskCount()));
        layout.setTimeRange(run.digest.startTimeNs(), run.digest.endTimeNs());
        TimelineRenderer renderer(run.trace(), run.digest, layout);
        const ViewPalette colours = lightPalette();
        renderer.setPalette(colours);
        QImage image(800, 200, QImage::Format_ARGB32);
        QPainter painter(&image);
        renderer.paint(painter, QRectF(0, 0, 800, 200));
        painter.end();
        const double midLane = layout.laneTop(0) + TimelineLayout::LaneHeight / 2;
        // Between 0 and 2 s both tasks await their reads.
        QCOMPARE(pixel(image, layout.mapTimeToX(1e9), midLane), colours.stateColor(TaskRunState::AwaitingIo));
        QCOMPARE(pixel(image, layout.mapTimeToX(1e9),
                     midLane + TimelineLayout::LaneHeight + TimelineLayout::LaneGap),
            colours.stateColor(TaskRunState::AwaitingIo));
        // At 0 s C1 ran for no virtual time at all: still a visible tick.
        QCOMPARE(pixel(image, layout.mapTimeToX(0), midLane), colours.stateColor(TaskRunState::Running));
        // The label column names the task.
        QVERIFY(distance(pixel(image, 8, midLane), colours.taskAccent(1)) < 10);
    }

    void aNoteWithoutRoomOnTheRightGoesToTheLeft()
    {
        SequenceShapes shapes;
        const ViewPalette colours = lightPalette();
        shapes.setPalette(colours);
        shapes.setFont(QFont());
        QImage image(800, 60, QImage::Format_ARGB32);
        image.fill(colours.background);
        QPainter painter(&image);
        shapes.note(painter, 500, 30, 40, QStringLiteral("slow step: ran 1.000 s without yielding"),
            SequenceMessage::Tone::Warning, 600, 480);
        painter.end();
        const auto inked = [&](int from, int to) {
            int count = 0;
            for (int x = from; x < to; ++x)
                count += image.pixelColor(x, 30) != colours.background;
            return count;
        };
        QCOMPARE(inked(600, 800), 0); // nothing past the edge it was given
        QVERIFY(inked(0, 480) > 20);  // the whole note left of its lane instead
    }

    void shortenedNamesKeepWhatTellsThemApart()
    {
        const QFontMetricsF metrics { QFont() };
        const QString first = QStringLiteral("GET /api/items?from=250&limit=50");
        const QString second = QStringLiteral("GET /api/items?from=300&limit=50");
        const double width = metrics.horizontalAdvance(first) * 0.75;
        const QString a = elideName(first, metrics, width);
        const QString b = elideName(second, metrics, width);
        QVERIFY2(a.contains(QStringLiteral("?from=250")) && b.contains(QStringLiteral("?from=300")),
            qPrintable(a + u' ' + b));
        QVERIFY(metrics.horizontalAdvance(a) <= width);
        QCOMPARE(elideName(QStringLiteral("op 7"), metrics, 1000), QStringLiteral("op 7"));
        const QString operation = QStringLiteral("concurrent operation 271");
        const QString shown = elideName(operation, metrics, metrics.horizontalAdvance(operation) * 0.6);
        QVERIFY2(shown.endsWith(QStringLiteral("271")) && shown.startsWith(QStringLiteral("conc")),
            qPrintable(shown));
    }

    void laneTitlesShrinkBeforeTheyAreShortened()
    {
        QFont bold;
        bold.setBold(true);
        bold.setPointSizeF(10);
        const QString name = QStringLiteral("unbounded");
        const double whole = QFontMetricsF(bold).horizontalAdvance(name);
        auto [font, text] = SequenceChrome::fitTitle(name, bold, whole + 1);
        QCOMPARE(text, name);
        QCOMPARE(font.pointSizeF(), 10.0);
        std::tie(font, text) = SequenceChrome::fitTitle(name, bold, whole * 0.9); // was "unb…ded"
        QCOMPARE(text, name);
        QVERIFY(font.pointSizeF() < 10.0);
        std::tie(font, text) = SequenceChrome::fitTitle(name, bold, whole * 0.4);
        QVERIFY(text != name && text.contains(QChar(0x2026)));
    }

    void laneColoursNeverLookLikeAState()
    {
        // A lane's colour names a task; it must not be read as "running", "I/O" or "failed".
        for (const bool dark : { false, true }) {
            QPalette palette;
            palette.setColor(QPalette::Base, dark ? QColor(0x20, 0x22, 0x26) : Qt::white);
            palette.setColor(QPalette::Text, dark ? Qt::white : Qt::black);
            const ViewPalette colours = ViewPalette::fromPalette(palette);
            for (TaskId task = 1; task <= 8; ++task) {
                const QColor accent = colours.taskAccent(task);
                if (accent.hsvSaturationF() < 0.25)
                    continue; // a grey says nothing about a state
                for (const TaskRunState state :
                    { TaskRunState::Running, TaskRunState::AwaitingIo, TaskRunState::AwaitingTimer,
                        TaskRunState::AwaitingTask, TaskRunState::AwaitingOther, TaskRunState::Failed }) {
                    const int apart = std::abs(accent.hsvHue() - colours.stateColor(state).hsvHue());
                    QVERIFY2(std::min(apart, 360 - apart) >= 20,
                        qPrintable(QStringLiteral("lane colour %1 looks like the state %2 (%3)")
                                       .arg(accent.name(), taskRunStateName(state),
                                           colours.stateColor(state).name())));
                }
            }
        }
    }

    void timelineShowsWhereTheTimeWentWhenRunsAreMomentsBetweenLongWaits()
    {
        // 300 sequential operations of 2 s: the task runs for no time 300 times, between waits that
        // make up all of its 600 s. Its bar must say "awaiting I/O", not "running".
        const ScenarioRegistry registry;
        const QString id = QStringLiteral("sequential-vs-concurrent");
        auto run = registry.get(id).start(
            registry.parseParams(id, { QStringLiteral("n=300"), QStringLiteral("mode=1") }));
        run->runToEnd();
        TraceDigest digest;
        digest.update(run->trace());
        TaskId sequential = NoTask;
        for (TaskId task = 1; task <= digest.taskCount(); ++task) {
            if (run->trace().taskName(task) == u"sequential")
                sequential = task;
        }
        QVERIFY(sequential != NoTask);
        QCOMPARE(digest.busyNs(digest.task(sequential)), 0);
        TimelineLayout layout;
        layout.setWidth(1600);
        layout.setLaneCount(int(digest.taskCount()));
        layout.setTimeRange(digest.startTimeNs(), digest.endTimeNs());
        TimelineRenderer renderer(run->trace(), digest, layout);
        const ViewPalette colours = lightPalette();
        renderer.setPalette(colours);
        QImage image(1600, int(layout.contentHeight()), QImage::Format_ARGB32);
        QPainter painter(&image);
        renderer.paint(painter, QRectF(0, 0, 1600, layout.contentHeight()));
        painter.end();
        const int lane = int(sequential) - 1;
        const int left = int(std::ceil(layout.mapTimeToX(double(digest.task(sequential).createdNs))));
        const int right = int(std::floor(layout.mapTimeToX(double(digest.endTimeNs())))) - 1;
        QVERIFY(right - left > 1000);
        const QColor io = colours.stateColor(TaskRunState::AwaitingIo);
        for (const double y :
            { layout.laneTop(lane) + TimelineLayout::LaneHeight / 2, layout.laneTop(lane) + 6.0 }) {
            int awaiting = 0;
            for (int x = left; x <= right; ++x)
                awaiting += pixel(image, x, y) == io;
            const double share = double(awaiting) / double(right - left + 1);
            QVERIFY2(share > 0.95,
                qPrintable(QStringLiteral("%1 % of the bar at y %2 is I/O").arg(share * 100).arg(y)));
        }
    }
};

QTEST_MAIN(TestViewRenderers)
#include "tst_viewrenderers.moc"
