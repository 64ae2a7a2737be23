#include "timeline/timelinerenderer.h"

#include "analysis/tracedigest.h"
#include "network/networkrenderer.h"
#include "style/nameelision.h"
#include "style/stripfill.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <QFontMetricsF>
#include <QPainter>
#include <vector>

namespace Loopscope {

namespace {

//! Marks of zero-time runs closer than this (pixels) are notches above the bar, not lines across it.
constexpr double MinTickSpacing = 8;

} // namespace

TimelineRenderer::TimelineRenderer(
    const Trace &trace, const TraceDigest &digest, const TimelineLayout &layout)
    : m_trace(trace)
    , m_digest(digest)
    , m_layout(layout)
    , m_palette(ViewPalette::fromPalette(QPalette()))
{
    setFont(QFont());
}

void TimelineRenderer::setFont(const QFont &font)
{
    m_font = font;
    m_smallFont = font;
    m_smallFont.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.82));
    if (m_network)
        m_network->setFont(m_smallFont);
}

double TimelineRenderer::position(const TaskStateSpan &span) const
{
    return m_layout.axis() == TimelineLayout::Axis::Events ? static_cast<double>(span.startSeq)
                                                           : static_cast<double>(span.startNs);
}

double TimelineRenderer::endPosition() const
{
    return m_layout.axis() == TimelineLayout::Axis::Events ? static_cast<double>(m_digest.nextSeq())
                                                           : static_cast<double>(m_digest.endTimeNs());
}

void TimelineRenderer::setSelection(std::int64_t timeNs, TaskId task)
{
    m_selectedTime = timeNs;
    m_selectedTask = task;
    m_hasSelection = true;
}

void TimelineRenderer::setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks)
{
    m_problemMarks.clear();
    m_problemMarks.reserve(marks.size());
    for (const auto &[seq, task] : marks)
        m_problemMarks.emplace_back(task, seq);
    std::sort(m_problemMarks.begin(), m_problemMarks.end());
}

TimelineRenderer::~TimelineRenderer() = default;

void TimelineRenderer::setPalette(const ViewPalette &palette)
{
    m_palette = palette;
    if (m_network)
        m_network->setPalette(palette);
}

int TimelineRenderer::networkLaneCount(const NetworkLog *log, const TimelineLayout &layout)
{
    if (!log || log->connectionCount() == 0 || layout.axis() != TimelineLayout::Axis::Time)
        return 0;
    return 1 + log->connectionCount();
}

int TimelineRenderer::laneCount(
    const TraceDigest &digest, const NetworkLog *log, const TimelineLayout &layout)
{
    return static_cast<int>(digest.taskCount()) + networkLaneCount(log, layout);
}

void TimelineRenderer::setNetwork(const NetworkLog *log)
{
    m_networkLog = log;
    m_network.reset();
    if (!log)
        return;
    m_network = std::make_unique<NetworkRenderer>(*log);
    m_network->setTrace(&m_trace);
    m_network->setPalette(m_palette);
    m_network->setFont(m_smallFont);
}

int TimelineRenderer::taskLaneCount() const
{
    return m_layout.laneCount() - networkLaneCount(m_networkLog, m_layout);
}

void TimelineRenderer::paintNetworkLane(QPainter &p, int lane, double left, double right) const
{
    if (!m_network)
        return;
    const NetworkAxis axis { static_cast<std::int64_t>(m_layout.viewStart()),
        std::max(static_cast<std::int64_t>(m_layout.viewEnd()),
            static_cast<std::int64_t>(m_layout.viewStart()) + 1),
        TimelineLayout::LabelWidth, m_layout.plotWidth() };
    const int index = lane - taskLaneCount();
    const double top = m_layout.laneTop(lane);
    if (index == 0) {
        // Attempts in flight: its caption is the lane's label.
        m_network->paintInFlight(
            p, QRectF(left, top + 1, right - left, TimelineLayout::LaneHeight - 2), axis, left);
        return;
    }
    m_network->paintConnectionLane(
        p, QRectF(left, top + 5, right - left, TimelineLayout::LaneHeight - 10), index, axis);
}

void TimelineRenderer::paintWarningSign(QPainter &p, double x, double bottom) const
{
    constexpr double Size = 9;
    const QPolygonF sign { QPointF(x, bottom - Size), QPointF(x + Size / 2 + 0.5, bottom),
        QPointF(x - Size / 2 - 0.5, bottom) };
    p.setPen(QPen(m_palette.warning.darker(150), 1));
    p.setBrush(m_palette.warning);
    p.drawPolygon(sign);
    p.setBrush(Qt::NoBrush);
}

double TimelineRenderer::markX(SeqNo seq) const
{
    const qsizetype index = m_trace.indexOfSeq(seq);
    if (index < 0)
        return std::numeric_limits<double>::quiet_NaN(); // dropped from a capped trace
    const double position = m_layout.axis() == TimelineLayout::Axis::Events
        ? static_cast<double>(seq)
        : static_cast<double>(m_trace.at(index).timeNs);
    return std::round(m_layout.mapTimeToX(position)) + 0.5;
}

void TimelineRenderer::paintLoopProblemMarks(QPainter &p, const QRectF &area) const
{
    // Problems of the loop itself (no task) stand on the bottom edge of the axis.
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setClipRect(QRectF(TimelineLayout::LabelWidth, area.top(), area.width(), TimelineLayout::AxisHeight));
    for (auto it = m_problemMarks.begin(); it != m_problemMarks.end() && it->first == NoTask; ++it) {
        const double x = markX(it->second);
        if (!std::isnan(x))
            paintWarningSign(p, x, area.top() + TimelineLayout::AxisHeight - 1);
    }
    p.restore();
}

void TimelineRenderer::paintProblemMarks(QPainter &p, const QRectF &area, int firstLane, int lastLane) const
{
    if (m_problemMarks.empty())
        return;
    const double left = std::max(area.left(), TimelineLayout::LabelWidth);
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setClipRect(QRectF(left - 6, area.top(), area.right() - left + 6, area.height()));
    // On the lane of each task a problem was found for, standing on top of its bar; signs closer
    // than a few pixels are one sign.
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const auto task = static_cast<TaskId>(lane + 1);
        auto it = std::lower_bound(m_problemMarks.begin(), m_problemMarks.end(), std::pair(task, SeqNo(0)));
        double lastX = -std::numeric_limits<double>::infinity();
        for (; it != m_problemMarks.end() && it->first == task; ++it) {
            const double x = markX(it->second);
            if (std::isnan(x) || x < left - 5 || x > area.right() + 5 || x - lastX < 4)
                continue;
            paintWarningSign(p, x, m_layout.laneTop(lane) + 7);
            lastX = x;
        }
    }
    p.restore();
}

void TimelineRenderer::paint(QPainter &painter, const QRectF &area) const
{
    QPainter &p = painter;
    p.save();
    p.setClipRect(area);
    fillInStrips(p, area, m_palette.background);
    const auto [firstLane, lastLane] = m_layout.lanesBetween(area.top(), area.bottom());
    const double left = std::max(area.left(), TimelineLayout::LabelWidth);
    const double right = area.right();
    const double pitch = TimelineLayout::LaneHeight + TimelineLayout::LaneGap;
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        if (lane % 2 == 1)
            p.fillRect(
                QRectF(left, m_layout.laneTop(lane) - TimelineLayout::LaneGap / 2, right - left, pitch),
                m_palette.alternate);
        if (m_hasSelection && m_selectedTask == static_cast<TaskId>(lane + 1)) {
            QColor c = m_palette.selection;
            c.setAlphaF(0.18f);
            p.fillRect(QRectF(area.left(), m_layout.laneTop(lane) - TimelineLayout::LaneGap / 2, area.width(),
                           pitch),
                c);
        }
    }
    p.save();
    p.setClipRect(QRectF(left, area.top(), right - left, area.height()));
    for (int lane = firstLane; lane <= lastLane; ++lane)
        paintLane(p, lane, left, right);
    // The newest moment of the run, and the selected event's moment.
    const double nowX = m_layout.mapTimeToX(endPosition());
    p.setPen(QPen(m_palette.mutedText, 1, Qt::DashLine));
    p.drawLine(QPointF(nowX, area.top()), QPointF(nowX, area.bottom()));
    if (m_hasSelection) {
        const double x = std::round(m_layout.mapTimeToX(static_cast<double>(m_selectedTime))) + 0.5;
        p.setPen(QPen(m_palette.selection, 2));
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    }
    p.restore();
    paintProblemMarks(p, area, firstLane, lastLane);
    paintLabels(p, area, firstLane, lastLane);
    paintAxis(p, area);
    paintLoopProblemMarks(p, area);
    paintLegend(p, area);
    p.restore();
}

void TimelineRenderer::paintLegend(QPainter &p, const QRectF &area) const
{
    const QRectF strip(area.left(), area.bottom() - TimelineLayout::LegendHeight, area.width(),
        TimelineLayout::LegendHeight);
    p.fillRect(strip, m_palette.background);
    p.setPen(QPen(m_palette.grid, 1));
    p.drawLine(QPointF(strip.left(), strip.top() + 0.5), QPointF(strip.right(), strip.top() + 0.5));
    p.setFont(m_smallFont);
    const QFontMetricsF metrics(m_smallFont);
    // Short names: the whole legend fits a narrow dock.
    constexpr std::array<QLatin1StringView, TaskRunStateCount> names { QLatin1StringView("ready"),
        QLatin1StringView("running"), QLatin1StringView("I/O"), QLatin1StringView("sleep"),
        QLatin1StringView("task"), QLatin1StringView("waiting"), QLatin1StringView("done"),
        QLatin1StringView("failed"), QLatin1StringView("cancelled") };
    // Every state is named: where the strip is narrow the entries move closer, then shrink their
    // swatches, before any is left out.
    double text = 0;
    for (const QLatin1StringView name : names)
        text += metrics.horizontalAdvance(name);
    const double room = strip.width() - 10;
    const double swatch = room >= text + TaskRunStateCount * 22 ? 10 : 6;
    const double gap = std::clamp((room - text) / TaskRunStateCount - swatch - 3, 3.0, 9.0);
    double x = strip.left() + 10;
    const double y = strip.center().y();
    for (int s = 0; s < TaskRunStateCount; ++s) {
        const auto state = static_cast<TaskRunState>(s);
        const QString name = names[static_cast<std::size_t>(s)];
        const double width = swatch + 3 + metrics.horizontalAdvance(name) + gap;
        if (x + width - gap > strip.right())
            break;
        p.fillRect(QRectF(x, y - swatch / 2 + 1, swatch, swatch - 2), m_palette.stateColor(state));
        p.setPen(m_palette.mutedText);
        p.drawText(QRectF(x + swatch + 3, strip.top(), width, strip.height()),
            Qt::AlignLeft | Qt::AlignVCenter, name);
        x += width;
    }
}

void TimelineRenderer::paintLane(QPainter &p, int lane, double left, double right) const
{
    if (lane >= taskLaneCount()) {
        paintNetworkLane(p, lane, left, right);
        return;
    }
    const TaskSummary &task = m_digest.task(static_cast<TaskId>(lane + 1));
    const auto &spans = task.spans;
    if (spans.empty())
        return;
    const double top = m_layout.laneTop(lane) + 3;
    const double height = TimelineLayout::LaneHeight - 6;
    const auto n = static_cast<qsizetype>(spans.size());
    const double endOfTrace = endPosition();
    const double tRight = m_layout.mapXToTime(right);
    // Start at the last state entered before the left edge, or at the first one entered on it
    // (several can start at the same instant on the virtual clock).
    const double leftPosition = std::floor(m_layout.mapXToTime(left));
    const auto firstAtLeft = std::lower_bound(spans.begin(), spans.end(), leftPosition,
        [this](const TaskStateSpan &s, double t) { return position(s) < t; });
    qsizetype i = std::max<qsizetype>(0, (firstAtLeft - spans.begin()) - 1);
    if (firstAtLeft != spans.end() && position(*firstAtLeft) == leftPosition)
        i = firstAtLeft - spans.begin();
    double xMin = left;
    std::vector<double> ticks; // runs shorter than a pixel, drawn last so that nothing covers them
    while (i < n) {
        const TaskStateSpan &span = spans[static_cast<std::size_t>(i)];
        if (position(span) > tRight)
            break;
        const double endNs = i + 1 < n ? position(spans[static_cast<std::size_t>(i + 1)]) : endOfTrace;
        const double xs = std::max(m_layout.mapTimeToX(position(span)), xMin);
        const double xe = std::min(m_layout.mapTimeToX(endNs), right);
        if (xe - xs >= 1.0) {
            p.fillRect(QRectF(xs, top, xe - xs, height), m_palette.stateColor(span.state));
            xMin = xe;
            ++i;
            continue;
        }
        // Shorter than a pixel: the column shows the state that fills most of it. Where only a few
        // states share it, a run is marked with a tick even if it took no time (virtual clock);
        // where many do, ticks would paint the whole lane "running", so the dominant state wins.
        const double column = std::floor(xs);
        const double columnStart = m_layout.mapXToTime(column);
        const double columnEnd = m_layout.mapXToTime(column + 1);
        const auto next = std::upper_bound(spans.begin() + i, spans.end(), std::ceil(columnEnd),
            [this](double t, const TaskStateSpan &s) { return t < position(s); });
        const qsizetype j = next - spans.begin();
        std::array<double, TaskRunStateCount> share {};
        bool ran = false;
        for (qsizetype k = i; k < j && k < i + 32; ++k) {
            const TaskStateSpan &s = spans[static_cast<std::size_t>(k)];
            const double from = std::max(position(s), columnStart);
            const double to = std::min(
                k + 1 < n ? position(spans[static_cast<std::size_t>(k + 1)]) : endOfTrace, columnEnd);
            share[static_cast<std::size_t>(s.state)] += std::max(0.0, to - from);
            ran = ran || s.state == TaskRunState::Running;
        }
        const auto dominant
            = static_cast<TaskRunState>(std::max_element(share.begin(), share.end()) - share.begin());
        if (ran && j - i <= 4)
            ticks.push_back(column);
        p.fillRect(QRectF(column, top, 1, height),
            m_palette.stateColor(share[static_cast<std::size_t>(dominant)] > 0 ? dominant : span.state));
        xMin = column + 1;
        i = std::max(i + 1, j - 1);
    }
    // A run that took no time is a mark, never a bar: a few stand out across the lane, but where
    // they crowd (a task that runs a moment between long waits, hundreds of times) they shrink to
    // notches above the bar, which keeps the colour of where the time went.
    const QColor running = m_palette.stateColor(TaskRunState::Running);
    double lastTick = -std::numeric_limits<double>::infinity();
    for (const double x : ticks) {
        if (x - lastTick >= MinTickSpacing)
            p.fillRect(QRectF(x, top - 2, 2, height + 4), running);
        else
            p.fillRect(QRectF(x, top - 3, 1, 3), running);
        lastTick = x;
    }
}

void TimelineRenderer::paintLabels(QPainter &p, const QRectF &area, int firstLane, int lastLane) const
{
    const QRectF column(area.left(), area.top(), TimelineLayout::LabelWidth, area.height());
    fillInStrips(p, column, m_palette.alternate);
    p.setPen(QPen(m_palette.grid, 1));
    p.drawLine(QPointF(column.right() - 0.5, column.top()), QPointF(column.right() - 0.5, column.bottom()));
    const QFontMetricsF metrics(m_font);
    p.setFont(m_font);
    const int tasks = taskLaneCount();
    for (int lane = firstLane; lane <= lastLane; ++lane) {
        const auto id = static_cast<TaskId>(lane + 1);
        const double top = m_layout.laneTop(lane);
        if (lane >= tasks) {
            // The network's lanes: what is in flight, then each connection.
            p.fillRect(QRectF(column.left() + 6, top + 4, 4, TimelineLayout::LaneHeight - 8),
                NetworkRenderer::phaseColor(RequestPhase::Receive));
            p.setPen(m_palette.text);
            p.drawText(QRectF(column.left() + 16, top, column.width() - 20, TimelineLayout::LaneHeight),
                Qt::AlignLeft | Qt::AlignVCenter,
                lane == tasks ? QStringLiteral("in flight (peak %1)").arg(m_networkLog->peakInFlight())
                              : QStringLiteral("connection #%1").arg(lane - tasks));
            continue;
        }
        p.fillRect(
            QRectF(column.left() + 6, top + 4, 4, TimelineLayout::LaneHeight - 8), m_palette.taskAccent(id));
        const QString name = elideName(m_trace.taskName(id), metrics, column.width() - 24);
        p.setPen(m_palette.text);
        p.drawText(QRectF(column.left() + 16, top, column.width() - 20, TimelineLayout::LaneHeight),
            Qt::AlignLeft | Qt::AlignVCenter, name);
    }
}

void TimelineRenderer::paintAxis(QPainter &p, const QRectF &area) const
{
    const QRectF axis(area.left(), area.top(), area.width(), TimelineLayout::AxisHeight);
    p.fillRect(axis, m_palette.background);
    p.setPen(QPen(m_palette.grid, 1));
    p.drawLine(QPointF(axis.left(), axis.bottom() - 0.5), QPointF(axis.right(), axis.bottom() - 0.5));
    p.setFont(m_smallFont);
    const QFontMetricsF metrics(m_smallFont);
    // Ticks far enough apart for the widest label they can have. Without time, events are counted.
    const bool events = m_layout.axis() == TimelineLayout::Axis::Events;
    const auto tickLabel = [events](double t) {
        return events ? QStringLiteral("#%1").arg(static_cast<qint64>(std::llround(t)))
                      : formatDuration(static_cast<std::int64_t>(std::llround(t)));
    };
    const double widest = std::max(metrics.horizontalAdvance(QStringLiteral("000.000 ms")),
        metrics.horizontalAdvance(
            tickLabel(static_cast<double>(m_layout.rangeEnd() - m_layout.rangeStart()))));
    const double interval
        = events ? std::max(1.0, m_layout.tickInterval(widest + 16)) : m_layout.tickInterval(widest + 16);
    const double origin = static_cast<double>(m_layout.rangeStart());
    const double first = std::ceil((m_layout.viewStart() - origin) / interval) * interval + origin;
    double lastLabelRight = -1e9;
    for (double t = first; t <= m_layout.viewEnd(); t += interval) {
        const double x = std::round(m_layout.mapTimeToX(t)) + 0.5;
        if (x < TimelineLayout::LabelWidth)
            continue;
        p.setPen(QPen(m_palette.line, 1));
        p.drawLine(QPointF(x, axis.bottom() - 6), QPointF(x, axis.bottom()));
        const QString label = tickLabel(events ? t : t - origin);
        const double width = metrics.horizontalAdvance(label);
        // Beside its tick, or before it where it would run off the right edge (if there is room).
        const double left = x + 3 + width > axis.right() ? x - 3 - width : x + 3;
        if (left < lastLabelRight + 8)
            continue;
        p.setPen(m_palette.mutedText);
        p.drawText(
            QRectF(left, axis.top(), width + 1, axis.height() - 4), Qt::AlignLeft | Qt::AlignVCenter, label);
        lastLabelRight = left + width;
    }
    const QRectF corner(area.left(), area.top(), TimelineLayout::LabelWidth, TimelineLayout::AxisHeight);
    p.fillRect(corner, m_palette.alternate);
    p.setPen(m_palette.mutedText);
    p.drawText(corner.adjusted(16, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
        events ? QStringLiteral("task · by event") : QStringLiteral("task"));
}

} // namespace Loopscope
