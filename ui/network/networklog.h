#pragma once

#include "trace/requestphases.h"
#include "trace/trace.h"

#include <QHash>
#include <QString>

#include <utility>
#include <vector>

namespace Loopscope {

//! One HTTP request as the Network view shows it: its attempts (retries, redirects) in order.
struct NetworkRequest
{
    std::uint32_t number = 0;          //!< the client's number for it (the io id for older traces)
    std::vector<std::size_t> attempts; //!< indices into Trace::ioRecords(), in the order made
    TaskId task = NoTask;
    QString method;
    QString url;                  //!< of the last attempt (after redirects)
    int status = 0;               //!< of the last attempt; 0: no answer
    std::int64_t bytes = 0;       //!< of the last answer
    std::int64_t beganNs = 0;     //!< the first attempt began waiting, or was submitted
    std::int64_t endNs = -1;      //!< the last attempt ended; -1 while one is in flight
    bool failed = false;          //!< the last attempt failed, or answered 4xx/5xx
    std::vector<int> connections; //!< which connections carried its attempts (none for a failed connect)

    bool isRetried() const { return attempts.size() > 1; }
    //! The URL's path and query ("/api/items?from=50"), or the whole URL if it has none.
    QString path() const;
    //! "200", "failed" (no answer), or "…" while in flight.
    QString statusText() const;
    std::int64_t durationNs(std::int64_t nowNs) const { return (endNs >= 0 ? endNs : nowNs) - beganNs; }
};

//! When a connection carried an attempt: from opening it (or taking it from the pool) to the end.
struct ConnectionUse
{
    std::size_t record = 0;  //!< index into Trace::ioRecords()
    std::size_t request = 0; //!< index into NetworkLog::requests()
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    bool opened = false; //!< it opened the connection (its DNS, connect and TLS come first)
};

/*!
 * The HTTP requests of a trace, grouped from its I/O records, with what the Network view draws
 * around them: the connections and which attempts each carried, how many attempts were in flight
 * over time, and the concurrency limit when an adaptive one recorded itself. Widget-free; update()
 * follows a growing trace (records change in place as attempts end).
 */
class NetworkLog
{
public:
    void reset();
    //! Takes in the records and events `trace` gained since the last call.
    void update(const Trace &trace);

    const std::vector<NetworkRequest> &requests() const { return m_requests; }
    //! The trace the log follows (null before the first update()).
    const Trace *trace() const { return m_trace; }
    //! Request `index`'s attempts for people: each one's outcome and phases, and the waits between.
    QString describe(std::size_t index) const;
    //! The request an attempt belongs to (an index into requests()), or -1.
    qsizetype requestOfIo(std::uint32_t ioId) const;
    //! The time the requests span: from the first one's beginning to the last end (or nowNs() while
    //! one is in flight).
    std::int64_t startNs() const { return m_startNs; }
    std::int64_t endNs() const { return m_open.empty() ? m_endNs : std::max(m_endNs, m_nowNs); }
    //! The trace's newest time: where attempts still in flight are drawn to.
    std::int64_t nowNs() const { return m_nowNs; }

    //! Connections by number (1…count); each one's uses in time order.
    int connectionCount() const { return static_cast<int>(m_connections.size()); }
    const std::vector<ConnectionUse> &usesOf(int connection) const;
    //! Attempts in flight over time: (time, count from then on), in time order (worked out when
    //! first asked for after a change).
    const std::vector<std::pair<std::int64_t, int>> &inFlight() const;
    int peakInFlight() const;
    //! The requests (indices into requests()) that changed or arrived in the last update(), in order.
    const std::vector<qsizetype> &changedRequests() const { return m_changed; }
    //! The adaptive limit over time: (time, limit from then on); empty without an adaptive limiter.
    const std::vector<std::pair<std::int64_t, int>> &limit() const { return m_limit; }

private:
    //! Takes in record `index`, new or changed since it was last seen; false if it is not HTTP.
    bool take(const std::vector<IoRecord> &records, std::size_t index, bool isNew);
    void countInFlight() const;

    const Trace *m_trace = nullptr;
    std::vector<NetworkRequest> m_requests;
    QHash<std::uint32_t, qsizetype> m_requestOfNumber;
    std::vector<std::pair<std::uint32_t, qsizetype>> m_requestOfIo; // sorted by io id
    std::vector<std::vector<ConnectionUse>> m_connections;
    std::size_t m_recordsSeen = 0;
    std::vector<std::size_t> m_open; //!< records still in flight when last seen
    //! +1 at the start and -1 at the end of each attempt that has ended, in order of time (an end
    //! before a start at the same moment): kept as attempts end, so that counting what is in
    //! flight is one pass, not a sort of every attempt each frame.
    std::vector<std::pair<std::int64_t, int>> m_endedChanges;
    std::vector<qsizetype> m_changed;
    mutable std::vector<std::pair<std::int64_t, int>> m_inFlight;
    mutable int m_peakInFlight = 0;
    mutable bool m_inFlightStale = false;
    std::vector<std::pair<std::int64_t, int>> m_limit;
    bool m_any = false;
    std::int64_t m_startNs = 0;
    std::int64_t m_endNs = 0;
    std::int64_t m_nowNs = 0;
    SeqNo m_countersFrom = 0; //!< events before it were searched for the limit
    LabelId m_limitLabel = NoLabel;
};

} // namespace Loopscope
