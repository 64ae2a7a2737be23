#include "net/adaptivelimiter.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

// ---- ConcurrencyEstimate ----

namespace {

// Per answer while probing: a round trip of answers multiplies the limit by 1.35.
constexpr double ProbeGrowth = 0.35;

} // namespace

ConcurrencyEstimate::ConcurrencyEstimate(int initial, int ceiling)
    : m_limit(std::clamp(initial, 1, std::max(1, ceiling)))
    , m_ceiling(std::max(1, ceiling))
{ }

double ConcurrencyEstimate::alpha() const
{
    return std::max(2.0, 3.0 * std::log10(std::max(1.0, m_limit)));
}

void ConcurrencyEstimate::observe(const Sample &sample)
{
    switch (sample.answer) {
    case Answer::Served:
        served(sample);
        return;
    case Answer::Overloaded: {
        if (sample.sentNs < m_lastCutNs)
            return; // sent before the last cut: it says nothing the cut did not take into account
        // Refusals come back at once, so a source whose limit fell is followed down in a few
        // milliseconds, one refusal (and one request less) at a time.
        cut(sample.inFlight - 1, sample.answeredNs);
        return;
    }
    case Answer::Failed:
        if (sample.sentNs >= m_lastCutNs)
            cut(m_limit * 0.75, sample.answeredNs);
        return;
    }
}

void ConcurrencyEstimate::served(const Sample &sample)
{
    const std::int64_t latency = std::max<std::int64_t>(1, sample.answeredNs - sample.sentNs);
    if (m_fastestNs < 0 || latency < m_fastestNs)
        m_fastestNs = latency;
    if (sample.sentNs < m_lastCutNs)
        return; // measured under the load before the cut
    if (m_probing) {
        // Probing ends as soon as a few answers say they queued (waiting for the round's end would
        // let the limit grow another half beyond the source's workers): two (or a twentieth of the
        // limit) behind more than α, or one behind more than 2α. Less would not do: the last
        // answers of a burst, read a few milliseconds after the first, look like a queue of a few
        // requests when the limit is high.
        const double queued = sample.inFlight * (1.0 - double(m_fastestNs) / double(latency));
        const bool queuedAlone = queued > 2 * alpha();
        if (queuedAlone || (queued > alpha() && ++m_roundQueued >= std::max(2, limit() / 20))) {
            m_probing = false;
            m_limit = std::clamp(sample.inFlight - queued + alpha(), 1.0, m_limit);
            resetRound();
            return;
        }
        // Growth only while the limit is what holds requests back (not a program with little to send).
        if (sample.heldBack || sample.inFlight >= sample.limitAtSend - 1)
            m_limit = std::min<double>(m_ceiling, m_limit + ProbeGrowth);
    }
    ++m_roundAnswers;
    m_roundLatencyNs += double(latency);
    m_roundInFlight += sample.inFlight;
    m_roundHeldBack += sample.heldBack;
    if (m_roundAnswers >= std::max(1, limit()))
        endRound();
}

void ConcurrencyEstimate::endRound()
{
    const double latency = m_roundLatencyNs / m_roundAnswers;
    const double inFlight = m_roundInFlight / m_roundAnswers;
    const bool heldBack = 2 * m_roundHeldBack >= m_roundAnswers;
    const double queued = inFlight * (1.0 - double(m_fastestNs) / latency);
    const double a = alpha();
    resetRound();
    if (m_probing) {
        if (queued > a) {
            m_probing = false;
            m_limit = std::clamp(inFlight - queued + a, 1.0, m_limit);
        }
        return;
    }
    if (queued < a && (heldBack || inFlight >= std::floor(m_limit) - 1)) // room: a tenth more (at least one)
        m_limit = std::min<double>(m_ceiling, std::floor(m_limit) + std::max(1.0, std::floor(m_limit / 10)));
    else if (queued > 2 * a)
        m_limit = std::max(1.0, std::floor(m_limit) - 1);
}

void ConcurrencyEstimate::cut(double to, std::int64_t nowNs)
{
    m_probing = false;
    m_limit = std::clamp(std::floor(to), 1.0, m_limit);
    m_lastCutNs = nowNs;
    resetRound();
}

void ConcurrencyEstimate::resetRound()
{
    m_roundAnswers = 0;
    m_roundQueued = 0;
    m_roundLatencyNs = 0;
    m_roundInFlight = 0;
    m_roundHeldBack = 0;
}

// ---- AdaptiveLimiter ----

AdaptiveLimiter::AdaptiveLimiter(int initial, int ceiling, std::int64_t nowNs)
    : m_estimate(initial, ceiling)
    , m_history { Change { nowNs, m_estimate.limit() } }
{ }

bool AdaptiveLimiter::release(const Slot &slot, ConcurrencyEstimate::Answer answer, std::int64_t nowNs)
{
    const bool heldBack = m_fills != slot.fillsAtSend || m_inUse >= limit();
    --m_inUse;
    m_estimate.observe({ answer, slot.inFlight, slot.limit, slot.sentNs, nowNs, heldBack });
    const bool changed = limit() != m_history.back().limit;
    if (changed) {
        if (m_history.back().timeNs == nowNs)
            m_history.back().limit = limit();
        else
            m_history.push_back({ nowNs, limit() });
    }
    wakeWaiters();
    return changed;
}

int AdaptiveLimiter::peakLimit() const
{
    return std::max_element(m_history.begin(), m_history.end(), [](const Change &a, const Change &b) {
        return a.limit < b.limit;
    })->limit;
}

void AdaptiveLimiter::giveBack()
{
    --m_inUse;
    wakeWaiters();
}

void AdaptiveLimiter::grant()
{
    if (++m_inUse >= limit())
        ++m_fills;
}

void AdaptiveLimiter::wakeWaiters()
{
    while (m_inUse < limit()) {
        detail::WaitNode *node = m_waiters.popFront();
        if (!node)
            break;
        grant();
        detail::SchedulerBackend(*node->promise->scheduler).makeReady(*node);
    }
}

} // namespace Loopscope
