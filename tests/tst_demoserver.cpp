// The demo HTTP server, exercised with real sockets on 127.0.0.1: the data set, pages over HTTP
// and the protocol. Faults, timing and configuration are in tst_demoserver_faults.cpp.
#include "tst_demoserver.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>

using namespace DemoServerTesting;

void TestDemoServer::itemsAreFixedBytes()
{
    // Golden bytes: any change here changes every recorded demo trace.
    QCOMPARE(DemoItems::item(0),
        QByteArray(R"({"id":0,"name":"item-000000","price":18.34,"category":"tools","stock":88})"));
    QCOMPARE(DemoItems::item(42),
        QByteArray(R"({"id":42,"name":"item-000042","price":142.12,"category":"toys","stock":99})"));
    QCOMPARE(DemoItems(500).page(100, 50), DemoItems(500).page(100, 50));
    QVERIFY(DemoItems::item(1) != DemoItems::item(2));
}

void TestDemoServer::pageShape_data()
{
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("from");
    QTest::addColumn<int>("limit");
    QTest::addColumn<qint64>("count");
    QTest::addColumn<QString>("next"); // empty: null

    QTest::newRow("first page") << qint64(120) << qint64(0) << 50 << qint64(50) << "/api/items?from=50";
    QTest::newRow("middle page") << qint64(120) << qint64(50) << 50 << qint64(50) << "/api/items?from=100";
    QTest::newRow("short last page") << qint64(120) << qint64(100) << 50 << qint64(20) << "";
    QTest::newRow("exact last page") << qint64(100) << qint64(50) << 50 << qint64(50) << "";
    QTest::newRow("at the end") << qint64(120) << qint64(120) << 50 << qint64(0) << "";
    QTest::newRow("far past the end") << qint64(120) << qint64(5000) << 50 << qint64(0) << "";
    QTest::newRow("custom limit keeps it")
        << qint64(120) << qint64(3) << 7 << qint64(7) << "/api/items?from=10&limit=7";
    QTest::newRow("empty collection") << qint64(0) << qint64(0) << 50 << qint64(0) << "";
}

void TestDemoServer::pageShape()
{
    QFETCH(qint64, total);
    QFETCH(qint64, from);
    QFETCH(int, limit);
    QFETCH(qint64, count);
    QFETCH(QString, next);

    const DemoItems items(total);
    QJsonParseError error;
    const QJsonObject page = QJsonDocument::fromJson(items.page(from, limit), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(ids(page), range(from, count));
    QCOMPARE(page.value(QLatin1String("from")).toInteger(), from);
    QCOMPARE(page.value(QLatin1String("count")).toInteger(), count);
    QCOMPARE(page.value(QLatin1String("total")).toInteger(), total);
    const QJsonValue nextValue = page.value(QLatin1String("next"));
    QCOMPARE(nextValue.isNull(), next.isEmpty());
    QCOMPARE(nextValue.toString(), next);
    QCOMPARE(QString::fromLatin1(items.nextPath(from, limit)), next);
    if (count > 0) {
        const QJsonObject first = page.value(QLatin1String("items")).toArray().first().toObject();
        QCOMPARE(first.value(QLatin1String("name")).toString(),
            QStringLiteral("item-%1").arg(from, 6, 10, QLatin1Char('0')));
        QVERIFY(first.value(QLatin1String("price")).toDouble() > 0.0);
        QVERIFY(!first.value(QLatin1String("category")).toString().isEmpty());
    }
}

void TestDemoServer::firstPageMatchesDemoItems()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    QCOMPARE(server->itemsUrl(), QUrl(QStringLiteral("http://127.0.0.1:%1/api/items").arg(server->port())));
    RawClient client(server->port());
    client.get("/api/items");
    QVERIFY(client.waitForResponses(1));
    const HttpResponse &response = client.responses().constFirst();
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(response.header("Link"), QByteArray(R"(</api/items?from=50>; rel="next")"));
    QCOMPARE(response.body, DemoItems(120).page(0));
    QCOMPARE(ids(response.json()), range(0, 50));
}

void TestDemoServer::followingNextLinksVisitsEveryItemOnce()
{
    const auto server = startServer(smallCollection(1234));
    QVERIFY(server);
    RawClient client(server->port());
    QList<qint64> seen;
    QByteArray next = "/api/items";
    int requests = 0;
    while (!next.isEmpty()) {
        client.get(next);
        QVERIFY(client.waitForResponses(++requests));
        const HttpResponse &response = client.responses().constLast();
        QCOMPARE(response.status, 200);
        seen += ids(response.json());
        const QJsonValue nextValue = response.json().value(QLatin1String("next"));
        next = nextValue.isNull() ? QByteArray() : nextValue.toString().toLatin1();
        const QByteArray link = response.header("Link");
        QCOMPARE(link.isEmpty(), next.isEmpty());
        if (!next.isEmpty())
            QCOMPARE(link, "<" + next + ">; rel=\"next\"");
    }
    QCOMPARE(requests, 25); // ceil(1234 / 50)
    QCOMPARE(seen, range(0, 1234));
    QCOMPARE(server->statistics().connectionsAccepted, 1);
}

void TestDemoServer::pageSizeFollowsTheLimit()
{
    DemoServer::Options options = smallCollection();
    options.pageSize = 30;
    const auto server = startServer(options);
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?from=10");
    client.get("/api/items?from=10&limit=4");
    QVERIFY(client.waitForResponses(2));
    QCOMPARE(ids(client.responses().at(0).json()), range(10, 30));
    QCOMPARE(ids(client.responses().at(1).json()), range(10, 4));
    QCOMPARE(
        client.responses().at(1).header("Link"), QByteArray(R"(</api/items?from=14&limit=4>; rel="next")"));
}

void TestDemoServer::pastTheEndIsAnEmptyLastPage()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/api/items?from=120");
    client.get("/api/items?from=999999");
    QVERIFY(client.waitForResponses(2));
    for (const HttpResponse &response : client.responses()) {
        QCOMPARE(response.status, 200);
        QVERIFY(response.json().value(QLatin1String("items")).toArray().isEmpty());
        QVERIFY(response.json().value(QLatin1String("next")).isNull());
        QVERIFY(response.header("Link").isEmpty());
    }
}

void TestDemoServer::healthAndEcho()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.get("/health");
    client.send("POST /api/echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    client.send("POST /api/echo HTTP/1.1\r\n\r\n");
    QVERIFY(client.waitForResponses(3));
    QCOMPARE(client.responses().at(0).status, 200);
    QCOMPARE(client.responses().at(0).body, QByteArray(R"({"status":"ok"})"));
    QCOMPARE(client.responses().at(1).body, QByteArray(R"({"received_bytes":5})"));
    QCOMPARE(client.responses().at(2).body, QByteArray(R"({"received_bytes":0})"));
}

void TestDemoServer::postBodyArrivingInPieces()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    const QByteArray body(300'000, 'x');
    client.send("POST /api/echo HTTP/1.1\r\nContent-Length: 300000\r\n\r\n" + body.first(1000));
    client.send(body.sliced(1000, 200'000));
    client.send(body.sliced(201'000));
    client.get("/health"); // the connection is still in step after the body
    QVERIFY(client.waitForResponses(2));
    QCOMPARE(client.responses().at(0).json().value(QLatin1String("received_bytes")).toInteger(), 300'000);
    QCOMPARE(client.responses().at(1).body, QByteArray(R"({"status":"ok"})"));
}

void TestDemoServer::expectContinueIsAnswered()
{
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.send("POST /api/echo HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    QVERIFY(client.waitForResponses(1));
    QCOMPARE(client.responses().at(0).status, 100);
    client.send("body");
    QVERIFY(client.waitForResponses(2));
    QCOMPARE(client.responses().at(1).body, QByteArray(R"({"received_bytes":4})"));
}

void TestDemoServer::keepAliveServesManyRequestsOnOneConnection()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    RawClient client(server->port());
    for (int i = 0; i < 5; ++i) {
        client.get("/api/items?from=" + QByteArray::number(i * 10) + "&limit=10");
        QVERIFY(client.waitForResponses(i + 1));
        QCOMPARE(client.responses().constLast().header("Connection"), QByteArray("keep-alive"));
        QCOMPARE(ids(client.responses().constLast().json()), range(i * 10, 10));
    }
    QVERIFY(client.isConnected());
    QCOMPARE(server->statistics().connectionsAccepted, 1);
    QCOMPARE(server->statistics().requestsServed, 5);
    QCOMPARE(server->statistics().responsesByStatus.value(200), 5);
}

void TestDemoServer::pipelinedRequestsAreAnsweredInOrder()
{
    // Jitter makes later requests ready before earlier ones; the answers must still come in order.
    DemoServer::Options options = smallCollection();
    options.latencyMs = 30;
    options.jitterMs = 25;
    const auto server = startServer(options);
    QVERIFY(server);
    RawClient client(server->port());
    QByteArray batch;
    for (int i = 0; i < 10; ++i)
        batch
            += "GET /api/items?limit=10&from=" + QByteArray::number(i * 10) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send(batch);
    QVERIFY(client.waitForResponses(10));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(ids(client.responses().at(i).json()), range(i * 10, 10));
    QVERIFY(server->statistics().peakOpenRequests >= 2);
}

void TestDemoServer::requestSplitAcrossWrites()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    RawClient client(server->port());
    QSignalSpy answered(&client.socket(), &QTcpSocket::readyRead);
    // Split inside the path and inside the blank line that ends the head.
    for (const QByteArrayView piece :
        { "GET /api/it", "ems?from=5&limit=3 HTTP/1.1\r\nHost: 127.0.0.1\r", "\n\r" }) {
        client.send(piece);
        QVERIFY2(!answered.wait(100), "answered before the request was complete");
    }
    client.send("\n");
    QVERIFY(client.waitForResponses(1));
    QCOMPARE(ids(client.responses().constFirst().json()), range(5, 3));
}

void TestDemoServer::connectionCloseIsHonoured_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("HTTP/1.1 close") << QByteArray("GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
    QTest::newRow("HTTP/1.0") << QByteArray("GET /health HTTP/1.0\r\n\r\n");
    QTest::newRow("POST with a body")
        << QByteArray("POST /api/echo HTTP/1.1\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc");
    QTest::newRow("requests after close are ignored")
        << QByteArray("GET /health HTTP/1.1\r\nConnection: Close\r\n\r\nGET /health HTTP/1.1\r\n\r\n");
}

void TestDemoServer::connectionCloseIsHonoured()
{
    QFETCH(QByteArray, request);
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.send(request);
    QVERIFY(client.waitForResponses(1));
    QVERIFY(client.waitForDisconnected());
    QCOMPARE(client.responses().size(), 1);
    QCOMPARE(client.responses().constFirst().status, 200);
    QCOMPARE(client.responses().constFirst().header("Connection"), QByteArray("close"));
    QTRY_COMPARE(server->statistics().openConnections, 0);
}

void TestDemoServer::badRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorMentions");
    QTest::addColumn<bool>("connectionSurvives");
    QTest::addColumn<QByteArray>("allow");

    const auto get = [](QByteArray target) { return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"; };
    QTest::newRow("garbage") << QByteArray("GARBAGE\r\n\r\n") << 400 << "request line" << false
                             << QByteArray();
    QTest::newRow("HTTP/2") << QByteArray("GET /health HTTP/2.0\r\n\r\n") << 505 << "HTTP/2.0" << false
                            << QByteArray();
    QTest::newRow("header without colon")
        << QByteArray("GET /health HTTP/1.1\r\nNoColon\r\n\r\n") << 400 << "header" << false << QByteArray();
    QTest::newRow("bad Content-Length") << QByteArray("POST /api/echo HTTP/1.1\r\nContent-Length: 1x\r\n\r\n")
                                        << 400 << "Content-Length" << false << QByteArray();
    QTest::newRow("chunked body") << QByteArray(
        "POST /api/echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                  << 501 << "chunked" << false << QByteArray();
    QTest::newRow("from not a number")
        << get("/api/items?from=abc") << 400 << "'from'" << true << QByteArray();
    QTest::newRow("negative from") << get("/api/items?from=-5") << 400 << "'from'" << true << QByteArray();
    QTest::newRow("empty from") << get("/api/items?from=") << 400 << "'from'" << true << QByteArray();
    QTest::newRow("limit zero") << get("/api/items?limit=0") << 400 << "'limit'" << true << QByteArray();
    QTest::newRow("limit too large") << get("/api/items?limit=1001") << 400 << "'limit'" << true
                                     << QByteArray();
    QTest::newRow("unknown fault") << get("/api/items?fault=explode") << 400 << "explode" << true
                                   << QByteArray();
    QTest::newRow("bad fault_times") << get("/api/items?fault=500&fault_times=x") << 400 << "fault_times"
                                     << true << QByteArray();
    QTest::newRow("unknown path") << get("/nope") << 404 << "/nope" << true << QByteArray();
    QTest::newRow("POST items") << QByteArray("POST /api/items HTTP/1.1\r\nContent-Length: 0\r\n\r\n") << 405
                                << "POST" << true << QByteArray("GET");
    QTest::newRow("GET echo") << get("/api/echo") << 405 << "GET" << true << QByteArray("POST");
    QTest::newRow("HEAD health") << QByteArray("HEAD /health HTTP/1.1\r\n\r\n") << 405 << "HEAD" << false
                                 << QByteArray("GET");
    QTest::newRow("DELETE health") << QByteArray("DELETE /health HTTP/1.1\r\n\r\n") << 405 << "DELETE" << true
                                   << QByteArray("GET");
}

void TestDemoServer::badRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, errorMentions);
    QFETCH(bool, connectionSurvives);
    QFETCH(QByteArray, allow);

    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.send(request);
    QVERIFY(client.waitForResponses(1));
    const HttpResponse &response = client.responses().constFirst();
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QJsonParseError parseError;
    const QJsonObject body = QJsonDocument::fromJson(response.body, &parseError).object();
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QString message = body.value(QLatin1String("error")).toString();
    QVERIFY2(message.contains(errorMentions), qPrintable(message));
    QCOMPARE(response.header("Allow"), allow);
    if (connectionSurvives) {
        client.get("/health");
        QVERIFY(client.waitForResponses(2));
        QCOMPARE(client.responses().at(1).status, 200);
    } else {
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(client.waitForDisconnected());
    }
}

void TestDemoServer::oversizedHeadIsRejected_data()
{
    QTest::addColumn<QByteArray>("request");
    const QByteArray big(20 * 1024, 'a');
    QTest::newRow("complete but too large") << "GET /health HTTP/1.1\r\nX-Big: " + big + "\r\n\r\n";
    QTest::newRow("never ends") << "GET /health HTTP/1.1\r\nX-Big: " + big;
}

void TestDemoServer::oversizedHeadIsRejected()
{
    QFETCH(QByteArray, request);
    const auto server = startServer();
    QVERIFY(server);
    RawClient client(server->port());
    client.send(request);
    QVERIFY(client.waitForResponses(1));
    QCOMPARE(client.responses().constFirst().status, 431);
    QVERIFY(client.waitForDisconnected());
}

void TestDemoServer::worksWithQNetworkAccessManager()
{
    const auto server = startServer(smallCollection());
    QVERIFY(server);
    QNetworkAccessManager manager;
    for (const QString &query : { QStringLiteral("from=0"), QStringLiteral("from=50") }) {
        QUrl url = server->itemsUrl();
        url.setQuery(query);
        std::unique_ptr<QNetworkReply> reply(manager.get(QNetworkRequest(url)));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(
            QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("count")).toInt(), 50);
    }
    QCOMPARE(server->statistics().connectionsAccepted, 1); // the manager reused its keep-alive connection
}

QTEST_GUILESS_MAIN(TestDemoServer)
