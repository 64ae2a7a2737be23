#pragma once

#include "trace/eventkind.h"

#include <cstdint>
#include <type_traits>

namespace Loopscope {

using TaskId = std::uint32_t;  //!< 0 means "no task" (the loop itself)
using LabelId = std::uint32_t; //!< index into a LabelTable; 0 is the empty label
using SeqNo = std::uint64_t;

inline constexpr TaskId NoTask = 0;
inline constexpr LabelId NoLabel = 0;
//! Event loops (thread lanes) one trace can tell apart.
inline constexpr int MaxThreadLanes = 32;

/*!
 * What a Trace stores of one scheduling decision: everything but its seq, which the event's
 * position implies. A plain 24-byte value so that a million of them stay cheap: no pointers, no
 * strings (text lives in the trace's LabelTable and is referred to by id).
 *
 * - `timeNs` is the scheduler clock (virtual or real) in nanoseconds since the loop was created.
 * - `task` is the task the event is about (NoTask for loop events).
 * - `other` is the second party: the awaited task, the I/O operation or timer id, or the parent.
 * - `detail` is a LabelId or a number, depending on `kind` (see EventKind and eventKindHasLabel()).
 * - `line` is the source line of the await or yield that produced the event (0 when unknown).
 * - `thread` is the index of the loop's thread lane (0 for a single loop; at most MaxThreadLanes - 1).
 * - wait() says what a suspension (and the resumption that ends it) waits for; Other otherwise.
 */
// No default member initialisers on purpose: trace chunks are allocated without being zeroed
// (every slot is written before it is read). Use StoredEvent{} for a zeroed value.
struct StoredEvent
{
    std::int64_t timeNs;
    TaskId task;
    std::uint32_t other;
    std::uint32_t detail;
    EventKind kind;
    std::uint8_t thread : 5;
    std::uint8_t waitCode : 3; //!< a WaitKind: see wait()
    std::uint16_t line;

    WaitKind wait() const { return static_cast<WaitKind>(waitCode); }

    friend bool operator==(const StoredEvent &, const StoredEvent &) = default;
};

/*!
 * One scheduling decision as a Trace hands it out: the stored fields and `seq`, which increases by
 * one per event of a trace, also across dropped events.
 */
struct TraceEvent : StoredEvent
{
    SeqNo seq;

    friend bool operator==(const TraceEvent &, const TraceEvent &) = default;
};

//! A duration as an event's detail: whole microseconds, clamped to what the field holds.
inline std::uint32_t detailMicros(std::int64_t ns)
{
    const std::int64_t us = ns < 0 ? 0 : ns / 1000;
    return us > std::int64_t(UINT32_MAX) ? UINT32_MAX : static_cast<std::uint32_t>(us);
}

static_assert(sizeof(StoredEvent) == 24, "a stored event must stay 24 bytes");
static_assert(std::is_trivially_default_constructible_v<StoredEvent>);
static_assert(std::is_trivially_default_constructible_v<TraceEvent>);

} // namespace Loopscope
