// loopscope-bench render: how long one frame of the sequence diagram and of the timeline takes to
// paint (1600 x 1000, offscreen raster, as a widget would), for traces of 1k, 100k and 1M events,
// at a dozen scroll positions each: the readable default zoom and a zoomed-out overview for the
// diagram; the fitted view, lanes scrolled and zoomed-in windows for the timeline. Also the time to
// digest each trace (what the views derive from it, done once as events arrive). A case of 100,000
// lanes (sequential-vs-concurrent n=100000) scrolls down and across its tasks; the diagram scrolls
// across its lanes every other frame. The Network view with 10,000 requests, scrolled through.
#include "analysis/tracedigest.h"
#include "bench.h"
#include "bench_uiblocking.h"
#include "benchtraces.h"
#include "benchutil.h"
#include "model/tracefeed.h"
#include "network/networkpane.h"
#include "scenarios/scenarioregistry.h"
#include "sequence/sequencerenderer.h"
#include "timeline/timelinerenderer.h"

#include <algorithm>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QScrollBar>
#include <QTableView>
#include <QTextStream>
#include <vector>

using namespace Loopscope;

namespace {

constexpr QSize FrameSize(1600, 1000);

struct Stats
{
    double median = 0;
    double max = 0;
};

Stats stats(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return Stats { samples[samples.size() / 2], samples.back() };
}

template<typename Paint>
double timeFrame(QImage &frame, Paint paint)
{
    const auto start = Bench::Clock::now();
    QPainter painter(&frame);
    paint(painter);
    painter.end();
    return Bench::secondsSince(start) * 1000;
}

struct SizeResult
{
    QString name;
    qsizetype events = 0;
    double digestMs = 0;
    Stats diagram;
    Stats overview;
    Stats timeline;
};

SizeResult measureTrace(const QString &name, const Trace &trace, int positions, QTextStream &out)
{
    SizeResult r;
    r.name = name;
    r.events = trace.size();
    const auto digestStart = Bench::Clock::now();
    TraceDigest digest;
    digest.update(trace);
    r.digestMs = Bench::secondsSince(digestStart) * 1000;

    QImage frame(FrameSize, QImage::Format_ARGB32_Premultiplied);
    const ViewPalette colours = ViewPalette::fromPalette(QGuiApplication::palette());

    SequenceLayout layout;
    layout.update(digest, trace.size());
    SequenceRenderer diagram(trace, digest, layout);
    diagram.setPalette(colours);
    diagram.setFont(QGuiApplication::font());
    diagram.setCurrentStep(trace.at(trace.size() / 2).seq, trace.at(trace.size() / 2).seq + 3);
    diagram.setSelectedSeq(trace.at(trace.size() / 3).seq);
    const auto scrollPositions = [&](double contentHeight) {
        std::vector<double> ys;
        const double range = std::max(0.0, contentHeight - FrameSize.height());
        for (int i = 0; i < positions; ++i)
            ys.push_back(range * i / std::max(1, positions - 1));
        return ys;
    };
    // Scrolled down and, every other frame, across the lanes too.
    const double across = std::max(0.0, layout.contentSize().width() - FrameSize.width());
    int frameIndex = 0;
    const auto paintDiagram = [&](double y) {
        const double x = (frameIndex++ % 2) ? across * frameIndex / (2.0 * positions) : 0.0;
        const QRectF area(x, y, FrameSize.width(), FrameSize.height());
        return timeFrame(frame, [&](QPainter &p) {
            p.translate(-area.topLeft());
            diagram.paint(p, area);
        });
    };
    std::vector<double> samples;
    paintDiagram(0); // warm up glyph caches
    for (const double y : scrollPositions(layout.contentSize().height()))
        samples.push_back(paintDiagram(y));
    r.diagram = stats(samples);
    // Zoomed out until the whole trace (up to the zoom limit) fits a few screens: density bands.
    layout.setZoom((FrameSize.height() * 4.0) / (trace.size() * SequenceLayout::BaseRowHeight));
    samples.clear();
    for (const double y : scrollPositions(layout.contentSize().height()))
        samples.push_back(paintDiagram(y));
    r.overview = stats(samples);

    TimelineLayout timelineLayout;
    timelineLayout.setWidth(FrameSize.width());
    timelineLayout.setLaneCount(static_cast<int>(digest.taskCount()));
    timelineLayout.setTimeRange(digest.startTimeNs(), digest.endTimeNs());
    TimelineRenderer timeline(trace, digest, timelineLayout);
    timeline.setPalette(colours);
    timeline.setFont(QGuiApplication::font());
    timeline.setSelection(digest.endTimeNs() / 2, 1);
    const auto paintTimeline = [&](double y) {
        const QRectF area(0, y, FrameSize.width(), FrameSize.height());
        return timeFrame(frame, [&](QPainter &p) {
            p.translate(0, -y);
            timeline.paint(p, area);
        });
    };
    samples.clear();
    const std::vector<double> laneScrolls = scrollPositions(timelineLayout.contentHeight());
    for (int i = 0; i < positions; ++i) {
        // Half the frames show the whole run, half a window zoomed 50x somewhere along it.
        if (i % 2 == 0) {
            timelineLayout.fit();
        } else {
            timelineLayout.fit();
            timelineLayout.zoomAround(TimelineLayout::LabelWidth, 50);
            timelineLayout.pan(timelineLayout.plotWidth() * 50 * i / positions);
        }
        samples.push_back(paintTimeline(laneScrolls[static_cast<std::size_t>(i)]));
    }
    r.timeline = stats(samples);

    out << QStringLiteral("%1: %2 events, %3 tasks; digest %4 ms\n")
               .arg(name)
               .arg(r.events)
               .arg(digest.taskCount())
               .arg(r.digestMs, 0, 'f', 1);
    out << QStringLiteral("  diagram  (readable zoom): median %1 ms, max %2 ms\n")
               .arg(r.diagram.median, 0, 'f', 2)
               .arg(r.diagram.max, 0, 'f', 2);
    out << QStringLiteral("  diagram  (overview)     : median %1 ms, max %2 ms\n")
               .arg(r.overview.median, 0, 'f', 2)
               .arg(r.overview.max, 0, 'f', 2);
    out << QStringLiteral("  timeline                : median %1 ms, max %2 ms\n")
               .arg(r.timeline.median, 0, 'f', 2)
               .arg(r.timeline.max, 0, 'f', 2);
    out.flush();
    return r;
}

SizeResult measure(const QString &name, qsizetype wanted, int positions, QTextStream &out)
{
    const auto scheduler = Bench::makeIoTrace(wanted);
    return measureTrace(name, scheduler->trace(), positions, out);
}

//! sequential-vs-concurrent with n = 100,000: 100,000 tasks, so 100,000 timeline lanes and a
//! diagram whose tasks beyond its lane budget share a group lane.
SizeResult measureManyLanes(int positions, QTextStream &out)
{
    const ScenarioRegistry registry;
    const QString id = QStringLiteral("sequential-vs-concurrent");
    const auto run = registry.get(id).start(
        registry.parseParams(id, { QStringLiteral("n=100000"), QStringLiteral("mode=concurrent") }));
    run->runToEnd();
    return measureTrace(QStringLiteral("lanes100k"), run->trace(), positions, out);
}

//! 10,000 HTTP requests as a connector at C = 100 makes them, 100 ms each, one in fifty retried
//! after a 503, on 100 kept-alive connections: the Network view scrolled from top to bottom.
Stats measureNetwork(int positions, QTextStream &out)
{
    constexpr int Requests = 10'000;
    constexpr int Connections = 100;
    constexpr std::int64_t Ms = 1'000'000;
    Trace trace;
    std::uint32_t id = 0;
    for (int i = 0; i < Requests; ++i) {
        const int connection = i % Connections + 1;
        const std::int64_t round = i / Connections;
        std::int64_t at = round * 101 * Ms + (i % Connections) * Ms / 100;
        const bool retried = i % 50 == 7;
        for (int attempt = 1; attempt <= (retried ? 2 : 1); ++attempt) {
            IoRecord io;
            io.id = ++id;
            io.method = QStringLiteral("GET");
            io.url = QStringLiteral("http://127.0.0.1:8000/api/items?from=%1").arg(i * 50);
            io.request = static_cast<std::uint32_t>(i + 1);
            io.attempt = attempt;
            io.connection = connection;
            io.queuedNs = at;
            io.startNs = at + Ms / 10;
            if (round == 0 && attempt == 1) {
                io.connectNs = io.startNs;
                io.dnsEndNs = io.startNs;
                io.connectEndNs = io.startNs + Ms / 5;
            }
            io.sentNs = (io.connectEndNs >= 0 ? io.connectEndNs : io.startNs) + Ms / 20;
            io.firstByteNs = io.sentNs + 100 * Ms;
            io.endNs = io.firstByteNs + Ms / 2;
            io.status = retried && attempt == 1 ? 503 : 200;
            io.responseBytes = 3'800;
            trace.recordIo(io);
            at = io.endNs + 20 * Ms; // the back-off before the retry
        }
    }
    TraceFeed feed;
    feed.setTrace(&trace);
    NetworkPane pane(&feed);
    pane.resize(FrameSize);
    pane.show();
    QCoreApplication::processEvents();
    QImage frame(FrameSize, QImage::Format_ARGB32_Premultiplied);
    QScrollBar *scroll = pane.table()->verticalScrollBar();
    std::vector<double> samples;
    for (int p = 0; p < positions; ++p) {
        scroll->setValue(scroll->maximum() * p / std::max(1, positions - 1));
        QCoreApplication::processEvents();
        samples.push_back(timeFrame(frame, [&](QPainter &painter) { pane.render(&painter); }));
    }
    const Stats s = stats(samples);
    out << QStringLiteral("network: %1 requests on %2 connections; view median %3 ms, max %4 ms\n")
               .arg(pane.log().requests().size())
               .arg(pane.log().connectionCount())
               .arg(s.median, 0, 'f', 2)
               .arg(s.max, 0, 'f', 2);
    out.flush();
    return s;
}

} // namespace

int benchRender(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        err << "render: needs a QGuiApplication (build with the UI)\n";
        return 1;
    }
    const int positions = Bench::intOption(args, QStringLiteral("--positions"), 12);
    out << "render: one " << FrameSize.width() << "x" << FrameSize.height() << " frame, " << positions
        << " scroll positions per case (" << QGuiApplication::platformName() << ")\n";
    std::vector<SizeResult> results;
    results.push_back(measure(QStringLiteral("1k"), 1'000, positions, out));
    results.push_back(measure(QStringLiteral("100k"), 100'000, positions, out));
    results.push_back(measureManyLanes(positions, out));
    results.push_back(measure(QStringLiteral("1m"), 1'000'000, positions, out));
    const Stats network = measureNetwork(positions, out);
    const UiBlockingResult live
        = measureUiBlocking(Bench::intOption(args, QStringLiteral("--live-pages"), 10'000), 100, 20, out);
    out << "RESULT render";
    const SizeResult &big = results.back();
    out << QStringLiteral(" diagram_ms_1m=%1 timeline_ms_1m=%2 network_ms_10k=%3 network_max_ms_10k=%4")
               .arg(big.diagram.median, 0, 'f', 2)
               .arg(big.timeline.median, 0, 'f', 2)
               .arg(network.median, 0, 'f', 2)
               .arg(network.max, 0, 'f', 2);
    for (const SizeResult &r : results) {
        if (&r != &big) // the 1m medians lead the line
            out << QStringLiteral(" diagram_ms_%1=%2 timeline_ms_%1=%3")
                       .arg(r.name)
                       .arg(r.diagram.median, 0, 'f', 2)
                       .arg(r.timeline.median, 0, 'f', 2);
        out << QStringLiteral(
            " diagram_max_ms_%1=%2 overview_ms_%1=%3 overview_max_ms_%1=%4 timeline_max_ms_%1=%5 "
            "digest_ms_%1=%6")
                   .arg(r.name)
                   .arg(r.diagram.max, 0, 'f', 2)
                   .arg(r.overview.median, 0, 'f', 2)
                   .arg(r.overview.max, 0, 'f', 2)
                   .arg(r.timeline.max, 0, 'f', 2)
                   .arg(r.digestMs, 0, 'f', 1);
    }
    out << QStringLiteral(" events_1m=%1 peak_rss_mb=%2 live_pages=%3 live_ui_max_block_ms=%4 "
                          "live_ui_p99_block_ms=%5 live_s=%6\n")
               .arg(big.events)
               .arg(Bench::peakRssMb(), 0, 'f', 0)
               .arg(live.pages)
               .arg(live.maxGapMs, 0, 'f', 1)
               .arg(live.p99GapMs, 0, 'f', 1)
               .arg(live.seconds, 0, 'f', 2);
    return 0;
}
