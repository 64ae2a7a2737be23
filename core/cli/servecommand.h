#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope serve [--port P] [--items N] [--page-size N] [--latency MS] [--jitter MS]
 *                  [--error-rate R] [--faults LIST] [--seed S]`
 *
 * Runs the DemoServer on 127.0.0.1 in the current thread's event loop until SIGINT or SIGTERM,
 * then prints its statistics. `args` excludes the program name and the word "serve". A
 * QCoreApplication must exist. Returns the exit code: 0 after a clean stop, 1 when the server
 * cannot listen, 2 for bad arguments (with the reason on `err`).
 */
int runServeCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
