// loopscope-bench http: pages fetched from the demo API at 100 ms latency with C requests in flight,
// by our HTTP client on the scheduler and, in the same run against the same server, by curl
// --parallel, Python aiohttp and Node's fetch. The server runs in its own process on CPU 0; every
// client runs on CPU 1. The floor is ceil(pages / C) x latency.
#include "bench.h"
#include "benchutil.h"

#include "net/connector.h"
#include "net/demotls.h"
#include "scheduler/combinators.h"

#include <functional>

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/resource.h>

using namespace Loopscope;

namespace {

struct Measurement
{
    QString client;
    double seconds = 0;           //!< wall time of the fetching
    double cpuSeconds = -1;       //!< CPU of the client process
    double serverCpuSeconds = -1; //!< CPU the server used meanwhile
    qint64 ok = 0;                //!< pages answered 200
    int peakInFlight = -1;
    QString note;
};

//! The collection at `port`: http, or https when a CA file is given.
QUrl collectionUrl(quint16 port, const QString &caFile)
{
    return QUrl(
        QStringLiteral("%1://127.0.0.1:%2/api/items").arg(caFile.isEmpty() ? "http" : "https").arg(port));
}

QList<QUrl> pageUrls(const QUrl &collection, int pages)
{
    QList<QUrl> urls;
    for (int i = 0; i < pages; ++i) {
        QUrl url = collection;
        url.setQuery(QStringLiteral("from=%1").arg(i * 50));
        urls << url;
    }
    return urls;
}

HttpClientOptions clientOptions(const QString &caFile)
{
    HttpClientOptions options;
    options.caFile = caFile;
    return options;
}

Task<void> fetchWorker(HttpClient &client, const QList<QUrl> &urls, qsizetype &next, qint64 &ok)
{
    while (next < urls.size()) {
        const QUrl url = urls[next++];
        const HttpResponse response = co_await client.get(url);
        ok += response.status == 200;
    }
}

Measurement runOurs(
    const QList<QUrl> &urls, int concurrency, const QString &caFile = {}, bool recordPhases = true)
{
    Scheduler scheduler(SchedulerOptions { ClockMode::Real });
    HttpClientOptions options = clientOptions(caFile);
    options.recordPhases = recordPhases;
    HttpClient client(options);
    qsizetype next = 0;
    Measurement m { QStringLiteral("loopscope") };
    const double cpu = Bench::ownCpuSeconds();
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < concurrency; ++i)
        scheduler.spawn(fetchWorker(client, urls, next, m.ok), QStringLiteral("worker %1").arg(i + 1));
    scheduler.runUntilIdle();
    m.seconds = double(wall.nsecsElapsed()) / 1e9;
    m.cpuSeconds = Bench::ownCpuSeconds() - cpu;
    m.peakInFlight = client.statistics().peakInFlight;
    std::vector<std::int64_t> waits;
    for (const IoRecord &record : scheduler.trace().ioRecords())
        waits.push_back(record.endNs - record.startNs);
    std::sort(waits.begin(), waits.end());
    if (!waits.empty())
        m.note = QStringLiteral("request time p50 %1 ms, p99 %2 ms, max %3 ms")
                     .arg(double(waits[waits.size() / 2]) / 1e6, 0, 'f', 1)
                     .arg(double(waits[waits.size() * 99 / 100]) / 1e6, 0, 'f', 1)
                     .arg(double(waits.back()) / 1e6, 0, 'f', 1);
    const HttpClientStatistics &stats = client.statistics();
    if (stats.tlsFullHandshakes + stats.tlsResumed > 0)
        m.note += QStringLiteral("; TLS: %1 full, %2 resumed")
                      .arg(stats.tlsFullHandshakes)
                      .arg(stats.tlsResumed);
    return m;
}

Measurement runConnector(quint16 port, int pages, int concurrency, const QString &caFile = {})
{
    QTemporaryDir dir;
    FetchOptions options;
    options.url = collectionUrl(port, caFile);
    options.concurrency = concurrency;
    options.maxPages = pages;
    Scheduler scheduler(SchedulerOptions { ClockMode::Real });
    HttpClient client(clientOptions(caFile));
    LandingZone zone(dir.filePath(QStringLiteral("items.jsonl")), options.identity());
    Connector connector(client, options, zone);
    Measurement m { QStringLiteral("loopscope fetch") };
    const double cpu = Bench::ownCpuSeconds();
    QElapsedTimer wall;
    wall.start();
    const FetchSummary summary = scheduler.runUntilComplete(connector.run());
    m.seconds = double(wall.nsecsElapsed()) / 1e9;
    m.cpuSeconds = Bench::ownCpuSeconds() - cpu;
    m.ok = summary.progress.pagesLanded;
    m.peakInFlight = summary.progress.peakInFlight;
    m.note = QStringLiteral("parses every page and lands %1 items as JSON Lines").arg(summary.progress.items);
    return m;
}

double childrenCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

//! Runs a peer on CPU 1; it prints "<seconds> <ok>" (its own timing) or we time the whole process.
Measurement runPeer(const QString &name, const QString &program, const QStringList &args, bool selfTimed)
{
    Measurement m { name };
    QProcess process;
    const double cpu = childrenCpuSeconds();
    QElapsedTimer wall;
    wall.start();
    process.start(
        QStringLiteral("taskset"), QStringList { QStringLiteral("-c"), QStringLiteral("1"), program } + args);
    if (!process.waitForFinished(600'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m.seconds = -1;
        m.note = QStringLiteral("failed: %1")
                     .arg(QString::fromLocal8Bit(process.readAllStandardError()).trimmed().left(200));
        return m;
    }
    m.seconds = double(wall.nsecsElapsed()) / 1e9;
    m.cpuSeconds = childrenCpuSeconds() - cpu;
    const QList<QByteArray> words = process.readAllStandardOutput().trimmed().split(' ');
    if (selfTimed && words.size() >= 2) {
        m.seconds = words[0].toDouble();
        m.ok = words[1].toLongLong();
    }
    return m;
}

Measurement runCurl(const QList<QUrl> &urls, int concurrency, const QString &dir, const QString &caFile = {})
{
    QFile config(dir + QStringLiteral("/curl.cfg"));
    config.open(QIODevice::WriteOnly);
    for (const QUrl &url : urls)
        config.write("url = \"" + url.toEncoded() + "\"\noutput = \"/dev/null\"\n");
    config.close();
    const int parallel = std::min(concurrency, 300); // the curl CLI refuses more than 300
    Measurement m = runPeer(QStringLiteral("curl --parallel"), QStringLiteral("curl"),
        { QStringLiteral("--parallel"), QStringLiteral("--parallel-immediate"),
            QStringLiteral("--parallel-max"), QString::number(parallel), QStringLiteral("-s"),
            QStringLiteral("--cacert"), caFile.isEmpty() ? QStringLiteral("/dev/null") : caFile,
            QStringLiteral("-K"), config.fileName() },
        false);
    m.ok = m.seconds > 0 ? urls.size() : 0;
    if (parallel < concurrency)
        m.note = QStringLiteral("capped at %1 in flight by curl").arg(parallel);
    return m;
}

Measurement runAiohttp(quint16 port, int pages, int concurrency)
{
    const QString script = QStringLiteral(R"(
import asyncio, sys, time, aiohttp
async def main(port, pages, c):
    sem = asyncio.Semaphore(c)
    ok = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:
        async def one(i):
            nonlocal ok
            async with sem:
                async with s.get(f"http://127.0.0.1:{port}/api/items?from={i*50}") as r:
                    await r.read()
                    ok += r.status == 200
        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(pages)))
        print(time.perf_counter() - start, ok)
asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
)");
    return runPeer(QStringLiteral("python aiohttp"), QStringLiteral("/usr/bin/python3"),
        { QStringLiteral("-c"), script, QString::number(port), QString::number(pages),
            QString::number(concurrency) },
        true);
}

Measurement runNode(quint16 port, int pages, int concurrency)
{
    const QString script = QStringLiteral(R"(
const [port, pages, c] = process.argv.slice(-3).map(Number);
let next = 0, ok = 0;
async function worker() {
  while (next < pages) {
    const i = next++;
    const r = await fetch(`http://127.0.0.1:${port}/api/items?from=${i * 50}`);
    await r.text();
    if (r.status === 200) ok++;
  }
}
const start = performance.now();
Promise.all(Array.from({length: c}, worker)).then(() => console.log((performance.now() - start) / 1000, ok));
)");
    return runPeer(QStringLiteral("node fetch"), QStringLiteral("node"),
        { QStringLiteral("-e"), script, QString::number(port), QString::number(pages),
            QString::number(concurrency) },
        true);
}

//! nghttp2's h2load speaking HTTP/1.1 over TLS, C connections, each page once; it times itself.
Measurement runH2load(const QList<QUrl> &urls, int concurrency, const QString &dir)
{
    if (QStandardPaths::findExecutable(QStringLiteral("h2load")).isEmpty()) {
        Measurement missing { QStringLiteral("h2load"), -1 };
        missing.note = QStringLiteral("not installed (apt-get install nghttp2-client)");
        return missing;
    }
    QFile list(dir + QStringLiteral("/h2load-urls.txt"));
    list.open(QIODevice::WriteOnly);
    for (const QUrl &url : urls)
        list.write(url.toEncoded() + '\n');
    list.close();
    QProcess process;
    const double cpu = childrenCpuSeconds();
    process.start(QStringLiteral("taskset"),
        { QStringLiteral("-c"), QStringLiteral("1"), QStringLiteral("h2load"), QStringLiteral("--h1"),
            QStringLiteral("-n"), QString::number(urls.size()), QStringLiteral("-c"),
            QString::number(concurrency), QStringLiteral("-i"), list.fileName() });
    Measurement m { QStringLiteral("h2load --h1") };
    if (!process.waitForFinished(600'000) || process.exitCode() != 0) {
        m.seconds = -1;
        m.note = QStringLiteral("failed: %1")
                     .arg(QString::fromLocal8Bit(process.readAllStandardError()).left(200));
        return m;
    }
    m.cpuSeconds = childrenCpuSeconds() - cpu;
    const QString output = QString::fromLocal8Bit(process.readAllStandardOutput());
    // "finished in 1.16s, 862.07 req/s, ..." and "requests: 1000 total, ... 1000 succeeded, ..."
    const QRegularExpressionMatch finished
        = QRegularExpression(QStringLiteral("finished in ([0-9.]+)(ms|s)")).match(output);
    const QRegularExpressionMatch succeeded
        = QRegularExpression(QStringLiteral("(\\d+) succeeded")).match(output);
    if (finished.hasMatch())
        m.seconds
            = finished.captured(1).toDouble() / (finished.captured(2) == QLatin1String("ms") ? 1000.0 : 1.0);
    m.ok = succeeded.hasMatch() ? succeeded.captured(1).toLongLong() : 0;
    return m;
}

QString ratio(double peer, double ours)
{
    return peer > 0 && ours > 0 ? QString::number(peer / ours, 'f', 2) : QStringLiteral("n/a");
}

//! The table of one size: each client's wall time, CPU per request, the server's CPU load meanwhile
//! (100% is a saturated server), pages answered, peak in flight.
void printRuns(QTextStream &out, const QString &title, int pages, const QList<Measurement> &runs)
{
    out << title;
    out << QStringLiteral("  %1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("client"), -18)
               .arg(QStringLiteral("wall s"), 8)
               .arg(QStringLiteral("CPU ms/req"), 11)
               .arg(QStringLiteral("server CPU"), 11)
               .arg(QStringLiteral("ok"), 7)
               .arg(QStringLiteral("peak in flight"), 15);
    for (const Measurement &m : runs) {
        out << QStringLiteral("  %1 %2 %3 %4 %5 %6  %7\n")
                   .arg(m.client, -18)
                   .arg(m.seconds > 0 ? QString::number(m.seconds, 'f', 3) : QStringLiteral("-"), 8)
                   .arg(m.cpuSeconds >= 0 ? QString::number(m.cpuSeconds * 1000.0 / pages, 'f', 3)
                                          : QStringLiteral("?"),
                       11)
                   .arg(m.serverCpuSeconds >= 0 && m.seconds > 0
                           ? QStringLiteral("%1%").arg(100.0 * m.serverCpuSeconds / m.seconds, 0, 'f', 0)
                           : QStringLiteral("?"),
                       11)
                   .arg(m.ok, 7)
                   .arg(m.peakInFlight >= 0 ? QString::number(m.peakInFlight) : QStringLiteral("-"), 15)
                   .arg(m.note);
    }
}

//! One size against one server: its page cache warmed, then our client, the connector and the
//! `peers`, as a table. runs[0] is our client, runs[1] the connector.
//! One client's run, measured.
using Peer = std::function<Measurement()>;

struct SizeRuns
{
    double floor = 0; //!< the latency bound: rounds of `concurrency` pages, one latency each
    QList<Measurement> runs;
};

//! Each client `repeats` times in turn, the fastest complete run of each kept (the machine is shared:
//! one slow run says little).
SizeRuns measureSize(QTextStream &out, const QString &what, const QUrl &collection,
    const Bench::ServerProcess &server, int pages, int concurrency, int latency, const QString &caFile,
    int repeats, const std::function<QList<Peer>(const QList<QUrl> &)> &peers)
{
    SizeRuns size;
    const QList<QUrl> urls = pageUrls(collection, pages);
    size.floor = std::ceil(double(pages) / concurrency) * latency / 1000.0;
    runOurs(pageUrls(collection, std::min(pages, 2 * concurrency)), concurrency, caFile); // warm the cache
    for (int round = 0; round < repeats; ++round) {
        QList<Peer> clients { [&] { return runOurs(urls, concurrency, caFile); },
            [&] { return runConnector(server.port(), pages, concurrency, caFile); } };
        clients << peers(urls);
        QList<Measurement> runs;
        for (const Peer &client : clients) {
            const double serverCpu = Bench::processCpuSeconds(server.pid());
            runs << client();
            if (serverCpu >= 0)
                runs.last().serverCpuSeconds = Bench::processCpuSeconds(server.pid()) - serverCpu;
        }
        for (qsizetype i = 0; i < runs.size(); ++i) {
            if (i >= size.runs.size())
                size.runs << runs[i];
            else if (runs[i].ok >= size.runs[i].ok && runs[i].seconds < size.runs[i].seconds)
                size.runs[i] = runs[i];
        }
    }
    printRuns(out,
        QStringLiteral("\n%1 %2, %3 in flight (floor %4 s%5)\n")
            .arg(pages)
            .arg(what)
            .arg(concurrency)
            .arg(size.floor, 0, 'f', 2)
            .arg(repeats > 1 ? QStringLiteral("; best of %1").arg(repeats) : QString()),
        pages, size.runs);
    return size;
}

} // namespace

int benchHttp(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int latency = Bench::intOption(args, QStringLiteral("--latency"), 100);
    const bool peers = !args.contains(QStringLiteral("--no-peers"));
    const bool tlsOnly = args.contains(QStringLiteral("--tls-only"));
    const int repeats = std::max(1, Bench::intOption(args, QStringLiteral("--repeat"), 1));
    const QList<std::pair<int, int>> sizes { { 10'000, 1'000 }, { 1'000, 100 } };
    QStringList results;
    QTemporaryDir dir;
    if (!tlsOnly) {
        Bench::ServerProcess server(10'000 * 50, latency);
        if (!server.start(err))
            return 1;
        if (server.pinned() && !Bench::pinToCpu(1, err))
            return 1;
        out << "http: demo server in its own process"
            << (server.pinned() ? " on CPU 0, clients on CPU 1" : "") << ", " << latency
            << " ms per response\n";
        const QUrl collection = collectionUrl(server.port(), {});
        for (const auto &[pages, concurrency] : sizes) {
            const auto [floor, runs] = measureSize(out, QStringLiteral("pages"), collection, server, pages,
                concurrency, latency, {}, repeats, [&](const QList<QUrl> &urls) {
                    if (!peers)
                        return QList<Peer> {};
                    return QList<Peer> { [&, urls] { return runCurl(urls, concurrency, dir.path()); },
                        [&] { return runAiohttp(server.port(), pages, concurrency); },
                        [&] { return runNode(server.port(), pages, concurrency); } };
                });
            const double ours = runs[0].seconds;
            const auto peer = [&runs](int index) { return index < runs.size() ? runs[index].seconds : -1.0; };
            results << QStringLiteral(
                "RESULT http pages=%1 c=%2 wall_s=%3 vs_limit=%4 vs_curl=%5 vs_aiohttp=%6 vs_node=%7 "
                "cpu_ms_per_req=%8 peak_in_flight=%9 connector_vs_client=%10")
                           .arg(pages)
                           .arg(concurrency)
                           .arg(ours, 0, 'f', 3)
                           .arg(ours / floor, 0, 'f', 3)
                           .arg(ratio(peer(2), ours), ratio(peer(3), ours), ratio(peer(4), ours))
                           .arg(runs[0].cpuSeconds * 1000.0 / pages, 0, 'f', 3)
                           .arg(runs[0].peakInFlight)
                           .arg(runs[1].seconds / ours, 0, 'f', 3);
        }
        // What recording the phases of every attempt costs (the Network view's data): the same
        // run with and without, alternated, best of five each.
        {
            const int pages = 1'000;
            const int concurrency = 100;
            const QList<QUrl> urls = pageUrls(collection, pages);
            Measurement on { QStringLiteral("phases on") }, off { QStringLiteral("phases off") };
            on.seconds = off.seconds = on.cpuSeconds = off.cpuSeconds = 1e9;
            for (int round = 0; round < 5; ++round) {
                for (const bool record : { true, false }) {
                    const Measurement m = runOurs(urls, concurrency, {}, record);
                    Measurement &best = record ? on : off;
                    best.seconds = std::min(best.seconds, m.seconds);
                    best.cpuSeconds = std::min(best.cpuSeconds, m.cpuSeconds);
                }
            }
            out << QStringLiteral("\nrecording the phases, %1 pages at C = %2: wall %3 s with, %4 s without; "
                                  "CPU %5 ms a request with, %6 ms without\n")
                       .arg(pages)
                       .arg(concurrency)
                       .arg(on.seconds, 0, 'f', 3)
                       .arg(off.seconds, 0, 'f', 3)
                       .arg(on.cpuSeconds * 1000.0 / pages, 0, 'f', 4)
                       .arg(off.cpuSeconds * 1000.0 / pages, 0, 'f', 4);
            results << QStringLiteral(
                "RESULT http_phases pages=%1 c=%2 wall_on_s=%3 wall_off_s=%4 wall_ratio=%5 "
                "cpu_ms_per_req_on=%6 cpu_ms_per_req_off=%7 goal_wall_ratio=1.05")
                           .arg(pages)
                           .arg(concurrency)
                           .arg(on.seconds, 0, 'f', 3)
                           .arg(off.seconds, 0, 'f', 3)
                           .arg(on.seconds / off.seconds, 0, 'f', 3)
                           .arg(on.cpuSeconds * 1000.0 / pages, 0, 'f', 4)
                           .arg(off.cpuSeconds * 1000.0 / pages, 0, 'f', 4);
        }
    }
    // The same over TLS: our pool of QSslSockets (a full handshake per connection, then keep-alive)
    // against curl and h2load on a server with the demo certificate.
    Bench::ServerProcess server(10'000 * 50, latency, true);
    if (!server.start(err))
        return 1;
    const QString caFile = dir.filePath(QStringLiteral("demo-ca.pem"));
    if (const QString problem = DemoTls::writeCaFile(caFile); !problem.isEmpty()) {
        err << problem << '\n';
        return 1;
    }
    out << "\nhttps: the same server with the demo certificate (ECDSA P-256), TLS 1.3\n";
    const QUrl collection = collectionUrl(server.port(), caFile);
    for (const auto &[pages, concurrency] : { std::pair { 1'000, 100 }, std::pair { 10'000, 1'000 } }) {
        const auto [floor, runs] = measureSize(out, QStringLiteral("pages over TLS"), collection, server,
            pages, concurrency, latency, caFile, repeats, [&](const QList<QUrl> &urls) {
                if (!peers)
                    return QList<Peer> {};
                return QList<Peer> { [&, urls] { return runCurl(urls, concurrency, dir.path(), caFile); },
                    [&, urls] { return runH2load(urls, concurrency, dir.path()); } };
            });
        const double ours = runs[0].seconds;
        const auto peer = [&runs](int index) { return index < runs.size() ? runs[index].seconds : -1.0; };
        results << QStringLiteral(
            "RESULT http_tls pages=%1 c=%2 wall_s=%3 vs_limit=%4 vs_h2load=%5 vs_curl=%6 "
            "cpu_ms_per_req=%7 connector_vs_client=%8")
                       .arg(pages)
                       .arg(concurrency)
                       .arg(ours, 0, 'f', 3)
                       .arg(ours / floor, 0, 'f', 3)
                       .arg(ratio(peer(3), ours), ratio(peer(2), ours))
                       .arg(runs[0].cpuSeconds * 1000.0 / pages, 0, 'f', 3)
                       .arg(runs[1].seconds / ours, 0, 'f', 3);
    }
    out << '\n';
    for (const QString &line : results)
        out << line << '\n';
    return 0;
}
