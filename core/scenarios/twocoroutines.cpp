// Scenario "two-coroutines": one event loop, two coroutines, two slow I/O operations.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

namespace Loopscope {

namespace {

// Each coroutine starts an I/O operation and hands the thread back to the loop while it waits.
Task<int> readRecord(QString what, nanoseconds latency)
{
    co_await io(QStringLiteral("read %1").arg(what), latency);
    co_return 1;
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    auto run = std::make_unique<SchedulerRun>();
    run->loop().spawn(readRecord(QStringLiteral("a"), latency), QStringLiteral("C1"));
    run->loop().spawn(readRecord(QStringLiteral("b"), latency), QStringLiteral("C2"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeTwoCoroutinesScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("two-coroutines");
    info.title = QStringLiteral("Event loop and two coroutines awaiting I/O");
    info.summary = QStringLiteral("Two coroutines wait for slow I/O at the same time on one thread");
    info.explanation = QStringLiteral(
        "The loop starts C1, which asks for a slow read and immediately gives the thread back. The loop "
        "then starts C2, which does the same. With both reads in flight and nothing else to run, the "
        "loop sleeps until the operating system reports a completion, and only then resumes the "
        "coroutine whose read has finished. Both waits overlap, so two reads of 2 s each take 2 s in "
        "total, not 4 s, and no second thread is involved.");
    info.sourcePath = QStringLiteral(":/scenarios/twocoroutines.cpp");
    info.parameters = {
        { QStringLiteral("latency_ms"), QStringLiteral("how long each read takes, in milliseconds"), 2000, 1,
            600000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
