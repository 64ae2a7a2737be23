#pragma once

#include "scenario.h"

#include <memory>

namespace Loopscope {

/*!
 * A ScenarioRun that plays back a complete recording (for scenarios whose loops ran elsewhere, such
 * as one loop per thread): trace() starts empty and each step() appends the recording's events of
 * one scheduling action, as the loop's own step() did: everything up to and including the first
 * event that acts (a task started or resumed, an I/O completion, a timer, the loop waiting, polling
 * or stopping) and what follows it, until the next such event or an event of another loop (lane).
 * Task names, labels and I/O records are known from the start.
 */
class ReplayRun final : public ScenarioRun
{
public:
    explicit ReplayRun(std::unique_ptr<Trace> recording);
    ~ReplayRun() override;

    const Trace &trace() const override { return m_shown; }
    StepResult step() override;
    bool isFinished() const override { return m_cursor >= m_recording->size(); }
    //! The whole recording, whatever has been replayed so far.
    const Trace &recording() const { return *m_recording; }

private:
    std::unique_ptr<Trace> m_recording;
    Trace m_shown;
    qsizetype m_cursor = 0;
};

} // namespace Loopscope
