#pragma once

#include "scheduler/awaitables.h"

#include <optional>

namespace Loopscope {

template<typename Y, typename S = void>
class TracedGenerator;

//! `co_yield received` in a TracedGenerator that takes values: hand back nothing and wait for the
//! next sent value (Python's `x = yield`).
struct ReceiveTag
{
    explicit constexpr ReceiveTag() = default;
};
inline constexpr ReceiveTag received {};

namespace detail {

template<typename S>
struct SentSlot
{
    std::optional<S> value;
};
template<>
struct SentSlot<void>
{
};

//! What `co_await onClose(text)` asks of a generator body (see onClose()).
struct CloseRequest
{
    QString text;
    std::uint16_t line = 0;
};

//! The part of a generator's promise that does not depend on its value types.
struct GeneratorPromiseBase
{
    Scheduler *scheduler = nullptr;
    TaskId id = NoTask;
    TaskId consumer = NoTask;
    QString name = QStringLiteral("generator");
    std::exception_ptr error;
    bool closing = false;

    std::suspend_always initial_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
    void return_void() const noexcept { }
    void record(EventKind kind, std::uint32_t other, const QString &text, std::uint16_t line,
        WaitKind wait = WaitKind::Other) const
    {
        const detail::SchedulerBackend loop(*scheduler);
        loop.record(kind, id, other, text.isEmpty() ? NoLabel : loop.intern(text), line, wait);
    }
};

//! Traces the end of a generator body (returned or failed) and parks it for good.
struct GeneratorFinalAwaiter
{
    bool await_ready() const noexcept { return false; }
    template<typename P>
    void await_suspend(std::coroutine_handle<P> frame) const noexcept
    {
        const GeneratorPromiseBase &promise = frame.promise();
        if (promise.error)
            promise.record(EventKind::TaskFailed, promise.consumer, describeException(promise.error), 0);
        else
            promise.record(EventKind::TaskReturned, promise.consumer, QString(), 0);
    }
    void await_resume() const noexcept { }
};

//! The result of a co_yield: the value the consumer sends next (nothing for next()-only generators).
template<typename S>
struct GeneratorYieldAwaiter
{
    SentSlot<S> *slot;
    const GeneratorPromiseBase *promise;

    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<>) const noexcept { }
    S await_resume() const
    {
        if constexpr (!std::is_void_v<S>) {
            if (!slot->value) {
                throw InvalidStateError(
                    QStringLiteral("%1 expects a value: resume it with send(), not next()")
                        .arg(promise->name));
            }
            S value = std::move(*slot->value);
            slot->value.reset();
            return value;
        }
    }
};

//! Records its text when the generator it lives in is closed (RAII cleanup, like Python's finally).
class [[nodiscard]] GeneratorCloseGuard
{
public:
    GeneratorCloseGuard(const GeneratorPromiseBase &promise, QString text, std::uint16_t line)
        : m_promise(promise)
        , m_text(std::move(text))
        , m_line(line)
    { }
    GeneratorCloseGuard(const GeneratorCloseGuard &) = delete;
    GeneratorCloseGuard &operator=(const GeneratorCloseGuard &) = delete;
    ~GeneratorCloseGuard()
    {
        if (m_promise.closing && m_promise.scheduler)
            m_promise.record(EventKind::Message, m_promise.consumer, m_text, m_line);
    }

private:
    const GeneratorPromiseBase &m_promise;
    QString m_text;
    std::uint16_t m_line;
};

struct CloseGuardAwaiter
{
    const GeneratorPromiseBase &promise;
    CloseRequest request;
    bool await_ready() const noexcept { return true; }
    void await_suspend(std::coroutine_handle<>) const noexcept { }
    GeneratorCloseGuard await_resume() const
    {
        return GeneratorCloseGuard(promise, request.text, request.line);
    }
};

template<typename Y, typename S>
struct GeneratorPromise final : GeneratorPromiseBase
{
    std::optional<Y> yielded;
    SentSlot<S> sent;

    TracedGenerator<Y, S> get_return_object() noexcept;
    GeneratorFinalAwaiter final_suspend() const noexcept { return {}; }

    GeneratorYieldAwaiter<S> yield_value(Y value, SourceLine line = {})
    {
        record(EventKind::ValueYielded, consumer, formatValue(value), line.value());
        yielded = std::move(value);
        return { &sent, this };
    }
    GeneratorYieldAwaiter<S> yield_value(ReceiveTag, SourceLine line = {}) requires(!std::is_void_v<S>)
    {
        record(EventKind::TaskSuspended, consumer, QStringLiteral("a sent value"), line.value(),
            WaitKind::Value);
        return { &sent, this };
    }

    CloseGuardAwaiter await_transform(CloseRequest request) { return { *this, std::move(request) }; }
    //! A generator runs inside its consumer's step: it cannot wait for the loop (no other co_await).
    template<typename U>
    void await_transform(U &&) = delete;
};

} // namespace detail

/*!
 * Inside a TracedGenerator: `const auto cleanup = co_await onClose(text);` records `text` in the
 * trace when the generator is closed while suspended, as the body's locals are destroyed.
 */
inline detail::CloseRequest onClose(QString text, SourceLine line = {})
{
    return detail::CloseRequest { std::move(text), line.value() };
}

/*!
 * A lazy generator driven by a task on a Scheduler (Python's generator): its body runs only when
 * the consumer asks for the next value, up to its next `co_yield`, inside the consumer's step.
 * The generator has its own lane in the trace: the consumer's requests are Messages ("next(g)",
 * "send(2) to g", "close(g)"), each value is a ValueYielded event at the line of its co_yield, and
 * the end is TaskReturned (or TaskFailed, TaskCancelled when closed).
 *
 * With a send type S, `co_yield` evaluates to the value passed to send(). Sending to a generator
 * that has not run to its first co_yield yet throws InvalidStateError ("can't send a value to a
 * just-started generator"); call next() first (priming). close() destroys the suspended body, so
 * its locals' destructors run (see onClose()). Once exhausted or closed, next() and send() return
 * std::nullopt. The first next() binds the generator to the consumer's scheduler; a generator must
 * not outlive that scheduler. Bodies may not co_await anything but onClose().
 */
template<typename Y, typename S>
class [[nodiscard]] TracedGenerator
{
public:
    using promise_type = detail::GeneratorPromise<Y, S>;
    using Handle = std::coroutine_handle<promise_type>;

    explicit TracedGenerator(Handle handle) noexcept
        : m_handle(handle)
    { }
    TracedGenerator(TracedGenerator &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
        , m_name(other.m_name)
        , m_id(other.m_id)
        , m_started(other.m_started)
        , m_closed(other.m_closed)
    { }
    TracedGenerator &operator=(TracedGenerator &&) = delete;
    TracedGenerator(const TracedGenerator &) = delete;
    TracedGenerator &operator=(const TracedGenerator &) = delete;
    ~TracedGenerator()
    {
        if (m_handle)
            m_handle.destroy(); // not a close(): nothing is traced
    }

    //! Names the generator's lane in the trace (default "generator").
    TracedGenerator &&named(const QString &name) &&
    {
        m_name = name;
        if (m_handle)
            m_handle.promise().name = name;
        return std::move(*this);
    }

    bool isStarted() const { return m_started; }
    bool isExhausted() const { return m_closed || !m_handle || m_handle.done(); }

    //! `co_await g.next()`: runs the body to its next co_yield; std::nullopt once exhausted.
    auto next(SourceLine line = {})
    {
        return detail::inlineAwait([this, line = line.value()](Scheduler &scheduler) {
            return resume(scheduler, QStringLiteral("next(%1)").arg(name()), line, false);
        });
    }

    //! `co_await g.send(v)`: resumes the body with `v` as the value of its pending co_yield.
    template<typename T = S>
    requires(!std::is_void_v<T>) auto send(T value, SourceLine line = {})
    {
        return detail::inlineAwait(
            [this, value = std::move(value), line = line.value()](Scheduler &scheduler) {
                m_handle.promise().sent.value = value;
                return resume(
                    scheduler, QStringLiteral("send(%1) to %2").arg(formatValue(value), name()), line, true);
            });
    }

    //! `co_await g.close()`: ends the generator; a suspended body is destroyed, running its cleanup.
    auto close(SourceLine line = {})
    {
        return detail::inlineAwait(
            [this, line = line.value()](Scheduler &scheduler) { closeOn(scheduler, line); });
    }

private:
    const QString &name() const { return m_name; }

    promise_type &bind(Scheduler &scheduler)
    {
        if (!m_handle)
            throw InvalidStateError(QStringLiteral("this generator was moved from"));
        promise_type &promise = m_handle.promise();
        if (!promise.scheduler) {
            promise.scheduler = &scheduler;
            promise.id = m_id = detail::SchedulerBackend(scheduler).registerForeignTask(
                promise.name, scheduler.currentTask());
        } else if (promise.scheduler != &scheduler) {
            throw InvalidStateError(QStringLiteral("%1 belongs to another event loop").arg(promise.name));
        }
        promise.consumer = scheduler.currentTask();
        return promise;
    }

    void request(Scheduler &scheduler, const QString &text, std::uint16_t line) const
    {
        const detail::SchedulerBackend loop(scheduler);
        loop.record(EventKind::Message, scheduler.currentTask(), m_id, loop.intern(text), line);
    }

    std::optional<Y> resume(Scheduler &scheduler, const QString &what, std::uint16_t line, bool sending)
    {
        if (m_closed) {
            request(scheduler, QStringLiteral("%1: %2 is closed").arg(what, name()), line);
            return std::nullopt;
        }
        promise_type &promise = bind(scheduler);
        if (m_handle.done()) {
            request(
                scheduler, QStringLiteral("%1: nothing left, %2 is exhausted").arg(what, promise.name), line);
            return std::nullopt;
        }
        request(scheduler, what, line);
        if constexpr (!std::is_void_v<S>) {
            if (!sending)
                promise.sent.value.reset();
            else if (!m_started) {
                promise.sent.value.reset();
                throw InvalidStateError(QStringLiteral("can't send a value to a just-started generator"));
            }
        }
        m_started = true;
        promise.yielded.reset();
        m_handle.resume();
        if (m_handle.done() && promise.error)
            std::rethrow_exception(std::exchange(promise.error, nullptr));
        return std::exchange(promise.yielded, std::nullopt);
    }

    void closeOn(Scheduler &scheduler, std::uint16_t line)
    {
        if (m_closed)
            return;
        promise_type &promise = bind(scheduler);
        request(scheduler, QStringLiteral("close(%1)").arg(promise.name), line);
        if (m_handle.done())
            return; // finished already: nothing to clean up
        const TaskId id = promise.id;
        const TaskId consumer = promise.consumer;
        promise.closing = true;
        std::exchange(m_handle, {}).destroy();
        m_closed = true;
        const detail::SchedulerBackend loop(scheduler);
        loop.record(EventKind::TaskCancelled, id, consumer, loop.intern(QStringLiteral("closed")));
    }

    Handle m_handle;
    QString m_name = QStringLiteral("generator");
    TaskId m_id = NoTask; //!< the generator's lane, kept once the frame is gone
    bool m_started = false;
    bool m_closed = false;
};

template<typename Y, typename S>
TracedGenerator<Y, S> detail::GeneratorPromise<Y, S>::get_return_object() noexcept
{
    return TracedGenerator<Y, S>(std::coroutine_handle<GeneratorPromise>::from_promise(*this));
}

} // namespace Loopscope
