#pragma once

#include "scheduler/detail/promisebase.h"
#include "scheduler/errors.h"
#include "scheduler/valueformat.h"

#include <coroutine>
#include <memory>
#include <optional>
#include <utility>

namespace Loopscope {

template<typename T = void>
class Task;

namespace detail {

template<typename T>
struct TaskCoreOf;

struct FinalAwaiter
{
    bool await_ready() const noexcept { return false; }
    template<typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> frame) noexcept
    {
        return finishFrame(frame, frame.promise());
    }
    void await_resume() const noexcept { }
};

template<typename T>
struct Promise final : PromiseBase
{
    std::optional<T> value;

    Task<T> get_return_object() noexcept;
    FinalAwaiter final_suspend() const noexcept { return {}; }
    template<typename U>
    requires std::convertible_to<U &&, T>
    void return_value(U &&result)
    {
        value.emplace(std::forward<U>(result));
        hasValue = true;
    }
    QString describeResult() const override { return value ? formatValue(*value) : QString(); }
    void publishResult(TaskCore &core) override;
    T takeResult()
    {
        if (error)
            std::rethrow_exception(error);
        return std::move(*value);
    }
};

template<>
struct Promise<void> final : PromiseBase
{
    Task<void> get_return_object() noexcept;
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void return_void() const noexcept { }
    QString describeResult() const override { return {}; }
    void publishResult(TaskCore &core) override;
    void takeResult()
    {
        if (error)
            std::rethrow_exception(error);
    }
};

//! Awaiting a Task: the child runs inline and its result or exception comes back unchanged.
template<typename T>
struct DelegationAwaiter
{
    std::coroutine_handle<Promise<T>> child;
    std::unique_ptr<QString> name;
    bool await_ready() const noexcept { return !child; }
    template<typename ParentPromise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<ParentPromise> parent)
    {
        return startChild(parent.promise(), parent, child.promise(), child, name.get());
    }
    T await_resume()
    {
        if (!child)
            throw InvalidStateError(QStringLiteral("awaited an empty task"));
        return child.promise().takeResult();
    }
};

} // namespace detail

/*!
 * A lazily started coroutine producing a T (or an exception). A Task is either spawned on a
 * Scheduler (which then owns it and traces it as a root task) or co_awaited from another task,
 * which runs it inline as a child: the trace records the delegation, the child's own awaits and
 * its return, and the child's result or exception arrives at the parent's co_await unchanged.
 *
 * Tasks are move-only; destroying a Task that never ran destroys its frame.
 */
template<typename T>
class [[nodiscard]] Task
{
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Task() = default;
    explicit Task(Handle handle) noexcept
        : m_handle(handle)
    { }
    Task(Task &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
        , m_name(std::move(other.m_name))
    { }
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, {});
            m_name = std::move(other.m_name);
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { reset(); }

    bool isValid() const { return bool(m_handle); }

    //! Names the task in the trace (default: "task <id>").
    Task &&named(const QString &name) &&
    {
        m_name = std::make_unique<QString>(name);
        return std::move(*this);
    }
    //! The name given with named(), or nullptr.
    const QString *requestedName() const { return m_name.get(); }

    //! Runs the task inline as a child of the awaiting task (delegation).
    detail::DelegationAwaiter<T> operator co_await() &&noexcept
    {
        return detail::DelegationAwaiter<T> { m_handle, std::move(m_name) };
    }

    //! Hands the frame over (used by Scheduler::spawn).
    Handle release() noexcept { return std::exchange(m_handle, {}); }

private:
    void reset()
    {
        if (m_handle)
            std::exchange(m_handle, {}).destroy();
    }

    Handle m_handle;
    std::unique_ptr<QString> m_name; // kept here rather than in the frame, which stays small
};

namespace detail {

template<typename T>
Task<T> Promise<T>::get_return_object() noexcept
{
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() noexcept
{
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

} // namespace detail

} // namespace Loopscope
