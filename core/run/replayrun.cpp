#include "run/replayrun.h"

#include <algorithm>

namespace Loopscope {

namespace {

// Kinds with which a scheduler step begins: a task run, a delivery, the loop waiting, polling or
// stopping. Creations and the loop's start belong to the step after them, as they do live.
bool startsAction(const TraceEvent &event)
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
    : m_recording(std::move(recording))
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

ReplayRun::ReplayRun(std::unique_ptr<Trace> recording, TraceMetadata metadata)
    : ReplayRun(recording ? std::move(recording) : std::make_unique<Trace>())
{
    m_metadata = std::move(metadata);
    m_fromFile = true;
}

ReplayRun::~ReplayRun() = default;

StepResult ReplayRun::step()
{
    const SeqNo first = m_shown.nextSeq();
    if (isFinished())
        return StepResult { StepAction::Idle, NoTask, first, first };
    StepResult result { StepAction::StartedTask, NoTask, first, first };
    bool acted = false;
    for (;;) {
        const TraceEvent &event = m_recording->at(m_cursor++);
        m_shown.appendEvent(event);
        if (!acted && startsAction(event)) {
            acted = true;
            result.action = actionOf(event.kind);
            result.task = event.task;
        }
        if (isFinished())
            break;
        const TraceEvent &next = m_recording->at(m_cursor);
        if (!m_stepStarts.empty()) {
            if (std::binary_search(m_stepStarts.begin(), m_stepStarts.end(), next.seq))
                break;
            continue;
        }
        // A step ends where the next one begins, or where another loop (lane) takes over.
        if (next.thread != event.thread || (acted && startsAction(next)))
            break;
    }
    // The final loop_stopped ends the run, as a live step that finds nothing left to do.
    if (isFinished() && m_shown.last().kind == EventKind::LoopStopped)
        result = StepResult { StepAction::Idle, NoTask, first, first };
    result.endSeq = m_shown.nextSeq();
    m_shown.publish();
    return result;
}

} // namespace Loopscope
