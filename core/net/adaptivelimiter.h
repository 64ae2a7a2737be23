#pragma once

#include "scheduler/awaitables.h"

#include <algorithm>

namespace Loopscope {

/*!
 * A concurrency limit that adapts (additive increase, multiplicative decrease): each success
 * whose latency stays within `tolerance` of the best seen raises the limit by one; an error or a
 * 429 halves it. acquire() suspends while `limit()` slots are taken, like a semaphore.
 */
class AdaptiveLimiter
{
public:
    AdaptiveLimiter(int initial, int maximum, double tolerance = 1.5)
        : m_limit(std::clamp(initial, 1, maximum))
        , m_maximum(maximum)
        , m_tolerance(tolerance)
        , m_peakLimit(m_limit)
    { }

    int limit() const { return m_limit; }
    int peakLimit() const { return m_peakLimit; }
    int inUse() const { return m_inUse; }

    void release(bool success, std::int64_t latencyNs)
    {
        --m_inUse;
        if (!success) {
            m_limit = std::max(1, m_limit / 2);
        } else {
            if (m_bestLatencyNs < 0 || latencyNs < m_bestLatencyNs)
                m_bestLatencyNs = latencyNs;
            if (double(latencyNs) <= m_tolerance * double(m_bestLatencyNs) && m_limit < m_maximum)
                m_peakLimit = std::max(m_peakLimit, ++m_limit);
        }
        while (m_inUse < m_limit) {
            detail::WaitNode *node = m_waiters.popFront();
            if (!node)
                break;
            ++m_inUse;
            detail::SchedulerBackend(*node->promise->scheduler).makeReady(*node);
        }
    }

    struct AcquireAwaiter : detail::ParkingAwaiter
    {
        AdaptiveLimiter &limiter;
        explicit AcquireAwaiter(AdaptiveLimiter &l, std::uint16_t line)
            : limiter(l)
        {
            node.line = line;
        }
        bool await_ready()
        {
            if (limiter.m_inUse < limiter.m_limit && limiter.m_waiters.isEmpty()) {
                ++limiter.m_inUse;
                return true;
            }
            return false;
        }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Sync;
            node.label = scheduler.intern(QStringLiteral("adaptive limit %1").arg(limiter.m_limit));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            limiter.m_waiters.pushBack(node);
            return true;
        }
        void await_resume()
        {
            if (!node.promise)
                return;
            const bool handed = node.outcome == detail::WaitNode::Outcome::Ready;
            try {
                detail::ParkingAwaiter::await_resume();
            } catch (...) {
                if (handed)
                    --limiter.m_inUse; // cancelled after the slot arrived: give it back
                throw;
            }
        }
    };

    AcquireAwaiter acquire(SourceLine line = {}) { return AcquireAwaiter(*this, line.value()); }

private:
    int m_limit;
    int m_maximum;
    double m_tolerance;
    int m_peakLimit;
    int m_inUse = 0;
    std::int64_t m_bestLatencyNs = -1;
    detail::WaitList m_waiters;
};

} // namespace Loopscope
