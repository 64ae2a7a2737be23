#include "replayrun.h"

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

ReplayRun::ReplayRun(std::unique_ptr<Trace> recording)
    : m_recording(std::move(recording))
{
    // Interning in the same order reproduces the same label ids, so events copy over unchanged.
    const LabelTable &labels = m_recording->labels();
    for (qsizetype id = 1; id < labels.size(); ++id)
        m_shown.intern(labels.text(static_cast<LabelId>(id)));
    for (TaskId id = 1; id < m_recording->taskCount(); ++id)
        m_shown.registerTask(id, m_recording->task(id).name, m_recording->task(id).parent);
    for (const IoRecord &record : m_recording->ioRecords())
        m_shown.recordIo(record);
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
        // A step ends where the next one begins, or where another loop (lane) takes over.
        if (next.thread != event.thread || (acted && startsAction(next)))
            break;
    }
    result.endSeq = m_shown.nextSeq();
    m_shown.publish();
    return result;
}

} // namespace Loopscope
