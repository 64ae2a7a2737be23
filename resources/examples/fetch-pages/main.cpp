// fetch-pages: three coroutines on Loopscope's scheduler share the pages of the demo API's
// collection and fetch them with Loopscope's HTTP client; the trace of the run is then saved, to be
// read with `loopscope show` or opened in the window.
//
//   loopscope serve --port 8080        (prints the collection's URL)
//   fetch-pages http://127.0.0.1:8080/api/items run.loopscope
//   loopscope show run.loopscope
#include "io/tracefilewriter.h"
#include "io/tracestreamer.h"
#include "net/httpclient.h"
#include "scheduler/combinators.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <numeric>
#include <vector>

using namespace Loopscope;

namespace {

constexpr int Workers = 3;
constexpr int Pages = 6;
constexpr int PageSize = 20;

//! Fetches the pages first, first + Workers, ... one after the other; returns how many items came.
Task<int> fetchPages(HttpClient &http, QUrl collection, int first)
{
    int items = 0;
    for (int page = first; page < Pages; page += Workers) {
        QUrl url = collection;
        url.setQuery(QStringLiteral("from=%1&limit=%2").arg(page * PageSize).arg(PageSize));
        const HttpResponse response = co_await http.get(url);
        if (!response.isSuccess())
            throw Error(QStringLiteral("%1 answered %2").arg(url.toString(), describeResponse(response)));
        items += static_cast<int>(
            QJsonDocument::fromJson(response.body).object().value(QStringLiteral("items")).toArray().size());
    }
    co_return items;
}

//! Runs the workers side by side (each awaits its I/O while the others go on) and adds up their items.
Task<int> fetchAll(HttpClient &http, QUrl collection)
{
    Scheduler &loop = co_await thisScheduler();
    std::vector<TaskHandle<int>> workers;
    for (int worker = 0; worker < Workers; ++worker)
        workers.push_back(
            loop.spawn(fetchPages(http, collection, worker), QStringLiteral("worker %1").arg(worker + 1)));
    const std::vector<int> items = co_await gather(std::move(workers));
    co_return std::accumulate(items.begin(), items.end(), 0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 3) {
        err << QStringLiteral("usage: fetch-pages URL TRACE.loopscope\n"
                              "Fetches %1 pages of the demo API's collection at URL (as 'loopscope serve' "
                              "prints it) with %2 coroutines, then saves the trace of the run.\n")
                   .arg(Pages)
                   .arg(Workers);
        return 2;
    }
    const QUrl collection = QUrl::fromUserInput(args[1]);
    const QString tracePath = args[2];

    Scheduler loop(SchedulerOptions { ClockMode::Real }); // real I/O needs the real clock
    HttpClient http;
    try {
        // The one call that lets `loopscope --listen` draw this program live (LOOPSCOPE_LIVE).
        const auto live = TraceStreamer::fromEnvironment(loop.trace(), QStringLiteral("fetch-pages"));
        const int items = loop.runUntilComplete(fetchAll(http, collection), QStringLiteral("fetch all"));
        TraceFileWriter::save(loop.trace(),
            TraceMetadata::recordedNow(QStringLiteral("fetch-pages"), {}, ClockMode::Real), tracePath);
        out << "fetched " << Pages << " pages (" << items << " items); trace of " << loop.trace().size()
            << " events saved to " << tracePath << '\n';
    } catch (const std::exception &error) {
        err << "fetch-pages: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
