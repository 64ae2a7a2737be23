// Scenario "send": values sent into a running generator, and what closing it does.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scenarios/tracedgenerator.h"

namespace Loopscope {

namespace {

// Waits for a number, hands back its square, waits for the next one; forever, until closed.
TracedGenerator<int, int> squarer()
{
    const auto cleanup = co_await onClose(QStringLiteral("cleanup: the squarer shuts down"));
    int x = co_yield received; // nothing to hand back yet: just wait for the first number
    for (;;)
        x = co_yield x * x;
}

Task<void> feed(int first, int count, nanoseconds pause)
{
    auto squares = squarer().named(QStringLiteral("squarer"));

    // Too early: the body has not reached a co_yield, so nothing there could take the value.
    QString refusal;
    try {
        co_await squares.send(first);
    } catch (const InvalidStateError &error) {
        refusal = error.message();
    }
    co_await say(QStringLiteral("error: %1").arg(refusal));

    co_await squares.next(); // priming: run the body up to its first co_yield
    for (int x = first; x < first + count; ++x) {
        const std::optional<int> square = co_await squares.send(x);
        co_await say(QStringLiteral("%1 squared is %2").arg(x).arg(square.value()));
        co_await sleep(pause); // the feeder works on the answer; the generator waits where it yielded
    }
    co_await squares.close(); // the suspended body is destroyed: its cleanup runs
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int first = static_cast<int>(integerParameter(params, QStringLiteral("first")));
    const int count = static_cast<int>(integerParameter(params, QStringLiteral("count")));
    const auto pause = std::chrono::milliseconds(integerParameter(params, QStringLiteral("pause_ms")));
    auto run = std::make_unique<SchedulerRun>();
    run->loop().spawn(feed(first, count, pause), QStringLiteral("feeder"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeSendScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("send");
    info.title = QStringLiteral("Sending values into a generator");
    info.summary = QStringLiteral("A squaring generator is primed, fed numbers with send(), then closed");
    info.explanation = QStringLiteral(
        "A generator can also take values: send(v) resumes it and v becomes the result of the yield it "
        "was paused at. A fresh generator is paused before its first line, where no yield can receive "
        "anything, so sending to it is refused. Calling next() once first runs it to its first yield "
        "(priming); from then on every send(x) comes back with x squared, and the generator stays paused "
        "while the feeder works on the answer. Closing the generator destroys "
        "its paused body, which runs its cleanup code.");
    info.sourcePath = QStringLiteral(":/scenarios/sendvalues.cpp");
    info.parameters = {
        { QStringLiteral("first"), QStringLiteral("the first number sent"), 2, -1000, 1000 },
        { QStringLiteral("count"), QStringLiteral("how many numbers are sent after priming"), 2, 1, 100 },
        { QStringLiteral("pause_ms"),
            QStringLiteral("how long the feeder works on each answer, in milliseconds"), 500, 0, 60000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
