#pragma once

#include "trace/trace.h"

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace Loopscope {

class TraceDigest;
struct TaskSummary;

/*!
 * Durations counted in buckets whose edges go 1, 2, 5, 10, 20, 50... from 1 µs to 1000 s (edges
 * people read at a glance): bucket 0 holds those under 1 µs, the last one those of 1000 s or more.
 * Percentiles are read from the buckets, so they are upper bounds within a factor of 2.5.
 */
class DurationHistogram
{
public:
    static constexpr int BucketCount = 29;

    void add(std::int64_t ns);

    std::uint64_t count() const { return m_count; }
    std::uint64_t countIn(int bucket) const { return m_buckets[static_cast<std::size_t>(bucket)]; }
    std::int64_t totalNs() const { return m_totalNs; }
    std::int64_t maxNs() const { return m_maxNs; }
    //! The upper edge of the bucket holding the share `p` (0..1) of the durations; 0 when empty.
    std::int64_t percentileNs(double p) const;
    //! [lowest, highest] bucket holding anything; lowest > highest when empty.
    std::pair<int, int> usedBuckets() const;

    //! Bucket edges, in nanoseconds: bucket k holds [lowerNs(k), upperNs(k)).
    static std::int64_t lowerNs(int bucket);
    static std::int64_t upperNs(int bucket);
    static int bucketOf(std::int64_t ns);

private:
    std::array<std::uint64_t, BucketCount> m_buckets {};
    std::uint64_t m_count = 0;
    std::int64_t m_totalNs = 0;
    std::int64_t m_maxNs = 0;
};

//! How long a task's steps took, and how long it waited to be resumed once it could run.
struct TaskLatency
{
    DurationHistogram steps;        //!< each time it held the thread, from resumption to suspension
    DurationHistogram wakeToResume; //!< each time it was ready, from the wake (or creation) to its step
};

//! A task's latency figures from its state history; the state it is in now, unfinished, is left out.
TaskLatency taskLatency(const TaskSummary &task);

//! Where one event loop's time went, from its first event to its last.
struct LoopShare
{
    std::uint8_t thread = 0;
    std::int64_t runningNs = 0;   //!< running tasks and callbacks
    std::int64_t waitingIoNs = 0; //!< waiting for the OS with I/O in flight
    std::int64_t idleNs = 0;      //!< waiting with no I/O in flight: until a timer, or for nothing
    std::int64_t ownNs = 0;       //!< the rest: the loop's own work between steps
    std::int64_t totalNs() const { return runningNs + waitingIoNs + idleNs + ownNs; }
};

/*!
 * Where each loop's time went, kept up to date as a trace grows: update() reads only the events
 * appended since the previous call (a live run's details pane asks at every step).
 */
class LoopAccounting
{
public:
    LoopAccounting();
    ~LoopAccounting();
    LoopAccounting(LoopAccounting &&) noexcept;
    LoopAccounting &operator=(LoopAccounting &&) noexcept;

    //! Forgets everything (for another trace, or a cleared one).
    void reset();
    //! Consumes the events of `trace` it has not seen.
    void update(const Trace &trace);
    //! Consumes one event, the next of the trace.
    void add(const TraceEvent &event);
    //! The first sequence number not consumed yet.
    SeqNo nextSeq() const;
    //! Each loop's share so far (one per thread lane seen, in lane order).
    std::vector<LoopShare> shares() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

//! Each loop's share of time over the whole trace (LoopAccounting, once).
std::vector<LoopShare> loopShares(const Trace &trace);

//! "running tasks 40.1%, waiting for I/O 50.2%, idle 8.0%, its own work 1.7%".
QString formatLoopShare(const LoopShare &share);

} // namespace Loopscope
