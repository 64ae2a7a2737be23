#pragma once

#include <QFontMetricsF>
#include <QString>

namespace Loopscope {

/*!
 * A task's name shortened to `width` so that what tells it apart from its neighbours survives:
 * the query of a request ("GET /api/ite…?from=250"), otherwise both ends ("op 1…200" keeps the
 * number at the end). Names that fit are returned whole.
 */
QString elideName(const QString &name, const QFontMetricsF &metrics, double width);

} // namespace Loopscope
