#pragma once

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace Loopscope {

/*!
 * QPainter::fillRect in horizontal strips short enough to be filled at once. Qt's raster engine
 * hands a fill of more than about a hundred scanlines to its thread pool and waits for it, however
 * narrow the fill: on a busy machine a frame of tall bars then waits on other threads for longer
 * than its pixels take. Strips end on whole pixels, so they look like one fill.
 */
inline void fillInStrips(QPainter &painter, const QRectF &rect, const QBrush &brush)
{
    constexpr double Strip = 64;
    if (rect.height() <= Strip) {
        painter.fillRect(rect, brush);
        return;
    }
    for (double top = rect.top(); top < rect.bottom();) {
        const double bottom = std::min(rect.bottom(), std::floor(top + Strip));
        painter.fillRect(QRectF(rect.left(), top, rect.width(), bottom - top), brush);
        top = bottom;
    }
}

} // namespace Loopscope
