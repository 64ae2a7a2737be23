#pragma once

#include "io/eventrange.h"

namespace Loopscope {

/*!
 * Writes a trace in the Chrome Trace Event Format (JSON) that Perfetto and chrome://tracing open.
 *
 * One process; one track per task, named by `thread_name` metadata and ordered by creation, after
 * the event loop's own track. On a task's track, each stretch of running is a complete event
 * (`ph:"X"`, "running") and each await is an async span (`b`/`e`, category "await", id = the seq
 * of the suspension). The loop's track holds its run, its waits and every I/O completion or timer
 * as a slice, with a flow arrow (`s` → `f`) from the completion to the resumption it caused.
 * Instants (`i`) mark I/O submissions, failures, cancellations, slow steps and scenario output.
 *
 * Timestamps are microseconds of scheduler time. Events are sorted by time, so each track's
 * timestamps never decrease, and spans still open at the end of the range are closed there.
 */
class ChromeTraceExport
{
public:
    //! `processName` labels the process track ("Loopscope: two-coroutines").
    static QByteArray toJson(const Trace &trace, const EventRange &range, const QString &processName);
};

} // namespace Loopscope
