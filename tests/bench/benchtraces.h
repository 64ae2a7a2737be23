#pragma once

#include "scheduler/scheduler.h"

#include <memory>

namespace Bench {

//! A trace of about `events` events: 10 to 1,000 tasks that each await I/O many times, interleaved.
std::unique_ptr<Loopscope::Scheduler> makeIoTrace(qsizetype events);

} // namespace Bench
