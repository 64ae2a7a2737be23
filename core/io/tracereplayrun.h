#pragma once

#include "scenarios/scenario.h"
#include "tracefilereader.h"

namespace Loopscope {

/*!
 * Plays back a loaded trace as a ScenarioRun, so an opened `.loopscope` file can be stepped,
 * viewed and exported like a live run.
 *
 * The run's own trace starts with every task record and I/O record of the file (names resolve
 * from the first step) and no events; each step() appends the next event of the file, with its
 * original seq, time and labels, and publishes it. The StepResult names the scheduling action
 * the event belongs to (an await belongs to the step that started or resumed its task), and the
 * final loop_stopped is Idle, as in a live run; isFinished() is true once every event is back.
 * There is no scheduler behind a replay.
 */
class TraceReplayRun : public ScenarioRun
{
public:
    explicit TraceReplayRun(LoadedTrace loaded);

    const Trace &trace() const override { return m_replay; }
    StepResult step() override;
    bool isFinished() const override { return m_next >= m_source->size(); }

    const TraceMetadata &metadata() const { return m_metadata; }
    //! The whole trace as it was loaded.
    const Trace &source() const { return *m_source; }

    //! What a scheduler step that produced `kind` did (Idle for bookkeeping events).
    static StepAction actionOf(EventKind kind);

private:
    TraceMetadata m_metadata;
    std::unique_ptr<Trace> m_source;
    Trace m_replay;
    qsizetype m_next = 0;
    StepAction m_stepAction = StepAction::Waited;
    TaskId m_stepTask = NoTask;
};

} // namespace Loopscope
