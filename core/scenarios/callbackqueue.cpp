// Scenarios "callback-queue", "callback-blocking" and "callback-timer": an event loop that is
// nothing but a queue of functions, a callback that blocks it, and the timer that fixes that.
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

#include <deque>
#include <functional>

namespace Loopscope {

namespace {

/*!
 * The whole event loop: a queue of functions to call, plus timers that put a function on the
 * queue when they are due. One step calls one function (or delivers one timer). It keeps its own
 * trace and a virtual clock that only moves when a callback blocks or the loop waits for a timer.
 */
class CallbackLoop final : public Run
{
public:
    using Callback = std::function<void(CallbackLoop &)>;

    //! Queues `callback` to run after everything already queued.
    void callSoon(const QString &name, Callback callback, SourceLine line = {})
    {
        m_queue.push_back(Pending { create(name, line), std::move(callback) });
    }
    //! Queues `callback` once `delay` has passed; returns at once.
    void callLater(nanoseconds delay, const QString &name, Callback callback, SourceLine line = {})
    {
        const TaskId task = create(name, line);
        const std::uint32_t timer = ++m_lastTimer;
        record(EventKind::TimerArmed, m_current, timer, detailMicros(delay.count()), line);
        const auto due = std::upper_bound(m_timers.begin(), m_timers.end(), m_now + delay.count(),
            [](std::int64_t time, const Timer &t) { return time < t.due; });
        m_timers.insert(due, Timer { m_now + delay.count(), timer, Pending { task, std::move(callback) } });
    }
    void print(const QString &text, SourceLine line = {})
    {
        record(EventKind::Message, m_current, 0, m_trace.intern(text), line);
    }
    //! A blocking call (like time.sleep): the clock moves on and the loop can do nothing else.
    void blockingSleep(nanoseconds duration) { m_now += duration.count(); }
    std::int64_t now() const { return m_now; }

    const Trace &trace() const override { return m_trace; }
    bool isFinished() const override { return m_finished; }
    StepResult step() override;

private:
    struct Pending
    {
        TaskId task;
        Callback callback;
    };
    struct Timer
    {
        std::int64_t due;
        std::uint32_t id;
        Pending pending;
    };
    static constexpr std::int64_t SlowStepNs = 100'000'000; // the scheduler's default threshold

    void record(EventKind kind, TaskId task, std::uint32_t other, std::uint32_t detail, SourceLine line)
    {
        m_trace.append(kind, m_now, task, other, detail, line.value());
    }
    TaskId create(const QString &name, SourceLine line)
    {
        const TaskId task = ++m_lastTask;
        const LabelId label = m_trace.intern(name);
        m_trace.registerTask(task, label, m_current);
        record(EventKind::TaskCreated, task, m_current, label, line);
        return task;
    }
    StepAction runNext();

    Trace m_trace;
    std::deque<Pending> m_queue;
    std::deque<Timer> m_timers; // ordered by due time, first armed first among equals
    std::int64_t m_now = 0;
    TaskId m_lastTask = NoTask;
    TaskId m_current = NoTask;
    std::uint32_t m_lastTimer = 0;
    bool m_started = false;
    bool m_finished = false;
};

StepResult CallbackLoop::step()
{
    StepResult result { StepAction::Idle, NoTask, m_trace.nextSeq(), 0 };
    if (!m_finished) {
        if (!std::exchange(m_started, true))
            m_trace.append(EventKind::LoopStarted, m_now, NoTask);
        result.action = runNext();
        result.task = m_current;
        m_current = NoTask;
    }
    result.endSeq = m_trace.nextSeq();
    m_trace.publish();
    return result;
}

StepAction CallbackLoop::runNext()
{
    if (!m_timers.empty() && m_timers.front().due <= m_now) {
        Timer timer = std::move(m_timers.front());
        m_timers.pop_front();
        m_trace.append(EventKind::TimerFired, m_now, timer.pending.task, timer.id);
        m_current = timer.pending.task;
        m_queue.push_back(std::move(timer.pending));
        return StepAction::FiredTimer;
    }
    if (!m_queue.empty()) {
        Pending next = std::move(m_queue.front());
        m_queue.pop_front();
        m_current = next.task;
        m_trace.append(EventKind::TaskStarted, m_now, next.task);
        const std::int64_t before = m_now;
        next.callback(*this);
        m_trace.append(EventKind::TaskReturned, m_now, next.task);
        if (m_now - before > SlowStepNs)
            m_trace.append(EventKind::SlowStep, m_now, next.task, 0, detailMicros(m_now - before));
        return StepAction::StartedTask;
    }
    if (!m_timers.empty()) {
        m_trace.append(EventKind::LoopWaiting, m_now, NoTask, 0, detailMicros(m_timers.front().due - m_now));
        m_now = m_timers.front().due;
        return StepAction::Waited;
    }
    m_finished = true;
    m_trace.append(EventKind::LoopStopped, m_now, NoTask, 0, m_trace.intern(QStringLiteral("idle")));
    return StepAction::Idle;
}

// ---- the program the loop runs ----

enum class Variant { Plain, Blocking, Timer };

struct Greeting
{
    Variant variant;
    int turnsLeft;
    nanoseconds pause;
    nanoseconds tickInterval;
};
using State = std::shared_ptr<Greeting>;
using GreetingFunction = void (*)(CallbackLoop &, const State &);

// Schedules the other greeting, the way each variant does it.
void handOver(CallbackLoop &loop, const State &state, const QString &name, GreetingFunction next)
{
    if (state->variant == Variant::Blocking)
        loop.blockingSleep(state->pause); // holds the thread: no other callback can run meanwhile
    if (--state->turnsLeft == 0)
        return;
    auto callback = [state, next](CallbackLoop &l) { next(l, state); };
    if (state->variant == Variant::Timer)
        loop.callLater(state->pause, name, callback); // returns at once: the loop stays free
    else
        loop.callSoon(name, callback);
}

void world(CallbackLoop &loop, const State &state);

void hello(CallbackLoop &loop, const State &state)
{
    loop.print(QStringLiteral("Hello"));
    handOver(loop, state, QStringLiteral("world"), world);
}

void world(CallbackLoop &loop, const State &state)
{
    loop.print(QStringLiteral("world"));
    handOver(loop, state, QStringLiteral("hello"), hello);
}

// A heartbeat that wants to run at a steady pace: it shows whether the loop is free to run it.
void tick(CallbackLoop &loop, const State &state, std::int64_t due)
{
    const std::int64_t late = loop.now() - due;
    loop.print(late > 0 ? QStringLiteral("tick, %1 late").arg(formatDuration(late))
                        : QStringLiteral("tick, on time"));
    if (state->turnsLeft > 0) {
        const std::int64_t next = loop.now() + state->tickInterval.count();
        loop.callLater(state->tickInterval, QStringLiteral("tick"),
            [state, next](CallbackLoop &l) { tick(l, state, next); });
    }
}

std::unique_ptr<Run> start(Variant variant, const ScenarioParams &params)
{
    auto state = std::make_shared<Greeting>(
        Greeting { variant, static_cast<int>(integerParameter(params, QStringLiteral("turns"))),
            std::chrono::milliseconds(
                variant == Variant::Plain ? 0 : integerParameter(params, QStringLiteral("pause_ms"))),
            std::chrono::milliseconds(
                variant == Variant::Plain ? 0 : integerParameter(params, QStringLiteral("tick_ms"))) });
    auto loop = std::make_unique<CallbackLoop>();
    loop->callSoon(QStringLiteral("hello"), [state](CallbackLoop &l) { hello(l, state); });
    if (variant != Variant::Plain) {
        const std::int64_t due = state->tickInterval.count();
        loop->callLater(state->tickInterval, QStringLiteral("tick"),
            [state, due](CallbackLoop &l) { tick(l, state, due); });
    }
    return loop;
}

ScenarioParameter turnsParameter()
{
    return { QStringLiteral("turns"), QStringLiteral("how many greetings are printed"), 4, 1, 100 };
}

QList<ScenarioParameter> timingParameters()
{
    return {
        turnsParameter(),
        { QStringLiteral("pause_ms"),
            QStringLiteral("how long each greeting waits before handing over, in milliseconds"), 1000, 0,
            60000 },
        { QStringLiteral("tick_ms"), QStringLiteral("how often the heartbeat wants to run, in milliseconds"),
            250, 10, 60000 },
    };
}

} // namespace

std::unique_ptr<Scenario> makeCallbackQueueScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("callback-queue");
    info.title = QStringLiteral("An event loop is a queue of callbacks");
    info.summary = QStringLiteral(
        "\"Hello\" queues \"world\", which queues \"Hello\" again: four turns of a bare loop");
    info.explanation = QStringLiteral(
        "Strip an event loop to its core and what is left is a queue of functions: take the first one, "
        "call it, repeat. A callback never calls the next piece of work directly; it puts it on the queue "
        "and returns at once, and the loop gets to it later. Here \"Hello\" queues \"world\" and \"world\" "
        "queues \"Hello\" again, for four turns.");
    info.sourcePath = QStringLiteral(":/scenarios/callbackqueue.cpp");
    info.parameters = { turnsParameter() };
    return std::make_unique<BuiltinScenario>(
        std::move(info), [](const ScenarioParams &params) { return start(Variant::Plain, params); });
}

std::unique_ptr<Scenario> makeCallbackBlockingScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("callback-blocking");
    info.title = QStringLiteral("A blocking callback stalls the loop");
    info.summary = QStringLiteral(
        "Each greeting sleeps 1 s while holding the thread: every step is slow, the heartbeat is late");
    info.explanation = QStringLiteral(
        "The same queue of callbacks, but each greeting pauses with a blocking sleep before it hands over. "
        "While it sleeps it keeps the thread, and the loop has no way to run anything else: the heartbeat "
        "that should run every 250 ms only gets its turn once a greeting returns, far too late. The trace "
        "flags every callback that held the loop too long as a slow step.");
    info.sourcePath = QStringLiteral(":/scenarios/callbackqueue.cpp");
    info.parameters = timingParameters();
    return std::make_unique<BuiltinScenario>(
        std::move(info), [](const ScenarioParams &params) { return start(Variant::Blocking, params); });
}

std::unique_ptr<Scenario> makeCallbackTimerScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("callback-timer");
    info.title = QStringLiteral("A timer keeps the loop free");
    info.summary = QStringLiteral(
        "Each greeting asks for a timer instead of sleeping: no slow steps, the heartbeat is on time");
    info.explanation = QStringLiteral(
        "The fix for the blocking version: instead of sleeping, a greeting asks the loop to call the next "
        "one after the pause, and returns at once. The greetings come at the same pace, but between them "
        "the loop is free, so the heartbeat runs exactly when it is due and no step is slow.");
    info.sourcePath = QStringLiteral(":/scenarios/callbackqueue.cpp");
    info.parameters = timingParameters();
    return std::make_unique<BuiltinScenario>(
        std::move(info), [](const ScenarioParams &params) { return start(Variant::Timer, params); });
}

} // namespace Loopscope
