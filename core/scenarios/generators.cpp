// Scenario "generators": an iterator that runs dry, and a generator that makes values on demand.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scenarios/tracedgenerator.h"

namespace Loopscope {

namespace {

// A generator: none of this runs until the consumer asks for a value, and then only up to the
// next co_yield.
TracedGenerator<int> countUpTo(int n)
{
    for (int i = 0; i < n; ++i)
        co_yield i;
}

Task<void> consume(int n, nanoseconds pause)
{
    // An iterator over a list: the values exist already, the iterator only walks past them.
    const QList<int> list { 1, 2, 3 };
    for (auto it = list.cbegin(); it != list.cend(); ++it)
        co_await say(QStringLiteral("next(iterator) -> %1").arg(*it));
    co_await say(QStringLiteral("StopIteration: list exhausted"));

    // A generator: each value is made when next() asks for it, at the consumer's pace.
    auto numbers = countUpTo(n).named(QStringLiteral("numbers"));
    while (const std::optional<int> value = co_await numbers.next()) {
        co_await say(QStringLiteral("got %1").arg(*value));
        co_await sleep(pause);
    }
    co_await say(QStringLiteral("StopIteration: numbers is exhausted"));

    // Its values were handed out once; a second pass finds nothing.
    int again = 0;
    while (co_await numbers.next())
        ++again;
    co_await say(QStringLiteral("second pass over numbers: %1 values").arg(again));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int n = static_cast<int>(integerParameter(params, QStringLiteral("n")));
    const auto pause = std::chrono::milliseconds(integerParameter(params, QStringLiteral("pause_ms")));
    auto run = std::make_unique<SchedulerRun>();
    run->loop().spawn(consume(n, pause), QStringLiteral("consumer"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makeGeneratorsScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("generators");
    info.title = QStringLiteral("Iterators and lazy generators");
    info.summary
        = QStringLiteral("A list iterator runs dry; a generator computes each value only when asked");
    info.explanation = QStringLiteral(
        "Walking a list with an iterator only visits values that already exist; past the last one the "
        "iterator reports that it is exhausted (StopIteration). A generator holds no values at all: its "
        "body is paused at a yield, and each request for the next value runs it just far enough to "
        "produce one. The trace shows the consumer and the generator taking turns, each value appearing "
        "at the moment it is asked for. Once the body has finished, the generator is spent: a second "
        "pass over it yields nothing.");
    info.sourcePath = QStringLiteral(":/scenarios/generators.cpp");
    info.parameters = {
        { QStringLiteral("n"), QStringLiteral("how many values the generator yields (0 to n-1)"), 3, 0,
            1000 },
        { QStringLiteral("pause_ms"),
            QStringLiteral("how long the consumer works on each value, in milliseconds"), 500, 0, 60000 },
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
