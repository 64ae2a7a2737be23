#pragma once

#include "scheduler/awaitables.h"

namespace Loopscope {

/*!
 * A counting semaphore for tasks: at most `permits` holders at a time; acquire() suspends while
 * none is free and waiters are served first come, first served. release() hands a permit straight
 * to the first waiter. Releasing more than was acquired is an error (a bounded semaphore).
 * peakHeld() reports the most permits ever held at once (a concurrency limit's proof).
 */
class Semaphore
{
public:
    explicit Semaphore(int permits, QString name = QStringLiteral("semaphore"))
        : m_permits(permits)
        , m_available(permits)
        , m_name(std::move(name))
    {
        if (permits < 1)
            throw InvalidStateError(
                QStringLiteral("a semaphore needs at least 1 permit, got %1").arg(permits));
    }

    int permits() const { return m_permits; }
    int available() const { return m_available; }
    int held() const { return m_permits - m_available; }
    int peakHeld() const { return m_peakHeld; }
    std::size_t waiterCount() const { return m_waiters.size(); }

    void release()
    {
        if (detail::WaitNode *node = m_waiters.popFront()) {
            detail::SchedulerBackend(*node->promise->scheduler)
                .makeReady(*node); // the permit passes to the waiter
            return;
        }
        if (m_available == m_permits)
            throw InvalidStateError(QStringLiteral("%1 released more often than acquired").arg(m_name));
        ++m_available;
    }

    struct AcquireAwaiter : detail::ParkingAwaiter
    {
        Semaphore &semaphore;
        bool permitTaken = false;

        AcquireAwaiter(Semaphore &s, std::uint16_t line)
            : semaphore(s)
        {
            node.line = line;
        }
        AcquireAwaiter(const AcquireAwaiter &) = delete;
        ~AcquireAwaiter()
        {
            // A permit handed over to a task whose frame is destroyed before it ran (its scheduler
            // went away) goes back, or the semaphore would lose it for good.
            if (node.outcome == detail::WaitNode::Outcome::Ready && !permitTaken)
                semaphore.release();
        }
        bool await_ready()
        {
            if (semaphore.m_available > 0 && semaphore.m_waiters.isEmpty()) {
                --semaphore.m_available;
                semaphore.noteHeld();
                return true;
            }
            return false;
        }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Sync;
            node.label = scheduler.intern(QStringLiteral("semaphore %1").arg(semaphore.m_name));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            semaphore.m_waiters.pushBack(node);
            return true;
        }
        void await_resume()
        {
            if (!node.promise)
                return;
            const bool handedPermit = node.outcome == detail::WaitNode::Outcome::Ready;
            permitTaken = true;
            if (handedPermit)
                semaphore.noteHeld();
            try {
                detail::ParkingAwaiter::await_resume();
            } catch (...) {
                if (handedPermit)
                    semaphore.release(); // cancelled after the permit arrived: give it back
                throw;
            }
        }
    };

    AcquireAwaiter acquire(SourceLine line = {}) { return AcquireAwaiter(*this, line.value()); }

    //! Releases a permit when it goes out of scope.
    class [[nodiscard]] Permit
    {
    public:
        explicit Permit(Semaphore &s)
            : m_semaphore(&s)
        { }
        Permit(Permit &&other) noexcept
            : m_semaphore(std::exchange(other.m_semaphore, nullptr))
        { }
        Permit(const Permit &) = delete;
        Permit &operator=(const Permit &) = delete;
        Permit &operator=(Permit &&) = delete;
        ~Permit()
        {
            if (m_semaphore)
                m_semaphore->release();
        }

    private:
        Semaphore *m_semaphore;
    };

private:
    void noteHeld() { m_peakHeld = std::max(m_peakHeld, held()); }

    int m_permits;
    int m_available;
    int m_peakHeld = 0;
    QString m_name;
    detail::WaitList m_waiters;
};

} // namespace Loopscope
