#pragma once

#include "analysis/idindex.h"
#include "analysis/intervalindex.h"
#include "analysis/latency.h"
#include "analysis/taskrunstate.h"
#include "trace/trace.h"

#include <limits>
#include <optional>
#include <stop_token>
#include <vector>

namespace Loopscope {

//! A task entered `state` at `startNs` with event `startSeq`; it lasts until the next span starts.
struct TaskStateSpan
{
    std::int64_t startNs = 0;
    SeqNo startSeq = 0;
    TaskRunState state = TaskRunState::Ready;
};

//! Everything the task table and the timeline show about one task, kept up to date incrementally.
struct TaskSummary
{
    TaskId id = NoTask;
    TaskId parent = NoTask;
    TaskRunState state = TaskRunState::Ready;
    std::uint32_t resumes = 0; //!< TaskResumed events (the first run is not a resume)
    std::int64_t createdNs = 0;
    std::int64_t stateSinceNs = 0; //!< when the current state began
    std::int64_t busyNs = 0;       //!< time spent Running, excluding the current state
    std::int64_t waitingNs = 0;    //!< time spent Awaiting*, excluding the current state
    std::int64_t readyNs = 0;      //!< time spent Ready (woken, not yet run: scheduling latency), idem
    std::uint32_t awaitedId = 0;   //!< what it awaits now: task, I/O or timer id (by state)
    LabelId awaitedLabel = NoLabel;
    LabelId outcome = NoLabel; //!< return value or error text once finished
    SeqNo lastSeq = 0;         //!< the newest event about this task
    std::vector<TaskStateSpan> spans;
};

//! A task held the thread between two events (an activation bar in the diagram); its seq range
//! is in TraceDigest::activationIntervals() at the same index.
struct Activation
{
    TaskId task = NoTask;
    std::uint32_t depth = 0; //!< nesting: 0 for the task the loop runs, +1 per inline child
};

//! One I/O operation or timer; its flight (submit to completion) is in the matching IntervalIndex.
struct IoOperation
{
    std::uint32_t id = 0;
    TaskId task = NoTask;
    std::uint32_t detail = 0; //!< I/O: the label id ("read a"); timer: its duration in microseconds
};

/*!
 * What the views need beyond the raw events, derived incrementally: each task's current state,
 * counters and state history (TaskSummary), the activations (who held the thread between which
 * events), and the I/O operations and timers by id. update() consumes only events it has not seen,
 * so feeding it once per frame costs O(new events). Widget-free; one per trace.
 *
 * Time accounting: busy time is time in Running; waiting time is time in any Awaiting* state
 * (time spent Ready, queued behind other tasks, counts as neither).
 */
class TraceDigest
{
public:
    //! Tasks whose summary changed in the last update(): ids [first, last] (first > last: none).
    struct Change
    {
        TaskId first = std::numeric_limits<TaskId>::max();
        TaskId last = 0;
        TaskId taskCountBefore = 0;
        bool isEmpty() const { return first > last; }
        //! This change followed by `later`.
        void append(const Change &later)
        {
            first = std::min(first, later.first);
            last = std::max(last, later.last);
        }
    };

    //! Forgets everything (for a new or cleared trace).
    void reset();
    //! Consumes the events appended to `trace` since the previous call.
    Change update(const Trace &trace);
    //! update() up to, not including, the event at index `end` of `trace`. Once `stop` is
    //! requested it gives up, between two chunks of the trace: the digest is then to be dropped.
    Change updateUntil(const Trace &trace, qsizetype end, std::stop_token stop = {});
    //! Consumes one event, the next of the trace: update() for readers that walk a trace event by
    //! event themselves and ask, between two events, what holds (the exports).
    void add(const TraceEvent &event);
    //! The first sequence number not consumed yet.
    SeqNo nextSeq() const { return m_nextSeq; }

    //! Event loops seen: 1 + the highest thread lane of an event (1 for an empty trace).
    int loopCount() const { return m_loopCount; }
    //! Highest task id seen; tasks are 1..taskCount() (ids without events stay default).
    TaskId taskCount() const { return static_cast<TaskId>(m_tasks.size()); }
    //! Summary of task `id` (1-based); a default summary for unknown ids.
    const TaskSummary &task(TaskId id) const;
    //! Busy and waiting time including the ongoing state, measured at endTimeNs().
    std::int64_t busyNs(const TaskSummary &task) const;
    std::int64_t waitingNs(const TaskSummary &task) const;
    //! Time the task was ready but not running: how long the loop kept it waiting once it could run.
    std::int64_t readyNs(const TaskSummary &task) const;
    //! Time of the newest consumed event.
    std::int64_t endTimeNs() const { return m_endNs; }
    std::int64_t startTimeNs() const { return m_startNs; }
    //! What `task` awaits now, for people ("I/O read a", "task C1", "sleep 2 s"); empty if nothing.
    QString awaitingText(const Trace &trace, const TaskSummary &task) const;
    //! Index in task.spans of the span covering time `ns` (0 if before the first).
    static qsizetype spanAt(const TaskSummary &task, std::int64_t ns);

    //! Whether `task` holds the thread now (an activation of it is open).
    bool isActive(TaskId task) const;
    //! The tasks holding a thread now: on each loop's thread (or only on `thread`'s), the one the
    //! loop runs first, then its inline children. Loops on several threads run in parallel.
    std::vector<TaskId> activeTasks(std::optional<std::uint8_t> thread = std::nullopt) const;

    //! Activations in start order; activationIntervals() holds their [start, end] seqs (an open
    //! end while the task still runs).
    const std::vector<Activation> &activations() const { return m_activations; }
    const IntervalIndex &activationIntervals() const { return m_activationSeqs; }

    const IoOperation *io(std::uint32_t id) const;
    const IoOperation *timer(std::uint32_t id) const;
    qsizetype ioCount() const { return static_cast<qsizetype>(m_io.size()); }
    //! I/O operations in submission order, and their flights [submitted, completed or failed].
    const std::vector<IoOperation> &ioOperations() const { return m_io; }
    const IntervalIndex &ioFlights() const { return m_ioSeqs; }
    //! Timers in arming order, and their flights [armed, fired] (cut short when the task ends).
    const std::vector<IoOperation> &timers() const { return m_timers; }
    const IntervalIndex &timerFlights() const { return m_timerSeqs; }
    bool hasTimers() const { return !m_timers.empty(); }
    //! Where each loop's time went so far (one share per thread lane, in lane order).
    std::vector<LoopShare> loopShares() const { return m_loopTime.shares(); }

private:
    TaskSummary &touch(TaskId id, SeqNo seq, Change &change);
    void enter(TaskSummary &task, TaskRunState state, const TraceEvent &event);
    std::vector<qsizetype> &runningOn(std::uint8_t thread);
    void openActivation(TaskId task, SeqNo seq, std::uint8_t thread);
    void closeActivations(SeqNo seq, std::uint8_t thread);
    void closeActivation(TaskId task, SeqNo seq, std::uint8_t thread);
    void take(const TraceEvent &event, Change &change);
    // The two independent halves of take(): task states and activations; flights and loop time.
    void takeTaskEvent(const TraceEvent &event, Change &change);
    void takeFlight(const TraceEvent &event);
    void consumeFlight(const TraceEvent &event);
    void reserveFor(const Trace &trace, qsizetype from, qsizetype to);
    void consume(const TraceEvent &event, Change &change);
    void suspend(TaskSummary &task, const TraceEvent &event);

    static constexpr qsizetype ReserveFromEvents = 100'000;
    static constexpr qsizetype ParallelFromEvents = 200'000;

    //! A task's I/O operation and timer in flight (indices into the lists, -1 for none).
    struct OpenFlights
    {
        qsizetype io = -1;
        qsizetype timer = -1;
    };

    std::vector<TaskSummary> m_tasks; // index = id - 1
    std::vector<Activation> m_activations;
    IntervalIndex m_activationSeqs;
    std::vector<std::vector<qsizetype>> m_running; // open activations per thread lane, innermost last
    std::vector<IoOperation> m_io;
    IntervalIndex m_ioSeqs;
    std::vector<IoOperation> m_timers;
    IntervalIndex m_timerSeqs;
    IdIndex m_ioIndex;
    IdIndex m_timerIndex;
    std::vector<OpenFlights> m_openFlights; // index = task id - 1
    LoopAccounting m_loopTime;
    SeqNo m_nextSeq = 0;
    int m_loopCount = 1;
    std::int64_t m_startNs = 0;
    std::int64_t m_endNs = 0;
    bool m_seenAny = false;
};

} // namespace Loopscope
