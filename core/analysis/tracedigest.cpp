#include "analysis/tracedigest.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace Loopscope {

QString taskRunStateName(TaskRunState state)
{
    switch (state) {
    case TaskRunState::Ready:
        return QStringLiteral("ready");
    case TaskRunState::Running:
        return QStringLiteral("running");
    case TaskRunState::AwaitingIo:
        return QStringLiteral("awaiting I/O");
    case TaskRunState::AwaitingTimer:
        return QStringLiteral("sleeping");
    case TaskRunState::AwaitingTask:
        return QStringLiteral("awaiting a task");
    case TaskRunState::AwaitingOther:
        return QStringLiteral("waiting");
    case TaskRunState::Done:
        return QStringLiteral("done");
    case TaskRunState::Failed:
        return QStringLiteral("failed");
    case TaskRunState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

namespace {

// Calls `f` with each event of `trace` at indices [from, to), a chunk's run at a time (no lookup
// of the chunk per event), until `stop` is requested.
template<typename F>
void forEachEvent(const Trace &trace, qsizetype from, qsizetype to, const std::stop_token &stop, F &&f)
{
    for (qsizetype i = from; i >= 0 && i < to && !stop.stop_requested();) {
        const std::span<const StoredEvent> run = trace.storedRun(i, to - i);
        SeqNo seq = trace.firstSeq() + static_cast<SeqNo>(i);
        for (const StoredEvent &stored : run)
            f(TraceEvent { stored, seq++ });
        i += static_cast<qsizetype>(run.size());
    }
}

// Room for `count` more, growing at least geometrically: batch after batch stays linear.
template<typename T>
void reserveMore(std::vector<T> &list, std::size_t count)
{
    const std::size_t wanted = list.size() + count;
    if (wanted > list.capacity())
        list.reserve(std::max(wanted, 2 * list.capacity()));
}

template<typename T>
void reserveMore(std::vector<T> &list, qsizetype count)
{
    reserveMore(list, static_cast<std::size_t>(std::max<qsizetype>(0, count)));
}

} // namespace

void TraceDigest::reset()
{
    *this = TraceDigest();
}

const TaskSummary &TraceDigest::task(TaskId id) const
{
    static const TaskSummary none;
    return id >= 1 && id <= m_tasks.size() ? m_tasks[id - 1] : none;
}

std::int64_t TraceDigest::busyNs(const TaskSummary &task) const
{
    return task.busyNs + (task.state == TaskRunState::Running ? m_endNs - task.stateSinceNs : 0);
}

std::int64_t TraceDigest::readyNs(const TaskSummary &task) const
{
    return task.readyNs + (task.state == TaskRunState::Ready ? m_endNs - task.stateSinceNs : 0);
}

std::int64_t TraceDigest::waitingNs(const TaskSummary &task) const
{
    return task.waitingNs + (isAwaiting(task.state) ? m_endNs - task.stateSinceNs : 0);
}

QString TraceDigest::awaitingText(const Trace &trace, const TaskSummary &task) const
{
    const QString label = trace.labels().text(task.awaitedLabel);
    switch (task.state) {
    case TaskRunState::AwaitingIo:
        return QStringLiteral("I/O %1").arg(
            label.isEmpty() ? QStringLiteral("#%1").arg(task.awaitedId) : label);
    case TaskRunState::AwaitingTimer:
        if (const IoOperation *t = timer(task.awaitedId))
            return QStringLiteral("sleep %1").arg(formatDuration(std::int64_t(t->detail) * 1000));
        return QStringLiteral("timer #%1").arg(task.awaitedId);
    case TaskRunState::AwaitingTask:
        return QStringLiteral("task %1").arg(trace.taskName(task.awaitedId));
    case TaskRunState::AwaitingOther:
        return label;
    default:
        return {};
    }
}

qsizetype TraceDigest::spanAt(const TaskSummary &task, std::int64_t ns)
{
    const auto it = std::upper_bound(task.spans.begin(), task.spans.end(), ns,
        [](std::int64_t t, const TaskStateSpan &s) { return t < s.startNs; });
    return it == task.spans.begin() ? 0 : (it - task.spans.begin()) - 1;
}

const IoOperation *TraceDigest::io(std::uint32_t id) const
{
    const qsizetype index = m_ioIndex.find(id);
    return index < 0 ? nullptr : &m_io[static_cast<std::size_t>(index)];
}

const IoOperation *TraceDigest::timer(std::uint32_t id) const
{
    const qsizetype index = m_timerIndex.find(id);
    return index < 0 ? nullptr : &m_timers[static_cast<std::size_t>(index)];
}

TaskSummary &TraceDigest::touch(TaskId id, SeqNo seq, Change &change)
{
    if (id > m_tasks.size()) {
        const std::size_t before = m_tasks.size();
        m_tasks.resize(id);
        for (std::size_t i = before; i < m_tasks.size(); ++i)
            m_tasks[i].id = static_cast<TaskId>(i + 1);
    }
    change.first = std::min(change.first, id);
    change.last = std::max(change.last, id);
    TaskSummary &task = m_tasks[id - 1];
    task.lastSeq = seq;
    return task;
}

void TraceDigest::enter(TaskSummary &task, TaskRunState state, const TraceEvent &event)
{
    const std::int64_t spent = event.timeNs - task.stateSinceNs;
    if (task.state == TaskRunState::Running)
        task.busyNs += spent;
    else if (isAwaiting(task.state))
        task.waitingNs += spent;
    else if (task.state == TaskRunState::Ready)
        task.readyNs += spent;
    // The newest span is always {stateSinceNs, state}: compared here, not read back from the list
    // (a cache miss per event in a long trace).
    const bool sameSpan = !task.spans.empty() && task.stateSinceNs == event.timeNs && task.state == state;
    task.state = state;
    task.stateSinceNs = event.timeNs;
    if (!sameSpan)
        task.spans.push_back(TaskStateSpan { event.timeNs, event.seq, state });
}

std::vector<qsizetype> &TraceDigest::runningOn(std::uint8_t thread)
{
    // Loops on other threads run in parallel: each holds the thread of its own lane.
    if (thread >= m_running.size())
        m_running.resize(static_cast<std::size_t>(thread) + 1);
    return m_running[thread];
}

void TraceDigest::openActivation(TaskId task, SeqNo seq, std::uint8_t thread)
{
    std::vector<qsizetype> &running = runningOn(thread);
    running.push_back(m_activationSeqs.open(seq));
    m_activations.push_back(Activation { task, static_cast<std::uint32_t>(running.size() - 1) });
}

void TraceDigest::closeActivations(SeqNo seq, std::uint8_t thread)
{
    std::vector<qsizetype> &running = runningOn(thread);
    for (const qsizetype i : running)
        m_activationSeqs.close(i, seq);
    running.clear();
}

void TraceDigest::closeActivation(TaskId task, SeqNo seq, std::uint8_t thread)
{
    // An inline child returns: it and anything above it end; the parent below keeps running.
    std::vector<qsizetype> &running = runningOn(thread);
    const auto found = std::find_if(running.begin(), running.end(),
        [&](qsizetype i) { return m_activations[static_cast<std::size_t>(i)].task == task; });
    if (found == running.end())
        return;
    while (!running.empty()) {
        const qsizetype top = running.back();
        running.pop_back();
        m_activationSeqs.close(top, seq);
        if (m_activations[static_cast<std::size_t>(top)].task == task)
            break;
    }
}

void TraceDigest::suspend(TaskSummary &task, const TraceEvent &event)
{
    TaskRunState state = TaskRunState::AwaitingOther;
    switch (event.wait()) {
    case WaitKind::Io:
        state = TaskRunState::AwaitingIo;
        break;
    case WaitKind::Timer:
        state = TaskRunState::AwaitingTimer;
        break;
    case WaitKind::Yield:
        state = TaskRunState::Ready;
        break;
    case WaitKind::Task:
        state = TaskRunState::AwaitingTask;
        break;
    default:
        break;
    }
    task.awaitedId = event.other;
    task.awaitedLabel = event.detail;
    enter(task, state, event);
    // A generator waiting for a sent value hands control back to its consumer, which runs on:
    // only the generator's own activation ends. Any other wait gives the thread back to the loop.
    if (event.wait() == WaitKind::Value)
        closeActivation(event.task, event.seq, event.thread);
    else
        closeActivations(event.seq, event.thread);
}

void TraceDigest::consume(const TraceEvent &e, Change &change)
{
    if (e.task == NoTask) {
        return; // loop events carry no task state
    }
    TaskSummary &task = touch(e.task, e.seq, change);
    switch (e.kind) {
    case EventKind::TaskCreated:
        task.parent = e.other;
        task.createdNs = e.timeNs;
        task.stateSinceNs = e.timeNs;
        task.state = TaskRunState::Ready;
        task.spans.assign(1, TaskStateSpan { e.timeNs, e.seq, TaskRunState::Ready });
        break;
    case EventKind::TaskStarted:
        if (e.other == NoTask)
            closeActivations(e.seq, e.thread);
        enter(task, TaskRunState::Running, e);
        openActivation(e.task, e.seq, e.thread);
        break;
    case EventKind::TaskResumed:
        ++task.resumes;
        closeActivations(e.seq, e.thread);
        enter(task, TaskRunState::Running, e);
        openActivation(e.task, e.seq, e.thread);
        break;
    case EventKind::TaskSuspended:
        suspend(task, e);
        break;
    case EventKind::TaskDelegated:
        task.awaitedId = e.other;
        task.awaitedLabel = NoLabel;
        enter(task, TaskRunState::AwaitingTask, e);
        break;
    case EventKind::TaskReturned:
    case EventKind::TaskFailed:
    case EventKind::TaskCancelled: {
        task.outcome = e.detail;
        enter(task,
            e.kind == EventKind::TaskReturned     ? TaskRunState::Done
                : e.kind == EventKind::TaskFailed ? TaskRunState::Failed
                                                  : TaskRunState::Cancelled,
            e);
        closeActivation(e.task, e.seq, e.thread);
        if (e.other != NoTask) {
            // An inline child finished: its parent runs again from here.
            TaskSummary &parent = touch(e.other, e.seq, change);
            if (!isFinished(parent.state)) {
                enter(parent, TaskRunState::Running, e);
                const std::vector<qsizetype> &running = runningOn(e.thread);
                if (running.empty()
                    || m_activations[static_cast<std::size_t>(running.back())].task != e.other)
                    openActivation(e.other, e.seq, e.thread);
            }
        }
        break;
    }
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
    case EventKind::TimerFired:
        if (isAwaiting(task.state))
            enter(task, TaskRunState::Ready, e);
        break;
    case EventKind::Message:
        // A consumer asking its generator for a value (next, send, close): the generator runs
        // inside the consumer's step, an activation above the consumer's, until it yields.
        if (e.other != NoTask && isActive(e.task) && !isActive(e.other)) {
            TaskSummary &generator = touch(e.other, e.seq, change);
            if (!isFinished(generator.state)) {
                enter(generator, TaskRunState::Running, e);
                openActivation(e.other, e.seq, e.thread);
            }
        }
        break;
    case EventKind::ValueYielded:
        // The value goes back to the consumer; the generator rests at its co_yield until asked again.
        if (isActive(e.task)) {
            enter(task, TaskRunState::Ready, e);
            closeActivation(e.task, e.seq, e.thread);
        }
        break;
    default:
        break;
    }
}

void TraceDigest::consumeFlight(const TraceEvent &e)
{
    if (e.task == NoTask)
        return;
    if (e.task > m_openFlights.size())
        m_openFlights.resize(e.task);
    OpenFlights &open = m_openFlights[e.task - 1];
    switch (e.kind) {
    case EventKind::IoSubmitted:
        if (!m_ioIndex.contains(e.other)) {
            m_ioIndex.insert(e.other, static_cast<qsizetype>(m_io.size()));
            m_io.push_back(IoOperation { e.other, e.task, e.detail });
            open.io = m_ioSeqs.open(e.seq);
        }
        break;
    case EventKind::TimerArmed:
        if (!m_timerIndex.contains(e.other)) {
            m_timerIndex.insert(e.other, static_cast<qsizetype>(m_timers.size()));
            m_timers.push_back(IoOperation { e.other, e.task, e.detail });
            open.timer = m_timerSeqs.open(e.seq);
        }
        break;
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
    case EventKind::TimerFired: {
        const bool isTimer = e.kind == EventKind::TimerFired;
        if (const qsizetype found = (isTimer ? m_timerIndex : m_ioIndex).find(e.other); found >= 0) {
            (isTimer ? m_timerSeqs : m_ioSeqs).close(found, e.seq);
            qsizetype &flight = isTimer ? open.timer : open.io;
            if (flight == found)
                flight = -1;
        }
        break;
    }
    case EventKind::TaskReturned:
    case EventKind::TaskFailed:
    case EventKind::TaskCancelled:
        // Waits the task abandoned (a cancelled sleep never fires) end with it.
        if (open.io >= 0)
            m_ioSeqs.close(std::exchange(open.io, -1), e.seq);
        if (open.timer >= 0)
            m_timerSeqs.close(std::exchange(open.timer, -1), e.seq);
        break;
    default:
        break;
    }
}

TraceDigest::Change TraceDigest::update(const Trace &trace)
{
    return updateUntil(trace, trace.size());
}

TraceDigest::Change TraceDigest::updateUntil(const Trace &trace, qsizetype end, std::stop_token stop)
{
    Change change;
    change.taskCountBefore = taskCount();
    if (m_nextSeq < trace.firstSeq())
        m_nextSeq = trace.firstSeq(); // events dropped by a capped trace are gone
    const qsizetype size = std::min(end, trace.size());
    const qsizetype from = trace.indexOfSeq(m_nextSeq);
    if (from >= 0 && size - from >= ReserveFromEvents)
        reserveFor(trace, from, size);
    if (from >= 0 && size - from >= ParallelFromEvents) {
        // The flights and the loops' time depend on nothing the task states do: on a thread of
        // their own, the two passes take half the time.
        std::thread flights(
            [&] { forEachEvent(trace, from, size, stop, [this](const TraceEvent &e) { takeFlight(e); }); });
        forEachEvent(trace, from, size, stop, [&](const TraceEvent &e) { takeTaskEvent(e, change); });
        flights.join();
    } else {
        forEachEvent(trace, from, size, stop, [&](const TraceEvent &e) { take(e, change); });
    }
    if (end >= trace.size())
        m_nextSeq = trace.nextSeq();
    else
        m_nextSeq = std::max(m_nextSeq, trace.firstSeq() + static_cast<SeqNo>(std::max<qsizetype>(0, size)));
    return change;
}

void TraceDigest::reserveFor(const Trace &trace, qsizetype from, qsizetype to)
{
    // A long batch (a whole trace opened at once) grows every list by millions: counting first
    // what each will receive spares the copies and page faults of growing them step by step.
    std::vector<std::size_t> spansOf(m_tasks.size());
    qsizetype activations = 0;
    qsizetype io = 0;
    qsizetype timers = 0;
    for (qsizetype i = from; i < to;) {
        const std::span<const StoredEvent> run = trace.storedRun(i, to - i);
        for (const StoredEvent &e : run) {
            if (e.task != NoTask) {
                if (e.task > spansOf.size())
                    spansOf.resize(e.task);
                ++spansOf[e.task - 1];
            }
            switch (e.kind) {
            case EventKind::TaskStarted:
            case EventKind::TaskResumed:
            case EventKind::Message:
            case EventKind::TaskReturned:
                ++activations;
                break;
            case EventKind::IoSubmitted:
                ++io;
                break;
            case EventKind::TimerArmed:
                ++timers;
                break;
            default:
                break;
            }
        }
        i += static_cast<qsizetype>(run.size());
    }
    if (spansOf.size() > m_tasks.size()) {
        const std::size_t before = m_tasks.size();
        m_tasks.resize(spansOf.size());
        for (std::size_t i = before; i < m_tasks.size(); ++i)
            m_tasks[i].id = static_cast<TaskId>(i + 1);
    }
    for (std::size_t i = 0; i < spansOf.size(); ++i)
        reserveMore(m_tasks[i].spans, spansOf[i] + 1);
    reserveMore(m_activations, activations);
    m_activationSeqs.reserveMore(activations);
    reserveMore(m_io, io);
    m_ioSeqs.reserveMore(io);
    reserveMore(m_timers, timers);
    m_timerSeqs.reserveMore(timers);
}

void TraceDigest::add(const TraceEvent &event)
{
    Change change;
    take(event, change);
    m_nextSeq = event.seq + 1;
}

void TraceDigest::take(const TraceEvent &e, Change &change)
{
    takeTaskEvent(e, change);
    takeFlight(e);
}

void TraceDigest::takeTaskEvent(const TraceEvent &e, Change &change)
{
    if (!m_seenAny) {
        m_seenAny = true;
        m_startNs = e.timeNs;
    }
    m_endNs = std::max(m_endNs, e.timeNs);
    m_loopCount = std::max(m_loopCount, e.thread + 1);
    consume(e, change);
}

void TraceDigest::takeFlight(const TraceEvent &e)
{
    m_loopTime.add(e);
    consumeFlight(e);
}

bool TraceDigest::isActive(TaskId task) const
{
    return std::any_of(m_running.begin(), m_running.end(), [&](const std::vector<qsizetype> &running) {
        return std::any_of(running.begin(), running.end(),
            [&](qsizetype i) { return m_activations[static_cast<std::size_t>(i)].task == task; });
    });
}

std::vector<TaskId> TraceDigest::activeTasks(std::optional<std::uint8_t> thread) const
{
    std::vector<TaskId> tasks;
    for (std::size_t lane = 0; lane < m_running.size(); ++lane) {
        if (thread && lane != *thread)
            continue;
        for (const qsizetype i : m_running[lane])
            tasks.push_back(m_activations[static_cast<std::size_t>(i)].task);
    }
    return tasks;
}

} // namespace Loopscope
