#pragma once

#include "record/pythonrecording.h"
#include "run/replayrun.h"

namespace Loopscope {

/*!
 * A Python program recorded while it runs, as a Run the views can play: each step() shows the
 * next scheduling action the program's loop took, as soon as it has been recorded (Blocked
 * until then), so that the window draws the program live and steps back through what has been
 * recorded while the program goes on. The program starts when the run is made; stop() ends it.
 */
class RecordingRun final : public Run
{
public:
    //! Starts the program; throws Error (with the reason) when it cannot.
    explicit RecordingRun(PythonCommand command);
    ~RecordingRun() override;

    const Trace &trace() const override { return m_replay->trace(); }
    StepResult step() override;
    bool isFinished() const override { return m_replay->isFinished(); }
    //! Waits for the program while nothing new is recorded.
    qint64 runToEnd(qint64 maxSteps = 0) override;
    ClockMode clockMode() const override { return ClockMode::Real; }
    bool canStop() const override { return !m_recording.isDone(); }
    void stop() override { m_recording.stop(); }
    const TraceMetadata *recordedMetadata() const override;
    PythonRecording &recording() { return m_recording; }

private:
    PythonRecording m_recording;
    std::unique_ptr<ReplayRun> m_replay;
    mutable TraceMetadata m_metadata;
    int m_stepsSinceRead = 0;
};

} // namespace Loopscope
