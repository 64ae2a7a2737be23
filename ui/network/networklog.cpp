#include "network/networklog.h"

#include "net/adaptivelimiter.h"

#include <QHash>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace Loopscope {

QString NetworkRequest::path() const
{
    const QUrl parsed(url);
    QString path = parsed.path(QUrl::FullyDecoded);
    if (parsed.hasQuery())
        path += u'?' + parsed.query(QUrl::FullyDecoded);
    return path.isEmpty() ? url : path;
}

QString NetworkRequest::statusText() const
{
    if (endNs < 0)
        return QStringLiteral("…");
    return status > 0 ? QString::number(status) : QStringLiteral("failed");
}

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
    if (&trace != m_trace || trace.nextSeq() < m_countersFrom || trace.ioRecords().size() < m_recordsSeen)
        reset(); // another trace, or this one cleared
    m_trace = &trace;
    m_nowNs = trace.isEmpty() ? 0 : trace.last().timeNs;
    m_changed.clear();
    // The limit is an event (a counter); only the events not searched yet are.
    if (m_limitLabel == NoLabel)
        trace.labels().find(
            QString(AdaptiveLimiter::CounterName), m_limitLabel); // unchanged if not yet there
    if (m_limitLabel != NoLabel) {
        for (qsizetype i = std::max<qsizetype>(0, trace.indexOfSeq(m_countersFrom));
             i >= 0 && i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::CounterSet && e.detail == m_limitLabel)
                m_limit.emplace_back(e.timeNs, static_cast<int>(e.other));
        }
    }
    m_countersFrom = trace.nextSeq();
    // Records change in place until their attempt ends: those seen in flight are looked at again.
    const std::vector<IoRecord> &records = trace.ioRecords();
    std::vector<std::size_t> open;
    std::vector<std::pair<std::int64_t, int>> ended;
    const auto noteOpenOrEnded = [&](std::size_t index) {
        const IoRecord &io = records[index];
        if (io.endNs < 0) {
            open.push_back(index);
            return;
        }
        ended.emplace_back(io.startNs, +1);
        ended.emplace_back(io.endNs, -1);
    };
    for (const std::size_t index : m_open) {
        take(records, index, false);
        noteOpenOrEnded(index);
    }
    for (std::size_t index = m_recordsSeen; index < records.size(); ++index) {
        if (take(records, index, true))
            noteOpenOrEnded(index);
    }
    m_recordsSeen = records.size();
    m_open = std::move(open);
    if (!ended.empty()) {
        std::sort(ended.begin(), ended.end());
        const auto middle = static_cast<std::ptrdiff_t>(m_endedChanges.size());
        m_endedChanges.insert(m_endedChanges.end(), ended.begin(), ended.end());
        std::inplace_merge(m_endedChanges.begin(), m_endedChanges.begin() + middle, m_endedChanges.end());
    }
    std::sort(m_changed.begin(), m_changed.end());
    m_changed.erase(std::unique(m_changed.begin(), m_changed.end()), m_changed.end());
    m_inFlightStale = m_inFlightStale || !m_changed.empty() || !m_open.empty();
}

bool NetworkLog::take(const std::vector<IoRecord> &records, std::size_t index, bool isNew)
{
    const IoRecord &io = records[index];
    if (io.method.isEmpty())
        return false; // not HTTP
    // Records of older traces do not say which request they are an attempt of: each is its own.
    const std::uint32_t number = io.request > 0 ? io.request : io.id | 0x8000'0000u;
    qsizetype row = m_requestOfNumber.value(number, -1);
    if (row < 0) {
        row = static_cast<qsizetype>(m_requests.size());
        m_requestOfNumber.insert(number, row);
        NetworkRequest request;
        request.number = io.request > 0 ? io.request : io.id;
        request.task = io.task;
        request.beganNs = requestBeganNs(io);
        m_requests.push_back(std::move(request));
    }
    NetworkRequest &request = m_requests[std::size_t(row)];
    if (isNew) {
        request.attempts.push_back(index);
        if (!m_requestOfIo.empty() && m_requestOfIo.back().first > io.id) {
            m_requestOfIo.insert(
                std::lower_bound(m_requestOfIo.begin(), m_requestOfIo.end(), std::pair { io.id, row }),
                { io.id, row });
        } else {
            m_requestOfIo.emplace_back(io.id, row);
        }
        m_startNs = m_any ? std::min(m_startNs, requestBeganNs(io)) : requestBeganNs(io);
        m_any = true;
    }
    if (request.attempts.back() == index) {
        // The last attempt says how the request went.
        request.method = io.method;
        request.url = io.url;
        request.status = io.status;
        request.bytes = std::max<std::int64_t>(0, io.responseBytes);
        request.endNs = io.endNs;
        request.failed = attemptFailed(io);
    }
    m_changed.push_back(row);
    if (io.endNs < 0)
        return true;
    m_endNs = std::max(m_endNs, io.endNs);
    if (io.connection > 0) {
        // The connection is known once the attempt has ended.
        if (std::find(request.connections.begin(), request.connections.end(), io.connection)
            == request.connections.end())
            request.connections.push_back(io.connection);
        if (static_cast<std::size_t>(io.connection) > m_connections.size())
            m_connections.resize(static_cast<std::size_t>(io.connection));
        std::vector<ConnectionUse> &uses = m_connections[std::size_t(io.connection - 1)];
        const ConnectionUse use { index, std::size_t(row), io.connectNs >= 0 ? io.connectNs : io.startNs,
            io.endNs, io.connectNs >= 0 };
        uses.insert(std::upper_bound(uses.begin(), uses.end(), use,
                        [](const ConnectionUse &a, const ConnectionUse &b) { return a.startNs < b.startNs; }),
            use);
    }
    return true;
}

QString NetworkLog::describe(std::size_t index) const
{
    if (!m_trace || index >= m_requests.size())
        return {};
    const NetworkRequest &request = m_requests[index];
    const std::vector<IoRecord> &records = m_trace->ioRecords();
    QStringList lines { QStringLiteral("%1 %2").arg(request.method, request.url) };
    for (std::size_t a = 0; a < request.attempts.size(); ++a) {
        const IoRecord &io = records[request.attempts[a]];
        if (a > 0) {
            const IoRecord &before = records[request.attempts[a - 1]];
            if (before.endNs >= 0)
                lines << QStringLiteral("  then waited %1")
                             .arg(formatDuration(requestBeganNs(io) - before.endNs));
        }
        const QString outcome = !io.error.isEmpty() ? io.error
            : io.endNs < 0                          ? QStringLiteral("in flight")
                           : QStringLiteral("%1 %2").arg(io.status).arg(io.statusText);
        QStringList phases;
        for (const RequestPhaseSpan &span : requestPhases(io, m_nowNs))
            phases << QStringLiteral("%1 %2").arg(
                QLatin1String(requestPhaseName(span.phase)), formatDuration(span.durationNs()));
        lines << QStringLiteral("attempt %1: %2%3")
                     .arg(a + 1)
                     .arg(outcome,
                         io.connection > 0 ? QStringLiteral(" on connection #%1").arg(io.connection)
                                           : QString());
        lines << QStringLiteral("  ") + phases.join(QStringLiteral(", "));
    }
    return lines.join(u'\n');
}

const std::vector<std::pair<std::int64_t, int>> &NetworkLog::inFlight() const
{
    countInFlight();
    return m_inFlight;
}

int NetworkLog::peakInFlight() const
{
    countInFlight();
    return m_peakInFlight;
}

void NetworkLog::countInFlight() const
{
    if (!m_inFlightStale || !m_trace)
        return;
    m_inFlightStale = false;
    // The attempts still in flight end now, for the count; merged with those that have ended.
    std::vector<std::pair<std::int64_t, int>> open;
    for (const std::size_t index : m_open) {
        open.emplace_back(m_trace->ioRecords()[index].startNs, +1);
        open.emplace_back(m_nowNs, -1);
    }
    std::sort(open.begin(), open.end());
    std::vector<std::pair<std::int64_t, int>> changes(m_endedChanges.size() + open.size());
    std::merge(m_endedChanges.begin(), m_endedChanges.end(), open.begin(), open.end(), changes.begin());
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
