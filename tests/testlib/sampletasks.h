#pragma once

// Small coroutines that several scheduler suites spawn.
#include "scheduler/awaitables.h"

#include <QString>
#include <QStringList>

namespace Loopscope::Testing {

//! Awaits one simulated I/O operation `what` of `latency`, then returns 1.
Task<int> awaitIo(QString what, nanoseconds latency = std::chrono::seconds(2));

//! Awaits one 2 s simulated I/O operation "read <what>", then returns 1 (the two-coroutine example).
Task<int> readRecord(QString what);

/*!
 * A delegation chain `depth` links deep: each link awaits the next, named "link <depth - 1>", and
 * the innermost sleeps 1 s and returns 42. Each link appends its name to `seen` on the way back
 * ("innermost" first, "link <depth>" last).
 */
Task<int> chainLink(int depth, QStringList *seen);

} // namespace Loopscope::Testing
