#include "cli/fetchcommand.h"
#include "cli/mergecommand.h"
#include "io/chrometraceexport.h"
#include "io/eventrange.h"
#include "net/adaptivelimiter.h"
#include "net/connector.h"
#include "net/demoitems.h"
#include "net/demoserver.h"
#include "net/demotls.h"
#include "net/retrieval.h"
#include "net/tlsserver.h"
#include "scheduler/scheduler.h"
#include "testlib/scriptedserver.h"
#include "trace/tracestats.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QProcess>
#include <QSysInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <csignal>

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

//! Checks that a fetch landed all `items` items exactly once, in whole lines, no page failed.
void verifyLandedWhole(const FetchSummary &summary, const QString &out, qint64 items)
{
    QCOMPARE(summary.progress.pagesFailed, 0);
    QCOMPARE(summary.progress.items, items);
    const Landed landed = readLanded(out);
    QVERIFY(!landed.tornLine);
    QVERIFY(exactlyOnce(landed.ids, items));
}

struct Fixture
{
    DemoServer server;
    QTemporaryDir dir;
    explicit Fixture(qint64 items, int latencyMs = 0, int jitterMs = 0)
        : Fixture([&] {
            DemoServer::Options options;
            options.items = items;
            options.latencyMs = latencyMs;
            options.jitterMs = jitterMs;
            return options;
        }())
    { }
    explicit Fixture(const DemoServer::Options &options)
    {
        server.setOptions(options);
        server.listen();
        if (options.tls)
            DemoTls::writeCaFile(caFile());
    }
    QString out() const { return dir.filePath(QStringLiteral("items.jsonl")); }
    QString caFile() const { return dir.filePath(QStringLiteral("demo-ca.pem")); }
};

//! A demo source of `items` items, ten a page, `latencyMs` a page, that serves `capacity` at once.
DemoServer::Options limitedSource(qint64 items, int latencyMs,
    const QList<DemoServer::CapacityStep> &capacity,
    DemoServer::Overload overload = DemoServer::Overload::Refuse)
{
    DemoServer::Options source;
    source.items = items;
    source.pageSize = 10;
    source.latencyMs = latencyMs;
    source.capacity = capacity;
    source.overload = overload;
    return source;
}

//! Fetching `f`'s collection ten items a page.
FetchOptions pagesOfTen(const Fixture &f)
{
    FetchOptions options;
    options.url = f.server.itemsUrl();
    options.pageSize = 10;
    return options;
}

FetchSummary fetch(const FetchOptions &options, const QString &out, HttpClientOptions http = {},
    int *traceInFlight = nullptr, const std::function<void(const Trace &)> &inspect = {})
{
    http.backoffBase = 5ms;
    http.backoffMax = 20ms;
    Scheduler scheduler(SchedulerOptions { ClockMode::Real });
    HttpClient client(http);
    LandingZone zone(out, options.identity());
    Connector connector(client, options, zone);
    FetchSummary summary = scheduler.runUntilComplete(connector.run());
    // Requests whose callers were cancelled end in the background: let them, before the client goes.
    if (!QTest::qWaitFor([&client] { return client.statistics().exchangesRunning == 0; }, 15'000))
        qWarning("requests still on the wire after 15 s");
    if (traceInFlight)
        *traceInFlight = peakIoInFlight(scheduler.trace());
    if (inspect)
        inspect(scheduler.trace());
    return summary;
}

/*!
 * Pages of 50 items by number (?page=1...) and no total: pages 1-8 full and at once, page 9 short
 * (20 items) after 150 ms, pages past it empty after 1.5 s, so that a run that waits for them shows.
 */
class PagesEndingLate : public QTcpServer
{
public:
    PagesEndingLate()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { answer(socket); });
        });
        listen(QHostAddress::LocalHost);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/api/items").arg(serverPort())); }

private:
    void answer(QTcpSocket *socket)
    {
        QByteArray &input = m_input[socket];
        input += socket->readAll();
        const qsizetype end = input.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray line = input.left(input.indexOf("\r\n"));
        input.remove(0, end + 4);
        const qsizetype at = line.indexOf("page=");
        const qint64 page = at < 0 ? 1 : line.mid(at + 5).split('&').first().split(' ').first().toLongLong();
        const qint64 index = page - 1;
        const int count = index < 8 ? 50 : index == 8 ? 20 : 0;
        QByteArray body = R"({"page":)" + QByteArray::number(page) + R"(,"data":[)";
        for (int i = 0; i < count; ++i)
            body += (i ? "," : "") + DemoItems::item(index * 50 + i);
        body += "]}";
        const QByteArray response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        const int delayMs = index < 8 ? 0 : index == 8 ? 150 : 1500;
        QTimer::singleShot(delayMs, socket, [this, socket, response] {
            socket->write(response);
            ++m_answered;
        });
    }

    QHash<QTcpSocket *, QByteArray> m_input;
    int m_answered = 0;

public:
    //! Requests answered so far.
    int answered() const { return m_answered; }
};

QByteArray readAllOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
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
        verifyLandedWhole(summary, f.out(), 1234);
        QCOMPARE(summary.progress.pagesTotal, 25);
        if (FetchStrategy(strategy) == FetchStrategy::Sequential)
            QCOMPARE(summary.progress.peakInFlight, 1);
        if (FetchStrategy(strategy) == FetchStrategy::Unbounded)
            QCOMPARE(summary.progress.peakInFlight, 24); // everything after the first page at once
        if (FetchStrategy(strategy) == FetchStrategy::Adaptive)
            QVERIFY(summary.peakLimit > concurrency);
    }

    void theEstimateCutsToWhatARefusalSays()
    {
        using Answer = ConcurrencyEstimate::Answer;
        ConcurrencyEstimate estimate(16, 100);
        QCOMPARE(estimate.limit(), 16);
        QVERIFY(estimate.isProbing());
        // Served without queueing while the limit holds requests back: it grows 0.35 an answer.
        for (int i = 0; i < 12; ++i)
            estimate.observe({ Answer::Served, 16, 16, i * 1000, i * 1000 + 100'000'000 });
        QCOMPARE(estimate.limit(), 20);
        // A program with little to send (2 in flight under 20) does not make it grow.
        estimate.observe({ Answer::Served, 2, 20, 20'000, 100'020'000 });
        QCOMPARE(estimate.limit(), 20);
        // Refused with 19 in flight: the source takes 18 at most.
        estimate.observe({ Answer::Overloaded, 19, 20, 30'000, 101'000'000 });
        QCOMPARE(estimate.limit(), 18);
        QVERIFY(!estimate.isProbing());
        // A refusal of a request sent before that cut says nothing new.
        estimate.observe({ Answer::Overloaded, 5, 20, 40'000, 102'000'000 });
        QCOMPARE(estimate.limit(), 18);
        // One sent after it does: the source's limit fell.
        estimate.observe({ Answer::Overloaded, 9, 18, 101'500'000, 102'500'000 });
        QCOMPARE(estimate.limit(), 8);
        // Never below one, never above the ceiling.
        estimate.observe({ Answer::Overloaded, 1, 8, 103'000'000, 103'100'000 });
        QCOMPARE(estimate.limit(), 1);
        ConcurrencyEstimate low(500, 40);
        QCOMPARE(low.limit(), 40);
    }

    void theEstimateStopsProbingWhenAnswersQueue()
    {
        using Answer = ConcurrencyEstimate::Answer;
        ConcurrencyEstimate estimate(16, 1000);
        std::int64_t now = 0;
        // A source of 20 workers, 100 ms each: beyond 20 in flight, answers wait their turn.
        const auto answer = [&](int inFlight) {
            const std::int64_t latency = std::max<std::int64_t>(100'000'000, 100'000'000LL * inFlight / 20);
            estimate.observe({ Answer::Served, inFlight, estimate.limit(), now, now + latency });
            now += 1'000'000;
        };
        int answers = 0;
        while (estimate.isProbing() && answers < 1000) {
            answer(estimate.limit());
            ++answers;
        }
        QVERIFY2(!estimate.isProbing(), "a queueing source was never noticed");
        QVERIFY2(
            estimate.limit() >= 20 && estimate.limit() <= 30, qPrintable(QString::number(estimate.limit())));
        // Then it stays near the workers: a queue of α to 2α requests beyond them.
        for (int i = 0; i < 2000; ++i)
            answer(estimate.limit());
        QVERIFY2(
            estimate.limit() >= 21 && estimate.limit() <= 30, qPrintable(QString::number(estimate.limit())));
    }

    void theEstimateGrowsOnABurstAndIsNotFooledByItsOwnDelays()
    {
        using Answer = ConcurrencyEstimate::Answer;
        ConcurrencyEstimate estimate(16, 100);
        // The first 16 requests went out at once: only the last filled the limit, yet every one of
        // them was held back by it, and each grows the limit.
        for (int i = 0; i < 16; ++i)
            estimate.observe({ Answer::Served, i + 1, 16, 0, 100'000'000, true });
        QCOMPARE(estimate.limit(), 21); // 16 + 16 × 0.35
        // The same answers, not held back (a program with little to send), would not have grown it.
        ConcurrencyEstimate idle(16, 100);
        for (int i = 0; i < 16; ++i)
            idle.observe({ Answer::Served, i + 1, 16, 0, 100'000'000, false });
        QCOMPARE(idle.limit(), 16);
        // At a limit of 90, a burst of answers read 6 % late (this program was busy; the source
        // did not queue: a queue of 5 < α = 5.9) does not end probing.
        ConcurrencyEstimate high(90, 200);
        high.observe({ Answer::Served, 90, 90, 0, 100'000'000, true });
        for (int i = 0; i < 8; ++i)
            high.observe({ Answer::Served, 90, 90, 1'000'000, 107'000'000, true });
        QVERIFY(high.isProbing());
        // One answer that waited behind half the requests in flight does (a queue of 2α or more):
        // 40 in flight, 20 of them queued, and the limit comes down to the 20 served and α.
        high.observe({ Answer::Served, 40, 90, 2'000'000, 202'000'000, true });
        QVERIFY(!high.isProbing());
        QCOMPARE(high.limit(), 25);
    }

    void adaptiveFindsAHardLimitAndLosesNoPage()
    {
        Fixture f(limitedSource(3000, 30, { { 0, 8 } }));
        FetchOptions options = pagesOfTen(f);
        options.makeAdaptive(60);
        HttpClientOptions http;
        http.maxAttempts = 2; // saturation must not use up the tries
        std::vector<int> traceCounter;
        std::size_t chromeCounter = 0;
        const FetchSummary summary = fetch(options, f.out(), http, nullptr, [&](const Trace &trace) {
            for (qsizetype i = 0; i < trace.size(); ++i) {
                const TraceEvent e = trace.at(i);
                if (e.kind == EventKind::CounterSet
                    && trace.labels().text(e.detail) == AdaptiveLimiter::CounterName)
                    traceCounter.push_back(int(e.other));
            }
            const QJsonArray events = QJsonDocument::fromJson(
                ChromeTraceExport::toJson(trace, EventRange::all(trace), QStringLiteral("fetch")))
                                          .object()
                                          .value(QStringLiteral("traceEvents"))
                                          .toArray();
            for (const QJsonValue &event : events) {
                const QJsonObject o = event.toObject();
                if (o.value(QStringLiteral("ph")).toString() == QStringLiteral("C")
                    && o.value(QStringLiteral("name")).toString() == AdaptiveLimiter::CounterName)
                    chromeCounter
                        += o.value(QStringLiteral("args")).toObject().contains(QStringLiteral("value"));
            }
        });
        verifyLandedWhole(summary, f.out(), 3000);
        QVERIFY(f.server.statistics().overloadRefused > 0);
        QVERIFY(summary.progress.overloadRetries >= f.server.statistics().overloadRefused);
        QCOMPARE(f.server.statistics().peakWorking, 8);
        // It settles at the source's limit: a refusal costs one request, not half the limit.
        const int last = summary.limitHistory.back().second;
        QVERIFY2(last >= 6 && last <= 10, qPrintable(QString::number(last)));
        QVERIFY(summary.progress.limitAdapts);
        QVERIFY(summary.progress.describe().contains(QStringLiteral(" · limit ")));
        // Each change is in the trace, and Perfetto draws them as a counter track.
        std::vector<int> limits;
        for (const auto &change : summary.limitHistory)
            limits.push_back(change.second);
        QCOMPARE(traceCounter, limits);
        QCOMPARE(chromeCounter, summary.limitHistory.size());
    }

    void adaptiveKeepsAQueueingSourceBusyButNotFlooded()
    {
        Fixture f(limitedSource(3000, 30, { { 0, 8 } }, DemoServer::Overload::Queue));
        FetchOptions options = pagesOfTen(f);
        options.makeAdaptive(60);
        const FetchSummary summary = fetch(options, f.out());
        verifyLandedWhole(summary, f.out(), 3000);
        QCOMPARE(f.server.statistics().peakWorking, 8);
        // Without the latency signal it would go to the ceiling, 60. It starts at 16, twice the
        // workers, and the first round's answers, served before the queued ones come back, may
        // still grow it by a round's growth (× 1.35).
        QVERIFY2(
            summary.progress.peakInFlight <= 21, qPrintable(QString::number(summary.progress.peakInFlight)));
        QVERIFY(summary.progress.peakInFlight >= 8);
    }

    void adaptiveFollowsALimitThatChanges()
    {
        Fixture f(limitedSource(25'000, 20, { { 0, 16 }, { 1500, 4 }, { 3000, 16 } }));
        FetchOptions options = pagesOfTen(f);
        options.makeAdaptive(40);
        const FetchSummary summary = fetch(options, f.out());
        verifyLandedWhole(summary, f.out(), 25'000);
        // Down to the 4 workers in the middle, and up again after (the source's clock starts a
        // little before the retrieval's).
        const std::int64_t start = summary.limitHistory.front().first;
        int lowest = 1000, highestAfter = 0;
        for (const auto &[timeNs, limit] : summary.limitHistory) {
            const double at = double(timeNs - start) / 1e9;
            if (at > 1.3 && at < 3.0)
                lowest = std::min(lowest, limit);
            if (at > 3.1)
                highestAfter = std::max(highestAfter, limit);
        }
        QVERIFY2(lowest <= 5, qPrintable(QString::number(lowest)));
        QVERIFY2(highestAfter >= 12, qPrintable(QString::number(highestAfter)));
    }

    void boundedAboveTheLimitWaitsOutRefusals()
    {
        Fixture f(limitedSource(1000, 20, { { 0, 5 } }));
        FetchOptions options = pagesOfTen(f);
        options.concurrency = 25;
        HttpClientOptions http;
        http.maxAttempts = 2;
        const FetchSummary summary = fetch(options, f.out(), http);
        verifyLandedWhole(summary, f.out(), 1000);
        QVERIFY(summary.progress.overloadRetries > 20); // far more than the 2 tries a page has
        QVERIFY(summary.progress.describe().contains(QStringLiteral("refusals waited out")));
    }

    void demoCapacityRefusesOrQueuesBeyondItsWorkers()
    {
        QString error;
        QCOMPARE(DemoServer::parseCapacity(QStringLiteral("40,10@3s,40@6500ms"), &error),
            (QList<DemoServer::CapacityStep> { { 0, 40 }, { 3000, 10 }, { 6500, 40 } }));
        for (const char *bad : { "x", "10@3s", "40,10", "40,10@3", "40,10@-1s", "40,10@3s,5@2s" }) {
            QVERIFY2(!DemoServer::parseCapacity(QString::fromLatin1(bad), &error), bad);
            QVERIFY2(!error.isEmpty(), bad);
        }
    }

    void everyShapeLandsEachItemOnce_data()
    {
        QTest::addColumn<int>("shape");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QStringList>("faults");
        QTest::addColumn<bool>("gzip");
        for (const bool tls : { false, true }) {
            const char *scheme = tls ? "https" : "http";
            QTest::addRow("items %s", scheme)
                << int(DemoServer::Shape::Items) << tls << QStringList() << false;
            QTest::addRow("drf %s", scheme) << int(DemoServer::Shape::Drf) << tls << QStringList() << false;
            QTest::addRow("github %s", scheme)
                << int(DemoServer::Shape::Github) << tls << QStringList() << false;
            QTest::addRow("stripe %s", scheme)
                << int(DemoServer::Shape::Stripe) << tls << QStringList() << false;
            QTest::addRow("page %s", scheme) << int(DemoServer::Shape::Page) << tls << QStringList() << false;
        }
        // Faults on every shape: 500, 429 and resets are retried; truncated and corrupt (gzip)
        // bodies are asked for again; nothing lands twice or goes missing.
        const QStringList faults { QStringLiteral("500"), QStringLiteral("429"), QStringLiteral("drop"),
            QStringLiteral("truncate"), QStringLiteral("malformed") };
        QTest::addRow("page https with faults") << int(DemoServer::Shape::Page) << true << faults << false;
        QTest::addRow("stripe http with faults")
            << int(DemoServer::Shape::Stripe) << false << faults << false;
        QTest::addRow("drf https with faults") << int(DemoServer::Shape::Drf) << true << faults << false;
        QTest::addRow("items gzip") << int(DemoServer::Shape::Items) << false << QStringList() << true;
        QTest::addRow("items gzip with faults") << int(DemoServer::Shape::Items) << false << faults << true;
        QTest::addRow("github https gzip with faults")
            << int(DemoServer::Shape::Github) << true << faults << true;
    }
    void everyShapeLandsEachItemOnce()
    {
        QFETCH(int, shape);
        QFETCH(bool, tls);
        QFETCH(QStringList, faults);
        QFETCH(bool, gzip);
        DemoServer::Options serverOptions;
        serverOptions.items = 1234;
        serverOptions.gzip = gzip;
        serverOptions.shape = DemoServer::Shape(shape);
        serverOptions.tls = tls;
        serverOptions.latencyMs = 2;
        if (!faults.isEmpty()) {
            serverOptions.errorRate = 0.2;
            serverOptions.retryAfterSeconds = 0;
            serverOptions.randomFaults.clear();
            for (const QString &name : faults)
                serverOptions.randomFaults.append(*DemoServer::faultFromName(name.toLatin1()));
        }
        Fixture f(serverOptions);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.concurrency = 6;
        switch (DemoServer::Shape(shape)) {
        case DemoServer::Shape::Items:
            break;
        case DemoServer::Shape::Drf:
            options.style = PaginationStyle::NextLink; // its body's "next"; items under "results"
            options.limitParam = QStringLiteral("page_size");
            break;
        case DemoServer::Shape::Github:
            options.style = PaginationStyle::NextLink; // the Link header; a bare array
            options.limitParam = QStringLiteral("per_page");
            break;
        case DemoServer::Shape::Stripe:
            options.style = PaginationStyle::Cursor;
            options.cursorParam = QStringLiteral("starting_after");
            options.format.cursorFromItem = JsonPointer { "id" };
            options.format.hasMore = JsonPointer { "has_more" };
            break;
        case DemoServer::Shape::Page:
            options.style = PaginationStyle::Page; // no total: pages until a short one
            options.limitParam = QStringLiteral("per_page");
            break;
        }
        HttpClientOptions http;
        http.caFile = tls ? f.caFile() : QString();
        http.maxAttempts = 12;
        const FetchSummary summary = fetch(options, f.out(), http);
        verifyLandedWhole(summary, f.out(), 1234);
        QCOMPARE(summary.progress.pagesLanded, 25);
        if (tls)
            QVERIFY(summary.tlsFullHandshakes >= 1);
        else
            QCOMPARE(summary.tlsFullHandshakes + summary.tlsResumed, 0);
        if (!faults.isEmpty())
            QVERIFY(summary.progress.retries > 0);
        const QString expectedKey = DemoServer::Shape(shape) == DemoServer::Shape::Drf
            ? QStringLiteral("results")
            : DemoServer::Shape(shape) == DemoServer::Shape::Github ? QString()
            : DemoServer::Shape(shape) == DemoServer::Shape::Items  ? QStringLiteral("items")
                                                                    : QStringLiteral("data");
        QCOMPARE(summary.itemsKey, expectedKey);
    }

    void theFirstWindowGoesOutAtOnceWhenTheSizeIsUnknown()
    {
        // No total in the pages: the first C pages are asked for together, not the first alone.
        DemoServer::Options serverOptions;
        serverOptions.items = 8 * 50 + 20;
        serverOptions.shape = DemoServer::Shape::Page;
        serverOptions.latencyMs = 20;
        Fixture f(serverOptions);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.style = PaginationStyle::Page;
        options.limitParam = QStringLiteral("per_page");
        options.concurrency = 9;
        const FetchSummary first = fetch(options, f.out());
        QCOMPARE(first.progress.items, 420);
        QCOMPARE(first.progress.pagesLanded, 9);
        QCOMPARE(first.progress.pagesFailed, 0);
        QCOMPARE(f.server.statistics().peakOpenRequests, 9); // the first window at once
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 420));

        // Pages 1-8 come at once and the short page 9 late: the workers meanwhile ask for pages
        // past it (answered only after 1.5 s). Once page 9 is in, those requests are cancelled, so
        // the run does not wait for them, and they are not landed.
        PagesEndingLate late;
        options.url = late.url();
        QFile::remove(f.out());
        QFile::remove(LandingZone::manifestPathFor(f.out()));
        QStringList cancelled;
        QStringList landedPages;
        const FetchSummary summary = fetch(options, f.out(), {}, nullptr, [&](const Trace &trace) {
            for (qsizetype i = 0; i < trace.size(); ++i) {
                const TraceEvent e = trace.at(i);
                if (e.kind == EventKind::TaskCancelled
                    && trace.taskName(e.task).startsWith(QStringLiteral("page")))
                    cancelled << trace.taskName(e.task);
                else if (e.kind == EventKind::TaskReturned
                    && trace.taskName(e.task).startsWith(QStringLiteral("page")))
                    landedPages << trace.taskName(e.task);
            }
        });
        QCOMPARE(summary.progress.items, 420);
        QCOMPARE(summary.progress.pagesLanded, 9);
        QCOMPARE(summary.progress.pagesFailed, 0);
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 420));
        QVERIFY2(cancelled.size() >= 8, qPrintable(cancelled.join(u',')));
        for (const QString &name : cancelled)
            QVERIFY2(name.section(u' ', 1).toInt() >= 9, qPrintable(name));
        for (const QString &name : landedPages)
            QVERIFY2(name.section(u' ', 1).toInt() < 9, qPrintable(name));
    }

    void itemsAreFoundWhereThePathSays()
    {
        HttpResponse response;
        response.url = QUrl(QStringLiteral("http://example/api"));
        response.body
            = R"({"hits":{"total":{"value":3},"hits":[{"id":1},{"id":2},{"id":3}]},"data":[{"id":9}]})";
        PageFormat format;
        format.items = JsonPointer { "hits", "hits" };
        format.total = JsonPointer { "hits", "total", "value" };
        QString error;
        const auto page = parsePage(response, format, &error);
        QVERIFY2(page, qPrintable(error));
        QCOMPARE(page->items.toList(), (QList<QByteArray> { R"({"id":1})", R"({"id":2})", R"({"id":3})" }));
        QCOMPARE(page->total, 3);
        QVERIFY(page->itemsKey.isEmpty());
        // Without a path, the usual key: "data".
        const auto detected = parsePage(response, PageFormat {}, &error);
        QVERIFY(detected);
        QCOMPARE(detected->itemsKey, QStringLiteral("data"));
        QCOMPARE(detected->items.size(), 1);
        // No array anywhere usual: the error names the keys the page has.
        response.body = R"({"rows":[1,2],"meta":{"cursor":"abc"}})";
        QVERIFY(!parsePage(response, PageFormat {}, &error));
        QVERIFY2(error.contains(QStringLiteral("\"rows\", \"meta\""))
                && error.contains(QStringLiteral("--items-path")),
            qPrintable(error));
        format = PageFormat {};
        format.items = JsonPointer { "rows" };
        format.cursor = JsonPointer { "meta", "cursor" };
        const auto rows = parsePage(response, format, &error);
        QVERIFY(rows);
        QCOMPARE(rows->cursor, QStringLiteral("abc"));
        format.items = JsonPointer { "nope" };
        QVERIFY(!parsePage(response, format, &error));
        QVERIFY2(error.contains(QStringLiteral("no array at /nope (--items-path)")), qPrintable(error));
        // JSON Pointers: escapes, the whole document, and what is not one.
        QCOMPARE(*parseJsonPointer(QStringLiteral("/a~1b/c~0d"), &error), (JsonPointer { "a/b", "c~d" }));
        QCOMPARE(*parseJsonPointer(QString(), &error), JsonPointer {});
        QVERIFY(!parseJsonPointer(QStringLiteral("data"), &error));
        QVERIFY2(error.contains(QStringLiteral("must start with /")), qPrintable(error));
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

    void cancellingAFetchStopsItInEveryStyle_data()
    {
        QTest::addColumn<int>("style");
        QTest::addColumn<int>("strategy");
        for (const auto &[name, style] : { std::pair { "offset", PaginationStyle::Offset },
                 std::pair { "page", PaginationStyle::Page }, std::pair { "next", PaginationStyle::NextLink },
                 std::pair { "cursor", PaginationStyle::Cursor } }) {
            QTest::addRow("%s bounded", name) << int(style) << int(FetchStrategy::Bounded);
            QTest::addRow("%s sequential", name) << int(style) << int(FetchStrategy::Sequential);
        }
        QTest::addRow("offset adaptive") << int(PaginationStyle::Offset) << int(FetchStrategy::Adaptive);
    }

    void cancellingAFetchStopsItInEveryStyle()
    {
        QFETCH(int, style);
        QFETCH(int, strategy);
        DemoServer::Options source;
        source.items = 100'000;
        source.latencyMs = 100;
        source.shape = PaginationStyle(style) == PaginationStyle::Cursor ? DemoServer::Shape::Stripe
            : PaginationStyle(style) == PaginationStyle::Page            ? DemoServer::Shape::Page
                                                                         : DemoServer::Shape::Items;
        Fixture f(source);
        FetchOptions options;
        options.url = f.server.itemsUrl();
        options.style = PaginationStyle(style);
        options.strategy = FetchStrategy(strategy);
        if (options.style == PaginationStyle::Page)
            options.format.items = parseJsonPointer(QStringLiteral("/data"), nullptr);
        if (options.style == PaginationStyle::Cursor) {
            options.cursorParam = QStringLiteral("starting_after");
            options.format.cursorFromItem = parseJsonPointer(QStringLiteral("/id"), nullptr);
            options.format.hasMore = parseJsonPointer(QStringLiteral("/has_more"), nullptr);
        }
        if (options.strategy == FetchStrategy::Adaptive)
            options.makeAdaptive(FetchOptions::AdaptiveCeiling);
        Scheduler scheduler(SchedulerOptions { ClockMode::Real });
        HttpClient client;
        QStringList problems;
        {
            LandingZone zone(f.out(), options.identity());
            Connector connector(client, options, zone);
            TaskHandle<FetchSummary> handle = scheduler.spawn(connector.run());
            // Cancelled while pages are on the wire, after some have landed.
            QTimer::singleShot(350, &scheduler, [&] { scheduler.cancel(handle); });
            QElapsedTimer waited;
            waited.start();
            QTimer::singleShot(10'000, &scheduler, [&] {
                problems << QStringLiteral("still running 10 s after the start");
                scheduler.cancel(handle);
            });
            scheduler.runUntilIdle();
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
            QVERIFY2(waited.elapsed() < 2'000, qPrintable(QString::number(waited.elapsed())));
            QCOMPARE(handle.state(), TaskState::Cancelled);
        }
        // What landed is whole, and a rerun resumes after it.
        const Landed landed = readLanded(f.out());
        QVERIFY(!landed.tornLine);
        QVERIFY(landed.lines > 0);
        QTRY_COMPARE(client.statistics().exchangesRunning, 0);
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

    void batchedPagesAreWrittenTogetherItemsBeforeTheirRecords()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("batched.jsonl"));
        FetchOptions options;
        options.url = QUrl(QStringLiteral("http://127.0.0.1:1/api/items"));
        const auto page = [](qint64 number) {
            PageRecord record;
            record.page = number;
            record.url = QStringLiteral("http://127.0.0.1:1/api/items?from=%1").arg(number * 2);
            record.status = 200;
            record.attempts = 1;
            return record;
        };
        const auto items = [](qint64 number) {
            JsonLines lines;
            lines.append(QByteArray("{\"id\":") + QByteArray::number(number * 2) + '}');
            lines.append(QByteArray("{\"id\":") + QByteArray::number(number * 2 + 1) + '}');
            return lines;
        };
        const auto lines = [](const QString &path) {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll().count('\n') : qsizetype(-1);
        };
        const QString manifest = LandingZone::manifestPathFor(out);
        {
            LandingZone zone(out, options.identity());
            zone.setBatched(true);
            zone.land(page(0), items(0));
            zone.land(page(1), items(1));
            QCOMPARE(lines(out), qsizetype(0));      // kept until the event loop runs
            QCOMPARE(lines(manifest), qsizetype(1)); // the identity line only
            QCoreApplication::processEvents();
            QCOMPARE(lines(out), qsizetype(4));
            QCOMPARE(lines(manifest), qsizetype(3));
            zone.land(page(2), items(2));
            PageRecord failed = page(3);
            failed.error = QStringLiteral("500 after 3 attempts");
            zone.recordFailure(failed);
            zone.commit(); // at once, when asked
            QCOMPARE(lines(out), qsizetype(6));
            QCOMPARE(lines(manifest), qsizetype(5));
            zone.land(page(4), items(4)); // left for the zone's end to write
        }
        QCOMPARE(lines(out), qsizetype(8));
        // Reopened, every page landed resumes, each where its record says.
        LandingZone again(out, options.identity());
        QCOMPARE(again.landedPages().size(), 4);
        QCOMPARE(again.itemsLanded(), qint64(8));
        QCOMPARE(again.discardedBytes(), qint64(0));
    }

    void aManifestLineReadsBackAsTheRecordItWrites()
    {
        PageRecord landed;
        landed.page = 41;
        landed.url = QStringLiteral("https://api.example/items?q=\"a\\b\"&name=Zoë\t1");
        landed.status = 200;
        landed.items = 50;
        landed.bytes = 123456789012;
        landed.attempts = 3;
        landed.fileOffset = 1LL << 40;
        landed.fileLength = 4096;
        landed.total = 9'000'000'000;
        landed.next = QStringLiteral("https://api.example/items?cursor=\u0001\u001f/");
        PageRecord failed = landed;
        failed.total.reset();
        failed.next.clear();
        failed.error = QStringLiteral("malformed JSON at byte 3: \"x\"\n");
        for (const PageRecord &record : { landed, failed }) {
            const QByteArray line = pageRecordLine(record);
            QVERIFY(!line.contains('\n'));
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            QVERIFY2(document.isObject(), qPrintable(error.errorString() + u' ' + QString::fromUtf8(line)));
            const QJsonObject object = document.object();
            QCOMPARE(object.contains(QStringLiteral("offset")), record.landed());
            QCOMPARE(object.contains(QStringLiteral("length")), record.landed());
            QCOMPARE(object.contains(QStringLiteral("error")), !record.landed());
            QCOMPARE(object.contains(QStringLiteral("total")), record.total.has_value());
            QCOMPARE(object.contains(QStringLiteral("next")), !record.next.isEmpty());
            const PageRecord back = pageRecordFromJson(object);
            QCOMPARE(back.page, record.page);
            QCOMPARE(back.status, record.status);
            QCOMPARE(back.items, record.items);
            QCOMPARE(back.bytes, record.bytes);
            QCOMPARE(back.attempts, record.attempts);
            QCOMPARE(back.fileLength, record.landed() ? record.fileLength : 0);
            QCOMPARE(back.url, record.url);
            QCOMPARE(back.error, record.error);
            QCOMPARE(back.next, record.next);
            QCOMPARE(back.total, record.total);
            QCOMPARE(back.fileOffset, record.landed() ? record.fileOffset : 0);
        }
        // Lines read back from a file count their items; each keeps its bytes.
        const JsonLines lines = JsonLines::fromBytes("{\"id\":1}\n[2]\n\"three\"\n");
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.toList(), (QList<QByteArray> { "{\"id\":1}", "[2]", "\"three\"" }));
        QVERIFY(JsonLines::fromBytes({}).isEmpty());
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
            QVERIFY2(e.message().contains(
                         QStringLiteral("belongs to another retrieval (its page_size is 50, this one's 20)")),
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
        QTest::newRow("native") << "t.loopscope" << QByteArray("\x89LOOPSCOPE");
        QTest::newRow("native as text") << "t.jsonl" << QByteArray("\"io_submitted\"");
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

    void headersAreSentAndSecretsNeverWrittenDown()
    {
        DemoServer::Options serverOptions;
        serverOptions.items = 120;
        serverOptions.token = "s3cr3t-token-value";
        Fixture f(serverOptions);
        qputenv("LOOPSCOPE_TEST_TOKEN", "Bearer s3cr3t-token-value");
        for (const QString &file : { QStringLiteral("run.har"), QStringLiteral("run.loopscope") }) {
            const QString tracePath = f.dir.filePath(file);
            QFile::remove(f.out());
            QFile::remove(LandingZone::manifestPathFor(f.out()));
            QString outText, errText;
            QTextStream out(&outText), err(&errText);
            QCOMPARE(
                runFetchCommand(
                    { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                        QStringLiteral("--quiet"), QStringLiteral("--trace"), tracePath,
                        QStringLiteral("--header-env"), QStringLiteral("Authorization=LOOPSCOPE_TEST_TOKEN"),
                        QStringLiteral("--header"), QStringLiteral("X-Api-Key: another-secret"),
                        QStringLiteral("--header"), QStringLiteral("X-Session: session-secret"),
                        QStringLiteral("--header"), QStringLiteral("X-Signature: signature-secret"),
                        QStringLiteral("--header"), QStringLiteral("Accept: application/json") },
                    out, err),
                0);
            QVERIFY(exactlyOnce(readLanded(f.out()).ids, 120)); // the server let the token through
            QFile saved(tracePath);
            QVERIFY(saved.open(QIODevice::ReadOnly));
            const QByteArray bytes = saved.readAll();
            for (const char *secret : { "s3cr3t", "another-secret", "session-secret", "signature-secret" })
                QVERIFY2(!bytes.contains(secret), qPrintable(file + u' ' + QLatin1String(secret)));
            QVERIFY2(bytes.contains("[redacted]") && bytes.contains("application/json"), qPrintable(file));
            for (const QString &text : { outText, errText })
                QVERIFY(!text.contains(QStringLiteral("s3cr3t")));
            QFile manifest(LandingZone::manifestPathFor(f.out()));
            QVERIFY(manifest.open(QIODevice::ReadOnly));
            QVERIFY(!manifest.readAll().contains("s3cr3t"));
        }
        // The token alone in a variable, sent as a Bearer token.
        qputenv("LOOPSCOPE_TEST_RAW_TOKEN", "s3cr3t-token-value");
        QFile::remove(f.out());
        QFile::remove(LandingZone::manifestPathFor(f.out()));
        {
            QString outText, errText;
            QTextStream out(&outText), err(&errText);
            QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                         QStringLiteral("--quiet"), QStringLiteral("--bearer-env"),
                                         QStringLiteral("LOOPSCOPE_TEST_RAW_TOKEN") },
                         out, err),
                0);
            QVERIFY(exactlyOnce(readLanded(f.out()).ids, 120));
        }
        qunsetenv("LOOPSCOPE_TEST_RAW_TOKEN");
        // Without the token: 401, said plainly, and not retried.
        QFile::remove(f.out());
        QFile::remove(LandingZone::manifestPathFor(f.out()));
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet") },
                     out, err),
            1);
        err.flush();
        // What the server said comes with the status, on the error stream.
        QVERIFY2(
            errText.contains(QStringLiteral("HTTP 401 Unauthorized: {\"error\":\"this API needs a token")),
            qPrintable(errText));
        // An unset variable, or a header that is not one, is refused before anything is fetched.
        qunsetenv("LOOPSCOPE_TEST_TOKEN");
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--header-env"),
                                     QStringLiteral("Authorization=LOOPSCOPE_TEST_TOKEN") },
                     out, err),
            2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("the environment variable LOOPSCOPE_TEST_TOKEN is not set")),
            qPrintable(errText));
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--header"), QStringLiteral("no colon here") },
                     out, err),
            2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("a header has no colon: write it as \"Name: value\"")),
            qPrintable(errText));
    }

    void shardsSplitACollectionAndMergeBackWhole()
    {
        DemoServer::Options serverOptions;
        serverOptions.items = 1234;
        serverOptions.shape = DemoServer::Shape::Page; // no total: each shard finds the end itself
        Fixture f(serverOptions);
        const auto fetchShard = [&f](const QString &shard, const QString &out, const QStringList &more = {}) {
            QString outText, errText;
            QTextStream outStream(&outText), errStream(&errText);
            return runFetchCommand(QStringList { f.server.itemsUrl().toString(), QStringLiteral("--style"),
                                       QStringLiteral("page"), QStringLiteral("--limit-param"),
                                       QStringLiteral("per_page"), QStringLiteral("--shard"), shard,
                                       QStringLiteral("--out"), out, QStringLiteral("--quiet") }
                    + more,
                outStream, errStream);
        };
        const auto merge = [](const QStringList &args, QString *message = nullptr) {
            QString outText, errText;
            QTextStream outStream(&outText), errStream(&errText);
            const int status = runMergeCommand(args, outStream, errStream);
            outStream.flush();
            errStream.flush();
            if (message)
                *message = outText + errText;
            return status;
        };
        QStringList parts;
        for (int k = 1; k <= 3; ++k) {
            parts << f.dir.filePath(QStringLiteral("part%1.jsonl").arg(k));
            QCOMPARE(fetchShard(QStringLiteral("%1/3").arg(k), parts.last()), 0);
            // Each part holds only its own pages: 0, 3, 6... for the first.
            for (const qint64 id : readLanded(parts.last()).ids)
                QCOMPARE((id / 50) % 3, k - 1);
        }
        QString message;
        const QString whole = f.dir.filePath(QStringLiteral("whole.jsonl"));
        QCOMPARE(merge(QStringList { whole } + parts, &message), 0);
        QVERIFY2(message.contains(QStringLiteral("merged 25 pages (1234 items) from 3 parts")),
            qPrintable(message));
        const Landed landed = readLanded(whole);
        QVERIFY(exactlyOnce(landed.ids, 1234));
        QVERIFY(std::is_sorted(landed.ids.begin(), landed.ids.end())); // pages in order
        // What does not make a whole is refused, and nothing is written.
        const QString refused = f.dir.filePath(QStringLiteral("refused.jsonl"));
        QCOMPARE(merge({ refused, parts[0], parts[2] }, &message), 1);
        QVERIFY2(message.contains(QStringLiteral("shard 2/3 is missing")), qPrintable(message));
        QCOMPARE(merge({ refused, parts[0], parts[0], parts[2] }, &message), 1);
        QVERIFY2(message.contains(QStringLiteral("are both shard 1/3")), qPrintable(message));
        const QString shortPart = f.dir.filePath(QStringLiteral("short2.jsonl"));
        QCOMPARE(fetchShard(QStringLiteral("2/3"), shortPart,
                     { QStringLiteral("--max-pages"), QStringLiteral("4") }),
            0);
        QCOMPARE(merge({ refused, parts[0], shortPart, parts[2] }, &message), 1);
        QVERIFY2(message.contains(QStringLiteral("(shard 2/3) has not landed: run that shard again")),
            qPrintable(message));
        QVERIFY(!QFile::exists(refused));
        QCOMPARE(merge({ refused }, &message), 2);
        // An output that exists is never overwritten, whoever wrote it.
        QCOMPARE(merge(QStringList { whole } + parts, &message), 2);
        QVERIFY2(
            message.contains(QStringLiteral("already exists: merge into a new file")), qPrintable(message));
        QVERIFY(exactlyOnce(readLanded(whole).ids, 1234));
        // A part whose data does not match its manifest fails the merge, and leaves no output at all.
        const QString damaged = f.dir.filePath(QStringLiteral("damaged3.jsonl"));
        QVERIFY(QFile::copy(parts[2], damaged));
        QVERIFY(QFile::copy(LandingZone::manifestPathFor(parts[2]), LandingZone::manifestPathFor(damaged)));
        {
            QFile data(damaged);
            QVERIFY(data.open(QIODevice::ReadWrite));
            QVERIFY(data.resize(data.size() / 2));
        }
        QCOMPARE(merge({ refused, parts[0], parts[1], damaged }, &message), 2);
        QVERIFY(!QFile::exists(refused));
        QVERIFY(!QFile::exists(LandingZone::manifestPathFor(refused)));
        QCOMPARE(QDir(f.dir.path()).entryList({ QStringLiteral("*merging*") }), QStringList());
        // A part still being fetched is named as such.
        {
            QLockFile writing(parts[1] + QStringLiteral(".lock")); // as a fetch into it holds
            QVERIFY(writing.tryLock(0));
            QCOMPARE(merge({ refused, parts[0], parts[1], parts[2] }, &message), 2);
            QVERIFY2(message.contains(QStringLiteral("is still being fetched (process %1 ")
                                          .arg(QCoreApplication::applicationPid())),
                qPrintable(message));
        }
        QCOMPARE(fetchShard(QStringLiteral("4/3"), f.dir.filePath(QStringLiteral("x.jsonl"))), 2);
    }

    void oneWriterAtATime()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        FetchOptions options;
        options.url = QUrl(QStringLiteral("http://127.0.0.1:1/api/items"));
        {
            LandingZone first(out, options.identity());
            try {
                LandingZone second(out, options.identity());
                QFAIL("a second writer must be refused");
            } catch (const Error &error) {
                QVERIFY2(error.message().contains(
                             QStringLiteral("is being written by another retrieval (process %1")
                                 .arg(QCoreApplication::applicationPid())),
                    qPrintable(error.message()));
            }
            QString outText, errText;
            QTextStream outStream(&outText), errStream(&errText);
            QCOMPARE(runFetchCommand(
                         { options.url.toString(), QStringLiteral("--out"), out }, outStream, errStream),
                2);
            errStream.flush();
            QVERIFY2(
                errText.contains(QStringLiteral("being written by another retrieval")), qPrintable(errText));
        }
        // Once the first has ended, the next one may write.
        {
            LandingZone again(out, options.identity());
        }
        // A lock left by a process that was killed does not block a resume.
        QProcess killed;
        killed.start(QStringLiteral("sleep"), { QStringLiteral("30") });
        QVERIFY(killed.waitForStarted());
        const qint64 deadPid = killed.processId();
        killed.kill();
        killed.waitForFinished();
        QFile stale(out + QStringLiteral(".lock"));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray::number(deadPid) + "\nloopscope\n" + QSysInfo::machineHostName().toUtf8()
            + "\n" + QSysInfo::machineUniqueId() + "\n");
        stale.close();
        LandingZone resumed(out, options.identity());
        QVERIFY(resumed.landedPages().isEmpty());
    }

    void anOutputIsOneFileWhateverItsName()
    {
        // A link to an output being written is the same output: refused, not written twice.
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        const QString link = dir.filePath(QStringLiteral("link.jsonl"));
        FetchOptions options;
        options.url = QUrl(QStringLiteral("http://127.0.0.1:1/api/items"));
        LandingZone first(out, options.identity());
        QVERIFY(QFile::link(out, link));
        QVERIFY_THROWS_EXCEPTION(Error, LandingZone(link, options.identity()));
        QCOMPARE(LandingZone::filesFor(link), LandingZone::filesFor(out));
    }

    void fetchNeverOverwritesWhatItDidNotWrite()
    {
        Fixture f(100);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        // A file of the user's, without a manifest: refused, untouched.
        {
            QFile precious(f.out());
            QVERIFY(precious.open(QIODevice::WriteOnly));
            precious.write("precious\n");
        }
        QCOMPARE(
            runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out() }, out, err),
            2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("was not written by loopscope fetch")), qPrintable(errText));
        QFile precious(f.out());
        QVERIFY(precious.open(QIODevice::ReadOnly));
        QCOMPARE(precious.readAll(), QByteArray("precious\n"));
        QVERIFY(!QFile::exists(LandingZone::manifestPathFor(f.out())));
        // A trace may not take the place of the items, their manifest or their lock.
        const QString items = f.dir.filePath(QStringLiteral("fresh.jsonl"));
        const auto fetchTracingTo = [&](const QString &trace) {
            errText.clear();
            const int status
                = runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), items,
                                      QStringLiteral("--quiet"), QStringLiteral("--trace"), trace },
                    out, err);
            err.flush();
            return status;
        };
        for (const QString &trace : { items, LandingZone::manifestPathFor(items),
                 f.dir.filePath(QStringLiteral("no-such-folder/run.har")) }) {
            QCOMPARE(fetchTracingTo(trace), 2);
            QVERIFY2(errText.contains(QStringLiteral("--trace ") + trace), qPrintable(errText));
            QVERIFY(!QFile::exists(items));
        }
        QCOMPARE(fetchTracingTo(f.dir.filePath(QStringLiteral("run.har"))), 0); // another name is fine
        QVERIFY(exactlyOnce(readLanded(items).ids, 100));
    }

    void aServerThatDoesNotMoveOnIsCaught_data()
    {
        QTest::addColumn<int>("shape");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("why");
        // The page shape ignores ?from=; the items shape, asked by ?page=, ignores that.
        QTest::newRow("offset ignored")
            << int(DemoServer::Shape::Page) << QStringList { "--items-path", "/data" }
            << "the server seems to ignore ?from=";
        QTest::newRow("page ignored")
            << int(DemoServer::Shape::Items) << QStringList { "--style", "page", "--limit-param", "" }
            << "the server seems to ignore ?page=";
    }

    void aServerThatDoesNotMoveOnIsCaught()
    {
        QFETCH(int, shape);
        QFETCH(QStringList, args);
        QFETCH(QString, why);
        DemoServer::Options source;
        source.items = 100'000;
        source.shape = DemoServer::Shape(shape);
        Fixture f(source);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand(QStringList { f.server.itemsUrl().toString(), QStringLiteral("--out"),
                                     f.out(), QStringLiteral("--quiet") }
                         + args,
                     out, err),
            2);
        err.flush();
        QVERIFY2(errText.contains(why), qPrintable(errText));
        // The first page landed once; none of its copies did.
        const Landed landed = readLanded(f.out());
        QVERIFY(!landed.tornLine);
        QCOMPARE(landed.ids.size(), QSet<qint64>(landed.ids.begin(), landed.ids.end()).size());
    }

    void aSourceThatAnswersNothingIsGivenUpSoon()
    {
        // Reads requests and never answers: every attempt ends in its time-out.
        QTcpServer mute;
        QSet<QByteArray> pagesAsked;
        QList<QTcpSocket *> held;
        connect(&mute, &QTcpServer::newConnection, &mute, [&] {
            while (QTcpSocket *socket = mute.nextPendingConnection()) {
                held << socket;
                connect(socket, &QTcpSocket::readyRead, socket, [&pagesAsked, socket] {
                    const QByteArray head = socket->readAll();
                    pagesAsked.insert(head.left(head.indexOf(" HTTP/")));
                });
            }
        });
        QVERIFY(mute.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand(
                     { QStringLiteral("http://127.0.0.1:%1/api/items").arg(mute.serverPort()),
                         QStringLiteral("--out"), dir.filePath(QStringLiteral("items.jsonl")),
                         QStringLiteral("--quiet"), QStringLiteral("--timeout-ms"), QStringLiteral("200"),
                         QStringLiteral("--attempts"), QStringLiteral("3"), QStringLiteral("--concurrency"),
                         QStringLiteral("8"), QStringLiteral("--max-pages"), QStringLiteral("30") },
                     out, err),
            1);
        // The first window's pages, and no more of the 30: the retries' jitter ends them in any
        // order, and none of the workers whose page failed takes another.
        QVERIFY2(pagesAsked.size() <= 8, qPrintable(QString::number(pagesAsked.size())));
    }

    void pagesFetchedWithoutVerificationAreMarked()
    {
        DemoServer::Options source;
        source.items = 120;
        source.tls = true;
        Fixture f(source);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet"), QStringLiteral("--insecure") },
                     out, err),
            0);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("warning: --insecure")), qPrintable(errText));
        const auto landedLines = [&f] {
            QList<QByteArray> lines = readAllOf(LandingZone::manifestPathFor(f.out())).split('\n');
            lines.removeIf([](const QByteArray &line) { return !line.contains("\"offset\":"); });
            return lines;
        };
        QVERIFY(landedLines().size() >= 3); // 120 items, 50 a page
        for (const QByteArray &line : landedLines())
            QVERIFY2(line.contains("\"unverified\":true"), line.constData());
        // With the certificate checked, no page is marked.
        QFile::remove(f.out());
        QFile::remove(LandingZone::manifestPathFor(f.out()));
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet"), QStringLiteral("--ca-file"), f.caFile() },
                     out, err),
            0);
        for (const QByteArray &line : landedLines())
            QVERIFY2(!line.contains("unverified"), line.constData());
    }

    void aTraceIsSavedHoweverTheRunEnds()
    {
        DemoServer::Options source;
        source.items = 100'000;
        source.latencyMs = 50;
        source.shape = DemoServer::Shape::Page; // ignores ?from=: the run stops on a repeated page
        Fixture f(source);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const QString stopped = f.dir.filePath(QStringLiteral("stopped.har"));
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet"), QStringLiteral("--items-path"),
                                     QStringLiteral("/data"), QStringLiteral("--trace"), stopped },
                     out, err),
            2);
        QVERIFY2(readAllOf(stopped).contains("/api/items?from=0"), qPrintable(errText));
        // Interrupted (Ctrl+C) while pages are on the wire.
        const QString interrupted = f.dir.filePath(QStringLiteral("interrupted.jsonl"));
        QTimer::singleShot(300, [] { std::raise(SIGINT); });
        QCOMPARE(runFetchCommand(
                     { f.server.itemsUrl().toString(), QStringLiteral("--out"),
                         f.dir.filePath(QStringLiteral("other.jsonl")), QStringLiteral("--quiet"),
                         QStringLiteral("--items-path"), QStringLiteral("/data"),
                         QStringLiteral("--allow-repeated-pages"), QStringLiteral("--trace"), interrupted },
                     out, err),
            128 + SIGINT);
        QVERIFY(readAllOf(interrupted).contains("\"io_submitted\""));
    }

    void aRunThatLandedNothingGivesWayToTheCorrectedCommand()
    {
        Fixture f(120);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand(
                     { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                         QStringLiteral("--quiet"), QStringLiteral("--items-path"), QStringLiteral("/nope") },
                     out, err),
            1);
        QVERIFY(QFile::exists(LandingZone::manifestPathFor(f.out())));
        // Another page size is another retrieval, but nothing landed that it could mix with.
        QCOMPARE(runFetchCommand(
                     { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                         QStringLiteral("--quiet"), QStringLiteral("--page-size"), QStringLiteral("20") },
                     out, err),
            0);
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 120));
        // Once something landed, it is kept apart.
        QCOMPARE(runFetchCommand(
                     { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                         QStringLiteral("--quiet"), QStringLiteral("--page-size"), QStringLiteral("30") },
                     out, err),
            2);
        err.flush();
        QVERIFY2(errText.contains(QStringLiteral("its page_size is 20, this one's 30")), qPrintable(errText));
        QVERIFY(exactlyOnce(readLanded(f.out()).ids, 120));
    }

    void pagesThatRepeatLandWhenAllowed()
    {
        DemoServer::Options source;
        source.items = 100'000;
        source.shape = DemoServer::Shape::Page; // ignores ?from=: every page holds the first 50 items
        Fixture f(source);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand({ f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                                     QStringLiteral("--quiet"), QStringLiteral("--items-path"),
                                     QStringLiteral("/data"), QStringLiteral("--max-pages"),
                                     QStringLiteral("5"), QStringLiteral("--allow-repeated-pages") },
                     out, err),
            0);
        const Landed landed = readLanded(f.out());
        QCOMPARE(landed.lines, 5 * 50);
        QCOMPARE(landed.ids.count(0), 5);
        QCOMPARE(landed.ids.count(49), 5);
    }

    void aLinkThatLeadsBackStopsEvenWhenRepeatsAreAllowed_data()
    {
        QTest::addColumn<bool>("allowRepeats");
        QTest::addColumn<QString>("why");
        QTest::newRow("by the items") << false << "page 1 holds the same 50 items as page 0";
        QTest::newRow("by the link") << true << "page 1's cursor leads back to page 1";
    }

    void aLinkThatLeadsBackStopsEvenWhenRepeatsAreAllowed()
    {
        QFETCH(bool, allowRepeats);
        QFETCH(QString, why);
        DemoServer::Options source;
        source.items = 100'000;
        Fixture f(source);
        // The total as the cursor: the same on every page, and ignored by the server.
        QStringList args { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
            QStringLiteral("--quiet"), QStringLiteral("--style"), QStringLiteral("cursor"),
            QStringLiteral("--cursor-path"), QStringLiteral("/total"), QStringLiteral("--cursor-param"),
            QStringLiteral("cursor") };
        if (allowRepeats)
            args << QStringLiteral("--allow-repeated-pages");
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        QCOMPARE(runFetchCommand(args, out, err), 2);
        err.flush();
        QVERIFY2(errText.contains(why), qPrintable(errText));
        QVERIFY(f.server.statistics().requestsReceived <= 3);
        const Landed landed = readLanded(f.out());
        QCOMPARE(landed.lines, allowRepeats ? 100 : 50); // the page that led back landed once
    }

    void secretsInTheAddressAreSentButNeverWrittenDown()
    {
        const QUrl given(QStringLiteral("http://alice:pa55word@h:1/api?api_key=K1SECRET&from=5&pageToken=T"));
        const QUrl shown = redactedUrl(given);
        QVERIFY2(!shown.toString().contains(QStringLiteral("pa55word")), qPrintable(shown.toString()));
        QVERIFY2(!shown.toString().contains(QStringLiteral("K1SECRET")), qPrintable(shown.toString()));
        QVERIFY(shown.toString().contains(QStringLiteral("from=5&pageToken=T"))); // a cursor is no secret
        QStringList missing;
        QCOMPARE(unredactedUrl(shown, given, &missing), given);
        QVERIFY(missing.isEmpty());
        unredactedUrl(shown, QUrl(QStringLiteral("http://h:1/api")), &missing);
        QCOMPARE(missing, QStringList { QStringLiteral("api_key") });

        ScriptedServer<QTcpServer> server(
            [](const QByteArray &) { return httpResponse(200, R"({"items":[]})"); });
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        const QString har = dir.filePath(QStringLiteral("run.har"));
        QUrl url = server.url(QStringLiteral("alice:pa55word"));
        url.setQuery(QStringLiteral("api_key=K1SECRET"));
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        QCOMPARE(runFetchCommand({ url.toString(), QStringLiteral("--out"), out, QStringLiteral("--quiet"),
                                     QStringLiteral("--trace"), har },
                     stdOut, stdErr),
            0);
        // Sent: the password as Basic credentials (not in the request line), the key in the query.
        QVERIFY(!server.heads.isEmpty());
        const QByteArray &head = server.heads.first();
        QCOMPARE(headerOf(head, "Authorization"), "Basic " + QByteArray("alice:pa55word").toBase64());
        QVERIFY2(head.startsWith("GET /api/items?api_key=K1SECRET"), head.constData());
        // Written down: neither.
        for (const QString &path : { out, LandingZone::manifestPathFor(out), har }) {
            const QByteArray bytes = readAllOf(path);
            QVERIFY2(!bytes.contains("pa55word") && !bytes.contains("K1SECRET"), qPrintable(path));
        }
        QVERIFY(readAllOf(har).contains("[redacted]"));
    }

    void aServerQuotingACredentialIsMasked()
    {
        // An API that quotes what it refused, as many do.
        ScriptedServer<QTcpServer> server([](const QByteArray &head) {
            return httpResponse(401,
                R"({"error":"invalid credentials: )" + headerOf(head, "Authorization") + " for "
                    + head.left(head.indexOf('\r')) + R"("})");
        });
        qputenv("LOOPSCOPE_TEST_TOKEN", "Bearer s3cr3t-t0ken");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        QUrl url = server.url();
        url.setQuery(QStringLiteral("api_key=K1SECRET"));
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        QCOMPARE(runFetchCommand({ url.toString(), QStringLiteral("--out"), out, QStringLiteral("--quiet"),
                                     QStringLiteral("--header-env"),
                                     QStringLiteral("Authorization=LOOPSCOPE_TEST_TOKEN") },
                     stdOut, stdErr),
            1);
        qunsetenv("LOOPSCOPE_TEST_TOKEN");
        stdErr.flush();
        QVERIFY2(errText.contains(QStringLiteral(
                     "invalid credentials: [redacted] for GET /api/items?api_key=[redacted]&")),
            qPrintable(errText));
        for (const QByteArray &text : { errText.toUtf8(), readAllOf(LandingZone::manifestPathFor(out)) }) {
            QVERIFY2(!text.contains("s3cr3t") && !text.contains("K1SECRET"), text.constData());
            QVERIFY(text.contains("[redacted]"));
        }
        // A value pasted where a variable's name goes is not repeated.
        QCOMPARE(
            runFetchCommand({ url.toString(), QStringLiteral("--out"), out, QStringLiteral("--header-env"),
                                QStringLiteral("Authorization=Bearer s3cr3t-t0ken") },
                stdOut, stdErr),
            2);
        QCOMPARE(runFetchCommand({ url.toString(), QStringLiteral("--out"), out, QStringLiteral("--header"),
                                     QStringLiteral("Authorization Bearer s3cr3t-t0ken") },
                     stdOut, stdErr),
            2);
        stdErr.flush();
        QCOMPARE(runFetchCommand({ url.toString(), QStringLiteral("--out"), out,
                                     QStringLiteral("--bearer-env"), QStringLiteral("s3cr3t-t0ken") },
                     stdOut, stdErr),
            2);
        stdErr.flush();
        QVERIFY2(!errText.contains(QStringLiteral("s3cr3t")), qPrintable(errText));
        QVERIFY2(errText.contains(QStringLiteral("must name an environment variable")), qPrintable(errText));
        QVERIFY2(errText.contains(QStringLiteral("--bearer-env: give the name of an environment variable")),
            qPrintable(errText));
        // One header given twice would go twice.
        qputenv("LOOPSCOPE_TEST_TOKEN", "s3cr3t-t0ken");
        QCOMPARE(
            runFetchCommand({ url.toString(), QStringLiteral("--out"), out, QStringLiteral("--bearer-env"),
                                QStringLiteral("LOOPSCOPE_TEST_TOKEN"), QStringLiteral("--header"),
                                QStringLiteral("authorization: Basic abcd") },
                stdOut, stdErr),
            2);
        qunsetenv("LOOPSCOPE_TEST_TOKEN");
        stdErr.flush();
        QVERIFY2(errText.contains(QStringLiteral("is given twice")), qPrintable(errText));
    }

    void linksKeepCredentialsToTheirOrigin()
    {
        // Page 0 here links to page 1 on another origin, which has no link.
        ScriptedServer<QTcpServer> elsewhere([](const QByteArray &) {
            return httpResponse(200, R"({"items":[{"id":2},{"id":3}]})", "Set-Cookie: sid=c00kie-s3cr3t\r\n");
        });
        const QByteArray away = elsewhere.url().toEncoded() + "?page=1";
        ScriptedServer<QTcpServer> here([away](const QByteArray &head) {
            if (head.startsWith("GET /api/items?page=1 "))
                return httpResponse(200, R"({"items":[{"id":4}]})");
            const QByteArray next = head.contains("/elsewhere") ? away : "/api/items?page=1";
            return httpResponse(200, R"({"items":[{"id":0},{"id":1}],"next":")" + next + R"("})");
        });
        qputenv("LOOPSCOPE_TEST_TOKEN", "s3cr3t-t0ken");
        QTemporaryDir dir;
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        // Along a link to another origin: followed, without the credentials.
        const QString har = dir.filePath(QStringLiteral("run.har"));
        QCOMPARE(runFetchCommand(
                     { here.url().toString() + QStringLiteral("?from=/elsewhere"), QStringLiteral("--out"),
                         dir.filePath(QStringLiteral("a.jsonl")), QStringLiteral("--quiet"),
                         QStringLiteral("--style"), QStringLiteral("next"), QStringLiteral("--bearer-env"),
                         QStringLiteral("LOOPSCOPE_TEST_TOKEN"), QStringLiteral("--trace"), har },
                     stdOut, stdErr),
            0);
        QCOMPARE(headerOf(here.heads.first(), "Authorization"), "Bearer s3cr3t-t0ken");
        QCOMPARE(elsewhere.heads.size(), 1);
        QVERIFY2(headerOf(elsewhere.heads.first(), "Authorization").isEmpty(),
            elsewhere.heads.first().constData());
        QCOMPARE(readLanded(dir.filePath(QStringLiteral("a.jsonl"))).ids, (QList<qint64> { 0, 1, 2, 3 }));
        // What the server set (a session cookie) is not written down either.
        QVERIFY(!readAllOf(har).contains("c00kie-s3cr3t"));
        // A password in the address reaches every page of the same origin, links too.
        QCOMPARE(
            runFetchCommand({ here.url(QStringLiteral("alice:pa55word")).toString(), QStringLiteral("--out"),
                                dir.filePath(QStringLiteral("b.jsonl")), QStringLiteral("--quiet"),
                                QStringLiteral("--style"), QStringLiteral("next") },
                stdOut, stdErr),
            0);
        const QByteArray basic = "Basic " + QByteArray("alice:pa55word").toBase64();
        QCOMPARE(headerOf(here.heads.at(here.heads.size() - 2), "Authorization"), basic);
        QCOMPARE(headerOf(here.heads.last(), "Authorization"), basic);
        QVERIFY(here.heads.last().startsWith("GET /api/items?page=1 "));
        qunsetenv("LOOPSCOPE_TEST_TOKEN");
    }

    void anHttpsRetrievalDoesNotFollowALinkToHttp()
    {
        ScriptedServer<QTcpServer> plain(
            [](const QByteArray &) { return httpResponse(200, R"({"items":[]})"); });
        const QByteArray away = plain.url().toEncoded() + "?page=1";
        ScriptedServer<TlsServer> secure(
            [away](const QByteArray &) {
                return httpResponse(200, R"({"items":[{"id":0}],"next":")" + away + R"("})");
            },
            DemoTls::serverConfiguration());
        QTemporaryDir dir;
        const QString caFile = dir.filePath(QStringLiteral("ca.pem"));
        DemoTls::writeCaFile(caFile);
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        QCOMPARE(runFetchCommand({ secure.url().toString(), QStringLiteral("--out"),
                                     dir.filePath(QStringLiteral("items.jsonl")), QStringLiteral("--quiet"),
                                     QStringLiteral("--style"), QStringLiteral("next"),
                                     QStringLiteral("--ca-file"), caFile },
                     stdOut, stdErr),
            2);
        stdErr.flush();
        QVERIFY2(errText.contains(QStringLiteral("the link to page 1 leaves https")), qPrintable(errText));
        QVERIFY(plain.heads.isEmpty());
        QCOMPARE(readLanded(dir.filePath(QStringLiteral("items.jsonl"))).ids, QList<qint64> { 0 });
    }

    void aCursorNamedLikeASecretIsStillACursor()
    {
        // ?token= is this API's cursor: pages t1, t2, then the end.
        ScriptedServer<QTcpServer> server([](const QByteArray &head) {
            const QByteArray line = head.left(head.indexOf('\r'));
            if (line.contains("token=t2"))
                return httpResponse(200, R"({"items":[{"id":4}]})");
            if (line.contains("token=t1"))
                return httpResponse(200, R"({"items":[{"id":2},{"id":3}],"next_cursor":"t2"})");
            return httpResponse(200, R"({"items":[{"id":0},{"id":1}],"next_cursor":"t1"})");
        });
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        QCOMPARE(runFetchCommand(
                     { server.url().toString(), QStringLiteral("--out"), out, QStringLiteral("--quiet"),
                         QStringLiteral("--style"), QStringLiteral("cursor"), QStringLiteral("--cursor-path"),
                         QStringLiteral("/next_cursor"), QStringLiteral("--cursor-param"),
                         QStringLiteral("token") },
                     stdOut, stdErr),
            0);
        QCOMPARE(readLanded(out).ids, (QList<qint64> { 0, 1, 2, 3, 4 }));
        QVERIFY(readAllOf(LandingZone::manifestPathFor(out)).contains("token=t1"));
    }

    void redirectsKeepCredentialsToTheirOrigin()
    {
        ScriptedServer<QTcpServer> elsewhere(
            [](const QByteArray &) { return httpResponse(200, R"({"items":[]})"); });
        const QByteArray target = elsewhere.url().toEncoded();
        ScriptedServer<QTcpServer> plain(
            [target](const QByteArray &) { return httpResponse(302, {}, "Location: " + target + "\r\n"); });
        ScriptedServer<TlsServer> secure(
            [target](const QByteArray &) { return httpResponse(302, {}, "Location: " + target + "\r\n"); },
            DemoTls::serverConfiguration());
        QTemporaryDir dir;
        const QString caFile = dir.filePath(QStringLiteral("ca.pem"));
        DemoTls::writeCaFile(caFile);
        qputenv("LOOPSCOPE_TEST_TOKEN", "Bearer s3cr3t-t0ken");
        QString outText, errText;
        QTextStream stdOut(&outText), stdErr(&errText);
        // To another origin: followed, without the credentials; other headers go on.
        QCOMPARE(runFetchCommand(
                     { plain.url().toString(), QStringLiteral("--out"),
                         dir.filePath(QStringLiteral("a.jsonl")), QStringLiteral("--quiet"),
                         QStringLiteral("--header-env"), QStringLiteral("Authorization=LOOPSCOPE_TEST_TOKEN"),
                         QStringLiteral("--header"), QStringLiteral("X-Custom-Token: t0k3n"),
                         QStringLiteral("--header"), QStringLiteral("Accept: application/json") },
                     stdOut, stdErr),
            0);
        QCOMPARE(headerOf(plain.heads.first(), "Authorization"), "Bearer s3cr3t-t0ken");
        QVERIFY(!elsewhere.heads.isEmpty());
        for (const QByteArray &head : std::as_const(elsewhere.heads)) {
            QVERIFY2(!head.contains("s3cr3t") && !head.contains("t0k3n"), head.constData());
            QCOMPARE(headerOf(head, "Accept"), "application/json");
        }
        // From https to http: not followed, not retried, and said.
        const qsizetype before = elsewhere.heads.size();
        QCOMPARE(runFetchCommand({ secure.url().toString(), QStringLiteral("--out"),
                                     dir.filePath(QStringLiteral("b.jsonl")), QStringLiteral("--quiet"),
                                     QStringLiteral("--concurrency"), QStringLiteral("1"),
                                     QStringLiteral("--ca-file"), caFile, QStringLiteral("--header-env"),
                                     QStringLiteral("Authorization=LOOPSCOPE_TEST_TOKEN") },
                     stdOut, stdErr),
            1);
        qunsetenv("LOOPSCOPE_TEST_TOKEN");
        stdErr.flush();
        QCOMPARE(elsewhere.heads.size(), before);
        QCOMPARE(secure.heads.size(), 1);
        QVERIFY2(errText.contains(QStringLiteral("which is not https: not followed")), qPrintable(errText));
    }

    void errorsThatWouldRepeatAreNotRetried()
    {
        Fixture f(100);
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        // Items where there are none: the page is whole JSON, asking again brings the same.
        QCOMPARE(runFetchCommand(
                     { f.server.itemsUrl().toString(), QStringLiteral("--out"), f.out(),
                         QStringLiteral("--quiet"), QStringLiteral("--concurrency"), QStringLiteral("1"),
                         QStringLiteral("--items-path"), QStringLiteral("/total") },
                     out, err),
            1);
        QCOMPARE(f.server.statistics().requestsReceived, qint64(1));
        err.flush();
        QVERIFY2(errText.contains(
                     QStringLiteral("page 0 failed after 1 attempt: the page has no array at /total")),
            qPrintable(errText));
        // A host name that does not exist.
        HttpClientOptions http;
        http.backoffBase = 5ms;
        Scheduler s(SchedulerOptions { ClockMode::Real });
        HttpClient client(http);
        try {
            s.runUntilComplete(client.get(QUrl(QStringLiteral("http://no-such-host.invalid/api/items"))));
            QFAIL("an unknown host must fail");
        } catch (const HttpError &e) {
            QCOMPARE(e.kind(), HttpError::Kind::NoSuchHost);
            QCOMPARE(e.attempts(), 1);
        }
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
        err.flush();
        QCOMPARE(code, 1);
        QVERIFY2(errText.contains(QStringLiteral("page 0 failed after 2 attempts: HTTP 500")),
            qPrintable(errText));
        QVERIFY2(errText.contains(QStringLiteral("1 page failed;")), qPrintable(errText));
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
        QTest::newRow("bad trace") << QStringList {
            "http://127.0.0.1:1/", "--out", "x", "--trace", "t.txt"
        } << "--trace must name a .loopscope, .jsonl (the trace as text), .json (Perfetto) or .har file";
        QTest::newRow("bad style") << QStringList { "http://127.0.0.1:1/", "--out", "x", "--style", "link" }
                                   << "unknown style \"link\": use offset, page, next or cursor";
        QTest::newRow("items path not a pointer") << QStringList { "http://127.0.0.1:1/", "--out", "x",
            "--items-path", "data" } << "--items-path: \"data\" is not a JSON Pointer: it must start with /";
        QTest::newRow("cursor without a parameter") << QStringList {
            "http://127.0.0.1:1/", "--out", "x", "--style", "cursor", "--cursor-path", "/next"
        } << "the cursor style needs the parameter the cursor is sent in (--cursor-param)";
        QTest::newRow("cursor without a place") << QStringList { "http://127.0.0.1:1/", "--out", "x",
            "--style", "cursor", "--cursor-param", "after" }
                                                << "the cursor style needs where the cursor is";
        QTest::newRow("negative first page") << QStringList { "http://127.0.0.1:1/", "--out", "x", "--style",
            "page", "--first-page", "-1" } << "--first-page must be a whole number between 0 and 1000000000";
        QTest::newRow("bad rate") << QStringList { "http://127.0.0.1:1/", "--out", "x", "--rate",
            "fast" } << "--rate takes requests per second or minute, as 10/s or 600/min, got \"fast\"";
        QTest::newRow("missing CA file") << QStringList { "https://127.0.0.1:1/", "--out", "x", "--ca-file",
            "/nonexistent/ca.pem" } << "no CA file /nonexistent/ca.pem";
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
