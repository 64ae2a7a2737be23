#pragma once

#include "network/networklog.h"
#include "style/viewpalette.h"

#include <QColor>
#include <QFont>
#include <QRectF>

class QPainter;

namespace Loopscope {

//! Where times go across a stretch of pixels: [startNs, endNs] onto [left, left + width].
struct NetworkAxis
{
    std::int64_t startNs = 0;
    std::int64_t endNs = 1;
    double left = 0;
    double width = 1;

    double x(std::int64_t ns) const
    {
        return left + width * double(ns - startNs) / double(std::max<std::int64_t>(1, endNs - startNs));
    }
    std::int64_t timeAt(double px) const
    {
        return startNs + std::int64_t((px - left) / std::max(1.0, width) * double(endNs - startNs));
    }
};

/*!
 * Draws the Network view's parts with any QPainter (the window, the image exports): a request's
 * attempts as bars cut into their phases in devtools' colours, with the waits between attempts;
 * the time axis; attempts in flight over time with the concurrency limit as a line; and one lane
 * per connection showing which attempt it carried when.
 */
class NetworkRenderer
{
public:
    static constexpr double InFlightChartHeight = 56;
    static constexpr double LaneHeight = 14;
    static constexpr double AxisHeight = 20;

    explicit NetworkRenderer(const NetworkLog &log);

    //! The trace whose records the log was made from (null: nothing is drawn).
    void setTrace(const Trace *trace) { m_trace = trace; }
    void setPalette(const ViewPalette &palette) { m_palette = palette; }
    void setFont(const QFont &font) { m_font = font; }
    const ViewPalette &palette() const { return m_palette; }

    static QColor phaseColor(RequestPhase phase);

    //! Request `index`'s attempts in `row` (its height is the bar's), on `axis`; `selected` rings it.
    void paintRequest(QPainter &painter, const QRectF &row, std::size_t index, const NetworkAxis &axis) const;
    //! Ticks and times along `rect`'s bottom edge.
    void paintAxis(QPainter &painter, const QRectF &rect, const NetworkAxis &axis) const;
    //! The phases' colours and names, left to right from `topLeft`; returns the width used.
    double paintLegend(QPainter &painter, const QPointF &topLeft) const;
    //! Attempts in flight as a step chart in `rect`, the limit over it as a dashed line; the caption
    //! goes left of the axis, from `labelLeft`.
    void paintInFlight(
        QPainter &painter, const QRectF &rect, const NetworkAxis &axis, double labelLeft) const;
    //! Connections [first, first + count) as lanes from `top` down, their names left of `axis`.
    void paintConnections(
        QPainter &painter, double top, int first, int count, const NetworkAxis &axis, double labelLeft) const;
    //! Connection `connection`'s uses inside `lane` (bars only, no label, no background).
    void paintConnectionLane(
        QPainter &painter, const QRectF &lane, int connection, const NetworkAxis &axis) const;
    //! Height of the in-flight chart and every connection lane below it.
    double connectionsHeight() const;

private:
    void paintAttempt(
        QPainter &painter, const QRectF &row, const IoRecord &io, const NetworkAxis &axis) const;

    const Trace *m_trace = nullptr;
    const NetworkLog &m_log;
    ViewPalette m_palette;
    QFont m_font;
};

} // namespace Loopscope
