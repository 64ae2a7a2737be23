// Scenario "nested-loop": a task tries to run the event loop it is already running on.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

namespace Loopscope {

namespace {

// Halfway through its work, this task asks the loop to run until idle, from inside the loop.
Task<void> impatient(nanoseconds latency)
{
    Scheduler &loop = co_await thisScheduler();
    co_await io(QStringLiteral("fetch settings"), latency);
    QString refusal;
    try {
        loop.runUntilIdle(); // like calling asyncio.run() from inside a coroutine
    } catch (const LoopAlreadyRunningError &error) {
        refusal = error.message();
    }
    co_await say(QStringLiteral("error: %1; carrying on").arg(refusal));
    co_await io(QStringLiteral("fetch data"), latency);
}

// Another task on the same loop: it never notices the failed attempt.
Task<void> bystander(nanoseconds latency)
{
    co_await io(QStringLiteral("fetch news"), latency * 3);
    co_await say(QStringLiteral("news arrived"));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    auto run = std::make_unique<SchedulerRun>();
    run->loop().spawn(impatient(latency), QStringLiteral("impatient"));
    run->loop().spawn(bystander(latency), QStringLiteral("bystander"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeNestedLoopScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("nested-loop");
    info.title = QStringLiteral("Running the loop from inside the loop");
    info.summary
        = QStringLiteral("A task that starts the running loop again is refused, and the program goes on");
    info.explanation = QStringLiteral(
        "A coroutine only runs because the event loop is running it, so a coroutine that tries to start "
        "the loop again would have the loop run inside itself. The loop refuses with \"the event loop is "
        "already running\". The error is an ordinary exception in that task: it can catch it and carry on, "
        "and the loop, and every other task on it, continues as if nothing had happened.");
    info.sourcePath = QStringLiteral(":/scenarios/nestedloop.cpp");
    info.parameters = {
        { QStringLiteral("latency_ms"), QStringLiteral("how long each fetch takes, in milliseconds"), 1000, 1,
            600000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
