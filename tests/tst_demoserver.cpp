// The demo HTTP server, exercised with real sockets on 127.0.0.1.
#include "net/demoitems.h"
#include "net/demoserver.h"

#include <memory>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtTest>
#include <utility>
#include <vector>

using Loopscope::DemoItems;
using Loopscope::DemoServer;

namespace {

struct HttpResponse
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

// A raw HTTP/1.1 client on one socket: writes exactly the bytes it is given and splits what comes
// back into responses, keeping the raw bytes too for the faults that break framing.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] {
            ++m_readyReads;
            const QByteArray bytes = m_socket.readAll();
            m_raw += bytes;
            m_pending += bytes;
            parse();
        });
        // Bytes sent before the connection is up wait here: a socket refuses writes until connected.
        QObject::connect(&m_socket, &QTcpSocket::connected, [this] { send(std::exchange(m_outbox, {})); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    void send(QByteArrayView bytes)
    {
        if (!isConnected()) {
            m_outbox += bytes;
            return;
        }
        m_socket.write(bytes.data(), bytes.size());
        m_socket.flush();
    }
    void get(QByteArrayView target, QByteArrayView extraHeaders = {})
    {
        send("GET " + target.toByteArray() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders.toByteArray()
            + "\r\n");
    }
    bool waitForResponses(qsizetype count, int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return m_responses.size() >= count; }, timeoutMs);
    }
    bool waitForDisconnected(int timeoutMs = 5000)
    {
        return QTest::qWaitFor(
            [&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

    QTcpSocket &socket() { return m_socket; }
    const QList<HttpResponse> &responses() const { return m_responses; }
    const QByteArray &raw() const { return m_raw; }
    int readyReads() const { return m_readyReads; }

private:
    void parse()
    {
        for (;;) {
            const qsizetype end = m_pending.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = m_pending.first(end).split('\n');
            HttpResponse response;
            response.status = lines.constFirst().mid(9, 3).toInt();
            qsizetype length = 0;
            for (const QByteArray &line : lines.mid(1)) {
                const qsizetype colon = line.indexOf(':');
                response.headers.append({ line.first(colon), line.mid(colon + 1).trimmed() });
                if (line.first(colon).compare("content-length", Qt::CaseInsensitive) == 0)
                    length = response.headers.constLast().second.toLongLong();
            }
            if (m_pending.size() < end + 4 + length)
                return;
            response.body = m_pending.mid(end + 4, length);
            m_pending.remove(0, end + 4 + length);
            m_responses.append(response);
        }
    }

    QTcpSocket m_socket;
    QByteArray m_outbox;
    QByteArray m_raw;
    QByteArray m_pending;
    QList<HttpResponse> m_responses;
    int m_readyReads = 0;
};

std::unique_ptr<DemoServer> startServer(const DemoServer::Options &options = {})
{
    auto server = std::make_unique<DemoServer>();
    QString error;
    if (!server->setOptions(options, &error) || !server->listen(0, &error)) {
        qWarning() << "cannot start the demo server:" << error;
        return nullptr;
    }
    return server;
}

DemoServer::Options smallCollection(qint64 items = 120)
{
    DemoServer::Options options;
    options.items = items;
    return options;
}

QList<qint64> ids(const QJsonObject &page)
{
    QList<qint64> result;
    for (const QJsonValue &item : page.value(QLatin1String("items")).toArray())
        result.append(item.toObject().value(QLatin1String("id")).toInteger());
    return result;
}

QList<qint64> range(qint64 from, qint64 count)
{
    QList<qint64> result;
    for (qint64 i = from; i < from + count; ++i)
        result.append(i);
    return result;
}

} // namespace

class TestDemoServer : public QObject
{
    Q_OBJECT

private slots:
    // The data set
    void itemsAreFixedBytes();
    void pageShape_data();
    void pageShape();

    // Pages over HTTP
    void firstPageMatchesDemoItems();
    void followingNextLinksVisitsEveryItemOnce();
    void pageSizeFollowsTheLimit();
    void pastTheEndIsAnEmptyLastPage();
    void healthAndEcho();
    void postBodyArrivingInPieces();
    void expectContinueIsAnswered();

    // The protocol
    void keepAliveServesManyRequestsOnOneConnection();
    void pipelinedRequestsAreAnsweredInOrder();
    void requestSplitAcrossWrites();
    void connectionCloseIsHonoured_data();
    void connectionCloseIsHonoured();
    void badRequests_data();
    void badRequests();
    void oversizedHeadIsRejected_data();
    void oversizedHeadIsRejected();
    void worksWithQNetworkAccessManager();

    // Faults
    void statusFaults_data();
    void statusFaults();
    void dropFaultClosesWithoutAnswer();
    void truncateFaultSendsLessThanAnnounced();
    void malformedFaultIsInvalidJson();
    void slowFaultTricklesTheBody_data();
    void slowFaultTricklesTheBody();
    void faultTimesLimitsFaultsPerUrl();
    void randomFaultsFollowTheSeed();

    // Timing and statistics
    void latencyIsHonoured_data();
    void latencyIsHonoured();
    void peakInFlightCountsConcurrentRequests();
    void closeDropsEveryConnection();

    // Configuration
    void badOptionsAreRejected_data();
    void badOptionsAreRejected();
    void listenReportsABusyPort();
};

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

QTEST_GUILESS_MAIN(TestDemoServer)
#include "tst_demoserver.moc"
