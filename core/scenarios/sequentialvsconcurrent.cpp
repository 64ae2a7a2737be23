// Scenario "sequential-vs-concurrent": n slow I/O operations, one after another or all at once.
#include "scenarios/sequentialvsconcurrent.h"

#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/combinators.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace Loopscope {

namespace {

using Latencies = std::shared_ptr<const std::vector<nanoseconds>>;

// One operation: a request to a slow service.
Task<void> operation(nanoseconds latency)
{
    co_await io(QStringLiteral("request"), latency);
}

// Sequentially: each operation starts once the previous one has finished.
Task<void> sequential(Latencies latencies)
{
    Scheduler &loop = co_await thisScheduler();
    const std::int64_t started = loop.now();
    for (const nanoseconds latency : *latencies)
        co_await io(QStringLiteral("request"), latency);
    co_await say(QStringLiteral("%1 operations took %2")
                     .arg(latencies->size())
                     .arg(formatDuration(loop.now() - started)));
}

// Concurrently: every operation starts at once, and the loop waits for all of them together.
Task<void> concurrent(Latencies latencies)
{
    Scheduler &loop = co_await thisScheduler();
    const std::int64_t started = loop.now();
    std::vector<TaskHandle<void>> operations;
    operations.reserve(latencies->size());
    for (std::size_t i = 0; i < latencies->size(); ++i)
        operations.push_back(loop.spawn(operation((*latencies)[i]), QStringLiteral("op %1").arg(i + 1)));
    co_await gather(std::move(operations)).named(QStringLiteral("gather"));
    co_await say(QStringLiteral("%1 operations took %2")
                     .arg(latencies->size())
                     .arg(formatDuration(loop.now() - started)));
}

// Latencies spread evenly over [latency / 2, 3 * latency / 2] in whole milliseconds, from a small
// generator of our own (splitmix64), so that a seed gives the same run on every platform.
Latencies makeLatencies(qint64 n, nanoseconds latency, std::uint64_t seed)
{
    auto latencies = std::make_shared<std::vector<nanoseconds>>(static_cast<std::size_t>(n), latency);
    if (seed == 0)
        return latencies;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(latency).count();
    std::uint64_t state = seed;
    for (nanoseconds &value : *latencies) {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        value = std::chrono::milliseconds(
            ms / 2 + static_cast<std::int64_t>(z % static_cast<std::uint64_t>(ms + 1)));
    }
    return latencies;
}

SchedulerOptions cappedTrace()
{
    SchedulerOptions options;
    options.traceCapacity = Trace::ChunkSize; // old chunks are recycled: memory stays flat
    return options;
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const qint64 n = integerParameter(params, QStringLiteral("n"));
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    const auto seed = static_cast<std::uint64_t>(integerParameter(params, QStringLiteral("seed")));
    const qint64 mode = integerParameter(params, QStringLiteral("mode"));
    const Latencies latencies = makeLatencies(n, latency, seed);
    auto run = std::make_unique<SchedulerRun>();
    if (mode != 2)
        run->loop().spawn(sequential(latencies), QStringLiteral("sequential"));
    if (mode != 1)
        run->loop().spawn(concurrent(latencies), QStringLiteral("concurrent"));
    return run;
}

} // namespace

std::int64_t simulateSequentialNs(qint64 n, nanoseconds latency)
{
    Scheduler loop(cappedTrace());
    loop.runUntilComplete(sequential(makeLatencies(n, latency, 0)), QStringLiteral("sequential"));
    return loop.now();
}

std::int64_t simulateConcurrentNs(qint64 n, nanoseconds latency)
{
    Scheduler loop(cappedTrace());
    loop.runUntilComplete(concurrent(makeLatencies(n, latency, 0)), QStringLiteral("concurrent"));
    return loop.now();
}

std::unique_ptr<Scenario> makeSequentialVsConcurrentScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("sequential-vs-concurrent");
    info.title = QStringLiteral("Sequential versus concurrent I/O");
    info.summary = QStringLiteral("n operations of 2 s: 2n s one after another, about 2 s all at once");
    info.explanation = QStringLiteral(
        "When a program waits for each operation before starting the next, its running time is the sum "
        "of all the waits and grows in step with the number of operations: a thousand requests of 2 s "
        "take more than half an hour. Started together, the waits overlap and the total is the longest "
        "single wait, about 2 s however many there are. With a seed the latencies vary from half to one "
        "and a half times the given one: the sequential run then takes their sum and the concurrent run "
        "their maximum. The virtual clock lets the loop simulate a million operations in seconds.");
    info.sourcePath = QStringLiteral(":/scenarios/sequentialvsconcurrent.cpp");
    info.parameters = {
        { QStringLiteral("n"), QStringLiteral("how many operations"), 3, 1, 1'000'000 },
        { QStringLiteral("latency_ms"), QStringLiteral("how long each operation takes, in milliseconds"),
            2000, 2, 600000 },
        { QStringLiteral("seed"),
            QStringLiteral("0: every operation takes latency_ms; otherwise a seed for varied latencies"), 0,
            0, 2147483647 },
        { QStringLiteral("mode"), QStringLiteral("which runs: both side by side, or one of them"), 0, 0, 2,
            true, { QStringLiteral("both"), QStringLiteral("sequential"), QStringLiteral("concurrent") } },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
