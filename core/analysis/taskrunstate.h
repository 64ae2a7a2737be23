#pragma once

#include <cstdint>
#include <QString>

namespace Loopscope {

/*!
 * What a task is doing at a moment, as the views show it (timeline colours, task table). Derived
 * from the trace by TraceDigest; the order is stable and used as an array index.
 */
enum class TaskRunState : std::uint8_t {
    Ready,         //!< created or woken, waiting for the loop to run it
    Running,       //!< the loop is running it (it holds the thread)
    AwaitingIo,    //!< suspended on an I/O operation
    AwaitingTimer, //!< suspended on a timer (sleep)
    AwaitingTask,  //!< suspended on another task (join or delegation)
    AwaitingOther, //!< suspended on an event, a semaphore or a queue
    Done,          //!< returned normally
    Failed,        //!< ended with an exception
    Cancelled,     //!< ended because it was cancelled
};

inline constexpr int TaskRunStateCount = static_cast<int>(TaskRunState::Cancelled) + 1;

//! Short text for people: "awaiting I/O".
QString taskRunStateName(TaskRunState state);

inline bool isFinished(TaskRunState state)
{
    return state >= TaskRunState::Done;
}

inline bool isAwaiting(TaskRunState state)
{
    return state >= TaskRunState::AwaitingIo && state <= TaskRunState::AwaitingOther;
}

} // namespace Loopscope
