#include "style/nameelision.h"

namespace Loopscope {

QString elideName(const QString &name, const QFontMetricsF &metrics, double width)
{
    if (metrics.horizontalAdvance(name) <= width)
        return name;
    // Requests to one collection differ only in their query: keep it, shorten the path before it.
    const qsizetype query = name.indexOf(u'?');
    if (query > 0) {
        const QString tail = name.mid(query);
        const double tailWidth = metrics.horizontalAdvance(tail);
        const double headRoom = width - tailWidth;
        if (headRoom >= metrics.horizontalAdvance(QStringLiteral("GET…")))
            return metrics.elidedText(name.left(query), Qt::ElideRight, headRoom) + tail;
        return metrics.elidedText(tail, Qt::ElideRight, width);
    }
    return metrics.elidedText(name, Qt::ElideMiddle, width);
}

} // namespace Loopscope
