#pragma once

#include "scheduler/scheduler.h"

namespace Loopscope::detail {

/*!
 * The back end of a Scheduler: what awaitables and synchronisation primitives need to park, wake
 * and trace tasks. Programs use Scheduler's public members; these calls keep its invariants only
 * when made by an awaiter for the task it suspends (see awaitables.h for the pattern).
 *
 * A view on one scheduler, cheap to make: every member forwards inline.
 */
class SchedulerBackend
{
public:
    explicit SchedulerBackend(Scheduler &scheduler) noexcept
        : m_loop(scheduler)
    { }

    Scheduler &scheduler() const { return m_loop; }
    Trace &trace() const { return m_loop.m_trace; }
    std::int64_t now() const { return m_loop.now(); }
    TaskId currentTask() const { return m_loop.currentTask(); }

    void record(EventKind kind, TaskId task, std::uint32_t other = 0, std::uint32_t detail = 0,
        std::uint16_t line = 0, WaitKind wait = WaitKind::Other) const
    {
        m_loop.record(kind, task, other, detail, line, wait);
    }
    LabelId intern(const QString &text) const { return m_loop.intern(text); }
    LabelId yieldLabel() const { return m_loop.m_yieldLabel; }
    std::uint32_t nextIoId() const { return ++m_loop.m_lastIoId; }
    std::uint32_t nextTimerId() const { return ++m_loop.m_lastTimerId; }

    //! Marks `promise` suspended on `node` and traces it. Returns false if it must not suspend
    //! (a cancellation is pending), in which case the await completes at once and throws.
    bool suspend(PromiseBase &promise, std::coroutine_handle<> handle, WaitNode &node) const
    {
        return m_loop.suspend(promise, handle, node);
    }
    //! Throws CancelledError if the task was cancelled while it waited; clears the wait.
    void resumed(WaitNode &node) const { m_loop.resumed(node); }
    void makeReady(WaitNode &node, WaitNode::Outcome outcome = WaitNode::Outcome::Ready) const
    {
        m_loop.makeReady(node, outcome);
    }
    //! A yield: traces the suspension and queues the task for the next turn.
    [[gnu::always_inline]] void parkForNextTurn(
        PromiseBase &promise, std::coroutine_handle<> handle, ReadyNode &node) const
    {
        m_loop.parkForNextTurn(promise, handle, node);
    }
    //! After a yield: throws CancelledError if the task was cancelled before or meanwhile.
    void resumedAfterYield(const ReadyNode &node) const { m_loop.resumedAfterYield(node); }
    void armTimer(WaitNode &node, std::int64_t deadline) const { m_loop.armTimer(node, deadline); }
    //! An external operation (Qt I/O) is in flight; its completion arrives via completeExternal().
    void beginExternal() const { ++m_loop.m_externalInFlight; }
    void endExternal() const { --m_loop.m_externalInFlight; }
    //! The external operation of `node` finished; the completion is delivered by a later step.
    void completeExternal(WaitNode &node, bool failed, LabelId outcome) const
    {
        m_loop.completeExternal(node, failed, outcome);
    }
    //! Simulates a blocking call: the clock moves on while the task keeps the thread.
    void block(std::chrono::nanoseconds duration) const { m_loop.block(duration); }
    //! cancel() for a task known by its core. False if it is done.
    bool cancelCore(TaskCore &core) const { return m_loop.cancelCore(core); }
    //! Gives a coroutine the scheduler does not run itself (a generator driven by a task) an id and
    //! a lane of its own in the trace, and traces its creation by `parent`.
    TaskId registerForeignTask(const QString &name, TaskId parent) const
    {
        return m_loop.registerTask(name, parent);
    }

    // Frame life cycle, called from Task's promise (task.h).
    std::coroutine_handle<> finishFrame(std::coroutine_handle<> frame, PromiseBase &promise) const noexcept
    {
        return m_loop.finishFrame(frame, promise);
    }
    std::coroutine_handle<> startChild(PromiseBase &parent, std::coroutine_handle<> parentFrame,
        PromiseBase &child, std::coroutine_handle<> childFrame, const QString *name) const
    {
        return m_loop.startChild(parent, parentFrame, child, childFrame, name);
    }

    //! The shared state behind a handle, for awaiters that wait on the task.
    template<typename T>
    static const std::shared_ptr<TaskCoreOf<T>> &coreOf(const TaskHandle<T> &handle)
    {
        return handle.m_core;
    }

private:
    Scheduler &m_loop;
};

} // namespace Loopscope::detail
