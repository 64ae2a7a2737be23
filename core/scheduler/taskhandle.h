#pragma once

#include "scheduler/task.h"

#include <memory>

namespace Loopscope {

enum class TaskState : std::uint8_t { Pending, Running, Succeeded, Failed, Cancelled };

namespace detail {

class SchedulerBackend;

/*!
 * What outlives a spawned task's frame: its state, result and the tasks waiting for it.
 * Shared between the scheduler (while the frame lives) and every TaskHandle.
 */
struct TaskCore
{
    Scheduler *scheduler = nullptr;
    PromiseBase *frame = nullptr;   //!< the live root frame; null once it has finished
    std::coroutine_handle<> handle; //!< the same frame, to run or destroy it
    TaskId id = NoTask;
    std::uint32_t liveSlot = 0; //!< the scheduler's index of its live tasks
    TaskState state = TaskState::Pending;
    std::exception_ptr error;
    WaitList joiners;
    ReadyNode startNode { nullptr, NoLabel, 0, ReadyNode::Kind::Start,
        WaitKind::Other }; //!< ready-queue entry for the first run

    bool isDone() const { return state >= TaskState::Succeeded; }
    virtual ~TaskCore() = default;
};

template<typename T>
struct TaskCoreOf final : TaskCore
{
    std::optional<T> value;
};

template<>
struct TaskCoreOf<void> final : TaskCore
{
};

template<typename T>
void Promise<T>::publishResult(TaskCore &core)
{
    if (value)
        static_cast<TaskCoreOf<T> &>(core).value = std::move(value);
}

inline void Promise<void>::publishResult(TaskCore &) { }

//! Awaiting a spawned task: registers with its joiners (see scheduler.cpp).
struct JoinAwaiterBase
{
    std::shared_ptr<TaskCore> core;
    WaitNode node;
    std::uint16_t line = 0;

    bool await_ready() const noexcept { return core->isDone(); }
    bool suspendOn(PromiseBase &awaiter, std::coroutine_handle<> handle);
    void checkResumed();
    ~JoinAwaiterBase() { node.detach(); }
};

template<typename T>
struct JoinAwaiter : JoinAwaiterBase
{
    explicit JoinAwaiter(std::shared_ptr<TaskCore> c) { core = std::move(c); }
    template<typename P>
    bool await_suspend(std::coroutine_handle<P> h)
    {
        return suspendOn(h.promise(), h);
    }
    T await_resume()
    {
        checkResumed();
        if (core->error)
            std::rethrow_exception(core->error);
        if constexpr (!std::is_void_v<T>)
            return *static_cast<TaskCoreOf<T> &>(*core).value;
    }
};

} // namespace detail

/*!
 * A reference to a spawned task: query its state, cancel it, co_await its result from another
 * task, or read the result once it is done. Copies share the same task.
 */
template<typename T = void>
class TaskHandle
{
public:
    TaskHandle() = default;

    bool isValid() const { return bool(m_core); }
    TaskId id() const { return m_core ? m_core->id : NoTask; }
    TaskState state() const { return m_core ? m_core->state : TaskState::Pending; }
    bool isDone() const { return m_core && m_core->isDone(); }
    Scheduler *scheduler() const { return m_core ? m_core->scheduler : nullptr; }

    //! The result; rethrows the task's exception. Throws InvalidStateError if it has not finished.
    T result() const
    {
        if (!isDone())
            throw InvalidStateError(QStringLiteral("the task has not finished yet"));
        if (m_core->error)
            std::rethrow_exception(m_core->error);
        if constexpr (!std::is_void_v<T>)
            return *m_core->value;
    }
    std::exception_ptr error() const { return m_core ? m_core->error : nullptr; }

    detail::JoinAwaiter<T> operator co_await() const { return detail::JoinAwaiter<T>(m_core); }

private:
    // Handles are made by Scheduler::spawn(); awaiters reach the task through the back end.
    friend class Scheduler;
    friend class detail::SchedulerBackend;
    explicit TaskHandle(std::shared_ptr<detail::TaskCoreOf<T>> core)
        : m_core(std::move(core))
    { }
    const std::shared_ptr<detail::TaskCoreOf<T>> &core() const { return m_core; }

    std::shared_ptr<detail::TaskCoreOf<T>> m_core;
};

} // namespace Loopscope
