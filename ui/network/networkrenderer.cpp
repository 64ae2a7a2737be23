#include "network/networkrenderer.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace Loopscope {

namespace {

// 1, 2 or 5 times a power of ten nanoseconds, at least `minNs`.
std::int64_t niceStep(double minNs)
{
    double step = 1;
    while (step < minNs)
        step *= 10;
    if (step / 5 >= minNs)
        return std::int64_t(step / 5);
    if (step / 2 >= minNs)
        return std::int64_t(step / 2);
    return std::int64_t(step);
}

} // namespace

NetworkRenderer::NetworkRenderer(const NetworkLog &log)
    : m_log(log)
{ }

QColor NetworkRenderer::phaseColor(RequestPhase phase)
{
    // As browser devtools colour a request's timing.
    switch (phase) {
    case RequestPhase::Queued:
        return QColor(0xa7, 0xad, 0xb6);
    case RequestPhase::Dns:
        return QColor(0x1f, 0x9e, 0x9a);
    case RequestPhase::Connect:
        return QColor(0xf0, 0x9a, 0x2e);
    case RequestPhase::Tls:
        return QColor(0x9d, 0x55, 0xd4);
    case RequestPhase::Send:
        return QColor(0x5b, 0xa3, 0xe6);
    case RequestPhase::Wait:
        return QColor(0x3c, 0xae, 0x68);
    case RequestPhase::Receive:
        return QColor(0x2f, 0x6f, 0xd0);
    }
    return Qt::gray;
}

void NetworkRenderer::paintAttempt(
    QPainter &painter, const QRectF &row, const IoRecord &io, const NetworkAxis &axis) const
{
    const double barTop = row.top() + row.height() * 0.2;
    const double barHeight = row.height() * 0.6;
    for (const RequestPhaseSpan &span : requestPhases(io, m_log.nowNs())) {
        const double left = axis.x(span.startNs);
        // Every phase at least a hair wide, so that a short one still shows where it happened.
        const double width = std::max(1.0, axis.x(span.endNs) - left);
        // Waiting for a turn is not yet the request: a thinner bar, as devtools draws queueing.
        const bool thin = span.phase == RequestPhase::Queued;
        painter.fillRect(QRectF(left, thin ? barTop + barHeight * 0.35 : barTop, width,
                             thin ? barHeight * 0.3 : barHeight),
            phaseColor(span.phase));
    }
    if (attemptFailed(io)) {
        // A failed attempt ends in a red cap.
        const double end = axis.x(io.endNs >= 0 ? io.endNs : m_log.nowNs());
        painter.fillRect(QRectF(end - 2, barTop - 1, 2, barHeight + 2), m_palette.error);
    }
}

void NetworkRenderer::paintRequest(
    QPainter &painter, const QRectF &row, std::size_t index, const NetworkAxis &axis) const
{
    if (!m_trace || index >= m_log.requests().size())
        return;
    const NetworkRequest &request = m_log.requests()[index];
    const std::vector<IoRecord> &records = m_trace->ioRecords();
    painter.save();
    painter.setClipRect(row);
    const double middle = row.center().y();
    for (std::size_t i = 0; i < request.attempts.size(); ++i) {
        const IoRecord &io = records[request.attempts[i]];
        if (i > 0) {
            // The wait before this attempt (a back-off, Retry-After, a pause after a refusal): dashed.
            const IoRecord &before = records[request.attempts[i - 1]];
            const double from = axis.x(before.endNs >= 0 ? before.endNs : before.startNs);
            const double to = axis.x(requestBeganNs(io));
            if (to > from + 1) {
                painter.setPen(QPen(m_palette.mutedText, 1, Qt::DashLine));
                painter.drawLine(QPointF(from, middle), QPointF(to, middle));
            }
        }
        paintAttempt(painter, row, io, axis);
    }
    painter.restore();
}

void NetworkRenderer::paintAxis(QPainter &painter, const QRectF &rect, const NetworkAxis &axis) const
{
    painter.save();
    painter.setFont(m_font);
    const QFontMetricsF metrics(m_font);
    const double span = double(axis.endNs - axis.startNs);
    const double minPixels = metrics.horizontalAdvance(QStringLiteral("000.0 ms")) + 12;
    const std::int64_t step = niceStep(span * minPixels / std::max(1.0, axis.width));
    painter.setPen(m_palette.line);
    painter.drawLine(QPointF(axis.left, rect.bottom()), QPointF(axis.left + axis.width, rect.bottom()));
    for (std::int64_t t = 0; axis.startNs + t <= axis.endNs; t += step) {
        const double x = axis.x(axis.startNs + t);
        painter.setPen(m_palette.line);
        painter.drawLine(QPointF(x, rect.bottom() - 4), QPointF(x, rect.bottom()));
        const QString label = formatDuration(t);
        if (x + 2 + metrics.horizontalAdvance(label) > axis.left + axis.width)
            break; // no room for the last label
        painter.setPen(m_palette.mutedText);
        painter.drawText(QPointF(x + 2, rect.bottom() - 6), label);
    }
    painter.restore();
}

double NetworkRenderer::paintLegend(QPainter &painter, const QPointF &topLeft) const
{
    painter.save();
    painter.setFont(m_font);
    const QFontMetricsF metrics(m_font);
    double x = topLeft.x();
    for (int p = 0; p < RequestPhaseCount; ++p) {
        const auto phase = static_cast<RequestPhase>(p);
        painter.fillRect(QRectF(x, topLeft.y() + 3, 10, metrics.height() - 6), phaseColor(phase));
        painter.setPen(m_palette.text);
        const QString name = QString::fromLatin1(requestPhaseName(phase));
        painter.drawText(QPointF(x + 14, topLeft.y() + metrics.ascent()), name);
        x += 14 + metrics.horizontalAdvance(name) + 12;
    }
    painter.restore();
    return x - topLeft.x();
}

void NetworkRenderer::paintInFlight(
    QPainter &painter, const QRectF &rect, const NetworkAxis &axis, double labelLeft) const
{
    const auto &flight = m_log.inFlight();
    const auto &limit = m_log.limit();
    int top = m_log.peakInFlight();
    for (const auto &[ns, value] : limit)
        top = std::max(top, value);
    if (top == 0)
        return;
    painter.save();
    painter.setClipRect(rect);
    const auto y = [&](int value) { return rect.bottom() - (rect.height() - 4) * value / double(top); };
    // The most in flight within each pixel column: tens of thousands of changes, a few hundred columns.
    const int columns = std::max(1, int(std::ceil(axis.width)));
    std::vector<int> most(std::size_t(columns), 0);
    const auto column
        = [&](std::int64_t ns) { return std::clamp(int(axis.x(ns) - axis.left), 0, columns - 1); };
    for (std::size_t i = 0; i < flight.size(); ++i) {
        const int from = column(flight[i].first);
        const int to = i + 1 < flight.size() ? column(flight[i + 1].first) : column(axis.endNs);
        for (int c = from; c <= to; ++c)
            most[std::size_t(c)] = std::max(most[std::size_t(c)], flight[i].second);
    }
    QPainterPath area(QPointF(axis.left, rect.bottom()));
    for (int c = 0; c < columns; ++c) {
        area.lineTo(axis.left + c, y(most[std::size_t(c)]));
        area.lineTo(axis.left + c + 1, y(most[std::size_t(c)]));
    }
    area.lineTo(axis.left + columns, rect.bottom());
    area.closeSubpath();
    QColor fill = phaseColor(RequestPhase::Receive);
    fill.setAlpha(90);
    painter.setPen(QPen(phaseColor(RequestPhase::Receive), 1));
    painter.setBrush(fill);
    painter.drawPath(area);
    if (!limit.empty()) {
        // The limit an adaptive limiter set, as it moved.
        QPainterPath line(QPointF(axis.x(limit.front().first), y(limit.front().second)));
        for (std::size_t i = 1; i < limit.size(); ++i) {
            line.lineTo(axis.x(limit[i].first), y(limit[i - 1].second));
            line.lineTo(axis.x(limit[i].first), y(limit[i].second));
        }
        line.lineTo(axis.x(axis.endNs), y(limit.back().second));
        painter.setPen(QPen(m_palette.error, 1.5, Qt::DashLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(line);
    }
    painter.restore();
    // The caption left of the chart, where the lanes have their names.
    painter.save();
    painter.setPen(m_palette.mutedText);
    painter.setFont(m_font);
    QString caption = QStringLiteral("in flight, peak %1").arg(m_log.peakInFlight());
    if (!limit.empty())
        caption += QStringLiteral("\nlimit (dashed) %1").arg(limit.back().second);
    painter.drawText(QRectF(labelLeft, rect.top(), axis.left - labelLeft - 6, rect.height()),
        Qt::AlignRight | Qt::AlignTop, caption);
    painter.restore();
}

void NetworkRenderer::paintConnections(
    QPainter &painter, double top, int first, int count, const NetworkAxis &axis, double labelLeft) const
{
    painter.save();
    painter.setFont(m_font);
    for (int lane = 0; lane < count; ++lane) {
        const int connection = first + lane;
        const double y = top + lane * LaneHeight;
        if (connection % 2 == 0)
            painter.fillRect(
                QRectF(labelLeft, y, axis.left + axis.width - labelLeft, LaneHeight), m_palette.alternate);
        painter.setPen(m_palette.mutedText);
        painter.drawText(QRectF(labelLeft, y, axis.left - labelLeft - 6, LaneHeight),
            Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("#%1").arg(connection));
        paintConnectionLane(painter, QRectF(axis.left, y + 3, axis.width, LaneHeight - 6), connection, axis);
    }
    painter.restore();
}

void NetworkRenderer::paintConnectionLane(
    QPainter &painter, const QRectF &lane, int connection, const NetworkAxis &axis) const
{
    if (!m_trace)
        return;
    const std::vector<IoRecord> &records = m_trace->ioRecords();
    const std::vector<ConnectionUse> &uses = m_log.usesOf(connection);
    // On one connection, one exchange at a time: its uses are in order of start and of end alike.
    const std::int64_t from = axis.timeAt(lane.left());
    auto it = std::lower_bound(uses.begin(), uses.end(), from,
        [](const ConnectionUse &use, std::int64_t t) { return use.endNs < t; });
    for (; it != uses.end(); ++it) {
        const ConnectionUse &use = *it;
        const double left = axis.x(use.startNs);
        if (left > lane.right())
            break;
        const IoRecord &io = records[use.record];
        const double right = std::max(left + 1, axis.x(use.endNs));
        // Opening it (DNS, connect, TLS) in its colours; carrying a request in the request's.
        const double opened
            = use.opened && io.sentNs >= 0 ? std::clamp(axis.x(io.sentNs), left, right) : left;
        if (opened > left) {
            painter.fillRect(QRectF(left, lane.top(), opened - left, lane.height()),
                phaseColor(io.tlsEndNs >= 0 ? RequestPhase::Tls : RequestPhase::Connect));
        }
        const bool failed = attemptFailed(io);
        const bool odd = (it - uses.begin()) % 2 == 1;
        painter.fillRect(QRectF(opened, lane.top(), std::max(1.0, right - opened), lane.height()),
            failed ? m_palette.error : phaseColor(odd ? RequestPhase::Send : RequestPhase::Receive));
    }
}

double NetworkRenderer::connectionsHeight() const
{
    return InFlightChartHeight + m_log.connectionCount() * LaneHeight;
}

} // namespace Loopscope
