#include "trace/requestphases.h"

#include <algorithm>

namespace Loopscope {

const char *requestPhaseName(RequestPhase phase)
{
    switch (phase) {
    case RequestPhase::Queued:
        return "queued";
    case RequestPhase::Dns:
        return "DNS";
    case RequestPhase::Connect:
        return "connect";
    case RequestPhase::Tls:
        return "TLS";
    case RequestPhase::Send:
        return "send";
    case RequestPhase::Wait:
        return "wait";
    case RequestPhase::Receive:
        return "receive";
    }
    return "?";
}

std::vector<RequestPhaseSpan> requestPhases(const IoRecord &io, std::int64_t nowNs)
{
    const std::int64_t began = requestBeganNs(io);
    const std::int64_t end = std::max(began, io.endNs >= 0 ? io.endNs : nowNs);
    // Each phase ends at the moment recorded for it; the next starts there. Moments out of order
    // (clocks of another recorder) are clamped between their neighbours.
    const std::pair<RequestPhase, std::int64_t> ends[] = {
        { RequestPhase::Queued, io.startNs },
        { RequestPhase::Dns, io.connectNs >= 0 ? io.dnsEndNs : -1 },
        { RequestPhase::Connect, io.connectNs >= 0 ? io.connectEndNs : -1 },
        { RequestPhase::Tls, io.connectNs >= 0 ? io.tlsEndNs : -1 },
        { RequestPhase::Send, io.sentNs },
        { RequestPhase::Wait, io.firstByteNs },
        { RequestPhase::Receive, io.endNs >= 0 && io.firstByteNs >= 0 ? end : -1 },
    };
    std::vector<RequestPhaseSpan> phases;
    std::int64_t at = began;
    for (const auto &[phase, moment] : ends) {
        if (moment < 0)
            continue;
        const std::int64_t stop = std::clamp(moment, at, end);
        if (stop > at)
            phases.push_back({ phase, at, stop });
        at = stop;
    }
    if (at < end) {
        // Where the record stops (in flight, failed): the time since then is the step under way.
        const bool https = io.url.startsWith(QLatin1String("https:"));
        RequestPhase under = RequestPhase::Wait; // nothing more known: most of it is the server's
        if (io.firstByteNs >= 0)
            under = RequestPhase::Receive;
        else if (io.connectNs >= 0 && io.connectEndNs < 0)
            under = RequestPhase::Connect;
        else if (io.connectNs >= 0 && io.tlsEndNs < 0 && https)
            under = RequestPhase::Tls;
        if (!phases.empty() && phases.back().phase == under)
            phases.back().endNs = end;
        else
            phases.push_back({ under, at, end });
    }
    return phases;
}

} // namespace Loopscope
