#pragma once

#include <chrono>
#include <cstdint>
#include <QtGlobal>

namespace Loopscope {

// The measurements behind the running-time table (runningtimetable.h), made with the coroutines of
// the "sequential-vs-concurrent" scenario on a virtual-clock Scheduler whose trace is capped, so
// that a million operations cost seconds of real time and little memory.

//! Virtual nanoseconds that `n` operations of `latency` each take one after another.
std::int64_t simulateSequentialNs(qint64 n, std::chrono::nanoseconds latency);
//! Virtual nanoseconds that `n` operations of `latency` each take when all run at once.
std::int64_t simulateConcurrentNs(qint64 n, std::chrono::nanoseconds latency);

} // namespace Loopscope
