#pragma once

#include "scheduler/awaitables.h"
#include "scheduler/errors.h"
#include "scheduler/signalemitted.h"

#include <QCoroTask>

#include <functional>
#include <memory>

namespace Loopscope {

namespace detail {

/*!
 * Meeting point of a QCoro operation and the task waiting for it. The operation runs on Qt's
 * event loop; when it ends, the result is parked here and the scheduler is told, so the task is
 * resumed by a traced step like any other. If the task goes away first, `node` is cleared and
 * the late result is dropped.
 */
template<typename T>
using ExternalValue = std::conditional_t<std::is_void_v<T>, bool, T>;

template<typename T>
struct ExternalSlot
{
    Scheduler *scheduler = nullptr;
    WaitNode *node = nullptr;
    std::optional<ExternalValue<T>> value;
    std::exception_ptr error;
    std::function<QString(const ExternalValue<T> &)> describe;
    std::function<void()> abandoned; //!< called when the waiting task goes away (cancelled) first

    void finish(const QString &outcome, bool failed)
    {
        if (node) {
            SchedulerBackend loop(*scheduler);
            loop.completeExternal(*node, failed, loop.intern(outcome));
        }
    }
    static void unlink(WaitNode &node)
    {
        auto *slot = static_cast<ExternalSlot *>(node.owner);
        slot->node = nullptr;
        detail::SchedulerBackend(*slot->scheduler).endExternal();
        if (slot->abandoned)
            slot->abandoned(); // the operation may stop early: nobody waits for its result
    }
};

template<typename T>
QCoro::Task<> runExternal(QCoro::Task<T> operation, std::shared_ptr<ExternalSlot<T>> slot)
{
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(operation);
            slot->value = true;
        } else {
            slot->value = co_await std::move(operation);
        }
        slot->finish(slot->describe ? slot->describe(*slot->value) : QStringLiteral("done"), false);
    } catch (...) {
        slot->error = std::current_exception();
        slot->finish(describeException(slot->error), true);
    }
}

template<typename T>
struct ExternalAwaiter : ParkingAwaiter
{
    QString label;
    QCoro::Task<T> operation;
    std::shared_ptr<ExternalSlot<T>> slot = std::make_shared<ExternalSlot<T>>();
    std::function<void(std::uint32_t)> submitted;

    ExternalAwaiter(QString l, QCoro::Task<T> op, std::uint16_t line,
        std::function<void(std::uint32_t)> onSubmitted = {},
        std::function<QString(const ExternalValue<T> &)> describe = {}, std::function<void()> abandoned = {})
        : label(std::move(l))
        , operation(std::move(op))
        , submitted(std::move(onSubmitted))
    {
        node.line = line;
        slot->describe = std::move(describe);
        slot->abandoned = std::move(abandoned);
    }

    template<typename P>
    bool await_suspend(std::coroutine_handle<P> handle)
    {
        if (!beginIo(handle, label))
            return false;
        detail::SchedulerBackend scheduler(*handle.promise().scheduler);
        if (submitted)
            submitted(node.other);
        scheduler.suspend(handle.promise(), handle, node);
        slot->scheduler = &scheduler.scheduler();
        slot->node = &node;
        node.owner = slot.get();
        node.unlink = &ExternalSlot<T>::unlink;
        scheduler.beginExternal();
        runExternal(std::move(operation), slot); // detached: it ends by itself and reports via the slot
        return true;
    }

    T await_resume()
    {
        ParkingAwaiter::await_resume();
        if (slot->error)
            std::rethrow_exception(slot->error);
        if constexpr (!std::is_void_v<T>)
            return std::move(*slot->value);
    }
};

} // namespace detail

//! Optional hooks of an awaited Qt operation: see the I/O id it was given, and word its outcome.
template<typename T>
struct ExternalHooks
{
    std::function<void(std::uint32_t ioId)> submitted;
    std::function<QString(const detail::ExternalValue<T> &)> describe;
    //! The awaiting task was cancelled: the operation may stop (close its connection...).
    std::function<void()> abandoned;
};

/*!
 * Awaits a QCoro operation (a Qt signal, a QNetworkReply, a QTimer, ...) through the scheduler:
 * traced as I/O submitted / completed (or failed), and resumed by a scheduler step, so it can
 * be held while the loop is paused. Needs the real clock (Qt delivers the result).
 */
template<typename T>
detail::ExternalAwaiter<T> awaitQt(
    const QString &label, QCoro::Task<T> operation, ExternalHooks<T> hooks = {}, SourceLine line = {})
{
    return detail::ExternalAwaiter<T>(label, std::move(operation), line.value(), std::move(hooks.submitted),
        std::move(hooks.describe), std::move(hooks.abandoned));
}

//! Awaits the next emission of a Qt signal through the scheduler (of an object of the scheduler's
//! thread). Fails if the object is destroyed first.
template<typename Obj, typename Signal>
auto awaitSignal(const QString &label, Obj *object, Signal signal, SourceLine line = {})
{
    auto operation = [](Obj *o, Signal s) -> QCoro::Task<void> {
        if (!co_await SignalEmitted(o, s, std::nullopt, WhenDestroyed::Resume))
            throw Error(QStringLiteral("the object was destroyed before it emitted the signal"));
    }(object, signal);
    return detail::ExternalAwaiter<void>(label, std::move(operation), line.value());
}

} // namespace Loopscope
