#pragma once

#include "trace/trace.h"

#include <vector>

namespace Loopscope {

//! The steps of an HTTP attempt, in the order they happen (as browser devtools name them).
enum class RequestPhase : std::uint8_t {
    Queued,  //!< waiting for its turn: the request rate, the concurrency limit
    Dns,     //!< finding the host's address
    Connect, //!< opening the TCP connection
    Tls,     //!< the TLS handshake
    Send,    //!< writing the request
    Wait,    //!< waiting for the first byte of the answer: the server's time and the round trip
    Receive, //!< the answer arriving
};

constexpr int RequestPhaseCount = 7;

//! "queued", "DNS", "connect", "TLS", "send", "wait", "receive".
const char *requestPhaseName(RequestPhase phase);

struct RequestPhaseSpan
{
    RequestPhase phase = RequestPhase::Queued;
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::int64_t durationNs() const { return endNs - startNs; }
};

/*!
 * The phases of attempt `io`, each from one recorded moment to the next: in order, without gaps or
 * overlaps, from the moment it began to wait (or was submitted) to its end, so they add up to the
 * attempt's duration. Steps that did not happen (a reused connection has no DNS, connect or TLS)
 * are left out, and so are moments a failed attempt never reached. An attempt still in flight ends
 * at `nowNs`.
 */
std::vector<RequestPhaseSpan> requestPhases(const IoRecord &io, std::int64_t nowNs);

//! Whether attempt `io` failed: an error, a 4xx or 5xx answer, or no answer at its end.
inline bool attemptFailed(const IoRecord &io)
{
    return !io.error.isEmpty() || io.status >= 400 || (io.endNs >= 0 && io.status == 0);
}

//! When the attempt began: when it started to wait for its turn, or was submitted.
inline std::int64_t requestBeganNs(const IoRecord &io)
{
    return io.queuedNs >= 0 ? std::min(io.queuedNs, io.startNs) : io.startNs;
}

} // namespace Loopscope
