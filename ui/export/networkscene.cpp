#include "export/networkscene.h"

#include "io/traceformaterror.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>

#include <cmath>

namespace Loopscope {

namespace {

constexpr double LegendHeight = 24;

} // namespace

NetworkScene::NetworkScene(const Trace &trace, const EventRange &range)
    : m_trace(trace)
    , m_renderer(m_log)
{
    m_log.update(trace);
    if (m_log.requests().empty())
        throw ExportError(
            QStringLiteral("the run made no HTTP requests: there is no network waterfall to draw"));
    m_renderer.setTrace(&trace);
    m_renderer.setPalette(detail::exportPalette());
    m_renderer.setFont(QGuiApplication::font());
    const std::int64_t from = trace.at(range.first).timeNs;
    const std::int64_t to = trace.at(range.last).timeNs;
    std::int64_t start = 0;
    std::int64_t end = 0;
    for (std::size_t i = 0; i < m_log.requests().size(); ++i) {
        const NetworkRequest &request = m_log.requests()[i];
        if (request.beganNs < from || request.beganNs > to)
            continue;
        const std::int64_t requestEnd = request.endNs >= 0 ? request.endNs : m_log.nowNs();
        start = m_rows.empty() ? request.beganNs : std::min(start, request.beganNs);
        end = m_rows.empty() ? requestEnd : std::max(end, requestEnd);
        m_rows.push_back(i);
    }
    m_axis = NetworkAxis { start, std::max(end, start + 1000), WaterfallLeft, Width - WaterfallLeft - 12 };
}

double NetworkScene::topHeight() const
{
    return LegendHeight + m_renderer.connectionsHeight() + NetworkRenderer::AxisHeight;
}

QSizeF NetworkScene::size() const
{
    return { Width, topHeight() + RowHeight * double(m_rows.size()) };
}

void NetworkScene::paintTop(QPainter &painter) const
{
    painter.fillRect(QRectF(0, 0, Width, topHeight()), m_renderer.palette().background);
    const double legend = m_renderer.paintLegend(painter, QPointF(12, 4));
    painter.setPen(m_renderer.palette().mutedText);
    painter.drawText(QPointF(24 + legend, 4 + QFontMetricsF(painter.font()).ascent()),
        QStringLiteral("%1 requests · %2 connections").arg(m_rows.size()).arg(m_log.connectionCount()));
    const QRectF chart(m_axis.left, LegendHeight, m_axis.width, NetworkRenderer::InFlightChartHeight - 4);
    m_renderer.paintInFlight(painter, chart, m_axis, WaterfallLeft - 200);
    m_renderer.paintConnections(painter, LegendHeight + NetworkRenderer::InFlightChartHeight, 1,
        m_log.connectionCount(), m_axis, WaterfallLeft - 120);
    m_renderer.paintAxis(painter,
        QRectF(0, topHeight() - NetworkRenderer::AxisHeight, Width, NetworkRenderer::AxisHeight), m_axis);
}

void NetworkScene::paintRows(QPainter &painter, double top, std::size_t first, std::size_t count) const
{
    const ViewPalette &palette = m_renderer.palette();
    const QFontMetricsF metrics(painter.font());
    for (std::size_t r = first; r < first + count && r < m_rows.size(); ++r) {
        const NetworkRequest &request = m_log.requests()[m_rows[r]];
        const double y = top + RowHeight * double(r - first);
        if (r % 2 == 1)
            painter.fillRect(QRectF(0, y, Width, RowHeight), palette.alternate);
        const double baseline = y + (RowHeight + metrics.ascent() - metrics.descent()) / 2;
        const QString path = request.path();
        const QString status = request.statusText();
        painter.setPen(palette.mutedText);
        painter.drawText(QPointF(8, baseline), QString::number(request.number));
        painter.setPen(palette.text);
        painter.drawText(
            QPointF(60, baseline), metrics.elidedText(request.method + u' ' + path, Qt::ElideMiddle, 300));
        painter.setPen(request.failed ? palette.error : palette.text);
        painter.drawText(QPointF(372, baseline),
            status
                + (request.isRetried() ? QStringLiteral(" (%1 tries)").arg(request.attempts.size())
                                       : QString()));
        painter.setPen(palette.text);
        painter.drawText(QPointF(470, baseline), formatDuration(request.durationNs(m_log.nowNs())));
        m_renderer.paintRequest(painter, QRectF(m_axis.left, y, m_axis.width, RowHeight), m_rows[r], m_axis);
    }
}

void NetworkScene::paint(QPainter &painter) const
{
    paintTop(painter);
    paintRows(painter, topHeight(), 0, m_rows.size());
}

int NetworkScene::paginate(double maxHeight)
{
    m_firstPageRows
        = std::max<std::size_t>(1, std::size_t(std::max(0.0, (maxHeight - topHeight()) / RowHeight)));
    m_rowsPerPage
        = std::max<std::size_t>(1, std::size_t((maxHeight - NetworkRenderer::AxisHeight) / RowHeight));
    if (m_rows.size() <= m_firstPageRows)
        return 1;
    return 1 + int((m_rows.size() - m_firstPageRows + m_rowsPerPage - 1) / m_rowsPerPage);
}

std::pair<std::size_t, std::size_t> NetworkScene::pageRows(int page) const
{
    if (page == 0)
        return { 0, std::min(m_rows.size(), m_firstPageRows) };
    const std::size_t first = m_firstPageRows + std::size_t(page - 1) * m_rowsPerPage;
    return { first, std::min(m_rows.size() - std::min(first, m_rows.size()), m_rowsPerPage) };
}

QSizeF NetworkScene::pageSize(int page) const
{
    const auto [first, count] = pageRows(page);
    const double head = page == 0 ? topHeight() : NetworkRenderer::AxisHeight;
    return { Width, head + RowHeight * double(count) };
}

void NetworkScene::paintPage(QPainter &painter, int page) const
{
    const auto [first, count] = pageRows(page);
    if (page == 0) {
        paintTop(painter);
        paintRows(painter, topHeight(), first, count);
        return;
    }
    m_renderer.paintAxis(painter, QRectF(0, 0, Width, NetworkRenderer::AxisHeight), m_axis);
    paintRows(painter, NetworkRenderer::AxisHeight, first, count);
}

} // namespace Loopscope
