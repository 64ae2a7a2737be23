#pragma once

// What the demo server tests share: a raw HTTP/1.1 client, server set-up helpers and the test
// class (its tests live in tst_demoserver.cpp and tst_demoserver_faults.cpp).
#include "net/demoitems.h"
#include "net/demoserver.h"

#include <memory>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QtTest>
#include <utility>

namespace DemoServerTesting {

using Loopscope::DemoItems;
using Loopscope::DemoServer;

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

inline std::unique_ptr<DemoServer> startServer(const DemoServer::Options &options = {})
{
    auto server = std::make_unique<DemoServer>();
    QString error;
    if (!server->setOptions(options, &error) || !server->listen(0, &error)) {
        qWarning() << "cannot start the demo server:" << error;
        return nullptr;
    }
    return server;
}

inline DemoServer::Options smallCollection(qint64 items = 120)
{
    DemoServer::Options options;
    options.items = items;
    return options;
}

inline QList<qint64> ids(const QJsonObject &page)
{
    QList<qint64> result;
    for (const QJsonValue &item : page.value(QLatin1String("items")).toArray())
        result.append(item.toObject().value(QLatin1String("id")).toInteger());
    return result;
}

inline QList<qint64> range(qint64 from, qint64 count)
{
    QList<qint64> result;
    for (qint64 i = from; i < from + count; ++i)
        result.append(i);
    return result;
}

} // namespace DemoServerTesting

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
