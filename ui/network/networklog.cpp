#include "network/networklog.h"

#include <QHash>

#include <algorithm>

namespace Loopscope {

void NetworkLog::reset()
{
    *this = NetworkLog();
}

const std::vector<ConnectionUse> &NetworkLog::usesOf(int connection) const
{
    static const std::vector<ConnectionUse> none;
    return connection >= 1 && connection <= connectionCount() ? m_connections[std::size_t(connection - 1)]
                                                              : none;
}

qsizetype NetworkLog::requestOfIo(std::uint32_t ioId) const
{
    const auto it
        = std::lower_bound(m_requestOfIo.begin(), m_requestOfIo.end(), std::pair { ioId, qsizetype(-1) });
    return it != m_requestOfIo.end() && it->first == ioId ? it->second : -1;
}

void NetworkLog::update(const Trace &trace)
{
    if (trace.nextSeq() < m_countersFrom)
        reset(); // another trace, or this one cleared
    m_nowNs = trace.isEmpty() ? 0 : trace.last().timeNs;
    // The limit is an event (a counter); only the events not searched yet are.
    if (m_limitLabel == NoLabel && !trace.labels().find(QString::fromLatin1(LimitCounter), m_limitLabel))
        m_limitLabel = NoLabel;
    if (m_limitLabel != NoLabel) {
        for (qsizetype i = std::max<qsizetype>(0, trace.indexOfSeq(m_countersFrom));
             i >= 0 && i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::CounterSet && e.detail == m_limitLabel)
                m_limit.emplace_back(e.timeNs, static_cast<int>(e.other));
        }
    }
    m_countersFrom = trace.nextSeq();
    regroup(trace);
}

void NetworkLog::regroup(const Trace &trace)
{
    // Records change in place as attempts end: the requests are grouped again from all of them
    // (a few thousand at most a frame, far below the cost of the events).
    const std::vector<IoRecord> &records = trace.ioRecords();
    m_requests.clear();
    m_requestOfIo.clear();
    m_connections.clear();
    QHash<std::uint32_t, qsizetype> byNumber;
    std::vector<std::pair<std::int64_t, int>> changes;
    m_startNs = 0;
    m_endNs = 0;
    bool any = false;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const IoRecord &io = records[i];
        if (io.method.isEmpty())
            continue; // not HTTP
        // Records of older traces do not say which request they are an attempt of: each is its own.
        const std::uint32_t number = io.request > 0 ? io.request : io.id | 0x8000'0000u;
        qsizetype row = byNumber.value(number, -1);
        if (row < 0) {
            row = static_cast<qsizetype>(m_requests.size());
            byNumber.insert(number, row);
            NetworkRequest request;
            request.number = io.request > 0 ? io.request : io.id;
            request.task = io.task;
            request.beganNs = requestBeganNs(io);
            m_requests.push_back(std::move(request));
        }
        NetworkRequest &request = m_requests[std::size_t(row)];
        request.attempts.push_back(i);
        request.method = io.method;
        request.url = io.url;
        request.status = io.status;
        request.bytes = std::max<std::int64_t>(0, io.responseBytes);
        request.endNs = io.endNs;
        request.failed = !io.error.isEmpty() || io.status >= 400 || (io.endNs >= 0 && io.status == 0);
        m_requestOfIo.emplace_back(io.id, row);
        const std::int64_t end = io.endNs >= 0 ? io.endNs : m_nowNs;
        m_startNs = any ? std::min(m_startNs, requestBeganNs(io)) : requestBeganNs(io);
        m_endNs = any ? std::max(m_endNs, end) : end;
        any = true;
        changes.emplace_back(io.startNs, +1);
        changes.emplace_back(end, -1);
        if (io.connection > 0) {
            if (std::find(request.connections.begin(), request.connections.end(), io.connection)
                == request.connections.end())
                request.connections.push_back(io.connection);
            if (static_cast<std::size_t>(io.connection) > m_connections.size())
                m_connections.resize(static_cast<std::size_t>(io.connection));
            m_connections[std::size_t(io.connection - 1)].push_back(ConnectionUse {
                i, std::size_t(row), io.connectNs >= 0 ? io.connectNs : io.startNs, end, io.connectNs >= 0 });
        }
    }
    std::sort(m_requestOfIo.begin(), m_requestOfIo.end());
    for (std::vector<ConnectionUse> &uses : m_connections)
        std::sort(uses.begin(), uses.end(),
            [](const ConnectionUse &a, const ConnectionUse &b) { return a.startNs < b.startNs; });
    // In flight: +1 at each start, -1 at each end; an end before a start at the same moment.
    std::sort(changes.begin(), changes.end());
    m_inFlight.clear();
    m_peakInFlight = 0;
    int count = 0;
    for (const auto &[ns, delta] : changes) {
        count += delta;
        m_peakInFlight = std::max(m_peakInFlight, count);
        if (!m_inFlight.empty() && m_inFlight.back().first == ns)
            m_inFlight.back().second = count;
        else
            m_inFlight.emplace_back(ns, count);
    }
}

} // namespace Loopscope
