// The demo HTTP server's fault injection, timing, statistics and configuration.
#include "tst_demoserver.h"

#include <QElapsedTimer>
#include <vector>

using namespace DemoServerTesting;

void TestDemoServer::statusFaults_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::newRow("500") << QByteArray("/api/items?fault=500") << 500 << QByteArray();
    QTest::newRow("429") << QByteArray("/api/items?fault=429") << 429 << QByteArray("1");
    QTest::newRow("429 retry_after") << QByteArray("/api/items?from=50&fault=429&retry_after=7") << 429
                                     << QByteArray("7");
    QTest::newRow("500 on health") << QByteArray("/health?fault=500") << 500 << QByteArray();
}

void TestDemoServer::statusFaults()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, retryAfter);
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.get(target);
    client.get("/health"); // a fault status does not end the connection
    QVERIFY(client.waitForResponses(2));
    const HttpResponse &response = client.responses().constFirst();
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Retry-After"), retryAfter);
    QVERIFY(response.json().value(QLatin1String("error")).toString().contains(QLatin1String("injected")));
    QCOMPARE(client.responses().at(1).status, 200);
    QCOMPARE(server->statistics().faultsInjected, 1);
    QCOMPARE(server->statistics().responsesByStatus.value(status), 1);
}

void TestDemoServer::dropFaultClosesWithoutAnswer()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?fault=drop");
    QVERIFY(client.waitForDisconnected());
    QVERIFY(client.raw().isEmpty());
    QCOMPARE(server->statistics().faultsInjected, 1);
    QCOMPARE(server->statistics().requestsServed, 0);
    QTRY_COMPARE(server->statistics().openRequests, 0);
}

void TestDemoServer::truncateFaultSendsLessThanAnnounced()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?fault=truncate");
    QVERIFY(client.waitForDisconnected());
    QVERIFY(client.responses().isEmpty()); // never complete
    const qsizetype headEnd = client.raw().indexOf("\r\n\r\n");
    QVERIFY(headEnd > 0);
    QVERIFY(client.raw().startsWith("HTTP/1.1 200 OK\r\n"));
    const QByteArray expected = DemoItems().page(0);
    QVERIFY(client.raw().contains("Content-Length: " + QByteArray::number(expected.size()) + "\r\n"));
    const QByteArray body = client.raw().sliced(headEnd + 4);
    QVERIFY(body.size() < expected.size());
    QVERIFY(expected.startsWith(body));
}

void TestDemoServer::malformedFaultIsInvalidJson()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?fault=malformed");
    QVERIFY(client.waitForResponses(1));
    QCOMPARE(client.responses().constFirst().status, 200);
    QJsonParseError error;
    QJsonDocument::fromJson(client.responses().constFirst().body, &error);
    QVERIFY(error.error != QJsonParseError::NoError);
}

void TestDemoServer::slowFaultTricklesTheBody_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("slowMs");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("full page") << QByteArray("/api/items?fault=slow&slow_ms=400") << 400
                               << DemoItems().page(0);
    QTest::newRow("two items") << QByteArray("/api/items?limit=2&fault=slow&slow_ms=300") << 300
                               << DemoItems().page(0, 2);
    QTest::newRow("tiny body") << QByteArray("/health?fault=slow&slow_ms=300") << 300
                               << QByteArray(R"({"status":"ok"})");
}

void TestDemoServer::slowFaultTricklesTheBody()
{
    QFETCH(QByteArray, target);
    QFETCH(int, slowMs);
    QFETCH(QByteArray, body);
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    QVERIFY(QTest::qWaitFor([&] { return client.isConnected(); }, 5000));
    QElapsedTimer elapsed;
    elapsed.start();
    client.get(target);
    client.get("/health"); // waits its turn behind the slow answer
    QVERIFY(client.waitForResponses(2));
    QVERIFY2(elapsed.elapsed() >= slowMs, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY(client.readyReads() >= 5);
    QCOMPARE(client.responses().at(0).status, 200);
    QCOMPARE(client.responses().at(0).body, body);
    QCOMPARE(client.responses().at(1).status, 200);
}

void TestDemoServer::faultTimesLimitsFaultsPerUrl()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?from=50&fault=500&fault_times=2");
    client.get("/api/items?from=50"); // no fault asked: neither faulted nor counted
    client.get("/api/items?fault_times=2&fault=500&from=50");
    client.get("/api/items?from=50&fault=500&fault_times=2");
    client.get("/api/items?from=0&fault=500&fault_times=2"); // another URL counts on its own
    QVERIFY(client.waitForResponses(5));
    QList<int> statuses;
    for (const HttpResponse &response : client.responses())
        statuses.append(response.status);
    QCOMPARE(statuses, (QList<int> { 500, 200, 500, 200, 500 }));
    QCOMPARE(ids(client.responses().at(3).json()), range(50, 50));

    // A dropped connection is retried on a fresh one, as a client would.
    RawClient dropped(server->port());
    dropped.get("/health?fault=drop&fault_times=1");
    QVERIFY(dropped.waitForDisconnected());
    RawClient retry(server->port());
    retry.get("/health?fault=drop&fault_times=1");
    QVERIFY(retry.waitForResponses(1));
    QCOMPARE(retry.responses().constFirst().status, 200);
}

void TestDemoServer::randomFaultsFollowTheSeed()
{
    DemoServer::Options options;
    options.errorRate = 0.5;
    options.seed = 42;
    options.randomFaults = { DemoServer::Fault::ServerError, DemoServer::Fault::TooManyRequests };
    QList<int> runs[2];
    for (QList<int> &statuses : runs) {
        const auto server = startServer(options);
        QVERIFY(server);
        RawClient client(server->port());
        for (int i = 0; i < 40; ++i)
            client.get("/api/items?from=" + QByteArray::number(i));
        client.get("/health");
        QVERIFY(client.waitForResponses(41));
        for (const HttpResponse &response : client.responses())
            statuses.append(response.status);
        QCOMPARE(statuses.takeLast(), 200); // /health is never faulted at random
        QCOMPARE(server->statistics().faultsInjected, 40 - statuses.count(200));
    }
    QCOMPARE(runs[0], runs[1]);
    QVERIFY(runs[0].contains(200));
    QVERIFY(runs[0].contains(500));
    QVERIFY(runs[0].contains(429));
}

void TestDemoServer::latencyIsHonoured_data()
{
    QTest::addColumn<int>("latency");
    QTest::addColumn<int>("jitter");
    QTest::newRow("fixed") << 150 << 0;
    QTest::newRow("with jitter") << 120 << 40;
}

void TestDemoServer::latencyIsHonoured()
{
    QFETCH(int, latency);
    QFETCH(int, jitter);
    DemoServer::Options options;
    options.latencyMs = latency;
    options.jitterMs = jitter;
    const auto server = startServer(options);
    QVERIFY(server);
    RawClient client(server->port());
    QVERIFY(QTest::qWaitFor([&] { return client.isConnected(); }, 5000));
    for (int i = 1; i <= 3; ++i) {
        QElapsedTimer elapsed;
        elapsed.start();
        client.get("/api/items");
        QVERIFY(client.waitForResponses(i));
        QVERIFY2(elapsed.elapsed() >= latency - jitter, qPrintable(QString::number(elapsed.elapsed())));
    }
}

void TestDemoServer::peakInFlightCountsConcurrentRequests()
{
    DemoServer::Options options;
    options.latencyMs = 300;
    const auto server = startServer(options);
    QVERIFY(server);
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<RawClient>(server->port()));
        clients.back()->get("/api/items?from=" + QByteArray::number(i));
    }
    QTRY_COMPARE(server->statistics().openRequests, 8);
    for (const auto &client : clients)
        QVERIFY(client->waitForResponses(1));
    QCOMPARE(server->statistics().openRequests, 0);
    QCOMPARE(server->statistics().peakOpenRequests, 8);
    QCOMPARE(server->statistics().peakOpenConnections, 8);
    QCOMPARE(server->statistics().requestsServed, 8);
}

void TestDemoServer::closeDropsEveryConnection()
{
    DemoServer::Options options;
    options.latencyMs = 10'000;
    const auto server = startServer(options);
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/health");
    QTRY_COMPARE(server->statistics().openRequests, 1);
    server->close();
    QVERIFY(!server->isListening());
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(server->statistics().openRequests, 0);
    QCOMPARE(server->statistics().openConnections, 0);
}

void TestDemoServer::badOptionsAreRejected_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("error");
    QTest::newRow("error rate") << "errorRate" << 1.5 << "error rate must be between 0 and 1, got 1.5";
    QTest::newRow("negative error rate")
        << "errorRate" << -0.1 << "error rate must be between 0 and 1, got -0.1";
    QTest::newRow("items") << "items" << -1.0 << "item count must not be negative, got -1";
    QTest::newRow("page size") << "pageSize" << 0.0 << "page size must be between 1 and 1000, got 0";
    QTest::newRow("latency") << "latencyMs" << -5.0 << "latency must be between 0 and 600000 ms, got -5";
    QTest::newRow("jitter") << "jitterMs" << 700000.0 << "jitter must be between 0 and 600000 ms, got 700000";
    QTest::newRow("no fault kinds") << "randomFaults" << 0.25
                                    << "error rate 0.25 needs at least one fault kind to draw from";
}

void TestDemoServer::badOptionsAreRejected()
{
    QFETCH(QString, field);
    QFETCH(double, value);
    QFETCH(QString, error);
    DemoServer::Options options;
    if (field == QLatin1String("errorRate"))
        options.errorRate = value;
    else if (field == QLatin1String("items"))
        options.items = static_cast<qint64>(value);
    else if (field == QLatin1String("pageSize"))
        options.pageSize = static_cast<int>(value);
    else if (field == QLatin1String("latencyMs"))
        options.latencyMs = static_cast<int>(value);
    else if (field == QLatin1String("jitterMs"))
        options.jitterMs = static_cast<int>(value);
    else if (field == QLatin1String("randomFaults")) {
        options.errorRate = value;
        options.randomFaults.clear();
    }

    QCOMPARE(DemoServer::validateOptions(options), error);
    DemoServer server;
    QString reported;
    QVERIFY(!server.setOptions(options, &reported));
    QCOMPARE(reported, error);
    QCOMPARE(server.options().errorRate, DemoServer::Options().errorRate); // the old options stay
}

void TestDemoServer::listenReportsABusyPort()
{
    const auto first = startServer();
    QVERIFY(first);
    DemoServer second;
    QString error;
    QVERIFY(!second.listen(first->port(), &error));
    QVERIFY2(error.startsWith(QStringLiteral("cannot listen on 127.0.0.1:%1: ").arg(first->port())),
        qPrintable(error));
    QVERIFY(!first->listen(0, &error));
    QVERIFY(error.contains(QLatin1String("already listening")));
}
