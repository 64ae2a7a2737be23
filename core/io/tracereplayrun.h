#pragma once

#include "scenarios/replayrun.h"
#include "tracefilereader.h"

namespace Loopscope {

/*!
 * Plays back a loaded trace as a ScenarioRun, so an opened `.loopscope` file can be stepped,
 * viewed and exported like a live run.
 *
 * Steps are the recorded scheduling actions, as a live run's are (see ReplayRun): each step()
 * appends the file's events of one action, with their original seqs, times and labels, and the
 * final loop_stopped is Idle. The run's own trace knows every task and I/O record of the file from
 * the start. There is no scheduler behind a replay.
 */
class TraceReplayRun final : public ScenarioRun
{
public:
    explicit TraceReplayRun(LoadedTrace loaded);

    const Trace &trace() const override { return m_replay.trace(); }
    StepResult step() override { return m_replay.step(); }
    bool isFinished() const override { return m_replay.isFinished(); }

    const TraceMetadata &metadata() const { return m_metadata; }
    //! The whole trace as it was loaded.
    const Trace &source() const { return m_replay.recording(); }

private:
    TraceMetadata m_metadata;
    ReplayRun m_replay;
};

} // namespace Loopscope
