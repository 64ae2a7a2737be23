#pragma once

#include <QStringList>

QT_BEGIN_NAMESPACE
class QTextStream;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * `loopscope run <scenario> [--param key=value]... [--steps N] [--table [--csv]]`
 *
 * Plays a built-in scenario under the virtual clock and prints its trace on `out`, one readable
 * line per event (Trace::describe; prefixed with the loop's lane when the trace has several),
 * then a summary line. `--steps N` stops after N scheduling steps. `--table` (sequential-vs-
 * concurrent only) prints the running-time table instead, as Markdown or with `--csv` as CSV; its
 * rows are simulated up to `--param n=N` operations (default: a million) and computed beyond.
 * `args` excludes the program name and the word "run". Returns 0 on success, 1 when the scenario
 * fails to run, 2 for bad usage (with the reason and the usage on `err`).
 */
int runRunCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace Loopscope
