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
    return m_scheduler->step();
}

bool SchedulerRun::isFinished() const
{
    const Trace &trace = m_scheduler->trace();
    return !trace.isEmpty() && trace.last().kind == EventKind::LoopStopped && !m_scheduler->hasWork()
        && !m_scheduler->isRunning();
}

} // namespace Loopscope
