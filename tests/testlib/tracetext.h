#pragma once

// A trace as text the tests can compare: whole lines, schedules, counts.
#include "trace/trace.h"

#include <QString>
#include <QStringList>

namespace Loopscope::Testing {

//! Trace::describe() of every event, in order.
QStringList eventLines(const Trace &trace);

//! The whole trace as one text, one described event a line.
QString fullText(const Trace &trace);

//! How many events of `kind` the trace holds.
qsizetype countKind(const Trace &trace, EventKind kind);

//! "kind task" lines: the schedule without timestamps, easy to compare. Without `withLoop`, the
//! loop_started and loop_stopped events are left out.
QStringList schedule(const Trace &trace, bool withLoop = true);

} // namespace Loopscope::Testing
