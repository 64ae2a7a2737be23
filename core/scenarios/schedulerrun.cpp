#include "schedulerrun.h"

namespace Loopscope {

SchedulerRun::SchedulerRun(SchedulerOptions options)
    : m_scheduler(std::make_unique<Scheduler>(options))
{ }

SchedulerRun::~SchedulerRun() = default;

StepResult SchedulerRun::step()
{
    // Stepping a finished loop would start it again and trace a second start and stop.
    if (isFinished()) {
        const SeqNo next = m_scheduler->trace().nextSeq();
        return StepResult { StepAction::Idle, NoTask, next, next };
    }
    StepResult result = m_scheduler->step();
    if (result.action == StepAction::Blocked) {
        // Real clock and nothing due yet: wait for the network or the next timer, then act.
        m_scheduler->waitUntilSomethingIsDue();
        const StepResult next = m_scheduler->step();
        result = StepResult{next.action, next.task, result.firstSeq, next.endSeq};
    }
    return result;
}

bool SchedulerRun::isFinished() const
{
    const Trace &trace = m_scheduler->trace();
    return !trace.isEmpty() && trace.last().kind == EventKind::LoopStopped && !m_scheduler->hasWork()
        && !m_scheduler->isRunning();
}

} // namespace Loopscope
