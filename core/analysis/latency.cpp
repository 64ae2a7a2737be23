#include "analysis/latency.h"

#include "analysis/tracedigest.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace Loopscope {

namespace {

//! The lower edges of buckets 1..BucketCount-1, in nanoseconds: 1 µs, 2 µs, 5 µs, 10 µs ... 1000 s.
constexpr auto BucketEdges = [] {
    std::array<std::int64_t, DurationHistogram::BucketCount - 1> edges {};
    std::int64_t decade = 1000;
    for (std::size_t i = 0; i < edges.size(); i += 3, decade *= 10) {
        edges[i] = decade;
        if (i + 1 < edges.size())
            edges[i + 1] = 2 * decade;
        if (i + 2 < edges.size())
            edges[i + 2] = 5 * decade;
    }
    return edges;
}();
static_assert(BucketEdges.back() == 1'000'000'000'000);

bool endsTask(EventKind kind)
{
    return kind == EventKind::TaskReturned || kind == EventKind::TaskFailed
        || kind == EventKind::TaskCancelled;
}

//! What one loop is doing while the events of its thread go by.
struct LoopClock
{
    LoopShare share;
    bool active = false;
    std::int64_t activeSinceNs = 0;
    std::int64_t spanNs = 0;
    TaskId runner = NoTask; //!< the task the loop resumed, while its step lasts
    std::int64_t runSinceNs = 0;
    bool waiting = false;
    bool waitingForIo = false;
    std::int64_t waitSinceNs = 0;
    std::int64_t ioInFlight = 0;
    std::int64_t lastNs = 0;

    void endWait(std::int64_t ns)
    {
        if (!waiting)
            return;
        (waitingForIo ? share.waitingIoNs : share.idleNs) += ns - waitSinceNs;
        waiting = false;
    }

    //! A loop that does not say when it waits (a run the window drives) waited all the time
    //! between its last event and an I/O completion or a timer: what woke it.
    void noteUnannouncedWait(const TraceEvent &e)
    {
        const bool wake = e.kind == EventKind::IoCompleted || e.kind == EventKind::IoFailed
            || e.kind == EventKind::TimerFired;
        if (wake && runner == NoTask && e.timeNs > lastNs)
            (ioInFlight > 0 ? share.waitingIoNs : share.idleNs) += e.timeNs - lastNs;
    }

    void endStep(std::int64_t ns)
    {
        if (runner == NoTask)
            return;
        share.runningNs += ns - runSinceNs;
        runner = NoTask;
    }

    void take(const TraceEvent &e)
    {
        if (!active) {
            active = true;
            activeSinceNs = e.timeNs;
            lastNs = e.timeNs;
        }
        if (waiting)
            endWait(e.timeNs);
        else
            noteUnannouncedWait(e);
        lastNs = e.timeNs;
        switch (e.kind) {
        case EventKind::TaskStarted:
        case EventKind::TaskResumed:
            if (runner == NoTask) {
                runner = e.task;
                runSinceNs = e.timeNs;
            }
            break;
        case EventKind::TaskSuspended:
            // A generator waiting for a value hands the thread to its consumer, which runs on.
            if (e.wait() != WaitKind::Value)
                endStep(e.timeNs);
            break;
        case EventKind::IoSubmitted:
            ++ioInFlight;
            break;
        case EventKind::IoCompleted:
        case EventKind::IoFailed:
            ioInFlight = std::max<std::int64_t>(0, ioInFlight - 1);
            break;
        case EventKind::LoopWaiting:
            waiting = true;
            waitingForIo = ioInFlight > 0;
            waitSinceNs = e.timeNs;
            break;
        case EventKind::LoopStopped:
            endStep(e.timeNs);
            spanNs += e.timeNs - activeSinceNs;
            active = false; // until it runs again: the time between two runs is nobody's
            break;
        default:
            if (endsTask(e.kind) && e.task == runner)
                endStep(e.timeNs);
            break;
        }
    }

    LoopShare finish(std::int64_t endNs)
    {
        endWait(endNs);
        endStep(endNs);
        if (active)
            spanNs += endNs - activeSinceNs;
        share.ownNs = std::max<std::int64_t>(0, spanNs - share.runningNs - share.waitingIoNs - share.idleNs);
        return share;
    }
};

QString percentOf(std::int64_t part, std::int64_t whole)
{
    return QStringLiteral("%1%").arg(
        whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0, 0, 'f', 1);
}

} // namespace

int DurationHistogram::bucketOf(std::int64_t ns)
{
    return static_cast<int>(
        std::upper_bound(BucketEdges.begin(), BucketEdges.end(), ns) - BucketEdges.begin());
}

std::int64_t DurationHistogram::lowerNs(int bucket)
{
    return bucket <= 0 ? 0 : BucketEdges[static_cast<std::size_t>(std::min(bucket, BucketCount - 1) - 1)];
}

std::int64_t DurationHistogram::upperNs(int bucket)
{
    return bucket >= BucketCount - 1 ? std::numeric_limits<std::int64_t>::max()
                                     : BucketEdges[static_cast<std::size_t>(std::max(bucket, 0))];
}

void DurationHistogram::add(std::int64_t ns)
{
    ns = std::max<std::int64_t>(0, ns);
    ++m_buckets[static_cast<std::size_t>(bucketOf(ns))];
    ++m_count;
    m_totalNs += ns;
    m_maxNs = std::max(m_maxNs, ns);
}

std::int64_t DurationHistogram::percentileNs(double p) const
{
    if (m_count == 0)
        return 0;
    const auto wanted
        = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(m_count)));
    std::uint64_t seen = 0;
    for (int bucket = 0; bucket < BucketCount; ++bucket) {
        seen += m_buckets[static_cast<std::size_t>(bucket)];
        if (seen >= std::max<std::uint64_t>(wanted, 1))
            return std::min(upperNs(bucket), m_maxNs); // never above the longest one seen
    }
    return m_maxNs;
}

std::pair<int, int> DurationHistogram::usedBuckets() const
{
    int low = 0;
    while (low < BucketCount && m_buckets[static_cast<std::size_t>(low)] == 0)
        ++low;
    int high = BucketCount - 1;
    while (high >= 0 && m_buckets[static_cast<std::size_t>(high)] == 0)
        --high;
    return { low, high };
}

TaskLatency taskLatency(const TaskSummary &task)
{
    TaskLatency latency;
    const std::vector<TaskStateSpan> &spans = task.spans;
    for (std::size_t i = 0; i + 1 < spans.size(); ++i) {
        const TaskStateSpan &span = spans[i];
        if (span.state == TaskRunState::Ready && spans[i + 1].state == TaskRunState::Running) {
            latency.wakeToResume.add(spans[i + 1].startNs - span.startNs);
        } else if (span.state == TaskRunState::Running) {
            // Running again right after (back from an inline child) is the same step.
            std::size_t end = i + 1;
            while (end < spans.size() && spans[end].state == TaskRunState::Running)
                ++end;
            if (end == spans.size())
                break; // still running: not a whole step yet
            latency.steps.add(spans[end].startNs - span.startNs);
            i = end - 1;
        }
    }
    return latency;
}

struct LoopAccounting::State
{
    std::vector<LoopClock> loops;
    SeqNo nextSeq = 0;
    std::int64_t endNs = 0;
};

LoopAccounting::LoopAccounting()
    : m_state(std::make_unique<State>())
{ }

LoopAccounting::~LoopAccounting() = default;
LoopAccounting::LoopAccounting(LoopAccounting &&) noexcept = default;
LoopAccounting &LoopAccounting::operator=(LoopAccounting &&) noexcept = default;

void LoopAccounting::reset()
{
    *m_state = State {};
}

SeqNo LoopAccounting::nextSeq() const
{
    return m_state->nextSeq;
}

void LoopAccounting::update(const Trace &trace)
{
    State &s = *m_state;
    const qsizetype from = s.nextSeq < trace.firstSeq() ? 0 : trace.indexOfSeq(s.nextSeq);
    if (from < 0)
        return; // nothing new
    for (qsizetype i = from; i < trace.size(); ++i)
        add(trace.at(i));
    s.nextSeq = trace.nextSeq();
}

void LoopAccounting::add(const TraceEvent &e)
{
    State &s = *m_state;
    std::vector<LoopClock> &loops = s.loops;
    while (e.thread >= loops.size()) {
        loops.emplace_back();
        loops.back().share.thread = static_cast<std::uint8_t>(loops.size() - 1);
    }
    loops[e.thread].take(e);
    s.endNs = e.timeNs;
    s.nextSeq = e.seq + 1;
}

std::vector<LoopShare> LoopAccounting::shares() const
{
    std::vector<LoopShare> shares;
    for (LoopClock loop : m_state->loops) { // a copy: what is still open is closed at the end so far
        if (loop.active || loop.spanNs > 0)
            shares.push_back(loop.finish(m_state->endNs));
    }
    return shares;
}

std::vector<LoopShare> loopShares(const Trace &trace)
{
    LoopAccounting accounting;
    accounting.update(trace);
    return accounting.shares();
}

QString formatLoopShare(const LoopShare &share)
{
    const std::int64_t total = share.totalNs();
    return QStringLiteral("running tasks %1, waiting for I/O %2, idle %3, its own work %4")
        .arg(percentOf(share.runningNs, total), percentOf(share.waitingIoNs, total),
            percentOf(share.idleNs, total), percentOf(share.ownNs, total));
}

} // namespace Loopscope
