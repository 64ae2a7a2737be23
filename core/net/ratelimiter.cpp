#include "net/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

namespace {

constexpr std::int64_t NsPerSecond = 1'000'000'000;

} // namespace

RateLimiter::RateLimiter(double perSecond)
    : m_perSecond(perSecond)
    , m_intervalNs(perSecond > 0 ? static_cast<std::int64_t>(std::llround(1e9 / perSecond)) : 0)
{ }

std::int64_t RateLimiter::reserveNs(std::int64_t nowNs, std::int64_t)
{
    const std::int64_t start = std::max({ nowNs, m_nextStartNs, m_pausedUntilNs });
    m_nextStartNs = start + m_intervalNs;
    const std::int64_t wait = start - nowNs;
    if (wait > 0) {
        ++m_delayed;
        m_delayNs += wait;
    }
    return wait;
}

std::int64_t RateLimiter::holdBackNs(std::int64_t nowNs)
{
    const std::int64_t earliest = m_lastStartNs + m_intervalNs;
    if (nowNs < earliest)
        return earliest - nowNs;
    m_lastStartNs = nowNs;
    return 0;
}

void RateLimiter::noteResponse(const HttpHeaders &headers, std::int64_t nowNs, std::int64_t wallClockSeconds)
{
    bool ok = false;
    const qint64 remaining = headerValue(headers, "X-RateLimit-Remaining").trimmed().toLongLong(&ok);
    if (!ok || remaining > 0)
        return;
    const qint64 reset = headerValue(headers, "X-RateLimit-Reset").trimmed().toLongLong(&ok);
    if (!ok || reset < 0)
        return;
    // A Unix time (GitHub) or seconds from now (others): a value past 2001 is a time.
    const std::int64_t seconds
        = reset > 1'000'000'000 ? std::max<std::int64_t>(0, reset - wallClockSeconds) : reset;
    m_pausedUntilNs = std::max(m_pausedUntilNs, nowNs + std::min<std::int64_t>(seconds, 3600) * NsPerSecond);
}

double parseRate(const QString &text)
{
    QString number = text.trimmed();
    double per = 1;
    if (number.endsWith(QStringLiteral("/s")))
        number.chop(2);
    else if (number.endsWith(QStringLiteral("/min")))
        number.chop(4), per = 60;
    else if (number.endsWith(QStringLiteral("/h")))
        number.chop(2), per = 3600;
    bool ok = false;
    const double value = number.toDouble(&ok);
    return ok && value > 0 && std::isfinite(value) ? value / per : -1;
}

} // namespace Loopscope
