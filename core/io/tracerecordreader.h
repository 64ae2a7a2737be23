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
//! What an I/O record whose id was read before means: an error (a file declares each once), or an
//! update (a live stream sends a request again when it ends).
enum class IoRecordRepeat { IsAnError, Replaces };
//! An I/O record; its task must already be known.
void readIoRecord(
    const TraceFieldReader &fields, Trace &trace, IoRecordRepeat repeat = IoRecordRepeat::IsAnError);
//! Whether an event of `kind` names a task (parent, child or polled task) in `other`, rather than
//! an I/O or timer id.
bool otherIsTask(EventKind kind);
//! An event; its seq must be trace.nextSeq() and its time at least `lastTime` (updated).
void readEventRecord(const TraceFieldReader &fields, Trace &trace, std::int64_t &lastTime);

} // namespace Loopscope::detail
