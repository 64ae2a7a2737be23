#include "run/schedulerrun.h"

namespace Loopscope {

SchedulerRun::SchedulerRun(SchedulerOptions options)
    : m_scheduler(std::make_unique<Scheduler>(options))
{ }

SchedulerRun::~SchedulerRun()
{
    m_scheduler.reset(); // the task frames first: they refer to the state
    // Then the state, newest first: what was held later may refer to what was held before it (a
    // landing zone writing into a temporary folder must close before the folder goes).
    while (!m_state.empty())
        m_state.pop_back();
}

StepResult SchedulerRun::step()
{
    // Stepping a finished loop would start it again and trace a second start and stop.
    if (isFinished()) {
        const SeqNo next = m_scheduler->trace().nextSeq();
        return StepResult { StepAction::Idle, NoTask, next, next };
    }
    return m_scheduler->step();
}

qint64 SchedulerRun::runToEnd(qint64 maxSteps)
{
    qint64 steps = 0;
    while (!isFinished() && (maxSteps <= 0 || steps < maxSteps)) {
        const StepResult result = step();
        if (result.action == StepAction::Blocked) {
            // Real clock and nothing due yet: wait for the network or the next timer.
            m_scheduler->waitUntilSomethingIsDue();
            continue;
        }
        ++steps;
        if (result.action == StepAction::Idle)
            break;
    }
    return steps;
}

bool SchedulerRun::isFinished() const
{
    const Trace &trace = m_scheduler->trace();
    return !trace.isEmpty() && trace.last().kind == EventKind::LoopStopped && !m_scheduler->hasWork()
        && !m_scheduler->isRunning();
}

} // namespace Loopscope
