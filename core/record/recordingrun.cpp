#include "record/recordingrun.h"

#include "scheduler/errors.h"

namespace Loopscope {

RecordingRun::RecordingRun(PythonCommand command)
    : m_recording(std::move(command))
{
    QString error;
    if (!m_recording.start(&error))
        throw Error(error);
    m_replay = std::make_unique<ReplayRun>(m_recording.trace(), [this] { return m_recording.isDone(); });
    m_metadata = TraceMetadata::recordedNow(QString(), {}, ClockMode::Real);
    m_metadata.program = m_recording.command().display();
    m_metadata.sourceFile = m_recording.command().scriptPath();
}

RecordingRun::~RecordingRun() = default;

qint64 RecordingRun::runToEnd(qint64 maxSteps)
{
    qint64 steps = 0;
    while (!isFinished() && (maxSteps <= 0 || steps < maxSteps)) {
        if (step().action == StepAction::Blocked)
            m_recording.waitForMore(100);
        else
            ++steps;
    }
    return steps;
}

const TraceMetadata *RecordingRun::recordedMetadata() const
{
    // The program's own view of itself, once its stream said it.
    if (!m_recording.info().script.isEmpty())
        m_metadata.sourceFile = m_recording.info().script;
    return &m_metadata;
}

} // namespace Loopscope
