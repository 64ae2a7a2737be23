#pragma once

#include "trace/trace.h"

#include <QStringList>
#include <vector>

namespace Loopscope {

/*!
 * A self-contained copy of a trace: its events, labels, tasks and I/O records as plain values.
 * Unlike a Trace (a QObject that belongs to one thread), a snapshot can be handed from the thread
 * that recorded it to another one.
 */
struct TraceSnapshot
{
    std::vector<TraceEvent> events;
    QStringList labels;            //!< index: LabelId
    std::vector<TaskRecord> tasks; //!< index: TaskId
    std::vector<IoRecord> io;

    static TraceSnapshot of(const Trace &trace);
};

/*!
 * Appends the traces of several loops to `into` as one trace ordered by (time, lane, seq), where
 * the lane is the snapshot's index in `lanes`. Each event keeps its `thread` field, so views can
 * still tell the loops apart. Task, I/O and timer ids are renumbered lane after lane so that they
 * stay unique, labels are interned into `into`, and I/O records follow their renumbered ids.
 * `into` must be empty.
 */
void mergeTraces(const std::vector<TraceSnapshot> &lanes, Trace &into);

} // namespace Loopscope
