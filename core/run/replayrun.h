#pragma once

#include "run/run.h"

#include <functional>
#include <memory>
#include <vector>

namespace Loopscope {

/*!
 * A Run that plays back a complete recording (for scenarios whose loops ran elsewhere, such
 * as one loop per thread; a real-clock run that is stepped back; a saved file): trace() starts
 * empty and each step() appends the recording's events of one scheduling action, as the loop's
 * own step() did: everything up to and including the first event that acts (a task started or
 * resumed, an I/O completion, a timer, the loop waiting, polling or stopping) and what follows
 * it, until the next such event or an event of another loop (lane). When the recording's own step
 * boundaries are given (the seq at which each step began), steps end exactly there instead. The
 * step that ends the recording with loop_stopped is Idle, as live. Task names, labels and I/O
 * records are known from the start; seqs are the recording's. A saved file is replayed with the
 * metadata of its header, which recordedMetadata() gives back.
 */
class ReplayRun final : public Run
{
public:
    explicit ReplayRun(std::unique_ptr<Trace> recording, std::vector<SeqNo> stepStarts = {});
    //! A replay that follows a recording while it grows (a program being recorded): step() takes a
    //! step only once its end is known (the next step's first event has arrived) and is Blocked
    //! until then, unless `complete()` says nothing more will come.
    ReplayRun(const Trace &growing, std::function<bool()> complete);
    //! A replay of a saved trace: `recording` (an empty trace if null) and its file's metadata. The
    //! recording may be shared with other replays of the same file (stepping back replays it again).
    ReplayRun(std::shared_ptr<const Trace> recording, TraceMetadata metadata);
    ~ReplayRun() override;

    const Trace &trace() const override { return m_shown; }
    StepResult step() override;
    //! A whole recording: its steps found in one pass and its events copied at once.
    std::optional<StepResult> skipToEnd(std::vector<SeqNo> &starts) override;
    bool isFinished() const override { return m_cursor >= m_recording->size() && isComplete(); }
    //! The whole recording, whatever has been replayed so far.
    const Trace &recording() const { return *m_recording; }
    //! The file's metadata (default for a replay that is not of a file).
    const TraceMetadata &metadata() const { return m_metadata; }
    const TraceMetadata *recordedMetadata() const override { return m_fromFile ? &m_metadata : nullptr; }
    //! A saved file's clock (a recording of real I/O says so); Virtual otherwise.
    ClockMode clockMode() const override { return m_fromFile ? m_metadata.clock : ClockMode::Virtual; }

private:
    bool isComplete() const { return !m_complete || m_complete(); }
    //! Where the step that begins at m_cursor ends (one past its last event), or -1 when the
    //! recording has not grown that far yet.
    qsizetype stepEnd() const;
    //! What the step made of the recording's events [from, end) did, as step() reports it.
    StepResult resultOf(qsizetype from, qsizetype end) const;

    std::shared_ptr<const Trace> m_owned;
    const Trace *m_recording = nullptr;
    std::function<bool()> m_complete; //!< empty: the recording is whole
    Trace m_shown;
    std::vector<SeqNo> m_stepStarts;
    qsizetype m_cursor = 0;
    TraceMetadata m_metadata;
    bool m_fromFile = false;
};

} // namespace Loopscope
