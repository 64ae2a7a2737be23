#include "run/replayrun.h"

#include <algorithm>

namespace Loopscope {

namespace {

// Kinds with which a scheduler step begins: a task run, a delivery, the loop waiting, polling or
// stopping. Creations and the loop's start belong to the step after them, as they do live.
bool startsAction(const StoredEvent &event)
{
    switch (event.kind) {
    case EventKind::TaskStarted:
        return event.other == NoTask; // a delegated child starts inside its parent's step
    case EventKind::LoopStopped:
    case EventKind::LoopWaiting:
    case EventKind::Poll:
    case EventKind::TaskResumed:
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
    case EventKind::TimerFired:
        return true;
    default:
        return false;
    }
}

StepAction actionOf(EventKind kind)
{
    switch (kind) {
    case EventKind::TaskResumed:
        return StepAction::ResumedTask;
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
        return StepAction::CompletedIo;
    case EventKind::TimerFired:
        return StepAction::FiredTimer;
    case EventKind::LoopWaiting:
        return StepAction::Waited;
    default:
        return StepAction::StartedTask;
    }
}

} // namespace

ReplayRun::ReplayRun(std::unique_ptr<Trace> recording, std::vector<SeqNo> stepStarts)
    : m_owned(std::move(recording))
    , m_recording(m_owned.get())
    , m_stepStarts(std::move(stepStarts))
{
    m_shown.copyRecordsFrom(*m_recording);
    // What the original run recorded before its first step (tasks created as it was set up) was
    // on show from the start, so it is here too.
    if (!m_stepStarts.empty()) {
        while (!isFinished() && m_recording->at(m_cursor).seq < m_stepStarts.front())
            m_shown.appendEvent(m_recording->at(m_cursor++));
        m_shown.publish();
    }
}

ReplayRun::ReplayRun(const Trace &growing, std::function<bool()> complete)
    : m_recording(&growing)
    , m_complete(std::move(complete))
{
    m_shown.copyRecordsFrom(growing);
}

ReplayRun::ReplayRun(std::shared_ptr<const Trace> recording, TraceMetadata metadata)
    : m_owned(recording ? std::move(recording) : std::make_shared<Trace>())
    , m_recording(m_owned.get())
    , m_metadata(std::move(metadata))
    , m_fromFile(true)
{
    m_shown.copyRecordsFrom(*m_recording);
}

ReplayRun::~ReplayRun() = default;

qsizetype ReplayRun::stepEnd() const
{
    // A step is everything up to and including its first event that acts and what follows it,
    // until the next event that acts or an event of another loop (lane); or, when the recording's
    // own step boundaries are known, exactly up to the next of them.
    const qsizetype size = m_recording->size();
    if (m_cursor >= size)
        return isComplete() ? size : -1;
    if (!m_stepStarts.empty()) {
        const SeqNo seq = m_recording->at(m_cursor).seq;
        const auto next = std::upper_bound(m_stepStarts.begin(), m_stepStarts.end(), seq);
        const qsizetype end = next == m_stepStarts.end() ? -1 : m_recording->indexOfSeq(*next);
        if (end >= 0)
            return end;
    } else {
        // Each event is looked at once, a chunk's run at a time: opening a saved trace walks
        // every step of it.
        const std::uint8_t thread = m_recording->at(m_cursor).thread;
        bool acted = false;
        for (qsizetype index = m_cursor; index < size;) {
            const std::span<const StoredEvent> run = m_recording->storedRun(index, size - index);
            for (const StoredEvent &event : run) {
                const bool acts = startsAction(event);
                if (index > m_cursor && (event.thread != thread || (acted && acts)))
                    return index;
                acted = acted || acts;
                ++index;
            }
        }
    }
    // The recording ends inside this step: it is whole only if nothing more will come.
    return isComplete() ? size : -1;
}

StepResult ReplayRun::resultOf(qsizetype from, qsizetype end) const
{
    const SeqNo first = m_recording->at(from).seq;
    StepResult result { StepAction::StartedTask, NoTask, first, m_recording->at(end - 1).seq + 1 };
    for (qsizetype index = from; index < end; ++index) {
        const TraceEvent event = m_recording->at(index);
        if (startsAction(event)) {
            result.action = actionOf(event.kind);
            result.task = event.task;
            break;
        }
    }
    // The final loop_stopped ends the run, as a live step that finds nothing left to do.
    if (end == m_recording->size() && m_recording->at(end - 1).kind == EventKind::LoopStopped)
        result = StepResult { StepAction::Idle, NoTask, first, result.endSeq };
    return result;
}

std::optional<StepResult> ReplayRun::skipToEnd(std::vector<SeqNo> &starts)
{
    if (m_complete)
        return std::nullopt; // a recording that still grows is followed step by step
    const qsizetype from = m_cursor;
    std::optional<StepResult> last;
    while (m_cursor < m_recording->size()) {
        const qsizetype end = stepEnd();
        starts.push_back(m_recording->firstSeq() + static_cast<SeqNo>(m_cursor));
        if (end == m_recording->size())
            last = resultOf(m_cursor, end); // what the view reports is the last step
        m_cursor = end;
    }
    m_shown.appendRange(*m_recording, from, m_cursor - from);
    m_shown.publish();
    return last;
}

StepResult ReplayRun::step()
{
    const SeqNo first = m_shown.nextSeq();
    if (isFinished())
        return StepResult { StepAction::Idle, NoTask, first, first };
    const qsizetype end = m_cursor < m_recording->size() ? stepEnd() : -1;
    if (end < 0)
        return StepResult { StepAction::Blocked, NoTask, first, first };
    if (m_complete)
        m_shown.syncRecordsFrom(*m_recording);
    StepResult result { StepAction::StartedTask, NoTask, first, first };
    bool acted = false;
    while (m_cursor < end) {
        const TraceEvent event = m_recording->at(m_cursor++);
        m_shown.appendEvent(event);
        if (!acted && startsAction(event)) {
            acted = true;
            result.action = actionOf(event.kind);
            result.task = event.task;
        }
    }
    // The final loop_stopped ends the run, as a live step that finds nothing left to do.
    if (isFinished() && m_shown.last().kind == EventKind::LoopStopped)
        result = StepResult { StepAction::Idle, NoTask, first, first };
    result.endSeq = m_shown.nextSeq();
    m_shown.publish();
    return result;
}

} // namespace Loopscope
