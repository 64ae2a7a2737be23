#include "tracereplayrun.h"

namespace Loopscope {

TraceReplayRun::TraceReplayRun(LoadedTrace loaded)
    : m_metadata(std::move(loaded.metadata))
    , m_source(std::move(loaded.trace))
{
    if (!m_source)
        m_source = std::make_unique<Trace>();
    m_replay.setDroppedCount(m_source->droppedCount());
    for (TaskId id = 1; id < m_source->taskCount(); ++id) {
        const TaskRecord &task = m_source->task(id);
        m_replay.registerTask(id, m_replay.intern(m_source->labels().text(task.name)), task.parent);
    }
    for (const IoRecord &io : m_source->ioRecords())
        m_replay.recordIo(io);
    // Events before the first scheduling action (task_created, loop_started) belong to its step.
    for (qsizetype i = 0; i < m_source->size(); ++i) {
        const TraceEvent &event = m_source->at(i);
        if (actionOf(event.kind) != StepAction::Idle) {
            m_stepAction = actionOf(event.kind);
            m_stepTask = event.task;
            break;
        }
    }
}

StepResult TraceReplayRun::step()
{
    const SeqNo first = m_replay.nextSeq();
    if (isFinished())
        return StepResult{StepAction::Idle, NoTask, first, first};
    TraceEvent event = m_source->at(m_next++);
    // Labels are re-interned: the replay's label ids need not match the source's.
    if (eventKindHasLabel(event.kind))
        event.detail = m_replay.intern(m_source->labels().text(event.detail));
    m_replay.appendEvent(event);
    m_replay.publish();
    // Each event is reported as part of the scheduling action it belongs to (an await belongs to
    // the step that started or resumed its task); the final loop_stopped ends the run, as live.
    if (const StepAction action = actionOf(event.kind); action != StepAction::Idle) {
        m_stepAction = action;
        m_stepTask = event.task;
    }
    if (isFinished() && event.kind == EventKind::LoopStopped)
        return StepResult{StepAction::Idle, NoTask, first, m_replay.nextSeq()};
    return StepResult{m_stepAction, m_stepTask, first, m_replay.nextSeq()};
}

StepAction TraceReplayRun::actionOf(EventKind kind)
{
    switch (kind) {
    case EventKind::TaskStarted: return StepAction::StartedTask;
    case EventKind::TaskResumed: return StepAction::ResumedTask;
    case EventKind::IoCompleted:
    case EventKind::IoFailed: return StepAction::CompletedIo;
    case EventKind::TimerFired: return StepAction::FiredTimer;
    case EventKind::LoopWaiting: return StepAction::Waited;
    default: return StepAction::Idle;
    }
}

} // namespace Loopscope
