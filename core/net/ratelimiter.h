#pragma once

#include "net/httpmessage.h"

#include <cstdint>
#include <limits>

namespace Loopscope {

/*!
 * Paces the requests of one client: at most `perSecond` of them start each second, one every
 * 1/perSecond (0: no pace), and none while the server said its budget is spent
 * (`X-RateLimit-Remaining: 0` until `X-RateLimit-Reset`, seconds from now or a Unix time).
 * Clock-free: callers pass the time (the scheduler's) and sleep for what slotFor() returns.
 */
class RateLimiter
{
public:
    explicit RateLimiter(double perSecond = 0);

    //! Reserves the next start; returns how long to wait before starting (0: now).
    std::int64_t reserveNs(std::int64_t nowNs, std::int64_t wallClockSeconds);
    //! After the wait reserveNs() asked for: how much longer to wait so that this start comes a
    //! whole interval after the one before (a start woken late must not bring the next one
    //! closer); 0: it starts now, and counts as the last start.
    std::int64_t holdBackNs(std::int64_t nowNs);
    //! Reads a response's rate-limit headers.
    void noteResponse(const HttpHeaders &headers, std::int64_t nowNs, std::int64_t wallClockSeconds);

    double perSecond() const { return m_perSecond; }
    //! How many starts had to wait, and for how long in all.
    std::int64_t delayedStarts() const { return m_delayed; }
    std::int64_t totalDelayNs() const { return m_delayNs; }

private:
    double m_perSecond;
    std::int64_t m_intervalNs;
    std::int64_t m_nextStartNs = 0;
    std::int64_t m_lastStartNs = std::numeric_limits<std::int64_t>::min() / 2;
    std::int64_t m_pausedUntilNs = 0;
    std::int64_t m_delayed = 0;
    std::int64_t m_delayNs = 0;
};

//! "10/s", "600/min", "2.5" (per second): requests per second, or -1 when it is no rate.
double parseRate(const QString &text);

} // namespace Loopscope
