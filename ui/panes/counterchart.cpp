#include "panes/counterchart.h"

#include "style/viewpalette.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace Loopscope {

CounterChart::CounterChart(const QString &counter, QWidget *parent)
    : QWidget(parent)
    , m_counter(counter)
{
    setMinimumHeight(90);
    setToolTip(tr("The %1 over the run: each change is a counter_set event in the trace").arg(counter));
}

void CounterChart::follow(const Trace *trace)
{
    if (m_trace)
        disconnect(m_trace, nullptr, this, nullptr);
    m_trace = trace;
    m_points.clear();
    m_peak = 0;
    m_endNs = 0;
    if (trace) {
        connect(trace, &Trace::eventsAppended, this, &CounterChart::take);
        connect(trace, &Trace::cleared, this, [this] {
            m_points.clear();
            m_peak = 0;
            update();
            emit pointsChanged();
        });
        if (!trace->isEmpty())
            take(trace->firstSeq(), trace->nextSeq() - 1);
    }
    update();
    emit pointsChanged();
}

void CounterChart::take(SeqNo first, SeqNo last)
{
    if (!m_trace)
        return;
    const Trace &trace = *m_trace;
    const qsizetype from = std::max<qsizetype>(0, trace.indexOfSeq(first));
    const qsizetype to = trace.indexOfSeq(last) < 0 ? trace.size() - 1 : trace.indexOfSeq(last);
    const std::size_t before = m_points.size();
    for (qsizetype i = from; i <= to; ++i) {
        const TraceEvent e = trace.at(i);
        if (e.kind == EventKind::CounterSet && trace.labels().text(e.detail) == m_counter) {
            m_points.push_back({ e.timeNs, e.other });
            m_peak = std::max(m_peak, e.other);
        }
    }
    if (to >= 0)
        m_endNs = trace.at(to).timeNs;
    update();
    if (m_points.size() != before)
        emit pointsChanged();
}

QString CounterChart::summary() const
{
    if (m_points.empty())
        return {};
    return tr("%1 %2 (from %3, peak %4)")
        .arg(m_counter)
        .arg(m_points.back().value)
        .arg(m_points.front().value)
        .arg(m_peak);
}

QSize CounterChart::sizeHint() const
{
    return { 240, 110 };
}

void CounterChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const ViewPalette colours = ViewPalette::fromPalette(palette());
    const QRectF area = QRectF(rect()).adjusted(1, fontMetrics().height() + 4, -1, -1);
    painter.fillRect(area, colours.background);
    painter.setPen(colours.grid);
    painter.drawRect(area);
    painter.setPen(colours.text);
    if (m_points.empty()) {
        painter.drawText(rect().adjusted(2, 0, 0, 0), Qt::AlignLeft | Qt::AlignTop,
            tr("%1: none yet (adaptive strategy only)").arg(m_counter));
        return;
    }
    painter.drawText(rect().adjusted(2, 0, 0, 0), Qt::AlignLeft | Qt::AlignTop,
        fontMetrics().elidedText(summary(), Qt::ElideRight, width() - 4));
    const std::int64_t start = m_points.front().timeNs;
    const double span = double(std::max<std::int64_t>(1, std::max(m_endNs, m_points.back().timeNs) - start));
    const double top = double(m_peak) * 1.15 + 1;
    const auto x
        = [&](std::int64_t t) { return area.left() + 2 + (area.width() - 4) * double(t - start) / span; };
    const auto y = [&](std::uint32_t v) { return area.bottom() - 2 - (area.height() - 4) * double(v) / top; };
    QPainterPath steps;
    steps.moveTo(x(start), y(m_points.front().value));
    for (std::size_t i = 1; i < m_points.size(); ++i) {
        steps.lineTo(x(m_points[i].timeNs), y(m_points[i - 1].value));
        steps.lineTo(x(m_points[i].timeNs), y(m_points[i].value));
    }
    steps.lineTo(x(start + std::int64_t(span)), y(m_points.back().value));
    // The area under the steps, faint, then the steps; the peak as a dashed line with its value.
    QPainterPath under = steps;
    under.lineTo(x(start + std::int64_t(span)), y(0));
    under.lineTo(x(start), y(0));
    under.closeSubpath();
    painter.fillPath(under, colours.faded(colours.accents[0], 0.8));
    painter.setPen(QPen(colours.accents[0], 1.5));
    painter.drawPath(steps);
    painter.setPen(QPen(colours.mutedText, 1, Qt::DashLine));
    painter.drawLine(QPointF(x(start), y(m_peak)), QPointF(x(start + std::int64_t(span)), y(m_peak)));
    painter.setPen(colours.mutedText);
    painter.drawText(
        QRectF(area.left(), y(m_peak) - fontMetrics().height(), area.width() - 4, fontMetrics().height()),
        Qt::AlignRight | Qt::AlignBottom, QString::number(m_peak));
}

} // namespace Loopscope
