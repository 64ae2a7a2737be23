#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope lint (TRACE.loopscope | --scenario ID [--param k=v]...) [--max-step-ms N]
 * [--max-ready-ms N] [--max-in-flight N] [--only KIND,...]`
 *
 * Prints one line per finding (`KIND seq=N t=T task=NAME: message`) and exits with 0 when the
 * schedule is clean, 1 when something was found, 2 for bad usage or a damaged trace; so that a team
 * can lint traces of their own programs in CI.
 */
int runLintCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
