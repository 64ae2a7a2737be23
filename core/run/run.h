#pragma once

#include <optional>
#include <vector>

#include "run/tracemetadata.h"
#include "scheduler/scheduler.h"

namespace Loopscope {

/*!
 * Something the views can play: it owns its trace and advances one scheduling action per step().
 * A run on Loopscope's scheduler (SchedulerRun: a scenario, a retrieval), a replay of a recording
 * (ReplayRun: a saved file, the loops of several threads, a real-clock run stepped back), or a
 * scenario's own hand-rolled loop. Runs under the virtual clock are deterministic, so "step back"
 * is a fresh run stepped to k - 1.
 */
class Run
{
public:
    virtual ~Run() = default;

    virtual const Trace &trace() const = 0;
    //! Performs one scheduling action; returns what it did (Idle once the run is over).
    virtual StepResult step() = 0;
    virtual bool isFinished() const = 0;
    //! The scheduler, when the run is on one (nullptr for replays and hand-rolled loops).
    virtual Scheduler *scheduler() { return nullptr; }
    //! Real when the run cannot be run again to the same state (real I/O, a program being recorded):
    //! stepping back then replays what was recorded.
    virtual ClockMode clockMode() const { return ClockMode::Virtual; }
    //! A run fed by a program outside Loopscope (a recorded Python program) can be ended early;
    //! what it recorded stays.
    virtual bool canStop() const { return false; }
    virtual void stop() { }
    //! What a replayed recording says about itself (nullptr for a live run).
    virtual const TraceMetadata *recordedMetadata() const { return nullptr; }
    //! Runs to the end (or until `maxSteps` steps, if > 0); returns the number of steps taken.
    virtual qint64 runToEnd(qint64 maxSteps = 0);
    //! Takes every remaining step at once when the run can do it faster than step by step (a
    //! replay of a whole recording): the same steps, appending each one's first seq to `starts`,
    //! and the last one's result. nullopt when the run cannot (then nothing was taken).
    virtual std::optional<StepResult> skipToEnd(std::vector<SeqNo> &starts)
    {
        Q_UNUSED(starts);
        return std::nullopt;
    }
};

} // namespace Loopscope
