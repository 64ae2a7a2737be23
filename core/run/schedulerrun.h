#pragma once

#include "run/scenario.h"

#include <memory>
#include <vector>

namespace Loopscope {

/*!
 * A Run on Loopscope's Scheduler: the scenario spawns its tasks on scheduler() and each
 * step() is one Scheduler::step(). The run is finished once the loop has stopped with nothing left
 * to do, whether it got there by step(), runToEnd() or free-running (Scheduler::start()).
 *
 * State the tasks refer to (a queue, a semaphore) is handed to hold(): it lives as long as the
 * run and is destroyed after the scheduler, so no task frame outlives what it points to, newest
 * first, so nothing held outlives what it was handed.
 */
class SchedulerRun final : public Run
{
public:
    explicit SchedulerRun(SchedulerOptions options = {});
    ~SchedulerRun() override;

    const Trace &trace() const override { return m_scheduler->trace(); }
    StepResult step() override;
    bool isFinished() const override;
    //! Also for the real clock: when a step finds nothing due, waits for I/O or the next timer.
    qint64 runToEnd(qint64 maxSteps = 0) override;
    Scheduler *scheduler() override { return m_scheduler.get(); }
    ClockMode clockMode() const override { return m_scheduler->clockMode(); }
    Scheduler &loop() { return *m_scheduler; }

    //! Keeps `state` alive for the whole run and returns it.
    template<typename T>
    T &hold(std::unique_ptr<T> state)
    {
        T &kept = *state;
        m_state.push_back(std::shared_ptr<T>(std::move(state)));
        return kept;
    }

private:
    std::vector<std::shared_ptr<void>> m_state; // declared first: destroyed after the scheduler
    std::unique_ptr<Scheduler> m_scheduler;
};

} // namespace Loopscope
