#pragma once

#include "scheduler/detail/schedulerbackend.h"
#include "scheduler/scheduler.h"
#include "scheduler/sourceline.h"

namespace Loopscope {

using std::chrono::nanoseconds;

namespace detail {

//! Common shape of an await that parks the task on one WaitNode until the scheduler wakes it.
struct ParkingAwaiter
{
    WaitNode node;

    bool await_ready() const noexcept { return false; }
    void await_resume() { detail::SchedulerBackend(*node.promise->scheduler).resumed(node); }
    ~ParkingAwaiter() { node.detach(); }

    //! Traces the start of an I/O operation labelled `label` and parks the task on it. Returns
    //! false if the task must not suspend (a cancellation is pending) and nothing was started.
    template<typename P>
    bool beginIo(std::coroutine_handle<P> handle, const QString &label)
    {
        auto &promise = handle.promise();
        detail::SchedulerBackend scheduler(*promise.scheduler);
        if (promise.root->cancelRequested)
            return scheduler.suspend(promise, handle, node);
        node.isIo = true;
        node.wait = WaitKind::Io;
        node.other = scheduler.nextIoId();
        node.label = scheduler.intern(label);
        scheduler.record(EventKind::IoSubmitted, promise.id, node.other, node.label, node.line);
        return true;
    }
    ParkingAwaiter() = default;
    ParkingAwaiter(const ParkingAwaiter &) = delete;
    ParkingAwaiter &operator=(const ParkingAwaiter &) = delete;
};

//! The hottest await of all: a small node and nothing to unlink, so yielding frames stay small.
struct YieldAwaiter
{
    ReadyNode node;

    explicit YieldAwaiter(std::uint16_t line)
    {
        node.line = line;
        node.kind = ReadyNode::Kind::Yield;
    }
    YieldAwaiter(const YieldAwaiter &) = delete;
    YieldAwaiter &operator=(const YieldAwaiter &) = delete;
    bool await_ready() const noexcept { return false; }
    template<typename P>
    [[gnu::always_inline]] void await_suspend(std::coroutine_handle<P> handle)
    {
        detail::SchedulerBackend scheduler(*handle.promise().scheduler);
        node.label = scheduler.yieldLabel();
        scheduler.parkForNextTurn(handle.promise(), handle, node);
    }
    void await_resume() const { detail::SchedulerBackend(*node.promise->scheduler).resumedAfterYield(node); }
};

struct SleepAwaiter : ParkingAwaiter
{
    nanoseconds duration;
    SleepAwaiter(nanoseconds d, std::uint16_t line)
        : duration(d)
    {
        node.line = line;
    }
    template<typename P>
    bool await_suspend(std::coroutine_handle<P> handle)
    {
        auto &promise = handle.promise();
        detail::SchedulerBackend scheduler(*promise.scheduler);
        if (promise.root->cancelRequested)
            return scheduler.suspend(promise, handle, node);
        node.other = scheduler.nextTimerId();
        node.wait = WaitKind::Timer;
        node.label = scheduler.intern(QStringLiteral("sleep"));
        scheduler.record(
            EventKind::TimerArmed, promise.id, node.other, detailMicros(duration.count()), node.line);
        scheduler.suspend(promise, handle, node);
        scheduler.armTimer(node, scheduler.now() + std::max<std::int64_t>(0, duration.count()));
        return true;
    }
};

struct SimulatedIoAwaiter : ParkingAwaiter
{
    QString label;
    QString outcome;
    nanoseconds latency;
    SimulatedIoAwaiter(QString l, QString o, nanoseconds d, std::uint16_t line)
        : label(std::move(l))
        , outcome(std::move(o))
        , latency(d)
    {
        node.line = line;
    }
    template<typename P>
    bool await_suspend(std::coroutine_handle<P> handle)
    {
        if (!beginIo(handle, label))
            return false;
        detail::SchedulerBackend scheduler(*handle.promise().scheduler);
        node.resultLabel = scheduler.intern(outcome);
        scheduler.suspend(handle.promise(), handle, node);
        scheduler.armTimer(node, scheduler.now() + std::max<std::int64_t>(0, latency.count()));
        return true;
    }
};

//! Runs inside the task without suspending it (for calls that need the task's scheduler).
template<typename Fn>
struct InlineAwaiter
{
    Fn fn;
    Scheduler *scheduler = nullptr;
    bool await_ready() const noexcept { return false; }
    template<typename P>
    bool await_suspend(std::coroutine_handle<P> handle)
    {
        scheduler = handle.promise().scheduler;
        return false;
    }
    decltype(auto) await_resume() { return fn(*scheduler); }
};

template<typename Fn>
InlineAwaiter<Fn> inlineAwait(Fn fn)
{
    return InlineAwaiter<Fn> { std::move(fn) };
}

} // namespace detail

//! Hands control back to the loop; the task is resumed in the next turn (asyncio.sleep(0)).
inline detail::YieldAwaiter yieldNow(SourceLine line = {})
{
    return detail::YieldAwaiter(line.value());
}

//! Suspends the task for `duration` of scheduler time (a timer).
inline detail::SleepAwaiter sleep(nanoseconds duration, SourceLine line = {})
{
    return detail::SleepAwaiter(duration, line.value());
}

/*!
 * A simulated I/O operation (a request to a slow service): traced as I/O submitted, the task
 * suspended, and I/O completed after `latency` of scheduler time.
 */
inline detail::SimulatedIoAwaiter io(const QString &label, nanoseconds latency,
    const QString &outcome = QStringLiteral("done"), SourceLine line = {})
{
    return detail::SimulatedIoAwaiter(label, outcome, latency, line.value());
}

//! A blocking call inside a task: the thread (and so the whole loop) stalls for `duration`.
inline auto blockFor(nanoseconds duration)
{
    return detail::inlineAwait(
        [duration](Scheduler &scheduler) { detail::SchedulerBackend(scheduler).block(duration); });
}

//! The scheduler running the current task (to spawn siblings, log, or read the clock).
inline auto thisScheduler()
{
    return detail::inlineAwait([](Scheduler &scheduler) -> Scheduler & { return scheduler; });
}

//! Records a line of output from the current task in the trace, with the line it was said on.
inline auto say(const QString &text, SourceLine line = {})
{
    return detail::inlineAwait(
        [text, line = line.value()](Scheduler &scheduler) { scheduler.log(text, line); });
}

} // namespace Loopscope
