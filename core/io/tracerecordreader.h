#pragma once

#include "io/tracefieldreader.h"
#include "trace/trace.h"

namespace Loopscope::detail {

/*!
 * Readers of the three kinds of record that follow a trace file's header. Each validates one
 * record, then adds it to `trace`; a bad record throws TraceFormatError naming its line.
 */

//! A task record; its id must be `expected` (task ids are 1, 2, 3... in file order).
void readTaskRecord(const TraceFieldReader &fields, Trace &trace, TaskId expected);
//! An I/O record; its id must not repeat and its task must already be known.
void readIoRecord(const TraceFieldReader &fields, Trace &trace);
//! An event; its seq must be trace.nextSeq() and its time at least `lastTime` (updated).
void readEventRecord(const TraceFieldReader &fields, Trace &trace, std::int64_t &lastTime);

} // namespace Loopscope::detail
