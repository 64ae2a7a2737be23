// Scenario "polling-loop": a hand-made event loop that keeps asking every coroutine "done yet?",
// next to the same work on Loopscope's scheduler, which only wakes a coroutine when it is ready.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/pollingcoroutine.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

#include <algorithm>
#include <vector>

namespace Loopscope {

namespace {

/*!
 * A round-robin polling loop with its own trace and virtual clock. One step resumes the next
 * unfinished coroutine; a round over all of them takes `interval`. Coroutines start their network
 * requests through startRequest() and ask isComplete() whenever they are resumed.
 */
class PollingLoop final : public Run
{
public:
    PollingLoop(nanoseconds latency, nanoseconds interval)
        : m_latency(latency.count())
        , m_interval(interval.count())
    { }

    void add(const QString &name, PolledCoroutine coroutine)
    {
        const TaskId id = static_cast<TaskId>(m_coroutines.size() + 1);
        const LabelId label = m_trace.intern(name);
        m_trace.registerTask(id, label, NoTask);
        m_trace.append(EventKind::TaskCreated, m_now, id, NoTask, label);
        m_coroutines.push_back(Entry { id, std::move(coroutine) });
    }

    // The mock network, standing in for the operating system's non-blocking calls.
    std::uint32_t startRequest(SourceLine line = {})
    {
        m_requestStarts.push_back(m_now);
        const auto request = static_cast<std::uint32_t>(m_requestStarts.size());
        record(EventKind::IoSubmitted, m_current, request, QStringLiteral("GET /data (polled)"), line);
        return request;
    }
    bool isComplete(std::uint32_t request, SourceLine line = {})
    {
        if (m_now - m_requestStarts.at(request - 1) < m_latency)
            return false;
        record(EventKind::IoCompleted, m_current, request, QStringLiteral("200"), line);
        record(EventKind::TaskResumed, m_current, request, QString(), line);
        return true;
    }
    int response(std::uint32_t) const { return 200; }

    const Trace &trace() const override { return m_trace; }
    bool isFinished() const override { return m_finished; }
    StepResult step() override;

private:
    struct Entry
    {
        TaskId id;
        PolledCoroutine coroutine;
        bool started = false;
    };

    void record(EventKind kind, TaskId task, std::uint32_t other, const QString &text, SourceLine line)
    {
        m_trace.append(
            kind, m_now, task, other, text.isEmpty() ? NoLabel : m_trace.intern(text), line.value());
    }
    //! The next unfinished coroutine after the last one polled; a new round when it wraps around.
    Entry *nextToPoll()
    {
        const auto unfinished = [](const Entry &entry) { return !entry.coroutine.isDone(); };
        if (std::none_of(m_coroutines.begin(), m_coroutines.end(), unfinished))
            return nullptr;
        for (;;) {
            if (m_cursor == m_coroutines.size()) {
                m_cursor = 0;
                m_now += m_interval; // every round of polling takes this long
            }
            Entry &entry = m_coroutines[m_cursor++];
            if (unfinished(entry))
                return &entry;
        }
    }

    Trace m_trace;
    std::vector<Entry> m_coroutines;
    std::vector<std::int64_t> m_requestStarts;
    std::int64_t m_latency;
    std::int64_t m_interval;
    std::int64_t m_now = 0;
    std::size_t m_cursor = 0;
    std::size_t m_wastedPolls = 0;
    TaskId m_current = NoTask;
    bool m_started = false;
    bool m_finished = false;
};

StepResult PollingLoop::step()
{
    StepResult result { StepAction::ResumedTask, NoTask, m_trace.nextSeq(), 0 };
    if (!m_started) {
        m_started = true;
        m_trace.append(EventKind::LoopStarted, m_now, NoTask);
    }
    Entry *entry = m_finished ? nullptr : nextToPoll();
    if (!entry) {
        if (!m_finished) {
            m_finished = true;
            m_trace.append(EventKind::Message, m_now, NoTask, 0,
                m_trace.intern(QStringLiteral("all %1 coroutines done after %2, %3 polls wasted")
                                   .arg(m_coroutines.size())
                                   .arg(formatDuration(m_now))
                                   .arg(m_wastedPolls)));
            m_trace.append(EventKind::LoopStopped, m_now, NoTask, 0, m_trace.intern(QStringLiteral("idle")));
        }
        result.action = StepAction::Idle;
    } else {
        const bool first = !std::exchange(entry->started, true);
        result.task = m_current = entry->id;
        if (first) {
            result.action = StepAction::StartedTask;
            m_trace.append(EventKind::TaskStarted, m_now, entry->id);
        }
        const bool done = entry->coroutine.resume();
        if (done) {
            m_trace.append(EventKind::TaskReturned, m_now, entry->id, NoTask,
                m_trace.intern(QString::number(entry->coroutine.result())));
        } else if (first) {
            m_trace.append(EventKind::TaskSuspended, m_now, entry->id, 0,
                m_trace.intern(QStringLiteral("the next poll")));
        } else {
            ++m_wastedPolls; // resumed for nothing: the request was still in flight
            m_trace.append(EventKind::Poll, m_now, NoTask, entry->id);
        }
        m_current = NoTask;
    }
    result.endSeq = m_trace.nextSeq();
    m_trace.publish();
    return result;
}

// A coroutine of the polling loop: it starts a request, then hands control back until it is done.
PolledCoroutine fetch(PollingLoop &loop)
{
    const std::uint32_t request = loop.startRequest();
    while (!loop.isComplete(request))
        co_yield notReady; // "not yet": the loop will ask again in its next round
    co_return loop.response(request);
}

// The same work on the scheduler: the coroutine sleeps until the loop learns its I/O is done.
Task<int> fetchWhenReady(nanoseconds latency)
{
    co_await io(QStringLiteral("GET /data"), latency, QStringLiteral("200"));
    co_return 200;
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int coroutines = static_cast<int>(integerParameter(params, QStringLiteral("coroutines")));
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    const auto interval = std::chrono::milliseconds(integerParameter(params, QStringLiteral("interval_ms")));
    if (integerParameter(params, QStringLiteral("readiness")) == 1) {
        auto run = std::make_unique<SchedulerRun>();
        for (int i = 1; i <= coroutines; ++i)
            run->loop().spawn(fetchWhenReady(latency), QStringLiteral("C%1").arg(i));
        return run;
    }
    auto loop = std::make_unique<PollingLoop>(latency, interval);
    for (int i = 1; i <= coroutines; ++i)
        loop->add(QStringLiteral("C%1").arg(i), fetch(*loop));
    return loop;
}

} // namespace

std::unique_ptr<Scenario> makePollingLoopScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("polling-loop");
    info.title = QStringLiteral("A hand-rolled polling loop");
    info.summary = QStringLiteral(
        "Round-robin polling finishes in 3 s for any number of coroutines, but wastes polls");
    info.explanation = QStringLiteral(
        "Here the event loop is written by hand: it resumes each unfinished coroutine in turn, and each "
        "one checks whether its network request has completed, handing control straight back if it has "
        "not. The requests overlap, so two coroutines finish after 3 s and three still finish after 3 s. "
        "But every check that finds nothing ready is work done for nothing, and the waste grows with the "
        "number of coroutines and with how often the loop asks. With readiness=1 the same coroutines "
        "run on Loopscope's scheduler, which is told when an operation completes and resumes only that "
        "coroutine: the same 3 s, with no wasted polls.");
    info.sourcePath = QStringLiteral(":/scenarios/pollingloop.cpp");
    info.parameters = {
        { QStringLiteral("coroutines"), QStringLiteral("how many coroutines make a request"), 2, 1, 100 },
        { QStringLiteral("latency_ms"), QStringLiteral("when each request completes, in milliseconds"), 3000,
            1, 600000 },
        { QStringLiteral("interval_ms"),
            QStringLiteral("how long one round of polling takes, in milliseconds"), 100, 1, 60000 },
        { QStringLiteral("readiness"),
            QStringLiteral(
                "who drives the coroutines: the hand-rolled polling loop or the readiness-based scheduler"),
            0, 0, 1, true, { QStringLiteral("polling"), QStringLiteral("readiness") } },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
