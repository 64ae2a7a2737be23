#pragma once

#include "scheduler/awaitables.h"

namespace Loopscope {

/*!
 * A flag tasks can wait for (asyncio.Event): wait() suspends until set() is called; once set,
 * waits complete at once until clear().
 */
class Event
{
public:
    explicit Event(QString name = QStringLiteral("event"))
        : m_name(std::move(name))
    { }

    bool isSet() const { return m_set; }
    void set()
    {
        m_set = true;
        while (detail::WaitNode *node = m_waiters.popFront())
            detail::SchedulerBackend(*node->promise->scheduler).makeReady(*node);
    }
    void clear() { m_set = false; }
    std::size_t waiterCount() const { return m_waiters.size(); }

    struct WaitAwaiter : detail::ParkingAwaiter
    {
        Event &event;
        WaitAwaiter(Event &e, std::uint16_t line)
            : event(e)
        {
            node.line = line;
        }
        bool await_ready() const noexcept { return event.m_set; }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Sync;
            node.label = scheduler.intern(QStringLiteral("event %1").arg(event.m_name));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            event.m_waiters.pushBack(node);
            return true;
        }
        void await_resume()
        {
            if (node.promise)
                detail::ParkingAwaiter::await_resume();
        }
    };

    WaitAwaiter wait(SourceLine line = {}) { return WaitAwaiter(*this, line.value()); }

private:
    QString m_name;
    bool m_set = false;
    detail::WaitList m_waiters;
};

} // namespace Loopscope
