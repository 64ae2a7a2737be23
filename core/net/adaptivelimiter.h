#pragma once

#include "scheduler/awaitables.h"

#include <cstdint>
#include <limits>
#include <vector>

namespace Loopscope {

/*!
 * How many requests a source takes at once, learnt from its answers alone, in the family of TCP's
 * congestion control and TCP Vegas (as Netflix's concurrency-limits and Envoy's adaptive
 * concurrency filter use them):
 *
 * - **Probing** (TCP's slow start): from the initial limit, the limit grows by 0.35 of a request
 *   per answer served (× 1.35 per round trip) while the limit holds requests back (at some moment
 *   of the request's flight), until two answers (or a twentieth of the limit) of one round say they
 *   queued behind more than α requests, or one behind more than 2α. So a source that queues is
 *   found before about 1.5 times its workers are in flight.
 * - **Overload** (a 429 or 503): the source refused a request that was sent with n in flight, so it
 *   takes fewer than n: the limit drops to n − 1 at once. Refusals come back at once, so a source
 *   whose limit falls is followed down within milliseconds. Refusals of requests sent before the
 *   last cut say nothing new and are ignored.
 * - **Queueing** (Vegas): once per round trip, the requests the source holds in its queue are
 *   estimated from latency, as in flight × (1 − fastest round trip / this round trip's average).
 *   Fewer than α (3·log10 of the limit, at least 2) and the limit grows by a tenth (at least one);
 *   more than β (twice α) and it shrinks by one; probing ends at the first queue above α.
 * - **Failures** (timeouts, broken connections): the limit shrinks by a quarter, once per round trip.
 */
class ConcurrencyEstimate
{
public:
    enum class Answer { Served, Overloaded, Failed };
    struct Sample
    {
        Answer answer = Answer::Served;
        int inFlight = 1;        //!< requests in flight when this one was sent, itself included
        int limitAtSend = 1;     //!< the limit then
        std::int64_t sentNs = 0; //!< the scheduler's clock
        std::int64_t answeredNs = 0;
        //! Whether the limit held requests back at some moment while this one was in flight (a
        //! burst sent at once fills the limit only with its last request, yet all of it was limited).
        bool heldBack = false;
    };

    ConcurrencyEstimate(int initial, int ceiling);

    void observe(const Sample &sample);
    int limit() const { return static_cast<int>(m_limit + 1e-9); } // 16 + 12 × 0.35 is 20.2, 20
    int ceiling() const { return m_ceiling; }
    bool isProbing() const { return m_probing; }
    //! The fastest round trip seen (-1 before the first answer served).
    std::int64_t fastestNs() const { return m_fastestNs; }

private:
    void served(const Sample &sample);
    void endRound();
    void resetRound();
    void cut(double to, std::int64_t nowNs);
    double alpha() const;

    double m_limit;
    int m_ceiling;
    bool m_probing = true;
    std::int64_t m_fastestNs = -1;
    std::int64_t m_lastCutNs = std::numeric_limits<std::int64_t>::min();
    // The round trip being measured: answers served since it began.
    int m_roundAnswers = 0;
    int m_roundQueued = 0; //!< answers of the round that queued (probing)
    double m_roundLatencyNs = 0;
    double m_roundInFlight = 0;
    int m_roundHeldBack = 0; //!< answers of the round sent while the limit held requests back
};

/*!
 * A concurrency limit that adapts (ConcurrencyEstimate): acquire() suspends while limit() requests
 * are in flight, like a semaphore whose size moves; release() tells it how the request went. Every
 * change of the limit is kept with its time (history()), for the trace's counter track, the
 * retrieval view's chart and the progress line.
 */
class AdaptiveLimiter
{
public:
    //! A granted request: how many were in flight with it (itself included) under which limit, and
    //! when it started.
    struct Slot
    {
        int inFlight = 0;
        int limit = 0;
        std::int64_t sentNs = 0;
        std::uint64_t fillsAtSend = 0; //!< how many times the limit had been reached by then
    };
    struct Change
    {
        std::int64_t timeNs = 0;
        int limit = 0;
    };

    //! Starts at `initial` (at most `ceiling`), at `nowNs` on the scheduler's clock.
    AdaptiveLimiter(int initial, int ceiling, std::int64_t nowNs = 0);

    int limit() const { return m_estimate.limit(); }
    int peakLimit() const;
    int inUse() const { return m_inUse; }
    //! Whether acquire() would go through at once.
    bool hasRoom() const { return m_inUse < limit() && m_waiters.isEmpty(); }
    const ConcurrencyEstimate &estimate() const { return m_estimate; }
    const std::vector<Change> &history() const { return m_history; }

    //! The name of the trace's counter that follows limit() (EventKind::CounterSet).
    static constexpr QLatin1StringView CounterName { "adaptive limit" };

    //! Ends `slot`'s request, answered at `nowNs` with `answer`, and wakes who may start now.
    //! Returns whether the limit changed.
    bool release(const Slot &slot, ConcurrencyEstimate::Answer answer, std::int64_t nowNs);

    struct AcquireAwaiter : detail::ParkingAwaiter
    {
        AdaptiveLimiter &limiter;
        AcquireAwaiter(AdaptiveLimiter &l, std::uint16_t line)
            : limiter(l)
        {
            node.line = line;
        }
        bool await_ready()
        {
            if (limiter.hasRoom()) {
                limiter.grant();
                return true;
            }
            return false;
        }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Sync;
            node.label = scheduler.intern(QStringLiteral("adaptive limit %1").arg(limiter.limit()));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            limiter.m_waiters.pushBack(node);
            return true;
        }
        Slot await_resume()
        {
            if (node.promise) {
                const bool handed = node.outcome == detail::WaitNode::Outcome::Ready;
                try {
                    detail::ParkingAwaiter::await_resume();
                } catch (...) {
                    if (handed)
                        limiter.giveBack(); // cancelled after the slot arrived
                    throw;
                }
            }
            return Slot { limiter.m_inUse, limiter.limit(), 0, limiter.m_fills };
        }
    };

    //! Waits for room; the caller fills the Slot's sentNs (the scheduler's now()).
    AcquireAwaiter acquire(SourceLine line = {}) { return AcquireAwaiter(*this, line.value()); }
    //! A slot given back unused (the caller was cancelled).
    void giveBack();

private:
    void grant();
    void wakeWaiters();

    ConcurrencyEstimate m_estimate;
    int m_inUse = 0;
    std::uint64_t m_fills = 0; //!< times m_inUse reached the limit
    std::vector<Change> m_history;
    detail::WaitList m_waiters;
};

} // namespace Loopscope
