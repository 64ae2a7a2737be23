#include "analysis/lints.h"

#include <algorithm>
#include <array>
#include <limits>
#include <unordered_map>

namespace Loopscope {

namespace {

constexpr std::array<std::pair<FindingKind, QLatin1StringView>, 9> KindNames { {
    { FindingKind::BlockingStep, QLatin1StringView("blocking-step") },
    { FindingKind::NeverYields, QLatin1StringView("never-yields") },
    { FindingKind::BusyPolling, QLatin1StringView("busy-polling") },
    { FindingKind::LostWakeup, QLatin1StringView("lost-wakeup") },
    { FindingKind::FailureNeverRetrieved, QLatin1StringView("failure-never-retrieved") },
    { FindingKind::LeftPending, QLatin1StringView("left-pending") },
    { FindingKind::Starved, QLatin1StringView("starved") },
    { FindingKind::UnboundedFanOut, QLatin1StringView("unbounded-fan-out") },
    { FindingKind::SwallowedCancellation, QLatin1StringView("swallowed-cancellation") },
} };

//! Steps in a row of one task that resumed after only a yield.
struct YieldRun
{
    TaskId task = NoTask;
    int steps = 0;
    SeqNo firstSeq = 0;
    std::int64_t firstNs = 0;
};

//! What the lints keep of one task while they read the trace.
struct TaskState
{
    TaskId parent = NoTask;
    std::uint8_t thread = 0; //!< the loop lane it runs on
    bool started = false;
    bool running = false;
    bool ended = false;
    std::int64_t stepStartNs = 0;
    SeqNo stepSeq = 0;
    // Its last suspension: what it waits for.
    WaitKind wait = WaitKind::Other;
    std::uint32_t other = 0;
    LabelId label = NoLabel;
    SeqNo suspendSeq = 0;
    std::int64_t readySinceNs = -1; //!< when it became ready again, if the trace says
    // Wake-ups and polls.
    int resumes = 0;
    int selfWakes = 0;
    int emptyPolls = 0;
    SeqNo lastPollSeq = 0;
    YieldRun longestYieldRun;
    // The longest wait between ready and resumed.
    std::int64_t worstReadyNs = 0;
    SeqNo worstReadySeq = 0;
    // Failure.
    bool failed = false;
    SeqNo failSeq = 0;
    std::int64_t failNs = 0;
    LabelId failLabel = NoLabel;
    bool cancelPending = false; //!< asked to cancel and not yet ended
    bool cancelSeen = false;    //!< it ran since it was asked (the CancelledError reached it)
    SeqNo cancelSeq = 0;
    bool awaitedById = false;    //!< another task awaited it by id
    bool awaitedAsGroup = false; //!< it awaited a group (gather, TaskGroup, wait): its children are retrieved
};

bool canStillWake(WaitKind wait)
{
    // A timer fires and I/O completes on their own; a queue, an event, a value or a bare Future needs
    // another task to act.
    return wait == WaitKind::Timer || wait == WaitKind::Io || wait == WaitKind::Yield;
}

class Linter
{
public:
    Linter(const Trace &trace, LintOptions options)
        : m_trace(trace)
        , m_options(std::move(options))
        , m_nextSeq(trace.firstSeq())
    {
        m_tasks.resize(static_cast<std::size_t>(std::max<TaskId>(trace.taskCount(), 1)));
    }

    std::vector<Finding> update()
    {
        // Only the events appended since the last update are read; what is judged at the end of a
        // trace (pending tasks, starvation, polling) is worked out again from the state kept.
        qsizetype from = m_nextSeq < m_trace.firstSeq() ? 0 : m_trace.indexOfSeq(m_nextSeq);
        if (from >= 0) {
            for (; from < m_trace.size(); ++from)
                read(m_trace.at(from));
            m_nextSeq = m_trace.nextSeq();
        }
        const std::size_t streamed = m_findings.size();
        finish();
        std::vector<Finding> result = m_findings;
        m_findings.resize(streamed);
        std::stable_sort(
            result.begin(), result.end(), [](const Finding &a, const Finding &b) { return a.seq < b.seq; });
        if (!m_options.only.empty()) {
            std::erase_if(result, [this](const Finding &f) {
                return std::find(m_options.only.begin(), m_options.only.end(), f.kind)
                    == m_options.only.end();
            });
        }
        return result;
    }

private:
    TaskState &task(TaskId id)
    {
        if (id >= m_tasks.size())
            m_tasks.resize(id + 1);
        return m_tasks[id];
    }
    QString name(TaskId id) const { return m_trace.taskName(id); }
    QString label(LabelId id) const { return m_trace.labels().text(id); }
    void add(FindingKind kind, const TraceEvent &at, TaskId id, const QString &message)
    {
        m_findings.push_back(Finding { kind, at.seq, at.timeNs, id, message });
    }
    void add(FindingKind kind, SeqNo seq, std::int64_t timeNs, TaskId id, const QString &message)
    {
        m_findings.push_back(Finding { kind, seq, timeNs, id, message });
    }

    void read(const TraceEvent &e)
    {
        m_lastNs = e.timeNs;
        m_lastSeq = e.seq;
        switch (e.kind) {
        case EventKind::TaskCreated:
            task(e.task).parent = e.other;
            task(e.task).thread = e.thread;
            break;
        case EventKind::TaskStarted:
        case EventKind::TaskResumed:
            stepBegins(e);
            break;
        case EventKind::TaskSuspended:
            stepEnds(e);
            suspended(e);
            break;
        case EventKind::TaskDelegated:
            // The task hands its step to a child it awaits (`yield from`, gather): it waits for that task.
            stepEnds(e);
            suspended(e, WaitKind::Task);
            break;
        case EventKind::TaskReturned:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled:
            stepEnds(e);
            ended(e);
            break;
        case EventKind::TimerArmed:
            if (e.detail != std::numeric_limits<std::uint32_t>::max())
                m_timersDueNs[e.other] = e.timeNs + std::int64_t(e.detail) * 1000;
            break;
        case EventKind::TimerFired: {
            // A timer the loop fires late (it was busy) made its task ready when it was due.
            const auto due = m_timersDueNs.find(e.other);
            if (e.task != NoTask)
                task(e.task).readySinceNs
                    = due != m_timersDueNs.end() ? std::min(due->second, e.timeNs) : e.timeNs;
            if (due != m_timersDueNs.end())
                m_timersDueNs.erase(due);
            break;
        }
        case EventKind::IoCompleted:
        case EventKind::IoFailed:
            if (e.task != NoTask)
                task(e.task).readySinceNs = e.timeNs;
            ioEnds();
            break;
        case EventKind::IoSubmitted:
            ioBegins(e);
            break;
        case EventKind::Poll:
            if (e.other != NoTask) {
                TaskState &polled = task(e.other);
                ++polled.emptyPolls;
                polled.lastPollSeq = e.seq;
            }
            break;
        case EventKind::CancelRequested: {
            TaskState &t = task(e.task);
            t.cancelPending = true;
            t.cancelSeen = t.running; // a task that cancels itself meets the error at its next await
            t.cancelSeq = e.seq;
            break;
        }
        case EventKind::LoopStopped:
            m_loopStopped[e.thread] = true;
            [[fallthrough]];
        case EventKind::LoopWaiting:
            m_yieldRuns[e.thread] = YieldRun {}; // the loop slept or stopped: no busy loop across it
            break;
        default:
            break;
        }
    }

    void stepBegins(const TraceEvent &e)
    {
        if (e.kind == EventKind::TaskStarted && e.other != NoTask)
            return; // a delegated child runs inside its parent's step
        TaskState &t = task(e.task);
        t.thread = e.thread;
        t.started = true;
        t.running = true;
        t.cancelSeen = t.cancelSeen || t.cancelPending;
        t.stepStartNs = e.timeNs;
        t.stepSeq = e.seq;
        YieldRun &run = m_yieldRuns[e.thread];
        if (e.kind != EventKind::TaskResumed) {
            run = YieldRun {};
            return;
        }
        ++t.resumes;
        if (t.wait == WaitKind::Yield) {
            ++t.selfWakes;
            if (run.task != e.task)
                run = YieldRun { e.task, 0, e.seq, e.timeNs };
            if (++run.steps > t.longestYieldRun.steps)
                t.longestYieldRun = run;
        } else {
            run = YieldRun {};
        }
        if (t.readySinceNs >= 0) {
            const std::int64_t ready = e.timeNs - t.readySinceNs;
            if (ready > t.worstReadyNs) {
                t.worstReadyNs = ready;
                t.worstReadySeq = e.seq;
            }
        }
        t.readySinceNs = -1;
    }

    void stepEnds(const TraceEvent &e)
    {
        TaskState &t = task(e.task);
        if (!t.running)
            return;
        t.running = false;
        const std::int64_t step = e.timeNs - t.stepStartNs;
        if (step > m_options.maxStepNs) {
            add(FindingKind::BlockingStep, t.stepSeq, t.stepStartNs, e.task,
                QStringLiteral("%1 held the loop for %2 in one step (over %3): every other task and "
                               "callback waited")
                    .arg(name(e.task), formatDuration(step), formatDuration(m_options.maxStepNs)));
        }
    }

    //! A task asked to cancel met the CancelledError and went on (awaited again, or returned).
    void cancellationSwallowed(TaskState &t, const TraceEvent &e, const QString &how)
    {
        if (!t.cancelPending || !t.cancelSeen)
            return;
        t.cancelPending = false;
        add(FindingKind::SwallowedCancellation, e, e.task,
            QStringLiteral("%1 was asked to cancel (#%2) and went on: it caught the cancellation and %3; "
                           "whoever cancelled it waits in vain, and its work goes on")
                .arg(name(e.task))
                .arg(t.cancelSeq)
                .arg(how));
    }

    void suspended(const TraceEvent &e, std::optional<WaitKind> as = std::nullopt)
    {
        TaskState &t = task(e.task);
        if (e.kind == EventKind::TaskSuspended)
            cancellationSwallowed(t, e, QStringLiteral("awaited %1").arg(label(e.detail)));
        t.wait = as.value_or(e.wait());
        t.other = e.other;
        t.label = e.detail;
        t.suspendSeq = e.seq;
        t.readySinceNs = t.wait == WaitKind::Yield ? e.timeNs : -1;
        if (t.wait == WaitKind::Task) {
            if (e.other != NoTask) {
                task(e.other).awaitedById = true;
                m_waiters.emplace(e.other, e.task);
            } else {
                t.awaitedAsGroup = true;
            }
        }
    }

    void ended(const TraceEvent &e)
    {
        TaskState &t = task(e.task);
        t.ended = true;
        if (e.kind == EventKind::TaskReturned)
            cancellationSwallowed(t, e, QStringLiteral("returned as if nothing happened"));
        t.cancelPending = false;
        if (e.kind == EventKind::TaskFailed) {
            t.failed = true;
            t.failSeq = e.seq;
            t.failNs = e.timeNs;
            t.failLabel = e.detail;
        }
        // Whoever awaited it by id is ready now.
        const auto [first, last] = m_waiters.equal_range(e.task);
        for (auto it = first; it != last; ++it) {
            TaskState &w = task(it->second);
            if (!w.ended && w.wait == WaitKind::Task && w.other == e.task)
                w.readySinceNs = e.timeNs;
        }
        m_waiters.erase(first, last);
    }

    void ioBegins(const TraceEvent &e)
    {
        ++m_inFlight;
        if (m_inFlight > m_options.maxInFlight && !m_fanOutReported) {
            m_fanOutReported = true;
            m_fanOutAt = m_findings.size();
            add(FindingKind::UnboundedFanOut, e, e.task, QString());
        }
        m_maxInFlight = std::max(m_maxInFlight, m_inFlight);
    }
    void ioEnds() { m_inFlight = std::max(0, m_inFlight - 1); }

    void finish()
    {
        if (m_fanOutReported) {
            m_findings[m_fanOutAt].message
                = QStringLiteral("%1 I/O operations were in flight at once (more than %2): nothing bounds "
                                 "the concurrency, so a larger input means more sockets, memory and load "
                                 "on the server")
                      .arg(m_maxInFlight)
                      .arg(m_options.maxInFlight);
        }
        for (TaskId id = 1; id < m_tasks.size(); ++id) {
            const TaskState &t = m_tasks[id];
            if (t.worstReadyNs > m_options.maxReadyNs) {
                add(FindingKind::Starved, t.worstReadySeq, timeOf(t.worstReadySeq), id,
                    QStringLiteral(
                        "%1 was ready for %2 before the loop resumed it (over %3): other work kept "
                        "the loop busy")
                        .arg(name(id), formatDuration(t.worstReadyNs), formatDuration(m_options.maxReadyNs)));
            }
            if (t.longestYieldRun.steps > m_options.maxYieldRun) {
                add(FindingKind::NeverYields, t.longestYieldRun.firstSeq, t.longestYieldRun.firstNs, id,
                    QStringLiteral("%1 ran %2 steps in a row, each after awaiting only a yield (sleep(0)): a "
                                   "busy loop that keeps the loop from sleeping and other work waiting")
                        .arg(name(id))
                        .arg(t.longestYieldRun.steps));
            }
            const int wasted = t.selfWakes + t.emptyPolls;
            const int wakes = t.resumes + t.emptyPolls;
            if (wasted >= m_options.minSelfWakes && wakes > 0
                && double(wasted) / double(wakes) >= m_options.minSelfWakeShare) {
                const QString how = t.emptyPolls >= t.selfWakes
                    ? QStringLiteral("was polled %1 times and found not ready %2 of them")
                          .arg(wakes)
                          .arg(wasted)
                    : QStringLiteral("woke itself %1 of its %2 resumptions (yield loops)")
                          .arg(wasted)
                          .arg(wakes);
                add(FindingKind::BusyPolling, std::max(t.lastPollSeq, t.stepSeq),
                    timeOf(std::max(t.lastPollSeq, t.stepSeq)), id,
                    QStringLiteral("%1 %2: %3% of its wake-ups did no work; awaiting what it needs would let "
                                   "the loop sleep")
                        .arg(name(id), how)
                        .arg(qRound(100.0 * wasted / wakes)));
            }
            // A task of no parent was started by whoever runs the loop (asyncio.run, the harness):
            // its error goes to them. Tasks that tasks start are the ones that get forgotten.
            if (t.failed && t.parent != NoTask && !t.awaitedById && !parentAwaitedGroup(t)) {
                add(FindingKind::FailureNeverRetrieved, t.failSeq, t.failNs, id,
                    QStringLiteral("%1 failed (%2) and nothing awaited it: the error went unnoticed")
                        .arg(name(id), label(t.failLabel)));
            }
            // Judged only once its own loop has stopped: with loops on several threads, one stopping
            // says nothing of the tasks of the others.
            if (!m_loopStopped[t.thread] || t.ended)
                continue;
            if (!t.started) {
                add(FindingKind::LeftPending, m_lastSeq, m_lastNs, id,
                    QStringLiteral("%1 was created but never started before the loop stopped").arg(name(id)));
            } else if (t.running) {
                add(FindingKind::LeftPending, m_lastSeq, m_lastNs, id,
                    QStringLiteral("%1 was still running when the trace ended").arg(name(id)));
            } else if (!canStillWake(t.wait) && !awaitsSomethingAlive(t)) {
                add(FindingKind::LostWakeup, t.suspendSeq, timeOf(t.suspendSeq), id,
                    QStringLiteral("%1 will never be resumed: it awaits %2, which nothing can set any more "
                                   "(the loop has stopped)")
                        .arg(name(id), describeWait(t)));
            } else {
                add(FindingKind::LeftPending, m_lastSeq, m_lastNs, id,
                    QStringLiteral("%1 had not finished when the loop stopped: it still awaited %2")
                        .arg(name(id), describeWait(t)));
            }
        }
    }

    //! When event `seq` happened (0 once a capped trace has dropped it).
    std::int64_t timeOf(SeqNo seq) const
    {
        const qsizetype index = m_trace.indexOfSeq(seq);
        return index >= 0 ? m_trace.at(index).timeNs : 0;
    }

    bool parentAwaitedGroup(const TaskState &t) const
    {
        return t.parent != NoTask && t.parent < m_tasks.size() && m_tasks[t.parent].awaitedAsGroup;
    }
    bool awaitsSomethingAlive(const TaskState &t) const
    {
        // Waiting for a task that may still finish (it waits for a timer or I/O itself): not lost.
        if (t.wait != WaitKind::Task || t.other == NoTask || t.other >= m_tasks.size())
            return false;
        const TaskState &awaited = m_tasks[t.other];
        return !awaited.ended && canStillWake(awaited.wait);
    }
    QString describeWait(const TaskState &t) const
    {
        const QString text = label(t.label);
        if (!text.isEmpty())
            return text;
        if (t.wait == WaitKind::Task && t.other != NoTask)
            return QStringLiteral("task %1").arg(name(t.other));
        return QString(waitKindName(t.wait));
    }

    const Trace &m_trace;
    const LintOptions m_options;
    SeqNo m_nextSeq = 0;
    std::vector<TaskState> m_tasks;
    std::array<YieldRun, MaxThreadLanes> m_yieldRuns {};
    std::unordered_multimap<TaskId, TaskId> m_waiters; //!< awaited -> waiter, for waits by id still open
    std::unordered_map<std::uint32_t, std::int64_t>
        m_timersDueNs; //!< timer id -> when it is due, until it fires
    std::vector<Finding> m_findings;
    int m_inFlight = 0;
    int m_maxInFlight = 0;
    bool m_fanOutReported = false;
    std::size_t m_fanOutAt = 0;
    std::array<bool, MaxThreadLanes> m_loopStopped {};
    std::int64_t m_lastNs = 0;
    SeqNo m_lastSeq = 0;
};

} // namespace

QLatin1StringView findingKindName(FindingKind kind)
{
    for (const auto &[k, name] : KindNames) {
        if (k == kind)
            return name;
    }
    return QLatin1StringView("unknown");
}

std::optional<FindingKind> findingKindFromName(QStringView name)
{
    for (const auto &[kind, text] : KindNames) {
        if (name == text)
            return kind;
    }
    return std::nullopt;
}

std::vector<FindingKind> allFindingKinds()
{
    std::vector<FindingKind> kinds;
    for (const auto &[kind, name] : KindNames)
        kinds.push_back(kind);
    return kinds;
}

QString LintOptions::validate() const
{
    if (maxStepNs <= 0)
        return QStringLiteral("the longest step allowed must be more than 0 ms");
    if (maxReadyNs <= 0)
        return QStringLiteral("the longest wait to be resumed must be more than 0 ms");
    if (maxInFlight < 1)
        return QStringLiteral("the most I/O in flight allowed must be at least 1");
    if (maxYieldRun < 1)
        return QStringLiteral("the most steps in a row of one yielding task must be at least 1");
    if (minSelfWakes < 1 || minSelfWakeShare <= 0 || minSelfWakeShare > 1)
        return QStringLiteral("busy polling needs at least 1 wasted wake-up and a share in (0, 1]");
    return {};
}

std::vector<Finding> lintTrace(const Trace &trace, const LintOptions &options)
{
    return Linter(trace, options).update();
}

struct LintSession::State : Linter
{
    using Linter::Linter;
};

LintSession::LintSession(const Trace &trace, LintOptions options)
    : m_state(std::make_unique<State>(trace, std::move(options)))
{ }

LintSession::~LintSession() = default;

std::vector<Finding> LintSession::update()
{
    return m_state->update();
}

} // namespace Loopscope
