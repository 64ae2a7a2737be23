#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <coroutine>
#include <memory>
#include <optional>

namespace Loopscope {

/*!
 * `co_await SignalEmitted(object, &Object::signal, timeout)` in a QCoro coroutine resumes it from
 * the event loop after the signal's next emission (true), or once the time-out ran out (false).
 * QCoro 0.8's qCoro(object, signal) does the same, except that a signal emitted again before the
 * coroutine resumed calls into its awaiter after the awaiter's destruction; here a later emission
 * finds nobody waiting.
 *
 * As with QCoro, a coroutine whose object is destroyed is never resumed: it may be a member of
 * that object. A coroutine that is not can ask to be resumed then (false), with
 * WhenDestroyed::Resume. `object` lives in the waiting thread.
 */
enum class WhenDestroyed { NeverResume, Resume };

template<typename Object, typename Signal>
class SignalEmitted
{
public:
    SignalEmitted(Object *object, Signal signal, std::optional<std::chrono::milliseconds> timeout = {},
        WhenDestroyed whenDestroyed = WhenDestroyed::NeverResume)
        : m_object(object)
        , m_signal(signal)
        , m_timeout(timeout)
        , m_whenDestroyed(whenDestroyed)
    { }
    SignalEmitted(SignalEmitted &&) noexcept = default; // (QCoro moves what it awaits, before it waits)
    SignalEmitted &operator=(SignalEmitted &&) = delete;
    ~SignalEmitted()
    {
        if (m_wait)
            m_wait->stop();
    }

    bool await_ready() const noexcept { return m_object.isNull(); }
    void await_suspend(std::coroutine_handle<> waiting)
    {
        m_wait = std::make_shared<Wait>();
        m_wait->waiting = waiting;
        m_wait->object = m_object.data();
        m_wait->timer = std::make_unique<QTimer>();
        // Direct connections, whose receiver cannot vanish with a resumption still queued for it;
        // the resumption itself goes through the event loop, as with QCoro.
        const std::weak_ptr<Wait> wait = m_wait;
        const auto end = [wait](End how) {
            if (const std::shared_ptr<Wait> alive = wait.lock())
                alive->end(wait, how);
        };
        m_wait->connections[0]
            = QObject::connect(m_object, m_signal, [end](auto &&...) { end(End::Emitted); });
        m_wait->connections[1] = QObject::connect(
            m_object, &QObject::destroyed, [end, resume = m_whenDestroyed == WhenDestroyed::Resume] {
                end(resume ? End::Destroyed : End::Never);
            });
        if (m_timeout) {
            m_wait->timer->setSingleShot(true);
            m_wait->connections[2]
                = QObject::connect(m_wait->timer.get(), &QTimer::timeout, [end] { end(End::TimedOut); });
            m_wait->timer->start(*m_timeout);
        }
    }
    bool await_resume() const noexcept { return m_wait && m_wait->emitted; }

private:
    enum class End { Emitted, TimedOut, Destroyed, Never };
    struct Wait
    {
        std::coroutine_handle<> waiting;
        QPointer<QObject> object;
        //! Of the time-out, if any; in the waiting coroutine's thread.
        std::unique_ptr<QTimer> timer;
        QMetaObject::Connection connections[3];
        bool ended = false;
        bool emitted = false;

        void stop()
        {
            ended = true;
            for (const QMetaObject::Connection &connection : connections)
                QObject::disconnect(connection);
            timer->stop();
        }
        void end(const std::weak_ptr<Wait> &self, End how)
        {
            if (ended)
                return;
            stop();
            emitted = how == End::Emitted;
            // Queued to the object, a resumption is dropped if the object goes first (Qt discards
            // the events of a destroyed receiver); queued to the timer, it comes all the same.
            QObject *const context = how == End::Destroyed ? timer.get()
                : how == End::Never                        ? nullptr
                                                           : object.data();
            if (!context)
                return;
            QMetaObject::invokeMethod(
                context,
                [self] {
                    if (const std::shared_ptr<Wait> alive = self.lock())
                        alive->waiting.resume();
                },
                Qt::QueuedConnection);
        }
    };

    QPointer<Object> m_object;
    Signal m_signal;
    std::optional<std::chrono::milliseconds> m_timeout;
    WhenDestroyed m_whenDestroyed;
    std::shared_ptr<Wait> m_wait;
};

} // namespace Loopscope
