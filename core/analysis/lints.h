#pragma once

#include "trace/trace.h"

#include <memory>
#include <optional>
#include <QString>
#include <vector>

namespace Loopscope {

//! What a lint found wrong in a schedule.
enum class FindingKind : std::uint8_t {
    BlockingStep, //!< a step held the loop longer than the threshold
    NeverYields,  //!< the loop resumed one task many steps in a row, each after only a yield (a busy loop)
    BusyPolling,  //!< a task mostly woke itself (yield loops) or was polled for nothing
    LostWakeup,   //!< at the loop's stop a task awaits something nothing can complete any more
    FailureNeverRetrieved, //!< a task started by a task failed, and nothing awaited it
    LeftPending,           //!< a task had not finished when the loop stopped
    Starved,               //!< a task was ready longer than the threshold before it was resumed
    UnboundedFanOut,       //!< more I/O in flight at once than the threshold
    SwallowedCancellation, //!< a task asked to cancel went on instead of ending
};

//! "blocking-step", "never-yields", ...: how the command line and the window name a kind.
QLatin1StringView findingKindName(FindingKind kind);
std::optional<FindingKind> findingKindFromName(QStringView name);
//! Every kind, in the order above.
std::vector<FindingKind> allFindingKinds();

struct Finding
{
    FindingKind kind = FindingKind::BlockingStep;
    SeqNo seq = 0; //!< the event the finding points at
    std::int64_t timeNs = 0;
    TaskId task = NoTask;
    QString message; //!< in plain words: what happened and why it matters
};

struct LintOptions
{
    std::int64_t maxStepNs
        = 100'000'000; //!< a longer step blocks the loop (asyncio's slow_callback_duration)
    std::int64_t maxReadyNs = 100'000'000; //!< ready longer than this before resuming: starved
    int maxInFlight = 1000;                //!< more I/O in flight at once: unbounded fan-out
    int maxYieldRun = 100;                 //!< more steps in a row of one task that only yields: never yields
    int minSelfWakes = 20;                 //!< busy polling needs at least this many wasted wake-ups...
    double minSelfWakeShare = 0.5;         //!< ...making at least this share of the task's resumptions
    std::vector<FindingKind> only;         //!< empty: every kind

    //! Why the options are unusable (negative thresholds...), or an empty string.
    QString validate() const;
};

/*!
 * Finds what went wrong in a schedule, from the trace alone: built-in scenarios, connector runs,
 * opened files and recorded programs alike, so that the window, the command line and CI agree.
 * One pass over the events (a million in a fraction of a second); findings in the order of the
 * events they point at.
 */
std::vector<Finding> lintTrace(const Trace &trace, const LintOptions &options = {});

/*!
 * The lints of a trace that grows (a live run): update() reads only the events appended since the
 * previous call and gives every finding so far, as lintTrace() would for the trace as it is now.
 * The trace must outlive the session.
 */
class LintSession
{
public:
    explicit LintSession(const Trace &trace, LintOptions options = {});
    ~LintSession();
    LintSession(const LintSession &) = delete;
    LintSession &operator=(const LintSession &) = delete;

    std::vector<Finding> update();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace Loopscope
