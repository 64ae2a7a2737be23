// Scenario "paginated": fetching pages of items one by one, all at once, or a few at a time.
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/combinators.h"
#include "scheduler/semaphore.h"

#include <numeric>
#include <vector>

namespace Loopscope {

namespace {

constexpr int ItemsPerPage = 50;

// One page: a request for the next 50 items.
Task<int> fetchPage(int page, nanoseconds latency)
{
    co_await io(QStringLiteral("GET /items?from=%1").arg(page * ItemsPerPage), latency,
        QStringLiteral("%1 items").arg(ItemsPerPage));
    co_return ItemsPerPage;
}

// The same page, but only while holding one of the limit's permits.
Task<int> fetchPageWithin(Semaphore &limit, int page, nanoseconds latency)
{
    co_await limit.acquire(); // waits while `concurrency` requests are in flight
    const Semaphore::Permit permit(limit);
    co_await io(QStringLiteral("GET /items?from=%1").arg(page * ItemsPerPage), latency,
        QStringLiteral("%1 items").arg(ItemsPerPage));
    co_return ItemsPerPage;
}

QString report(int pages, int items, std::int64_t ns)
{
    return QStringLiteral("%1 pages, %2 items in %3").arg(pages).arg(items).arg(formatDuration(ns));
}

// Sequential: each request waits for the previous page.
Task<void> oneByOne(int pages, nanoseconds latency)
{
    Scheduler &loop = co_await thisScheduler();
    int items = 0;
    for (int page = 0; page < pages; ++page) {
        co_await io(QStringLiteral("GET /items?from=%1").arg(page * ItemsPerPage), latency,
            QStringLiteral("%1 items").arg(ItemsPerPage));
        items += ItemsPerPage;
    }
    co_await say(report(pages, items, loop.now()));
}

// Unbounded: every page is requested at once.
Task<void> allAtOnce(int pages, nanoseconds latency)
{
    Scheduler &loop = co_await thisScheduler();
    std::vector<TaskHandle<int>> requests;
    for (int page = 0; page < pages; ++page)
        requests.push_back(
            loop.spawn(fetchPage(page, latency), QStringLiteral("unbounded p%1").arg(page + 1)));
    const std::vector<int> counts
        = co_await gather(std::move(requests)).named(QStringLiteral("unbounded gather"));
    const int items = std::accumulate(counts.begin(), counts.end(), 0);
    co_await say(report(pages, items, loop.now()));
}

// Bounded: every page is requested at once, but at most `concurrency` are in flight.
Task<void> fewAtATime(Semaphore &limit, int pages, nanoseconds latency)
{
    Scheduler &loop = co_await thisScheduler();
    std::vector<TaskHandle<int>> requests;
    for (int page = 0; page < pages; ++page)
        requests.push_back(
            loop.spawn(fetchPageWithin(limit, page, latency), QStringLiteral("bounded p%1").arg(page + 1)));
    const std::vector<int> counts
        = co_await gather(std::move(requests)).named(QStringLiteral("bounded gather"));
    const int items = std::accumulate(counts.begin(), counts.end(), 0);
    co_await say(
        report(pages, items, loop.now()) + QStringLiteral(", at most %1 in flight").arg(limit.peakHeld()));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int pages = static_cast<int>(integerParameter(params, QStringLiteral("pages")));
    const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
    const int concurrency = static_cast<int>(integerParameter(params, QStringLiteral("concurrency")));
    const qint64 mode = integerParameter(params, QStringLiteral("mode"));
    auto run = std::make_unique<SchedulerRun>();
    auto &limit = run->hold(std::make_unique<Semaphore>(concurrency, QStringLiteral("limit")));
    if (mode == 0 || mode == 1)
        run->loop().spawn(oneByOne(pages, latency), QStringLiteral("sequential"));
    if (mode == 0 || mode == 2)
        run->loop().spawn(allAtOnce(pages, latency), QStringLiteral("unbounded"));
    if (mode == 0 || mode == 3)
        run->loop().spawn(fewAtATime(limit, pages, latency), QStringLiteral("bounded"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makePaginatedScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("paginated");
    info.title = QStringLiteral("Paginated fetching: sequential, unbounded, bounded");
    info.summary = QStringLiteral("Pages of 50 items fetched one by one, all at once, or a few at a time");
    info.explanation = QStringLiteral(
        "A service hands out its items in pages of 50, and each page is a request that mostly waits. "
        "Fetching them one by one costs one full wait per page. Requesting every page at once finishes "
        "in about one wait, but puts every request on the service at the same moment. A semaphore limits "
        "how many requests are in flight: the total becomes the number of rounds times one wait, and the "
        "load on the service stays bounded. The three strategies run side by side on one loop.");
    info.sourcePath = QStringLiteral(":/scenarios/paginated.cpp");
    info.parameters = {
        { QStringLiteral("pages"), QStringLiteral("how many pages of 50 items to fetch"), 6, 1, 1000 },
        { QStringLiteral("latency_ms"), QStringLiteral("how long each page takes, in milliseconds"), 500, 1,
            600000 },
        { QStringLiteral("concurrency"),
            QStringLiteral("how many requests the bounded strategy keeps in flight"), 2, 1, 100 },
        strategyModeParameter(),
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
