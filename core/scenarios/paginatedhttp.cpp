// Scenario "paginated-http": the same three strategies as "paginated", for real, over HTTP
// against the built-in demo API running in this process (real clock).
#include "run/schedulerrun.h"
#include "scenarios/builtinscenario.h"
#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"

#include "net/demoserver.h"
#include "net/httpclient.h"
#include "scheduler/combinators.h"
#include "scheduler/semaphore.h"

#include <vector>

namespace Loopscope {

namespace {

QUrl pageOf(const QUrl &collection, int page)
{
    QUrl url = collection;
    url.setQuery(QStringLiteral("from=%1").arg(page * 50));
    return url;
}

// One page over HTTP; returns how many bytes it brought.
Task<qsizetype> getPage(HttpClient &http, QUrl url)
{
    const HttpResponse response = co_await http.get(url);
    co_return response.body.size();
}

Task<qsizetype> getPageWithin(Semaphore &limit, HttpClient &http, QUrl url)
{
    co_await limit.acquire(); // waits while `concurrency` requests are on the wire
    const Semaphore::Permit permit(limit);
    const HttpResponse response = co_await http.get(url);
    co_return response.body.size();
}

QString report(int pages, std::int64_t startNs, std::int64_t endNs)
{
    return QStringLiteral("%1 pages in %2").arg(pages).arg(formatDuration(endNs - startNs));
}

Task<void> oneByOne(HttpClient &http, QUrl collection, int pages)
{
    Scheduler &loop = co_await thisScheduler();
    const std::int64_t start = loop.now();
    for (int page = 0; page < pages; ++page)
        co_await http.get(pageOf(collection, page));
    co_await say(report(pages, start, loop.now()));
}

Task<void> allAtOnce(HttpClient &http, QUrl collection, int pages)
{
    Scheduler &loop = co_await thisScheduler();
    const std::int64_t start = loop.now();
    std::vector<TaskHandle<qsizetype>> requests;
    for (int page = 0; page < pages; ++page)
        requests.push_back(loop.spawn(
            getPage(http, pageOf(collection, page)), QStringLiteral("unbounded p%1").arg(page + 1)));
    co_await gather(std::move(requests));
    co_await say(report(pages, start, loop.now()));
}

Task<void> fewAtATime(Semaphore &limit, HttpClient &http, QUrl collection, int pages)
{
    Scheduler &loop = co_await thisScheduler();
    const std::int64_t start = loop.now();
    std::vector<TaskHandle<qsizetype>> requests;
    for (int page = 0; page < pages; ++page)
        requests.push_back(loop.spawn(getPageWithin(limit, http, pageOf(collection, page)),
            QStringLiteral("bounded p%1").arg(page + 1)));
    co_await gather(std::move(requests));
    co_await say(
        report(pages, start, loop.now()) + QStringLiteral(", at most %1 in flight").arg(limit.peakHeld()));
}

std::unique_ptr<Run> start(const ScenarioParams &params)
{
    const int pages = static_cast<int>(integerParameter(params, QStringLiteral("pages")));
    const int concurrency = static_cast<int>(integerParameter(params, QStringLiteral("concurrency")));
    const qint64 mode = integerParameter(params, QStringLiteral("mode"));
    SchedulerOptions options;
    options.clock = ClockMode::Real;
    auto run = std::make_unique<SchedulerRun>(options);
    DemoServer::Options serverOptions;
    serverOptions.items = qint64(pages) * 50;
    serverOptions.latencyMs = static_cast<int>(integerParameter(params, QStringLiteral("latency_ms")));
    auto &server = run->hold(DemoServer::startLocal(serverOptions));
    auto &http = run->hold(std::make_unique<HttpClient>());
    auto &limit = run->hold(std::make_unique<Semaphore>(concurrency, QStringLiteral("limit")));
    const QUrl collection = server.itemsUrl();
    if (mode == 0 || mode == 1)
        run->loop().spawn(oneByOne(http, collection, pages), QStringLiteral("sequential"));
    if (mode == 0 || mode == 2)
        run->loop().spawn(allAtOnce(http, collection, pages), QStringLiteral("unbounded"));
    if (mode == 0 || mode == 3)
        run->loop().spawn(fewAtATime(limit, http, collection, pages), QStringLiteral("bounded"));
    return run;
}

} // namespace

std::unique_ptr<Scenario> makePaginatedHttpScenario()
{
    ScenarioInfo info;
    info.id = QStringLiteral("paginated-http");
    info.title = QStringLiteral("Paginated fetching over real HTTP");
    info.summary
        = QStringLiteral("The paginated strategies for real, against the built-in demo API (real clock)");
    info.explanation = QStringLiteral(
        "The same three strategies as the simulated paginated scenario, but every page is a real HTTP "
        "request to the demo API, which this scenario starts on 127.0.0.1 and which answers after the "
        "chosen latency. Times are wall-clock: one by one costs a latency per page, all at once about one "
        "latency, and the bounded strategy one latency per round of `concurrency` requests.");
    info.sourcePath = QStringLiteral(":/scenarios/paginatedhttp.cpp");
    info.clock = ClockMode::Real;
    info.parameters = {
        { QStringLiteral("pages"), QStringLiteral("how many pages of 50 items to fetch"), 6, 1, 200 },
        { QStringLiteral("latency_ms"),
            QStringLiteral("how long the demo API takes per page, in milliseconds"), 200, 0, 5000 },
        { QStringLiteral("concurrency"),
            QStringLiteral("how many requests the bounded strategy keeps in flight"), 2, 1, 100 },
        strategyModeParameter(),
    };
    return std::make_unique<BuiltinScenario>(std::move(info), start);
}

} // namespace Loopscope
