#pragma once

#include "scenarios/runningtimetable.h"

#include <QPointF>
#include <QRectF>
#include <QSize>

class QIODevice;
class QPainter;

namespace Loopscope {

/*!
 * The log-scale chart of the "sequential vs concurrent" argument: running time of n I/O
 * operations against n, one after another versus all at once, both axes logarithmic, with the
 * rows of a RunningTimeTable as its points (filled where simulated, hollow where computed) and
 * time ticks people read (1 s, 1 min, 1 h, 1 day, 1 year, 100 years).
 */
class RunningTimeChart
{
public:
    explicit RunningTimeChart(RunningTimeTable table);

    static constexpr QSize DefaultSize { 960, 600 };

    //! Where the plot area maps (operations, seconds): logarithmic in both, inside `plot`.
    QPointF pointFor(double operations, double seconds, const QRectF &plot) const;
    //! The plot area inside a picture of `size` (margins for axes, title and legend).
    static QRectF plotArea(const QSizeF &size);

    void paint(QPainter &painter, const QSizeF &size) const;
    //! Writes PNG (at 2× for crisp text), SVG or PDF by the file's extension; throws Error.
    void write(const QString &path) const;

private:
    RunningTimeTable m_table;
    double m_minOps = 1, m_maxOps = 10;
    double m_minSeconds = 1, m_maxSeconds = 10;
};

} // namespace Loopscope
