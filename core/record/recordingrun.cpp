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

StepResult RecordingRun::step()
{
    // What the program sent meanwhile is taken in now and then: a consumer stepping through what
    // it has, without returning to its event loop, must not leave the program blocked on a full
    // socket (the kernel holds some 200 KB, a few thousand events).
    constexpr int ReadEverySteps = 2048;
    if (++m_stepsSinceRead >= ReadEverySteps) {
        m_stepsSinceRead = 0;
        m_recording.readArrived();
    }
    return m_replay->step();
}

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
