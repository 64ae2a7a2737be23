#pragma once

#include <QLatin1StringView>

#include <cstdint>

namespace Loopscope {

/*!
 * What a trace event records. Every scheduling decision has a kind; the meaning of an event's
 * `other` and `detail` fields depends on it (see TraceEvent).
 */
enum class EventKind : std::uint8_t {
    LoopStarted,   //!< the loop began running (run, runUntilComplete or the first step)
    LoopStopped,   //!< the loop stopped; detail: label saying why
    LoopWaiting,   //!< nothing was ready: the loop waited for I/O or timers; detail: microseconds it waits
    Poll,          //!< a polling loop iteration that found nothing ready; other: the task polled
    TaskCreated,   //!< other: parent task (0 for none); detail: label with the task's name
    TaskStarted,   //!< first resumption of a task
    TaskSuspended, //!< a task handed control back; other: what it awaits (task or I/O id); detail: label
    TaskResumed,   //!< the loop resumed a suspended task
    TaskYielded,   //!< a generator produced a value; detail: label with the value
    TaskDelegated, //!< a task awaits a child coroutine inline (`yield from`); other: the child
    TaskReturned,  //!< a task completed; detail: label with its return value
    TaskFailed,    //!< a task ended with an exception; detail: label with the error text
    TaskCancelled, //!< a task ended because it was cancelled
    IoSubmitted,   //!< a task started an I/O operation; other: I/O id; detail: label (e.g. "GET /a")
    IoCompleted,   //!< the loop delivered an I/O completion; other: I/O id; detail: label with the outcome
    IoFailed,      //!< an I/O operation failed; other: I/O id; detail: label with the reason
    TimerArmed,    //!< a task armed a timer; other: timer id; detail: microseconds until it fires
    TimerFired,    //!< the loop delivered a timer; other: timer id
    SlowStep,      //!< a task ran longer than the threshold without yielding; detail: microseconds
    Message,       //!< a line of output a scenario produced; detail: label with the text
};

inline constexpr int EventKindCount = static_cast<int>(EventKind::Message) + 1;

//! Stable machine name of a kind ("task_resumed"), used by trace files and the CLI.
QLatin1StringView eventKindName(EventKind kind);

//! Parses a machine name back; returns false for an unknown name.
bool eventKindFromName(QLatin1StringView name, EventKind &kind);

//! True for kinds whose detail is a label id (as opposed to a plain number).
bool eventKindHasLabel(EventKind kind);

} // namespace Loopscope
