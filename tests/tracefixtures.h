#pragma once

#include "run/tracemetadata.h"

#include <memory>

// Traces the format and export tests share, each made by a real Scheduler run (virtual clock).
namespace Fixtures {

//! The reference schedule: tasks "Coroutine 1" and "Coroutine 2" each await one 2 s I/O operation.
std::unique_ptr<Loopscope::Scheduler> twoCoroutines();
//! Delegation, a failure caught by its caller, a slow step, output with markup characters, a
//! cancelled task with a quote and a newline in its name, and two HTTP I/O records (one failed).
std::unique_ptr<Loopscope::Scheduler> richTrace();
//! A capped trace that dropped its oldest chunks: its seq numbers start above 0.
std::unique_ptr<Loopscope::Trace> droppedTrace();
//! Fixed metadata (no clock reading), so files are the same on every run.
Loopscope::TraceMetadata metadata();

} // namespace Fixtures
