// Scenario "threads": one event loop per thread; concurrency inside each loop, parallelism across.
#include "run/replayrun.h"
#include "run/tracemerger.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/awaitables.h"

#include <QThread>
#include <vector>

namespace Loopscope {

namespace {

// CPU-bound work: it never awaits, so it holds its loop's thread until it is done.
Task<void> crunch(nanoseconds cpu)
{
    co_await blockFor(cpu);
    co_await say(QStringLiteral("numbers crunched"));
}

// I/O-bound work: while it waits, its loop is free for other tasks.
Task<void> fetch(QString what, nanoseconds latency)
{
    co_await io(QStringLiteral("fetch %1").arg(what), latency);
}

// One loop on its own thread: loop 0 also has the CPU-bound task; every loop fetches twice.
TraceSnapshot runLoop(int lane, nanoseconds cpu, nanoseconds latency)
{
    SchedulerOptions options;
    options.threadLane = static_cast<std::uint8_t>(lane);
    Scheduler loop(options);
    const QString prefix = QStringLiteral("L%1 ").arg(lane);
    if (lane == 0)
        loop.spawn(crunch(cpu), prefix + QStringLiteral("crunch"));
    loop.spawn(fetch(QStringLiteral("a"), latency), prefix + QStringLiteral("fetch a"));
    loop.spawn(fetch(QStringLiteral("b"), latency), prefix + QStringLiteral("fetch b"));
    loop.runUntilIdle();
    return TraceSnapshot::of(loop.trace());
}

// Each loop runs to the end on a thread of its own, in parallel; the traces are merged afterwards
// by time, so the result does not depend on how the threads happened to be scheduled.
std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int loops = static_cast<int>(integerParameter(params, QStringLiteral("loops")));
    const auto cpu = std::chrono::milliseconds(integerParameter(params, QStringLiteral("cpu_ms")));
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    std::vector<TraceSnapshot> lanes(static_cast<std::size_t>(loops));
    std::vector<std::exception_ptr> errors(lanes.size());
    std::vector<std::unique_ptr<QThread>> threads;
    for (int lane = 0; lane < loops; ++lane) {
        const auto i = static_cast<std::size_t>(lane);
        threads.emplace_back(QThread::create([&lanes, &errors, i, lane, cpu, latency] {
            try {
                lanes[i] = runLoop(lane, cpu, latency);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }));
        threads.back()->start();
    }
    for (const auto &thread : threads)
        thread->wait();
    for (const std::exception_ptr &error : errors) {
        if (error)
            std::rethrow_exception(error);
    }
    auto merged = std::make_unique<Trace>();
    mergeTraces(lanes, *merged);
    return std::make_unique<ReplayRun>(std::move(merged));
}

} // namespace

std::unique_ptr<Scenario> makeThreadsScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("threads");
    info.title = QStringLiteral("Concurrency and parallelism: one loop per thread");
    info.summary
        = QStringLiteral("CPU-bound work blocks its own loop and no other; I/O waits overlap everywhere");
    info.explanation = QStringLiteral(
        "Each thread runs an event loop of its own, shown as its own lane. Inside one loop, tasks take "
        "turns on a single thread: that is concurrency, and it only helps while tasks wait. Loop 0 also "
        "runs a CPU-bound task that never awaits, so the fetches queued behind it on loop 0 start late. "
        "The other loops run on other threads, in parallel, and are not delayed at all. I/O waits overlap "
        "both within a loop and across loops. The loops run to the end first and their traces are then "
        "merged by time, so every run of the scenario gives the same trace.");
    info.sourcePath = QStringLiteral(":/scenarios/threads.cpp");
    info.parameters = {
        { QStringLiteral("loops"), QStringLiteral("how many threads, each with its own event loop"), 3, 1,
            8 },
        { QStringLiteral("cpu_ms"),
            QStringLiteral("how long the CPU-bound task on loop 0 computes, in milliseconds"), 1500, 0,
            60000 },
        { QStringLiteral("latency_ms"), QStringLiteral("how long each fetch takes, in milliseconds"), 2000, 1,
            600000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
