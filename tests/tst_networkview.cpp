#include "analysis/tracedigest.h"
#include "export/imageexport.h"
#include "export/networkscene.h"
#include "io/eventrange.h"
#include "io/tracefilewriter.h"
#include "io/traceformaterror.h"
#include "model/tracefeed.h"
#include "net/demoserver.h"
#include "net/httpclient.h"
#include "network/networklog.h"
#include "network/networkpane.h"
#include "network/networkrenderer.h"
#include "network/networktablemodel.h"
#include "run/runsession.h"
#include "run/tracemetadata.h"
#include "scheduler/combinators.h"
#include "timeline/timelinelayout.h"
#include "timeline/timelinerenderer.h"
#include "window/filecommands.h"
#include "window/mainwindow.h"

#include <QDockWidget>
#include <QPainter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

//! Six pages fetched two at a time at 20 requests a second, 60 ms each; the page from 100 fails
//! once (500).
std::unique_ptr<Scheduler> retrieval(DemoServer &server, NetworkLog *follow = nullptr)
{
    DemoServer::Options source;
    source.latencyMs = 60;          // longer than the pacing: two requests at once need two connections
    if (!server.setOptions(source)) // also forgets the faults served to earlier runs
        return nullptr;
    SchedulerOptions options;
    options.clock = ClockMode::Real;
    auto s = std::make_unique<Scheduler>(options);
    HttpClientOptions http;
    http.backoffBase = 5ms;
    http.backoffMax = 20ms;
    http.maxRequestsPerSecond = 20;
    auto client = std::make_shared<HttpClient>(http);
    auto fetch = [](std::shared_ptr<HttpClient> c, QUrl base, int from) -> Task<int> {
        QUrl url = base;
        url.setQuery(from == 100 ? QStringLiteral("from=100&fault=500&fault_times=1")
                                 : QStringLiteral("from=%1").arg(from));
        co_return (co_await c->get(url)).status;
    };
    auto all = [fetch](std::shared_ptr<HttpClient> c, QUrl base) -> Task<int> {
        int ok = 0;
        for (int pair = 0; pair < 3; ++pair) {
            std::vector<Task<int>> two;
            two.push_back(fetch(c, base, pair * 100));
            two.push_back(fetch(c, base, pair * 100 + 50));
            for (const int status : co_await whenAll(std::move(two)))
                ok += status == 200;
        }
        co_return ok;
    };
    // `follow` is brought up to date every few milliseconds while the requests are under way, and
    // asked what is in flight, as a view drawing it each frame does.
    QTimer ticks;
    if (follow) {
        QObject::connect(&ticks, &QTimer::timeout, [follow, &s] {
            follow->update(s->trace());
            follow->peakInFlight();
        });
        ticks.start(3);
    }
    if (s->runUntilComplete(all(client, server.itemsUrl())) != 6)
        return nullptr;
    return s;
}

//! The colour of the pixel at (x, y) of `image`, in device-independent coordinates.
QColor pixel(const QImage &image, double x, double y)
{
    const double ratio = image.devicePixelRatio();
    return image.pixelColor(int(x * ratio), int(y * ratio));
}

} // namespace

class TestNetworkView : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_server.listen()); }

    void theLogGroupsAttemptsIntoRequestsAndTracksConnections()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        NetworkLog log;
        log.update(s->trace());
        QCOMPARE(log.requests().size(), std::size_t(6));
        const auto retried = std::find_if(log.requests().begin(), log.requests().end(),
            [](const NetworkRequest &r) { return r.isRetried(); });
        QVERIFY(retried != log.requests().end());
        QCOMPARE(retried->attempts.size(), std::size_t(2));
        QCOMPARE(retried->status, 200);
        QVERIFY(!retried->failed);
        // Its tooltip tells both attempts apart: why the first failed, the wait, how the second went.
        const QString told = log.describe(std::size_t(retried - log.requests().begin()));
        QVERIFY2(told.contains(QStringLiteral("attempt 1: 500")), qPrintable(told));
        QVERIFY2(told.contains(QStringLiteral("then waited")), qPrintable(told));
        QVERIFY2(told.contains(QStringLiteral("attempt 2: 200 OK on connection #")), qPrintable(told));
        QVERIFY2(told.contains(QStringLiteral("wait ")), qPrintable(told));
        QVERIFY(retried->url.contains(QStringLiteral("from=100")));
        // Two at a time: two connections, kept alive, carrying every attempt between them.
        QCOMPARE(log.connectionCount(), 2);
        std::size_t carried = 0;
        for (int c = 1; c <= log.connectionCount(); ++c) {
            const auto &uses = log.usesOf(c);
            QVERIFY(uses.front().opened);
            for (std::size_t u = 1; u < uses.size(); ++u) {
                QVERIFY(!uses[u].opened);
                QVERIFY(uses[u].startNs >= uses[u - 1].endNs); // one exchange at a time
            }
            carried += uses.size();
        }
        QCOMPARE(carried, std::size_t(7));
        QCOMPARE(log.peakInFlight(), 2);
        // Each attempt's events lead to its request.
        for (std::size_t r = 0; r < log.requests().size(); ++r) {
            for (const std::size_t record : log.requests()[r].attempts)
                QCOMPARE(log.requestOfIo(s->trace().ioRecords()[record].id), qsizetype(r));
        }
        // Paced at 20 a second: some attempts waited their turn, and show it first.
        bool queued = false;
        for (const IoRecord &io : s->trace().ioRecords()) {
            const auto phases = requestPhases(io, io.endNs);
            queued = queued || phases.front().phase == RequestPhase::Queued;
        }
        QVERIFY(queued);
    }

    void aLogFollowingTheRunEndsAsOneMadeAfterIt()
    {
        NetworkLog followed;
        const auto s = retrieval(m_server, &followed);
        QVERIFY(s);
        QVERIFY(followed.requests().size() >= 1); // it saw the run under way
        followed.update(s->trace());
        NetworkLog once;
        once.update(s->trace());
        const auto describe = [&s](const NetworkLog &log) {
            QStringList lines;
            for (const NetworkRequest &r : log.requests()) {
                QStringList attempts;
                for (const std::size_t a : r.attempts)
                    attempts << QString::number(s->trace().ioRecords()[a].id);
                QStringList connections;
                for (const int c : r.connections)
                    connections << QString::number(c);
                lines << QStringLiteral("%1 %2 %3 %4 %5 [%6] [%7]")
                             .arg(r.number)
                             .arg(r.status)
                             .arg(r.endNs)
                             .arg(r.failed)
                             .arg(r.url, attempts.join(u','), connections.join(u','));
            }
            for (int c = 1; c <= log.connectionCount(); ++c) {
                for (const ConnectionUse &use : log.usesOf(c))
                    lines << QStringLiteral("connection %1: %2 %3-%4")
                                 .arg(c)
                                 .arg(use.record)
                                 .arg(use.startNs)
                                 .arg(use.endNs);
            }
            lines << QStringLiteral("span %1-%2 peak %3")
                         .arg(log.startNs())
                         .arg(log.endNs())
                         .arg(log.peakInFlight());
            for (const auto &[ns, count] : log.inFlight())
                lines << QStringLiteral("in flight from %1: %2").arg(ns).arg(count);
            return lines;
        };
        QCOMPARE(describe(followed), describe(once));
        followed.update(s->trace());
        QVERIFY(followed.changedRequests().empty()); // nothing new since
    }

    void thePaneFiltersAndSortsRequests()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        TraceFeed feed;
        feed.setTrace(&s->trace());
        NetworkPane pane(&feed);
        QCOMPARE(pane.table()->model()->rowCount(), 0); // hidden, it does not follow the trace
        pane.show();
        QCOMPARE(pane.table()->model()->rowCount(), 6);
        pane.setRetriedOnly(true);
        QCOMPARE(pane.table()->model()->rowCount(), 1);
        QCOMPARE(pane.table()->model()->index(0, NetworkTableModel::AttemptsColumn).data().toInt(), 2);
        pane.setRetriedOnly(false);
        pane.setFailedOnly(true);
        QCOMPARE(pane.table()->model()->rowCount(), 0); // the retry succeeded
        pane.setFailedOnly(false);
        pane.setFilterText(QStringLiteral("from=250"));
        QCOMPARE(pane.table()->model()->rowCount(), 1);
        pane.setFilterText(QString());
        // Sorted by time, longest first: the retried request waited for its back-off too.
        pane.table()->sortByColumn(NetworkTableModel::TimeColumn, Qt::DescendingOrder);
        const qsizetype longest = pane.requestAtRow(0);
        for (int row = 1; row < 6; ++row) {
            const auto &requests = pane.log().requests();
            QVERIFY(requests[std::size_t(longest)].durationNs(0)
                >= requests[std::size_t(pane.requestAtRow(row))].durationNs(0));
        }
    }

    void theWaterfallDrawsEachPhaseWhereItHappened()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        NetworkLog log;
        log.update(s->trace());
        NetworkRenderer renderer(log);
        renderer.setTrace(&s->trace());
        renderer.setPalette(ViewPalette::fromPalette(QPalette()));
        const NetworkAxis axis { log.startNs(), log.endNs(), 0, 1000 };
        QImage image(1000, 20, QImage::Format_ARGB32_Premultiplied);
        for (std::size_t r = 0; r < log.requests().size(); ++r) {
            image.fill(Qt::white);
            QPainter painter(&image);
            renderer.paintRequest(painter, QRectF(0, 0, 1000, 20), r, axis);
            painter.end();
            const IoRecord &last = s->trace().ioRecords()[log.requests()[r].attempts.back()];
            for (const RequestPhaseSpan &span : requestPhases(last, last.endNs)) {
                if (axis.x(span.endNs) - axis.x(span.startNs) < 4)
                    continue; // too short to find one pixel of its own
                const double middle = (axis.x(span.startNs) + axis.x(span.endNs)) / 2;
                QCOMPARE(pixel(image, middle, 10), NetworkRenderer::phaseColor(span.phase));
            }
        }
    }

    void theTimelineDrawsTheConnectionsBelowTheTasks()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        const Trace &trace = s->trace();
        TraceDigest digest;
        digest.update(trace);
        NetworkLog log;
        log.update(trace);
        TimelineLayout layout;
        layout.setWidth(1000);
        layout.setTimeRange(digest.startTimeNs(), digest.endTimeNs());
        layout.fit();
        const int tasks = static_cast<int>(digest.taskCount());
        QCOMPARE(TimelineRenderer::networkLaneCount(&log, layout), 1 + log.connectionCount());
        QCOMPARE(TimelineRenderer::networkLaneCount(nullptr, layout), 0);
        layout.setLaneCount(tasks + TimelineRenderer::networkLaneCount(&log, layout));
        TimelineRenderer renderer(trace, digest, layout);
        renderer.setPalette(ViewPalette::fromPalette(QPalette()));
        renderer.setFont(QFont());
        renderer.setNetwork(&log);
        QImage image(1000, int(layout.contentHeight()), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        QPainter painter(&image);
        renderer.paint(painter, QRectF(0, 0, 1000, layout.contentHeight()));
        painter.end();
        // Each connection's lane shows its exchanges where they happened on the tasks' time axis.
        for (int connection = 1; connection <= log.connectionCount(); ++connection) {
            const double y = layout.laneTop(tasks + connection) + TimelineLayout::LaneHeight / 2;
            const auto &uses = log.usesOf(connection);
            for (std::size_t u = 0; u < uses.size(); ++u) {
                const IoRecord &io = trace.ioRecords()[uses[u].record];
                const std::int64_t from = uses[u].opened ? io.sentNs : uses[u].startNs;
                const double x = layout.mapTimeToX(double(from + uses[u].endNs) / 2);
                const QColor expected = io.status >= 400
                    ? ViewPalette::fromPalette(QPalette()).error
                    : NetworkRenderer::phaseColor(u % 2 == 1 ? RequestPhase::Send : RequestPhase::Receive);
                QCOMPARE(pixel(image, x, y), expected);
            }
        }
    }

    void selectionFollowsBothWaysInTheWindow()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("retrieval.loopscope"));
        TraceFileWriter::save(
            s->trace(), TraceMetadata::recordedNow(QStringLiteral("retrieval"), {}, ClockMode::Real), path);
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        window.findChild<QDockWidget *>(QStringLiteral("network"))->raise(); // the Network tab
        QString error;
        QVERIFY2(window.files().openTrace(path, &error), qPrintable(error));
        window.feed().flush();
        NetworkPane *pane = window.networkPane();
        QTableView *table = pane->table();
        QCOMPARE(table->model()->rowCount(), 6);
        // A request picked in the Network view selects the event that submitted it.
        table->selectionModel()->setCurrentIndex(
            table->model()->index(3, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const qsizetype request = pane->requestAtRow(3);
        const Trace &trace = *window.session().trace();
        const IoRecord &last
            = trace.ioRecords()[pane->log().requests()[std::size_t(request)].attempts.back()];
        QVERIFY(window.hasSelection());
        const TraceEvent picked = trace.at(trace.indexOfSeq(window.selectedSeq()));
        QCOMPARE(picked.kind, EventKind::IoSubmitted);
        QCOMPARE(picked.other, last.id);
        // An event of another request, selected elsewhere, makes that request current here.
        const IoRecord &other
            = trace.ioRecords()[pane->log().requests()[std::size_t(pane->requestAtRow(1))].attempts.front()];
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::IoCompleted && e.other == other.id) {
                window.selectEvent(e.seq);
                break;
            }
        }
        QCOMPARE(pane->requestAtRow(table->currentIndex().row()), pane->requestAtRow(1));
    }

    void theWaterfallExportsAsAPicture()
    {
        const auto s = retrieval(m_server);
        QVERIFY(s);
        const EventRange all { 0, s->trace().size() - 1 };
        const NetworkScene scene(s->trace(), all);
        QCOMPARE(scene.rows().size(), std::size_t(6));
        ImageExport image(s->trace());
        image.setView(ImageView::Network);
        image.setScale(1);
        const QImage picture = image.toImage(all);
        QVERIFY(!picture.isNull());
        QCOMPARE(picture.width(), int(NetworkScene::Width));
        QVERIFY(picture.height() >= int(6 * NetworkScene::RowHeight));
        QTemporaryDir dir;
        QVERIFY(image.write(dir.filePath(QStringLiteral("net.pdf")), ImageFormat::Pdf, all) >= 1);
        // The timeline's picture has the connections below the tasks, as in the window.
        ImageExport timeline(s->trace());
        timeline.setView(ImageView::Timeline);
        timeline.setScale(1);
        TraceDigest digest;
        digest.update(s->trace());
        NetworkLog log;
        log.update(s->trace());
        TimelineLayout expected;
        expected.setLaneCount(int(digest.taskCount()) + 1 + log.connectionCount());
        QCOMPARE(timeline.toImage(all).height(), int(std::ceil(expected.contentHeight())));
        // A run without HTTP has no waterfall: said, not drawn empty.
        Scheduler idle;
        idle.spawn([]() -> Task<void> { co_return; }(), QStringLiteral("idle"));
        idle.runUntilIdle();
        ImageExport none(idle.trace());
        none.setView(ImageView::Network);
        QVERIFY_THROWS_EXCEPTION(ExportError, none.toImage({ 0, idle.trace().size() - 1 }));
    }

private:
    DemoServer m_server;
};

QTEST_MAIN(TestNetworkView)
#include "tst_networkview.moc"
