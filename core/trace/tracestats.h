#pragma once

#include "trace/trace.h"

namespace Loopscope {

//! The most I/O operations in flight at once according to the trace (submitted, not yet
//! completed or failed): the proof that a concurrency limit of C put C requests on the wire.
int peakIoInFlight(const Trace &trace);

} // namespace Loopscope
