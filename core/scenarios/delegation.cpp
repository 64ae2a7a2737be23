// Scenario "delegation": `yield from` as a chain of coroutines awaiting one another.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

namespace Loopscope {

namespace {

// Level n of a chain n coroutines deep. The levels above the innermost one only delegate: the
// innermost level's waits reach the loop directly, and its result comes back up unchanged.
Task<int> level(int n, nanoseconds latency)
{
    if (n > 1)
        co_return co_await level(n - 1, latency).named(QStringLiteral("level %1").arg(n - 1));
    co_await io(QStringLiteral("read part 1"), latency);
    co_await io(QStringLiteral("read part 2"), latency);
    co_return 42;
}

// The outer code is the same whatever the depth of the chain below it.
Task<void> outer(int depth, nanoseconds latency)
{
    const int result = co_await level(depth, latency).named(QStringLiteral("level %1").arg(depth));
    co_await say(QStringLiteral("outer got %1").arg(result));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int depth = static_cast<int>(integerParameter(params, QStringLiteral("n")));
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    auto run = std::make_unique<SchedulerRun>();
    run->loop().spawn(outer(depth, latency), QStringLiteral("outer"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeDelegationScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("delegation");
    info.title = QStringLiteral("Delegation: yield from");
    info.summary = QStringLiteral("A chain of n coroutines passes waits down and the result up, untouched");
    info.explanation = QStringLiteral(
        "Awaiting another coroutine runs it inline, as a delegate. Only the innermost level of the chain "
        "does real work; every level above just awaits the one below. When the innermost level waits "
        "for I/O, the whole chain is parked and the loop later resumes that innermost frame directly, "
        "without passing through the levels in between. Its return value travels up to the outer "
        "coroutine like an ordinary function result, and an exception would travel the same way, so "
        "the outer code needs no plumbing and does not change with the depth of the chain.");
    info.sourcePath = QStringLiteral(":/scenarios/delegation.cpp");
    info.parameters = {
        { QStringLiteral("n"), QStringLiteral("how many coroutines deep the chain is"), 3, 1, 50 },
        { QStringLiteral("latency_ms"), QStringLiteral("how long each read takes, in milliseconds"), 500, 1,
            600000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
