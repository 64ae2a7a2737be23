#pragma once

#include <QLatin1StringView>

#include <cstdint>

namespace Loopscope {

/*!
 * What a trace event records. Every scheduling decision has a kind; the meaning of an event's
 * `other` and `detail` fields depends on it (see TraceEvent).
 */
enum class EventKind : std::uint8_t {
    LoopStarted,     //!< the loop began running (run, runUntilComplete or the first step)
    LoopStopped,     //!< the loop stopped; detail: label saying why
    LoopWaiting,     //!< nothing was ready: the loop waited for I/O or timers; detail: microseconds it waits
    Poll,            //!< a polling loop iteration that found nothing ready; other: the task polled
    TaskCreated,     //!< other: parent task (0 for none); detail: label with the task's name
    TaskStarted,     //!< first resumption of a task
    TaskSuspended,   //!< a task handed control back; other: what it awaits (task or I/O id); detail: label
    TaskResumed,     //!< the loop resumed a suspended task
    ValueYielded,    //!< a generator produced a value for its consumer; detail: label with the value
    TaskDelegated,   //!< a task awaits a child coroutine inline (`yield from`); other: the child
    TaskReturned,    //!< a task completed; detail: label with its return value
    TaskFailed,      //!< a task ended with an exception; detail: label with the error text
    TaskCancelled,   //!< a task ended because it was cancelled
    IoSubmitted,     //!< a task started an I/O operation; other: I/O id; detail: label (e.g. "GET /a")
    IoCompleted,     //!< the loop delivered an I/O completion; other: I/O id; detail: label with the outcome
    IoFailed,        //!< an I/O operation failed; other: I/O id; detail: label with the reason
    TimerArmed,      //!< a task armed a timer; other: timer id; detail: microseconds until it fires
    TimerFired,      //!< the loop delivered a timer; other: timer id
    SlowStep,        //!< a task ran longer than the threshold without yielding; detail: microseconds
    Message,         //!< a line of output a scenario produced; detail: label with the text
    CancelRequested, //!< a task was asked to cancel; other: the task that asked (0: the loop or outside)
    CounterSet, //!< a named value changed (an adaptive limit); other: the value; detail: label with the name
};

inline constexpr int EventKindCount = static_cast<int>(EventKind::CounterSet) + 1;

//! Stable machine name of a kind ("task_resumed"), used by trace files and the CLI.
QLatin1StringView eventKindName(EventKind kind);

//! Parses a machine name back; returns false for an unknown name.
bool eventKindFromName(QLatin1StringView name, EventKind &kind);

//! True for kinds whose detail is a label id (as opposed to a plain number).
bool eventKindHasLabel(EventKind kind);

/*!
 * What a suspended task waits for. A task_suspended event carries it, and so does the
 * task_resumed that ends the wait, so that views, exports and analyses read the kind of a wait
 * from the event instead of from its label (which is only for people).
 */
enum class WaitKind : std::uint8_t {
    Other, //!< a wait of no kind below, and every event that is not a wait
    Yield, //!< yieldNow(): ready again at the next turn, nothing awaited
    Task,  //!< another task to finish (a join); other: its id
    Io,    //!< an I/O operation; other: its id
    Timer, //!< a sleep; other: the timer id
    Queue, //!< room in, or an item from, a bounded queue
    Sync,  //!< an event, a semaphore or a concurrency limiter
    Value, //!< a generator waiting for the value its consumer sends it
};

inline constexpr int WaitKindCount = static_cast<int>(WaitKind::Value) + 1;

//! Stable machine name of a wait ("io"), used by trace files.
QLatin1StringView waitKindName(WaitKind wait);
//! Parses a machine name back; returns false for an unknown name.
bool waitKindFromName(QLatin1StringView name, WaitKind &wait);

} // namespace Loopscope
