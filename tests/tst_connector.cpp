#include "cli/fetchcommand.h"
#include "net/connector.h"
#include "net/demoserver.h"
#include "net/retrieval.h"
#include "scheduler/scheduler.h"
#include "trace/tracestats.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

struct Landed
{
    QList<qint64> ids; //!< item ids in file order
    qsizetype lines = 0;
    bool tornLine = false;
};

Landed readLanded(const QString &path)
{
    Landed landed;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return landed;
    const QByteArray all = file.readAll();
    landed.tornLine = !all.isEmpty() && !all.endsWith('\n');
    for (const QByteArray &line : all.split('\n')) {
        if (line.isEmpty())
            continue;
        ++landed.lines;
        landed.ids.append(QJsonDocument::fromJson(line).object().value(QStringLiteral("id")).toInteger(-1));
    }
    return landed;
}

//! Every id 0..n-1 exactly once, whatever the order.
bool exactlyOnce(QList<qint64> ids, qint64 n)
{
    std::sort(ids.begin(), ids.end());
    if (ids.size() != n)
        return false;
    for (qint64 i = 0; i < n; ++i) {
        if (ids[i] != i)
            return false;
    }
    return true;
}

struct Fixture
{
    DemoServer server;
    QTemporaryDir dir;
    explicit Fixture(qint64 items, int latencyMs = 0, int jitterMs = 0)
    {
        DemoServer::Options options;
        options.items = items;
        options.latencyMs = latencyMs;
        options.jitterMs = jitterMs;
        server.setOptions(options);
        server.listen();
    }
    QString out() const { return dir.filePath(QStringLiteral("items.jsonl")); }
};

FetchSummary fetch(const FetchOptions &options, const QString &out, HttpClientOptions http = {},
    int *traceInFlight = nullptr)
{
    http.backoffBase = 5ms;
    http.backoffMax = 20ms;
    Scheduler scheduler(SchedulerOptions { ClockMode::Real });
    HttpClient client(http);
    LandingZone zone(out, options.identity());
    Connector connector(client, options, zone);
    FetchSummary summary = scheduler.runUntilComplete(connector.run());
    if (traceInFlight)
        *traceInFlight = peakIoInFlight(scheduler.trace());
    return summary;
}

} // namespace

class TestConnector : public QObject
{
    Q_OBJECT
private slots:
    void everyStrategyLandsEachItemOnce_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("concurrency");
        QTest::newRow("sequential") << int(FetchStrategy::Sequential) << 1;
        QTest::newRow("unbounded") << int(FetchStrategy::Unbounded) << 1;
        QTest::newRow("bounded 7") << int(FetchStrategy::Bounded) << 7;
        QTest::newRow("adaptive") << int(FetchStrategy::Adaptive) << 2;
    }
    void everyStrategyLandsEachItemOnce()
    {
        QFETCH(int, strategy);
        QFETCH(int, concurrency);
        Fixture f(1234, 5, 3);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.strategy = FetchStrategy(strategy);
        options.concurrency = concurrency;
        const FetchSummary summary = fetch(options, f.out());
        QCOMPARE(summary.progress.pagesFailed, 0);
        QCOMPARE(summary.progress.items, 1234);
        QCOMPARE(summary.progress.pagesTotal, 25);
        const Landed landed = readLanded(f.out());
        QVERIFY(!landed.tornLine);
        QVERIFY(exactlyOnce(landed.ids, 1234));
        if (FetchStrategy(strategy) == FetchStrategy::Sequential)
            QCOMPARE(summary.progress.peakInFlight, 1);
        if (FetchStrategy(strategy) == FetchStrategy::Unbounded)
            QCOMPARE(summary.progress.peakInFlight, 24); // everything after the first page at once
        if (FetchStrategy(strategy) == FetchStrategy::Adaptive)
            QVERIFY(summary.peakLimit > concurrency);
    }

    void boundedConcurrencyIsExactlyC()
    {
        Fixture f(50 * 40, 60);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.strategy = FetchStrategy::Bounded;
        options.concurrency = 9;
        int traced = 0;
        const FetchSummary summary = fetch(options, f.out(), {}, &traced);
        QCOMPARE(traced, 9); // the trace itself shows 9 requests on the wire at once
        QCOMPARE(summary.progress.peakInFlight, 9);
        QCOMPARE(f.server.statistics().peakOpenRequests, 9);
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 2000));
    }

    void nextLinkStyleFollowsLinks()
    {
        Fixture f(333);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.style = PaginationStyle::NextLink;
        const FetchSummary summary = fetch(options, f.out());
        QCOMPARE(summary.progress.items, 333);
        QCOMPARE(summary.progress.peakInFlight, 1);
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 333));
    }

    void transientFaultsAreRetried()
    {
        Fixture f(500);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.url.setQuery(QStringLiteral("fault=500&fault_times=2"));
        options.concurrency = 4;
        const FetchSummary summary = fetch(options, f.out());
        QCOMPARE(summary.progress.pagesFailed, 0);
        QVERIFY(summary.progress.retries >= 20); // every page failed twice before it landed
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 500));
    }

    void failedPagesAreReportedNotLost()
    {
        Fixture f(300);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.url.setQuery(QStringLiteral("fault=malformed"));
        HttpClientOptions http;
        http.maxAttempts = 2;
        const FetchSummary summary = fetch(options, f.out(), http);
        QCOMPARE(summary.progress.pagesLanded, 0);
        QVERIFY(summary.progress.pagesFailed >= 1);
        QVERIFY(summary.failures.first().error.startsWith(QStringLiteral("malformed JSON")));
        QFile manifest(LandingZone::manifestPathFor(f.out()));
        QVERIFY(manifest.open(QIODevice::ReadOnly));
        QVERIFY(manifest.readAll().contains("\"error\":\"malformed JSON"));
    }

    void resumesAfterAnInterruptedRun()
    {
        Fixture f(1000);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.concurrency = 3;
        options.maxPages = 7; // the first run stops early, as if interrupted
        fetch(options, f.out());
        QCOMPARE(readLanded(f.out()).lines, 350);
        {
            // A crash while writing: an unrecorded page and a torn line at the end of the data.
            QFile data(f.out());
            QVERIFY(data.open(QIODevice::Append));
            data.write("{\"id\":999999}\n{\"id\":12");
        }
        options.maxPages = 0;
        std::optional<LandingZone> zone;
        zone.emplace(f.out(), options.identity());
        QCOMPARE(zone->resumedPages(), 7);
        QCOMPARE(zone->discardedBytes(), qint64(strlen("{\"id\":999999}\n{\"id\":12")));
        zone.reset();
        const FetchSummary summary = fetch(options, f.out());
        QCOMPARE(summary.progress.pagesResumed, 7);
        QCOMPARE(summary.progress.pagesLanded, 20);
        const Landed landed = readLanded(f.out());
        QVERIFY(!landed.tornLine);
        QVERIFY(exactlyOnce(landed.ids, 1000));

        // A third run finds nothing left to do and fetches nothing.
        f.server.resetStatistics();
        fetch(options, f.out());
        QCOMPARE(f.server.statistics().requestsReceived, qint64(0));
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 1000));
    }

    void refusesAnotherRetrievalsOutput()
    {
        Fixture f(100);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        fetch(options, f.out());
        options.pageSize = 20;
        try {
            LandingZone zone(f.out(), options.identity());
            QFAIL("a different page size must not resume this output");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("belongs to another retrieval")),
                qPrintable(e.message()));
        }
    }

    void retrievalRunsAsAScenarioAgainstTheDemoApi()
    {
        RetrievalSettings settings;
        settings.demoItems = 640;
        settings.demoLatencyMs = 20;
        settings.fetch.concurrency = 4;
        QTemporaryDir dir;
        settings.outputPath = dir.filePath(QStringLiteral("items.jsonl"));
        FetchProgress last;
        int updates = 0;
        auto run = startRetrieval(settings, [&](const FetchProgress &p) {
            last = p;
            ++updates;
        });
        run->runToEnd();
        QVERIFY(run->isFinished());
        QCOMPARE(last.pagesLanded, 13);
        QCOMPARE(last.items, 640);
        QVERIFY(updates >= 13);
        QCOMPARE(peakIoInFlight(run->trace()), 4);
        QVERIFY(exactlyOnce(readLanded(settings.outputPath).ids, 640));
        // The result reads as words, not as a C++ type name.
        const Trace &trace = run->trace();
        QString result;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            if (trace.at(i).kind == EventKind::TaskReturned && trace.taskName(trace.at(i).task) == u"fetch")
                result = trace.detailText(trace.at(i));
        }
        QCOMPARE(result, QStringLiteral("13 pages, 640 items, 0 failed, 0 retries"));

        RetrievalSettings bad;
        bad.fetch.concurrency = 0;
        QVERIFY_THROWS_EXCEPTION(Error, startRetrieval(bad));
    }

    void progressIsToldInOneLine()
    {
        FetchProgress p;
        p.pagesTotal = 40;
        p.pagesLanded = 12;
        p.pagesResumed = 2;
        p.items = 600;
        p.inFlight = 8;
        p.peakInFlight = 9;
        p.elapsedSeconds = 2;
        QCOMPARE(p.pagesPerSecond(), 5.0);
        QCOMPARE(p.secondsLeft(), 28.0 / 5.0);
        QCOMPARE(p.describe(),
            QStringLiteral("pages 12/40 · items 600 · in flight 8 (peak 9) · errors 0 · 5 pages/s"));
        p.pagesTotal = -1;
        QCOMPARE(p.secondsLeft(), -1.0);
        QVERIFY(p.describe().startsWith(QStringLiteral("pages 12/? ")));
    }

    void fetchCommandLandsAndReports()
    {
        Fixture f(420);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const int code = runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                             QStringLiteral("--concurrency"), QStringLiteral("4") },
            out, err);
        out.flush();
        err.flush();
        QCOMPARE(code, 0);
        QVERIFY2(
            outText.startsWith(QStringLiteral("landed 9 pages (420 items, 9 new)")), qPrintable(outText));
        QVERIFY(errText.contains(QStringLiteral("pages 9/9")));
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 420));
    }

    void fetchCommandSavesTheTrace_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("marker");
        QTest::newRow("native") << "t.loopscope" << QByteArray("\"io_submitted\"");
        QTest::newRow("perfetto") << "t.json" << QByteArray("\"traceEvents\"");
        QTest::newRow("har") << "t.har" << QByteArray("\"entries\"");
    }
    void fetchCommandSavesTheTrace()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, marker);
        Fixture f(120);
        const QString tracePath = f.dir.filePath(file);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet"), QStringLiteral("--trace"), tracePath },
                     out, err),
            0);
        QFile saved(tracePath);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        const QByteArray bytes = saved.readAll();
        QVERIFY2(bytes.contains(marker), bytes.left(300).constData());
        QVERIFY(bytes.contains("api/items?from=100"));
    }

    void fetchCommandExitsNonZeroOnFailures()
    {
        Fixture f(100);
        QUrl url = f.server.itemsUrl();
        url.setQuery(QStringLiteral("fault=500"));
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const int code = runFetchCommand(
            { url.toString(), QStringLiteral("--out"), f.out(), QStringLiteral("--attempts"),
                QStringLiteral("2"), QStringLiteral("--quiet") },
            out, err);
        out.flush();
        QCOMPARE(code, 1);
        QVERIFY2(outText.contains(QStringLiteral("page 0 failed after 2 attempts: HTTP 500")),
            qPrintable(outText));
    }

    void fetchCommandRejectsBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no url") << QStringList { "--out", "x" } << "fetch needs the collection's URL";
        QTest::newRow("no out") << QStringList { "http://127.0.0.1:1/api/items" } << "fetch needs --out FILE";
        QTest::newRow("bad concurrency") << QStringList { "http://127.0.0.1:1/", "--out", "x",
            "--concurrency", "0" } << "--concurrency must be a whole number between 1 and 10000";
        QTest::newRow("bad strategy") << QStringList { "http://127.0.0.1:1/", "--out", "x", "--strategy",
            "fast" } << "unknown strategy \"fast\"";
        QTest::newRow("bad scheme") << QStringList { "ftp://127.0.0.1/", "--out", "x" }
                                    << "not an http(s) URL";
        QTest::newRow("bad trace") << QStringList { "http://127.0.0.1:1/", "--out", "x", "--trace", "t.txt" }
                                   << "--trace must name a .loopscope, .json (Perfetto) or .har file";
    }
    void fetchCommandRejectsBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand(args, out, err), 2);
        err.flush();
        QVERIFY2(errText.contains(message), qPrintable(errText));
    }
};

QTEST_GUILESS_MAIN(TestConnector)
#include "tst_connector.moc"
