#pragma once

#include "scheduler/awaitables.h"

#include <vector>

namespace Loopscope {

/*!
 * Awaits every handle in order and collects the results (asyncio.gather): the tasks already run
 * concurrently, so the total wait is the longest of them. The first exception is rethrown once it
 * is reached; the other tasks keep running.
 */
namespace detail {

template<typename T>
Task<std::vector<T>> gatherAll(std::vector<TaskHandle<T>> handles)
{
    std::vector<T> results;
    results.reserve(handles.size());
    for (const auto &handle : handles)
        results.push_back(co_await handle);
    co_return results;
}

inline Task<void> gatherAll(std::vector<TaskHandle<void>> handles)
{
    for (const auto &handle : handles)
        co_await handle;
}

} // namespace detail

template<typename T>
Task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> gather(std::vector<TaskHandle<T>> handles)
{
    const auto count = handles.size();
    return detail::gatherAll(std::move(handles)).named(QStringLiteral("gather %1 tasks").arg(count));
}

//! Spawns every task on the current scheduler and waits for all of them.
template<typename T>
Task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> whenAll(std::vector<Task<T>> tasks)
{
    Scheduler &scheduler = co_await thisScheduler();
    std::vector<TaskHandle<T>> handles;
    handles.reserve(tasks.size());
    for (auto &task : tasks)
        handles.push_back(scheduler.spawn(std::move(task)));
    co_return co_await gather(std::move(handles));
}

namespace detail {

//! Waits for a task's completion or a timer, whichever comes first.
template<typename T>
struct WaitForAwaiter : JoinAwaiterBase
{
    WaitNode timerNode;
    nanoseconds timeout;

    WaitForAwaiter(std::shared_ptr<TaskCore> c, nanoseconds t, std::uint16_t l)
        : timeout(t)
    {
        core = std::move(c);
        line = l;
    }
    WaitForAwaiter(const WaitForAwaiter &) = delete;
    ~WaitForAwaiter() { timerNode.detach(); }

    template<typename P>
    bool await_suspend(std::coroutine_handle<P> handle)
    {
        auto &promise = handle.promise();
        detail::SchedulerBackend scheduler(*promise.scheduler);
        if (!suspendOn(promise, handle))
            return false;
        timerNode.promise = &promise;
        timerNode.handle = handle;
        timerNode.line = line;
        timerNode.other = scheduler.nextTimerId();
        node.sibling = &timerNode;
        timerNode.sibling = &node;
        scheduler.record(
            EventKind::TimerArmed, promise.id, timerNode.other, detailMicros(timeout.count()), line);
        scheduler.armTimer(timerNode, scheduler.now() + timeout.count());
        return true;
    }

    T await_resume()
    {
        if (timerNode.outcome == WaitNode::Outcome::Ready) {
            detail::SchedulerBackend scheduler(*timerNode.promise->scheduler);
            scheduler.resumed(timerNode);
            if (!core->isDone()) {
                scheduler.cancelCore(*core);
                throw TimeoutError(
                    QStringLiteral("%1 did not finish within %2")
                        .arg(scheduler.trace().taskName(core->id), formatDuration(timeout.count())));
            }
        } else {
            checkResumed();
        }
        if (core->error)
            std::rethrow_exception(core->error);
        if constexpr (!std::is_void_v<T>)
            return *static_cast<TaskCoreOf<T> &>(*core).value;
    }
};

} // namespace detail

/*!
 * Waits for `handle` at most `timeout` (asyncio.wait_for): on time-out the task is cancelled and
 * TimeoutError is thrown.
 */
template<typename T>
detail::WaitForAwaiter<T> waitFor(const TaskHandle<T> &handle, nanoseconds timeout, SourceLine line = {})
{
    return detail::WaitForAwaiter<T>(detail::SchedulerBackend::coreOf(handle), timeout, line.value());
}

} // namespace Loopscope
