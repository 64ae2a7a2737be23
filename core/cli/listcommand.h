#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope list`
 *
 * Prints every built-in scenario on `out`: its id and title, its summary, and each parameter with
 * its default, range and meaning. `args` excludes the program name and the word "list"; there are
 * none to give. Returns 0, or 2 for unexpected arguments (with the reason on `err`).
 */
int runListCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
