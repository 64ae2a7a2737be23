// loopscope-bench adaptive: the connector against demo sources with a limit it is not told —
// a hard limit of L requests at once (more get 429 without Retry-After), L workers with a queue, a
// limit that changes (40, then 10, then 40), and no limit — each fetched by `adaptive` and by the
// strategies that would need to know the limit: `bounded` at the true limit, `bounded` above it,
// and `unbounded` (at the same ceiling as adaptive). Wall time, pages failed, peak in flight.

#include "bench.h"
#include "benchutil.h"

#include "net/connector.h"
#include "net/demoserver.h"
#include "net/httpclient.h"
#include "net/landingzone.h"
#include "scheduler/scheduler.h"

#include <QTemporaryDir>
#include <QTextStream>

using namespace Loopscope;

namespace {

struct Outcome
{
    double seconds = 0;
    qint64 failed = 0;
    int peakInFlight = 0;
    qint64 refusalsWaited = 0;
    std::vector<std::pair<std::int64_t, int>> limitHistory;
};

Outcome fetchFrom(
    const DemoServer::Options &source, qint64 pages, const std::function<void(FetchOptions &)> &strategy)
{
    DemoServer server;
    server.setOptions(source);
    server.listen();
    QTemporaryDir dir;
    FetchOptions options;
    options.url = server.itemsUrl();
    options.pageSize = source.pageSize;
    options.maxPages = pages;
    strategy(options);
    Scheduler scheduler(SchedulerOptions { ClockMode::Real });
    HttpClient client;
    LandingZone zone(dir.filePath(QStringLiteral("items.jsonl")), options.identity());
    Connector connector(client, options, zone);
    const auto start = Bench::Clock::now();
    const FetchSummary summary = scheduler.runUntilComplete(connector.run());
    Outcome outcome;
    outcome.seconds = Bench::secondsSince(start);
    outcome.failed = summary.progress.pagesFailed + (pages - summary.progress.pagesLanded);
    outcome.peakInFlight = server.statistics().peakOpenRequests;
    outcome.refusalsWaited = summary.progress.overloadRetries;
    outcome.limitHistory = summary.limitHistory;
    return outcome;
}

} // namespace

int benchAdaptive(const QStringList &args)
{
    QTextStream out(stdout);
    const int latencyMs = Bench::intOption(args, QStringLiteral("--latency-ms"), 100);
    const int limit = Bench::intOption(args, QStringLiteral("--limit"), 20);
    const int ceiling = Bench::intOption(args, QStringLiteral("--ceiling"), 100);
    // --source NAME runs one source only; --history prints adaptive's limit at each change.
    const qsizetype sourceAt = args.indexOf(QStringLiteral("--source"));
    const QString onlySource
        = sourceAt >= 0 && sourceAt + 1 < args.size() ? args.at(sourceAt + 1) : QString();
    const bool printHistory = args.contains(QStringLiteral("--history"));
    struct Source
    {
        QString name;
        QList<DemoServer::CapacityStep> capacity;
        DemoServer::Overload overload = DemoServer::Overload::Refuse;
        qint64 pages;
        int knownLimit; //!< what `bounded` is given as "the true limit"
    };
    const QList<Source> sources {
        { QStringLiteral("hard"), { { 0, limit } }, DemoServer::Overload::Refuse, 400, limit },
        { QStringLiteral("queue"), { { 0, limit } }, DemoServer::Overload::Queue, 400, limit },
        { QStringLiteral("changing"), { { 0, 40 }, { 3000, 10 }, { 6000, 40 } }, DemoServer::Overload::Refuse,
            2400, 10 },
        { QStringLiteral("none"), {}, DemoServer::Overload::Refuse, 100LL * ceiling, ceiling },
    };
    out << "adaptive: " << latencyMs << " ms a page, 10 items a page; adaptive may try " << ceiling
        << " at once\n";
    int status = 0;
    for (const Source &s : sources) {
        if (!onlySource.isEmpty() && s.name != onlySource)
            continue;
        DemoServer::Options source;
        source.items = s.pages * 10;
        source.pageSize = 10;
        source.latencyMs = latencyMs;
        source.capacity = s.capacity;
        source.overload = s.overload;
        const Outcome adaptive
            = fetchFrom(source, s.pages, [&](FetchOptions &o) { o.makeAdaptive(ceiling); });
        const Outcome known = fetchFrom(source, s.pages, [&](FetchOptions &o) {
            o.strategy = FetchStrategy::Bounded;
            o.concurrency = s.knownLimit;
        });
        const Outcome unbounded = fetchFrom(source, s.pages, [&](FetchOptions &o) {
            o.strategy = FetchStrategy::Unbounded;
            o.maxConcurrency = ceiling;
        });
        const auto line = [&](const char *name, const Outcome &o) {
            out << QStringLiteral(
                "  %1 %2: %3 s, %4 pages failed, peak %5 in flight at the source, %6 refusals "
                "waited out\n")
                       .arg(s.name, -8)
                       .arg(QLatin1StringView(name), -22)
                       .arg(o.seconds, 0, 'f', 2)
                       .arg(o.failed)
                       .arg(o.peakInFlight)
                       .arg(o.refusalsWaited);
        };
        line("adaptive", adaptive);
        if (printHistory) {
            out << "    limit (ms:limit):";
            const std::int64_t start
                = adaptive.limitHistory.empty() ? 0 : adaptive.limitHistory.front().first;
            for (const auto &[timeNs, value] : adaptive.limitHistory)
                out << ' ' << (timeNs - start) / 1'000'000 << ':' << value;
            out << '\n';
        }
        line(qPrintable(QStringLiteral("bounded C=%1 (known)").arg(s.knownLimit)), known);
        line(qPrintable(QStringLiteral("unbounded (%1)").arg(ceiling)), unbounded);
        out << QStringLiteral(
            "RESULT adaptive source=%1 pages=%2 adaptive_s=%3 adaptive_failed=%4 adaptive_peak=%5 "
            "bounded_known_s=%6 bounded_known_failed=%7 unbounded_s=%8 unbounded_failed=%9 "
            "vs_bounded_known=%10 vs_unbounded=%11\n")
                   .arg(s.name)
                   .arg(s.pages)
                   .arg(adaptive.seconds, 0, 'f', 3)
                   .arg(adaptive.failed)
                   .arg(adaptive.peakInFlight)
                   .arg(known.seconds, 0, 'f', 3)
                   .arg(known.failed)
                   .arg(unbounded.seconds, 0, 'f', 3)
                   .arg(unbounded.failed)
                   .arg(adaptive.seconds / known.seconds, 0, 'f', 3)
                   .arg(adaptive.seconds / unbounded.seconds, 0, 'f', 3);
        out.flush();
        if (adaptive.failed > 0)
            status = 1;
    }
    return status;
}
