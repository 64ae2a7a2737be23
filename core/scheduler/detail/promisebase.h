#pragma once

#include "waitnode.h"

#include <QString>

#include <coroutine>
#include <exception>
#include <memory>

namespace Loopscope {
class Scheduler;
}

namespace Loopscope::detail {

struct TaskCore;

/*!
 * The part of every Task promise that the scheduler needs, whatever the result type.
 *
 * Kept small on purpose: a frame's promise is touched on every resumption, and a hundred
 * thousand frames should stay in cache. Each coroutine frame is one task in the trace. A frame either is a root (spawned on the
 * scheduler, owned by it, `root == this`) or runs inline inside a parent that awaited it
 * (delegation, `continuation` set, `root` shared with the parent).
 */
struct PromiseBase
{
    Scheduler *scheduler = nullptr;
    PromiseBase *root = nullptr;
    PromiseBase *parent = nullptr;
    std::coroutine_handle<> continuation;
    std::exception_ptr error;
    TaskId id = NoTask;
    bool started = false;

    // Root-only state.
    bool cancelRequested = false;
    WaitNode *currentWait = nullptr; //!< innermost await of the whole chain, while suspended
    TaskCore *core = nullptr;        //!< shared result slot of a spawned task
    std::unique_ptr<QString> requestedName; //!< set by Task::named() before the task starts

    std::suspend_always initial_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }

    //! Formats the returned value for the trace ("" for void).
    virtual QString describeResult() const = 0;
    //! Moves the result (value or error) into the spawned task's shared slot.
    virtual void publishResult(TaskCore &core) = 0;

protected:
    PromiseBase() = default;
    ~PromiseBase() = default;
};

//! Called from a finished frame's final suspend: traces the end and picks what runs next.
std::coroutine_handle<> finishFrame(std::coroutine_handle<> frame, PromiseBase &promise) noexcept;

//! Awaiting a child task inline: registers and traces it, returns the child handle to run.
std::coroutine_handle<> startChild(PromiseBase &parent, std::coroutine_handle<> parentFrame, PromiseBase &child,
                                   std::coroutine_handle<> childFrame);

} // namespace Loopscope::detail
