#include "net/demohttp.h"
#include "net/demoserver.h"
#include "net/demotls.h"
#include "net/httpclient.h"
#include "net/httpcompression.h"
#include "net/httpconnection.h"
#include "net/httpresponseparser.h"
#include "net/sharedtlscontext.h"
#include "net/tlsserver.h"
#include "net/tlssessions.h"
#include "scheduler/awaitables.h"
#include "scheduler/combinators.h"
#include "testlib/scriptedserver.h"
#include "trace/requestphases.h"

#include <QCoroTask>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <zlib.h>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

HttpResponse parseInPieces(const QByteArray &raw, qsizetype piece, HttpResponseParser &parser)
{
    parser.reset();
    for (qsizetype pos = 0; pos < raw.size() && !parser.isDone() && !parser.hasError(); pos += piece)
        parser.feed(raw.constData() + pos, std::min(piece, raw.size() - pos));
    return parser.isDone() ? parser.takeResponse() : HttpResponse {};
}

SchedulerOptions realClock()
{
    SchedulerOptions options;
    options.clock = ClockMode::Real;
    return options;
}

HttpClientOptions quickRetries(int attempts = 4)
{
    HttpClientOptions options;
    options.maxAttempts = attempts;
    options.backoffBase = 10ms;
    options.backoffMax = 50ms;
    options.timeout = 5s;
    return options;
}

//! The demo API over https, and the demo CA written where a client can be told to trust it.
struct TlsDemo
{
    DemoServer server;
    QTemporaryDir dir;
    QString caFile = dir.filePath(QStringLiteral("demo-ca.pem"));

    TlsDemo()
    {
        DemoServer::Options options;
        options.tls = true;
        server.setOptions(options);
        server.listen();
        DemoTls::writeCaFile(caFile);
    }
};

//! Fetches pages first..first+count-1 of 5 items one after the other; how many items came.
Task<int> fetchPages(HttpClient &client, QUrl base, int first, int count)
{
    int items = 0;
    for (int page = first; page < first + count; ++page) {
        QUrl url = base;
        url.setQuery(QStringLiteral("from=%1&limit=5").arg(page * 5));
        const HttpResponse response = co_await client.get(url);
        items += static_cast<int>(
            QJsonDocument::fromJson(response.body).object().value(QStringLiteral("items")).toArray().size());
    }
    co_return items;
}

//! 1 if getting `url` fails with an HttpError, else 0.
//! A TLS server answering every request with {}, whose next handshake may be made to wait.
class SlowPilotServer : public TlsServer
{
public:
    explicit SlowPilotServer(QSslConfiguration configuration)
        : TlsServer(std::move(configuration))
    {
        connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
            if (m_acceptedAtFirstHandshake < 0)
                m_acceptedAtFirstHandshake = m_accepted;
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    if (socket->readAll().contains("\r\n\r\n"))
                        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
                });
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(serverPort())); }
    void delayNextHandshake(std::chrono::milliseconds delay) { m_delay = delay; }
    //! TCP connections accepted when the first handshake ended (-1: none has).
    int acceptedAtFirstHandshake() const { return m_acceptedAtFirstHandshake; }

protected:
    void incomingConnection(qintptr handle) override
    {
        ++m_accepted;
        const std::chrono::milliseconds delay = std::exchange(m_delay, std::chrono::milliseconds(0));
        if (delay.count() == 0)
            return TlsServer::incomingConnection(handle);
        QTimer::singleShot(delay, this, [this, handle] { TlsServer::incomingConnection(handle); });
    }

private:
    std::chrono::milliseconds m_delay { 0 };
    int m_accepted = 0;
    int m_acceptedAtFirstHandshake = -1;
};

//! `pilotPatience`: long, where a test counts resumed handshakes however slow this machine's
//! handshakes are (the sanitizers).
HttpClientOptions trustingTheDemoCa(
    const QTemporaryDir &dir, std::chrono::milliseconds pilotPatience = HttpClientOptions {}.pilotPatience)
{
    HttpClientOptions options = quickRetries();
    options.pilotPatience = pilotPatience;
    options.caFile = dir.filePath(QStringLiteral("demo-ca.pem"));
    if (const QString problem = DemoTls::writeCaFile(options.caFile); !problem.isEmpty())
        qFatal("%s", qPrintable(problem));
    return options;
}

//! `count` GETs of `url` at once; how many were answered 200.
Task<int> getAtOnce(HttpClient &client, QUrl url, int count)
{
    std::vector<Task<HttpResponse>> gets;
    for (int i = 0; i < count; ++i)
        gets.push_back(client.get(url));
    int ok = 0;
    for (const HttpResponse &response : co_await whenAll(std::move(gets)))
        ok += response.status == 200 ? 1 : 0;
    co_return ok;
}

Task<int> refused(HttpClient &client, QUrl url)
{
    try {
        co_await client.get(url);
    } catch (const HttpError &) {
        co_return 1;
    }
    co_return 0;
}

//! Expects `request` to throw an HttpError of `kind` whose message contains `words`.
template<typename Run>
void expectHttpError(Run request, HttpError::Kind kind, const QString &words, int attempts = 1)
{
    try {
        request();
        QFAIL("the request must fail");
    } catch (const HttpError &error) {
        QVERIFY2(error.kind() == kind, qPrintable(error.message()));
        QVERIFY2(error.message().contains(words), qPrintable(error.message()));
        QCOMPARE(error.attempts(), attempts);
    }
}

//! A gzip stream of `size` zero bytes (a bomb: a few hundred KB for 256 MiB).
QByteArray gzipOfZeros(qsizetype size)
{
    z_stream stream {};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    const QByteArray zeros(1 << 20, '\0');
    QByteArray out;
    QByteArray chunk(1 << 16, Qt::Uninitialized);
    for (qsizetype left = size;;) {
        const qsizetype piece = std::min<qsizetype>(left, zeros.size());
        left -= piece;
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(zeros.data()));
        stream.avail_in = static_cast<uInt>(piece);
        const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            stream.next_out = reinterpret_cast<Bytef *>(chunk.data());
            stream.avail_out = static_cast<uInt>(chunk.size());
            deflate(&stream, flush);
            out.append(chunk.constData(), chunk.size() - stream.avail_out);
        } while (stream.avail_out == 0);
        if (left == 0)
            break;
    }
    deflateEnd(&stream);
    return out;
}

//! A TLS server with the demo certificate that starts each handshake, and answers each request
//! with {}, only after a delay.
class DawdlingTlsServer : public TlsServer
{
public:
    DawdlingTlsServer(std::chrono::milliseconds handshakeDelay, std::chrono::milliseconds answerDelay)
        : TlsServer(DemoTls::serverConfiguration())
        , m_handshakeDelay(handshakeDelay)
    {
        connect(this, &QTcpServer::pendingConnectionAvailable, this, [this, answerDelay] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket, answerDelay] {
                    if (!socket->readAll().contains("\r\n\r\n"))
                        return;
                    QTimer::singleShot(answerDelay, socket,
                        [socket] { socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"); });
                });
            }
        });
        listen(QHostAddress::LocalHost);
    }
    QUrl url() const { return QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(serverPort())); }

protected:
    void incomingConnection(qintptr handle) override
    {
        QTimer::singleShot(m_handshakeDelay, this, [this, handle] { TlsServer::incomingConnection(handle); });
    }

private:
    std::chrono::milliseconds m_handshakeDelay;
};

/*!
 * Certificates made for a test by the openssl command: a CA ("Test CA", what caFile() holds), and
 * server certificates signed by it, by a CA nobody trusts, or by themselves. usable() is false,
 * with the reason in problem(), where openssl is missing or fails.
 */
class TestCertificates
{
public:
    enum class Signer { TestCa, UnknownCa, Itself };

    TestCertificates()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty()) {
            m_problem = QStringLiteral("no openssl command on this machine");
            return;
        }
        QFile config(path("ca.cnf"));
        if (!config.open(QIODevice::WriteOnly)
            || config.write("[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n"
                            "serial = serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n"
                            "[anything]\ncommonName = supplied\n")
                < 0)
            m_problem = QStringLiteral("cannot write the CA configuration");
        config.close();
        QFile(path("index.txt")).open(QIODevice::WriteOnly);
        QFile serial(path("serial"));
        if (serial.open(QIODevice::WriteOnly))
            serial.write("01\n");
        serial.close();
        makeCa(QStringLiteral("test-ca"), QStringLiteral("Test CA"));
        makeCa(QStringLiteral("unknown-ca"), QStringLiteral("Unknown CA"));
    }
    bool usable() const { return m_problem.isEmpty(); }
    QString problem() const { return m_problem; }
    QString caFile() const { return path("test-ca.pem"); }

    //! Makes a server certificate named `name` (its CN) with the X.509 v3 `extensions` (as
    //! openssl's -extfile takes them), valid `from` `to` (YYYYMMDDHHMMSSZ): its file, whose key is
    //! keyFile(name).
    QString issue(const QString &name, const QString &extensions, Signer signer,
        const QString &from = QStringLiteral("20200101000000Z"),
        const QString &to = QStringLiteral("20900101000000Z"))
    {
        QFile extensionFile(path(name + ".ext"));
        if (extensionFile.open(QIODevice::WriteOnly))
            extensionFile.write(extensions.toUtf8() + '\n');
        extensionFile.close();
        const QString certificate = path(name + ".pem");
        if (signer == Signer::Itself) {
            run({ "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", keyFile(name), "-out", certificate, "-subj", "/CN=" + name, "-days", "30",
                "-addext", extensions });
        } else {
            run({ "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                keyFile(name), "-out", path(name + ".csr"), "-subj", "/CN=" + name });
            const QString ca
                = signer == Signer::TestCa ? QStringLiteral("test-ca") : QStringLiteral("unknown-ca");
            run({ "ca", "-batch", "-config", path("ca.cnf"), "-cert", path(ca + ".pem"), "-keyfile",
                path(ca + ".key"), "-in", path(name + ".csr"), "-out", certificate, "-startdate", from,
                "-enddate", to, "-extfile", path(name + ".ext"), "-notext" });
        }
        return certificate;
    }
    QString keyFile(const QString &name) const { return path(name + ".key"); }

    //! A server configuration with a certificate made by issue().
    QSslConfiguration serverConfiguration(const QString &name, const QString &extensions, Signer signer,
        const QString &from = QStringLiteral("20200101000000Z"),
        const QString &to = QStringLiteral("20900101000000Z"))
    {
        const QString certificate = issue(name, extensions, signer, from, to);
        QSslConfiguration configuration = DemoTls::serverConfiguration();
        configuration.setLocalCertificate(QSslCertificate(read(certificate)));
        configuration.setPrivateKey(QSslKey(read(keyFile(name)), QSsl::Ec));
        return configuration;
    }

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    static QByteArray read(const QString &file)
    {
        QFile in(file);
        return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
    }
    void makeCa(const QString &name, const QString &commonName)
    {
        run({ "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path(name + ".key"), "-out", path(name + ".pem"), "-subj", "/CN=" + commonName,
            "-days", "30" });
    }
    void run(const QStringList &arguments)
    {
        if (!m_problem.isEmpty())
            return;
        QProcess openssl;
        openssl.setWorkingDirectory(m_dir.path());
        openssl.start(QStringLiteral("openssl"), arguments);
        if (!openssl.waitForFinished(60'000) || openssl.exitStatus() != QProcess::NormalExit
            || openssl.exitCode() != 0)
            m_problem
                = QStringLiteral("openssl %1 failed: %2")
                      .arg(arguments.join(u' '), QString::fromLocal8Bit(openssl.readAllStandardError()));
    }

    QTemporaryDir m_dir;
    QString m_problem;
};

//! The HttpError that getting `url` with `client` ends in (a Usage error saying so if it succeeds).
HttpError failureOf(Scheduler &scheduler, HttpClient &client, const QUrl &url)
{
    try {
        scheduler.runUntilComplete(client.get(url));
    } catch (const HttpError &error) {
        return error;
    }
    return HttpError(HttpError::Kind::Usage, QStringLiteral("the request succeeded"));
}

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT
private slots:
    void demoRequestHeadsAreParsedStrictly_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<int>("status"); // 0: accepted
        QTest::newRow("get") << QByteArray("GET /api/items?from=0 HTTP/1.1\r\nHost: x") << 0;
        QTest::newRow("post with length") << QByteArray("POST /api/echo HTTP/1.1\r\nContent-Length: 12") << 0;
        QTest::newRow("no version") << QByteArray("GET /") << 400;
        QTest::newRow("extra space") << QByteArray("GET  / HTTP/1.1") << 400;
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0") << 505;
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nHost") << 400;
        QTest::newRow("signed length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1") << 400;
        QTest::newRow("conflicting lengths")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2") << 400;
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked") << 501;
    }
    void demoRequestHeadsAreParsedStrictly()
    {
        QFETCH(QByteArray, head);
        QFETCH(int, status);
        DemoHttp::RequestHead request;
        const auto error = DemoHttp::parseHead(head, request);
        QCOMPARE(error ? error->status : 0, status);
        if (error) {
            QVERIFY(!error->message.isEmpty());
            return;
        }
        QVERIFY(request.method == "GET" || request.method == "POST");
        QVERIFY(request.keepAlive);
        if (request.method == "POST")
            QCOMPARE(request.contentLength, 12);
        else
            QCOMPARE(request.target, QByteArrayView("/api/items?from=0"));
    }

    void parsesResponses_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << 200 << QByteArray("hello");
        QTest::newRow("chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n")
                                 << 200 << QByteArray("hello world");
        QTest::newRow("no body") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << 204 << QByteArray();
        QTest::newRow("bare newlines")
            << QByteArray("HTTP/1.1 404 Not Found\nContent-Length: 2\n\nno") << 404 << QByteArray("no");
    }
    void parsesResponses()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        HttpResponseParser parser;
        for (qsizetype piece : { qsizetype(1), qsizetype(3), raw.size() }) {
            const HttpResponse response = parseInPieces(raw, piece, parser);
            QVERIFY2(parser.isDone(), qPrintable(parser.error()));
            QCOMPARE(response.status, status);
            QCOMPARE(response.body, body);
        }
    }

    void rejectsBrokenResponses_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QString>("error");
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n") << "not an HTTP/1.x status line";
        QTest::newRow("bad status") << QByteArray("HTTP/1.1 abc OK\r\n") << "invalid HTTP status";
        QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n")
                                    << "invalid Content-Length";
        QTest::newRow("bad chunk") << QByteArray(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                   << "invalid chunk size";
        QTest::newRow("huge head") << QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(70'000, 'a')
                                   << "larger than 64 KiB";
    }
    void rejectsBrokenResponses()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QString, error);
        HttpResponseParser parser;
        parser.reset();
        parser.feed(raw.constData(), raw.size());
        QVERIFY(parser.hasError());
        QVERIFY2(parser.error().contains(error), qPrintable(parser.error()));
    }

    void endOfStreamCompletesOnlyCloseDelimitedBodies()
    {
        HttpResponseParser parser;
        const QByteArray open("HTTP/1.0 200 OK\r\n\r\nstream until close");
        parser.reset();
        parser.feed(open.constData(), open.size());
        QVERIFY(!parser.isDone());
        parser.finishAtEndOfStream();
        QVERIFY(parser.isDone());
        QCOMPARE(parser.takeResponse().body, QByteArray("stream until close"));

        const QByteArray truncated("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
        parser.reset();
        parser.feed(truncated.constData(), truncated.size());
        parser.finishAtEndOfStream();
        QVERIFY(parser.hasError());
        QVERIFY(parser.error().contains(QStringLiteral("before the response was complete")));
    }

    void getsAPageAndTracesIt()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        QUrl url = server.itemsUrl();
        url.setQuery(QStringLiteral("from=50"));
        const HttpResponse response = s.runUntilComplete(client.get(url));
        QCOMPARE(response.status, 200);
        const QJsonObject page = QJsonDocument::fromJson(response.body).object();
        QCOMPARE(page.value(QStringLiteral("from")).toInt(), 50);
        QCOMPARE(page.value(QStringLiteral("items")).toArray().size(), 50);
        QVERIFY(response.firstByteNs > 0 && response.endNs >= response.firstByteNs);

        const Trace &trace = s.trace();
        QCOMPARE(trace.ioRecords().size(), std::size_t(1));
        const IoRecord &record = trace.ioRecords().front();
        QCOMPARE(record.method, QStringLiteral("GET"));
        QCOMPARE(record.url, url.toString());
        QCOMPARE(record.status, 200);
        QCOMPARE(record.responseBytes, response.body.size());
        bool submitted = false, completed = false;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent &e = trace.at(i);
            if (e.kind == EventKind::IoSubmitted) {
                submitted = true;
                QCOMPARE(trace.labels().text(e.detail), QStringLiteral("GET /api/items?from=50"));
            }
            if (e.kind == EventKind::IoCompleted) {
                completed = true;
                QVERIFY(trace.labels().text(e.detail).startsWith(QStringLiteral("200 OK · ")));
            }
        }
        QVERIFY(submitted && completed);
    }

    void reusesKeepAliveConnections()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        auto sequential = [](HttpClient &c, QUrl url) -> Task<int> {
            int ok = 0;
            for (int i = 0; i < 10; ++i)
                ok += (co_await c.get(url)).status == 200;
            co_return ok;
        };
        QCOMPARE(s.runUntilComplete(sequential(client, server.itemsUrl())), 10);
        QCOMPARE(client.statistics().connectionsOpened, qint64(1));
        QCOMPARE(server.statistics().connectionsAccepted, qint64(1));
    }

    void concurrencyPutsRequestsOnTheWire()
    {
        DemoServer server;
        DemoServer::Options options;
        options.latencyMs = 100;
        QVERIFY(server.setOptions(options));
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        auto fetchAll = [](HttpClient &c, QUrl base, int n) -> Task<int> {
            std::vector<Task<HttpResponse>> requests;
            for (int i = 0; i < n; ++i) {
                QUrl url = base;
                url.setQuery(QStringLiteral("from=%1").arg(i * 50));
                requests.push_back(c.get(url));
            }
            const auto responses = co_await whenAll(std::move(requests));
            co_return static_cast<int>(std::count_if(
                responses.begin(), responses.end(), [](const HttpResponse &r) { return r.status == 200; }));
        };
        QElapsedTimer wall;
        wall.start();
        QCOMPARE(s.runUntilComplete(fetchAll(client, server.itemsUrl(), 40)), 40);
        QCOMPARE(client.statistics().peakInFlight, 40);
        QCOMPARE(server.statistics().peakOpenRequests, 40); // all 40 on the wire at once
        QVERIFY(wall.elapsed() < 40 * 100);                 // far below the sequential time
    }

    void retriesTransientFaults_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("attempts");
        QTest::newRow("500 twice") << "fault=500&fault_times=2" << 3;
        QTest::newRow("429 once") << "fault=429&fault_times=1&retry_after=0" << 2;
        QTest::newRow("dropped connection") << "fault=drop&fault_times=1" << 2;
        QTest::newRow("truncated body") << "fault=truncate&fault_times=2" << 3;
    }
    void retriesTransientFaults()
    {
        QFETCH(QString, fault);
        QFETCH(int, attempts);
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        QUrl url = server.itemsUrl();
        url.setQuery(QStringLiteral("from=0&") + fault);
        const HttpResponse response = s.runUntilComplete(client.get(url));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.attempts, attempts);
        QCOMPARE(client.statistics().retries, qint64(attempts - 1));
        QCOMPARE(s.trace().ioRecords().size(), std::size_t(attempts));
    }

    void doesNotRetryClientErrors()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        const HttpResponse response
            = s.runUntilComplete(client.get(server.baseUrl().resolved(QUrl("/nope"))));
        QCOMPARE(response.status, 404);
        QCOMPARE(response.attempts, 1);
    }

    void givesUpAfterTheLastAttempt()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries(3));
        QUrl url = server.itemsUrl();
        url.setQuery(QStringLiteral("from=0&fault=500"));
        const HttpResponse response = s.runUntilComplete(client.get(url));
        QCOMPARE(response.status, 500);
        QCOMPARE(response.attempts, 3);

        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        QUrl refused(QStringLiteral("http://127.0.0.1:%1/api/items").arg(port));
        QVERIFY_THROWS_EXCEPTION(HttpError, s.runUntilComplete(client.get(refused)));
        QCOMPARE(client.statistics().failures, qint64(1));
        QVERIFY(s.trace().size() > 0);
        qsizetype failedIo = 0;
        for (qsizetype i = 0; i < s.trace().size(); ++i)
            failedIo += s.trace().at(i).kind == EventKind::IoFailed;
        QCOMPARE(failedIo, qsizetype(3));
    }

    void timesOutSlowResponses()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries(1);
        options.timeout = 150ms;
        HttpClient client(options);
        QUrl url = server.itemsUrl();
        url.setQuery(QStringLiteral("from=0&fault=slow&slow_ms=3000"));
        try {
            s.runUntilComplete(client.get(url));
            QFAIL("a slow response must time out");
        } catch (const HttpError &error) {
            QCOMPARE(error.kind(), HttpError::Kind::Timeout);
            QVERIFY2(error.message().contains(QStringLiteral("within 150 ms")), qPrintable(error.message()));
        }
    }

    void fetchesOverTlsWithTheCaItIsGiven()
    {
        TlsDemo demo;
        QVERIFY(demo.server.isListening());
        QCOMPARE(demo.server.itemsUrl().scheme(), QStringLiteral("https"));
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries();
        options.caFile = demo.caFile;
        options.pilotPatience = 10s; // however slow this machine's handshakes (sanitizers)
        HttpClient client(options);
        // 40 pages by 8 workers of 5 pages each: every item arrives, on 8 kept-alive TLS connections.
        auto fetchAll = [](HttpClient &c, QUrl base) -> Task<int> {
            std::vector<Task<int>> workers;
            for (int first = 0; first < 40; first += 5)
                workers.push_back(fetchPages(c, base, first, 5));
            int items = 0;
            for (const int count : co_await whenAll(std::move(workers)))
                items += count;
            co_return items;
        };
        QCOMPARE(s.runUntilComplete(fetchAll(client, demo.server.itemsUrl())), 200);
        QCOMPARE(client.statistics().connectionsOpened, qint64(8));
        // The first connection verified the certificate; the seven opened meanwhile waited for it,
        // then resumed its session (the server's connections share one ticket key).
        QCOMPARE(client.statistics().tlsFullHandshakes, qint64(1));
        QCOMPARE(client.statistics().tlsResumed, qint64(7));
        QCOMPARE(demo.server.statistics().connectionsAccepted, qint64(8));
        // The CA file is trusted besides the system's CAs, not instead of them: those are found
        // when a chain needs one rather than all parsed up front.
        QCOMPARE(client.tlsConfiguration().caCertificates(), QList { QSslCertificate(DemoTls::caPem()) });
        QSslSocket socket;
        socket.setSslConfiguration(client.tlsConfiguration());
        QVERIFY(!trustsSystemCas(&socket));
        trustSystemCasToo(&socket);
        QVERIFY(trustsSystemCas(&socket));
        // localhost is in the certificate too.
        QUrl local = demo.server.itemsUrl();
        local.setHost(QStringLiteral("localhost"));
        QCOMPARE(s.runUntilComplete(client.get(local)).status, 200);
    }

    void resumesTls12SessionsToo()
    {
        // A TLS 1.2 server answering every request with {}: the pilot's session comes with its
        // handshake (1.3 sends tickets after it), and the others resume it all the same.
        QSslConfiguration tls12 = DemoTls::serverConfiguration();
        tls12.setProtocol(QSsl::TlsV1_2);
        SlowPilotServer server(tls12);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Scheduler s(realClock());
        QTemporaryDir dir;
        HttpClient client(trustingTheDemoCa(dir, 10s));
        QCOMPARE(s.runUntilComplete(getAtOnce(client, server.url(), 6)), 6);
        QCOMPARE(client.statistics().tlsFullHandshakes, qint64(1));
        QCOMPARE(client.statistics().tlsResumed, qint64(5));
    }

    void waitsForTheFirstHandshakeOnlyWhileThatSavesMore()
    {
        // A server whose first handshake takes 100 ms, as one far away would.
        SlowPilotServer server(DemoTls::serverConfiguration());
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Scheduler s(realClock());
        QTemporaryDir dir;
        // Three more connections would save 3 ms by waiting: they do not wait 100 ms.
        server.delayNextHandshake(100ms);
        HttpClient few(trustingTheDemoCa(dir));
        QCOMPARE(s.runUntilComplete(getAtOnce(few, server.url(), 4)), 4);
        QCOMPARE(few.statistics().tlsFullHandshakes, qint64(4));
        QCOMPARE(few.statistics().tlsResumed, qint64(0));
        // 299 more would save about 300 ms: they wait that long (how long the handshake then
        // takes depends on this machine, so the policy is asked, not timed).
        TlsSessions sessions { TlsSetup {} };
        const auto clock = [] { return std::int64_t(0); };
        std::unique_ptr<HttpConnection> pilot(
            sessions.open(QStringLiteral("far"), QStringLiteral("127.0.0.1"), 1, clock, 1, nullptr));
        std::vector<std::unique_ptr<TlsSessions::Waiter>> waiters;
        const auto waiting = [&](int count) {
            waiters.clear();
            for (int i = 0; i < count; ++i) {
                waiters.push_back(std::make_unique<TlsSessions::Waiter>(&sessions, QStringLiteral("far")));
                waiters.push_back(std::make_unique<TlsSessions::Waiter>(&sessions, QStringLiteral("near")));
            }
        };
        waiting(3);
        QVERIFY(sessions.patience(QStringLiteral("far"), 10ms) <= 10ms);
        QVERIFY(sessions.patience(QStringLiteral("far"), 10ms) > 0ms);
        waiting(299);
        QVERIFY(sessions.patience(QStringLiteral("far"), 10ms) > 250ms);
        QCOMPARE(sessions.patience(QStringLiteral("near"), 10ms), 0ms); // no pilot there
        waiting(0);                                                     // the count ends with them
        QVERIFY(sessions.patience(QStringLiteral("far"), 10ms) <= 10ms);

        // Many at once, all made to wait: they resume, also those that start after some others
        // received their new tickets (OpenSSL then marks the shared session used up).
        HttpClient many(trustingTheDemoCa(dir, 10s));
        QCOMPARE(s.runUntilComplete(getAtOnce(many, server.url(), 300)), 300);
        QCOMPARE(many.statistics().tlsFullHandshakes, qint64(1));
        QCOMPARE(many.statistics().tlsResumed, qint64(299));
    }

    void connectionsWaitingForAFarPilotConnectMeanwhile()
    {
        // A first handshake that takes 150 ms. Where the round trip is long (a far server: here any
        // counts as long), the 19 others open their TCP connections meanwhile, which saves them a
        // round trip, and still resume its session.
        const auto run = [](std::chrono::milliseconds connectAheadFrom) {
            SlowPilotServer server(DemoTls::serverConfiguration());
            server.listen(QHostAddress::LocalHost);
            server.delayNextHandshake(150ms);
            Scheduler s(realClock());
            QTemporaryDir dir;
            HttpClientOptions options = trustingTheDemoCa(dir, 10s);
            options.connectAheadFrom = connectAheadFrom;
            HttpClient client(options);
            const int ok = s.runUntilComplete(getAtOnce(client, server.url(), 20));
            const HttpClientStatistics stats = client.statistics();
            return std::tuple { ok, server.acceptedAtFirstHandshake(), stats.tlsFullHandshakes,
                stats.tlsResumed, stats.connectionsOpened };
        };
        QCOMPARE(run(0ms), std::tuple(20, 20, qint64(1), qint64(19), qint64(20)));
        // Loopback is near (the kernel's round trip is microseconds, however busy this process):
        // they connect once the pilot is done.
        QCOMPARE(
            run(HttpClientOptions {}.connectAheadFrom), std::tuple(20, 1, qint64(1), qint64(19), qint64(20)));
        HttpClientOptions negative;
        negative.connectAheadFrom = -1ms;
        QVERIFY(negative.validate().contains(QStringLiteral("connect ahead")));
    }

    void aTlsServerDropsConnectionsThatNeverShakeHands()
    {
        TlsServer server(DemoTls::serverConfiguration());
        server.setHandshakeTimeout(std::chrono::milliseconds(100));
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(silent.waitForConnected(5000));
        QSignalSpy closed(&silent, &QTcpSocket::disconnected);
        QVERIFY(closed.wait(5000));
        QVERIFY(!server.hasPendingConnections());
        // A client that does shake hands becomes a pending connection.
        QSslSocket client;
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates({ QSslCertificate(DemoTls::caPem()) });
        trusting.setSslOption(QSsl::SslOptionDisableSessionPersistence, false); // keep the session
        client.setSslConfiguration(trusting);
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        QSignalSpy ticket(&client, &QSslSocket::newSessionTicketReceived);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        QVERIFY(encrypted.wait(5000)); // (a blocking wait would stall the server's side)
        QTRY_VERIFY(server.hasPendingConnections());

        // The session it gave, without the server's certificate: all else is kept, byte for byte.
        QVERIFY(ticket.count() > 0 || ticket.wait(5000));
        const QByteArray session = client.sslConfiguration().sessionTicket();
        const QByteArray certificate = client.peerCertificate().toDer();
        QVERIFY(!certificate.isEmpty() && session.contains(certificate));
        const std::optional<QByteArray> lighter = TlsSessions::withoutPeerCertificate(session);
        QVERIFY(lighter.has_value());
        QVERIFY(!lighter->contains(certificate));
        const qsizetype cut = session.indexOf(certificate);
        QVERIFY(lighter->endsWith(session.sliced(cut + certificate.size())));
        QVERIFY(lighter->size() < session.size() - certificate.size());
        // Anything else is not such a session.
        QVERIFY(!TlsSessions::withoutPeerCertificate(*lighter)); // no certificate left to take
        QVERIFY(!TlsSessions::withoutPeerCertificate(session.chopped(1)));
        QVERIFY(!TlsSessions::withoutPeerCertificate(QByteArray()));
        QVERIFY(!TlsSessions::withoutPeerCertificate(QByteArrayLiteral("not a session")));
        QVERIFY(!TlsSessions::withoutPeerCertificate(QByteArray::fromHex("3003a30501")));
    }

    void aRequestLeavesAsSoonAsItsConnectionIsOpen()
    {
        // Written from the signal that says the connection is open (connected; over TLS,
        // encrypted), not when the exchange's coroutine next runs, a pass of the event loop later:
        // what listens to connectEnded() after it finds the request sent.
        TlsDemo tls;
        DemoServer plain;
        QVERIFY(plain.listen());
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates({ QSslCertificate(DemoTls::caPem()) });
        const auto clock = [] { return QDateTime::currentMSecsSinceEpoch() * 1'000'000; };
        HttpConnection overTls(QStringLiteral("127.0.0.1"), tls.server.port(), clock, TlsSetup { trusting });
        HttpConnection overTcp(QStringLiteral("127.0.0.1"), plain.port(), clock);
        for (HttpConnection *connection : { &overTls, &overTcp }) {
            ExchangeTimings timings;
            std::int64_t sentWhenOpen = -2;
            connect(connection, &HttpConnection::connectEnded, this, [&] { sentWhenOpen = timings.sentNs; });
            HttpRequest request;
            request.url = (connection == &overTls ? tls.server.itemsUrl() : plain.itemsUrl());
            const HttpResponse response = QCoro::waitFor(connection->exchange(request, 5s, &timings));
            QCOMPARE(response.status, 200);
            QVERIFY2(sentWhenOpen >= 0, connection == &overTls ? "over TLS" : "over TCP");
            disconnect(connection, nullptr, this, nullptr);
        }
    }

    void handshakeFlightsLeaveAsSoonAsTheyAreWritten()
    {
        TlsServer server(DemoTls::serverConfiguration());
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QSslSocket client;
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates({ QSslCertificate(DemoTls::caPem()) });
        client.setSslConfiguration(trusting);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort());
        sendHandshakeFlightsAtOnce(&client);
        // The plain socket beneath: what Qt wrote into it, once it answered the event (its hello on
        // connecting, its last flight on the server's), is already with the kernel.
        auto *plain = client.findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
        QVERIFY(plain);
        QList<qint64> leftBehind;
        const auto look = [&] { leftBehind << plain->bytesToWrite(); };
        connect(plain, &QAbstractSocket::connected, this, look);
        connect(plain, &QIODevice::readyRead, this, look);
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        QVERIFY(encrypted.wait(5000));
        QVERIFY(leftBehind.size() >= 2); // connected, then the server's flight
        QCOMPARE(leftBehind, QList<qint64>(leftBehind.size(), 0));
        QTRY_VERIFY(server.hasPendingConnections());
    }

    void refusesCertificatesItCannotTrust()
    {
        TlsDemo demo;
        Scheduler s(realClock());
        // The system's CAs do not know the demo CA: refused at once, never retried.
        HttpClient strict(quickRetries(4));
        expectHttpError([&] { s.runUntilComplete(strict.get(demo.server.itemsUrl())); }, HttpError::Kind::Tls,
            QStringLiteral("--ca-file"));
        QCOMPARE(strict.statistics().retries, qint64(0));
        // Refusals leave the server serving: more of them at once than Qt's default pending limit (30).
        auto refuseMany = [](HttpClient &c, QUrl url) -> Task<int> {
            std::vector<Task<int>> tries;
            for (int i = 0; i < 40; ++i)
                tries.push_back(refused(c, url));
            int count = 0;
            for (const int one : co_await whenAll(std::move(tries)))
                count += one;
            co_return count;
        };
        QCOMPARE(s.runUntilComplete(refuseMany(strict, demo.server.itemsUrl())), 40);
        // Also when the first of them, which the others wait for, is refused.
        HttpClient fresh(quickRetries(4));
        QCOMPARE(s.runUntilComplete(refuseMany(fresh, demo.server.itemsUrl())), 40);
        QCOMPARE(fresh.statistics().tlsFullHandshakes + fresh.statistics().tlsResumed, qint64(0));
        // --insecure accepts it.
        HttpClientOptions insecure = quickRetries();
        insecure.insecure = true;
        HttpClient lenient(insecure);
        QCOMPARE(s.runUntilComplete(lenient.get(demo.server.itemsUrl())).status, 200);
        // A certificate of the trusted CA for another host name.
        QSslServer other;
        QSslConfiguration configuration = DemoTls::serverConfiguration();
        QFile certificate(QStringLiteral(TLS_TESTS_DIR "/other-host.pem"));
        QFile key(QStringLiteral(TLS_TESTS_DIR "/other-host-key.pem"));
        QVERIFY(certificate.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly));
        configuration.setLocalCertificate(QSslCertificate(certificate.readAll()));
        configuration.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec));
        other.setSslConfiguration(configuration);
        QVERIFY(other.listen(QHostAddress::LocalHost));
        HttpClientOptions trusting = quickRetries();
        trusting.caFile = demo.caFile;
        HttpClient client(trusting);
        expectHttpError(
            [&] {
                s.runUntilComplete(
                    client.get(QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(other.serverPort()))));
            },
            HttpError::Kind::Tls, QStringLiteral("host name"));
    }

    void timesOutAHandshakeThatNeverEnds()
    {
        // A server that accepts the connection and never answers the TLS hello.
        QTcpServer mute;
        QVERIFY(mute.listen(QHostAddress::LocalHost));
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries(2);
        options.timeout = 150ms;
        options.insecure = true;
        HttpClient client(options);
        expectHttpError(
            [&] {
                s.runUntilComplete(
                    client.get(QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(mute.serverPort()))));
            },
            HttpError::Kind::Timeout,
            QStringLiteral("no TLS handshake from 127.0.0.1:%1 within 150 ms").arg(mute.serverPort()), 2);
    }

    void refusesCaFilesWithoutCertificates()
    {
        QTemporaryDir dir;
        HttpClientOptions options;
        options.caFile = dir.filePath(QStringLiteral("missing.pem"));
        QVERIFY2(options.validate().contains(QStringLiteral("no CA file")), qPrintable(options.validate()));
        QFile empty(dir.filePath(QStringLiteral("empty.pem")));
        QVERIFY(empty.open(QIODevice::WriteOnly) && empty.write("not a certificate\n") > 0);
        empty.close();
        options.caFile = empty.fileName();
        QVERIFY2(options.validate().contains(QStringLiteral("holds no PEM certificate")),
            qPrintable(options.validate()));
        QVERIFY_THROWS_EXCEPTION(HttpError, HttpClient client(options));
    }

    void decodesGzipAndDeflateBodies()
    {
        const QByteArray text = QByteArray(R"({"items":[1,2,3]})").repeated(200);
        QString error;
        QCOMPARE(*decodeBody("gzip", gzipCompress(text), &error), text);
        QCOMPARE(*decodeBody("", text, &error), text);
        QCOMPARE(*decodeBody("identity", text, &error), text);
        // "deflate" as the standard says (zlib-wrapped), and raw as some servers send it.
        const QByteArray zlibWrapped = qCompress(text).mid(4); // qCompress prefixes the length
        QCOMPARE(*decodeBody("deflate", zlibWrapped, &error), text);
        const QByteArray raw = zlibWrapped.mid(2, zlibWrapped.size() - 6);
        QCOMPARE(*decodeBody("Deflate", raw, &error), text);
        // Cut, corrupt, followed by garbage, or not asked for: refused with the reason.
        const QByteArray gz = gzipCompress(text);
        QVERIFY(!decodeBody("gzip", gz.first(gz.size() / 2), &error));
        QVERIFY2(error.contains(QStringLiteral("cut short")), qPrintable(error));
        QByteArray corrupt = gz;
        corrupt[corrupt.size() / 2] = char(corrupt[corrupt.size() / 2] ^ 0x55);
        QVERIFY(!decodeBody("gzip", corrupt, &error));
        QVERIFY2(error.startsWith(QStringLiteral("gzip body: ")), qPrintable(error));
        QVERIFY(!decodeBody("gzip", gz + "trailing", &error));
        QVERIFY2(error.contains(QStringLiteral("data after the end")), qPrintable(error));
        QVERIFY(!decodeBody("br", gz, &error));
        QVERIFY2(error.contains(QStringLiteral("\"br\", which was not asked for")), qPrintable(error));
        // The client asks for them and reads them; a corrupt one is a failed attempt, retried.
        DemoServer server;
        DemoServer::Options options;
        options.gzip = true;
        server.setOptions(options);
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries(3));
        QUrl url = server.itemsUrl();
        url.setQuery(QStringLiteral("from=0&fault=malformed&fault_times=1"));
        const HttpResponse response = s.runUntilComplete(client.get(url));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.attempts, 2);
        QCOMPARE(
            QJsonDocument::fromJson(response.body).object().value(QStringLiteral("items")).toArray().size(),
            50);
        QCOMPARE(headerValue(s.trace().ioRecords().front().requestHeaders, "Accept-Encoding"),
            QByteArray("gzip, deflate"));
        QVERIFY2(s.trace().ioRecords().front().error.contains(QStringLiteral("gzip body")),
            qPrintable(s.trace().ioRecords().front().error));
    }

    void pacesRequestsToTheRate()
    {
        // The limiter itself, on a clock we drive: 10/s is one start every 100 ms, whoever asks.
        RateLimiter limiter(10);
        QCOMPARE(limiter.reserveNs(0, 0), 0);
        QCOMPARE(limiter.reserveNs(0, 0), 100'000'000);
        QCOMPARE(limiter.reserveNs(50'000'000, 0), 150'000'000);
        QCOMPARE(limiter.reserveNs(1'000'000'000, 0), 0); // idle meanwhile: no debt
        // Starts planned at 0, 100 and 200 ms; the second woken late, at 130 ms: the third waits
        // until 230 ms, so that no second ever holds more than 10 starts.
        RateLimiter paced(10);
        QCOMPARE(paced.holdBackNs(0), 0);
        QCOMPARE(paced.holdBackNs(130'000'000), 0);
        QCOMPARE(paced.holdBackNs(200'000'000), 30'000'000);
        QCOMPARE(paced.holdBackNs(230'000'000), 0);
        // The server's own budget: spent until its reset, in seconds or as a Unix time.
        RateLimiter open;
        open.noteResponse(
            { { "X-RateLimit-Remaining", "0" }, { "X-RateLimit-Reset", "2" } }, 0, 1'700'000'000);
        QCOMPARE(open.reserveNs(500'000'000, 1'700'000'000), 1'500'000'000);
        RateLimiter github;
        github.noteResponse(
            { { "X-RateLimit-Remaining", "0" }, { "X-RateLimit-Reset", "1700000003" } }, 0, 1'700'000'000);
        QCOMPARE(github.reserveNs(0, 1'700'000'000), 3'000'000'000);
        RateLimiter budgetLeft;
        budgetLeft.noteResponse({ { "X-RateLimit-Remaining", "5" }, { "X-RateLimit-Reset", "60" } }, 0, 0);
        QCOMPARE(budgetLeft.reserveNs(0, 0), 0);
        QCOMPARE(parseRate(QStringLiteral("10/s")), 10.0);
        QCOMPARE(parseRate(QStringLiteral("600/min")), 10.0);
        QCOMPARE(parseRate(QStringLiteral("2.5")), 2.5);
        QCOMPARE(parseRate(QStringLiteral("fast")), -1.0);
        QCOMPARE(parseRate(QStringLiteral("-3/s")), -1.0);
        // Through the client: 8 concurrent requests at 40/s start at least 25 ms apart.
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries();
        options.maxRequestsPerSecond = 40;
        HttpClient client(options);
        auto eight = [](HttpClient &c, QUrl url) -> Task<int> {
            std::vector<Task<HttpResponse>> requests;
            for (int i = 0; i < 8; ++i)
                requests.push_back(c.get(url));
            int ok = 0;
            for (const HttpResponse &r : co_await whenAll(std::move(requests)))
                ok += r.status == 200;
            co_return ok;
        };
        QCOMPARE(s.runUntilComplete(eight(client, server.itemsUrl())), 8);
        std::vector<std::int64_t> starts;
        for (const IoRecord &record : s.trace().ioRecords())
            starts.push_back(record.startNs);
        std::sort(starts.begin(), starts.end());
        // The bucket holds one token, and a start that the loop woke late holds back the next one:
        // every two starts are a whole interval apart.
        for (std::size_t i = 1; i < starts.size(); ++i)
            QVERIFY2(starts[i] - starts[i - 1] >= 25'000'000,
                qPrintable(QStringLiteral("request %1 started %2 ns after the one before")
                               .arg(i)
                               .arg(starts[i] - starts[i - 1])));
        QCOMPARE(client.statistics().rateLimitedStarts, qint64(7));
        QVERIFY(!HttpClientOptions { .maxRequestsPerSecond = -1 }.validate().isEmpty());
    }

    void recordsThePhasesOfEachAttempt()
    {
        // Over TLS: the first request opens a connection (connect, handshake), the second reuses
        // it; a retried request's attempts share their request number; a paced one waited first.
        TlsDemo demo;
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries();
        options.caFile = demo.caFile;
        options.maxRequestsPerSecond = 20;
        HttpClient client(options);
        QUrl faulty = demo.server.itemsUrl();
        faulty.setQuery(QStringLiteral("from=0&fault=500&fault_times=1"));
        auto three = [](HttpClient &c, QUrl url, QUrl retried) -> Task<int> {
            int ok = (co_await c.get(url)).status == 200;
            ok += (co_await c.get(url)).status == 200;
            ok += (co_await c.get(retried)).status == 200;
            co_return ok;
        };
        QCOMPARE(s.runUntilComplete(three(client, demo.server.itemsUrl(), faulty)), 3);
        const std::vector<IoRecord> &records = s.trace().ioRecords();
        QCOMPARE(records.size(), std::size_t(4));
        const IoRecord &fresh = records[0];
        QVERIFY(fresh.connectNs >= fresh.startNs);
        QVERIFY(fresh.connectEndNs >= fresh.connectNs);
        QVERIFY(fresh.tlsEndNs >= fresh.connectEndNs);
        QVERIFY(fresh.sentNs >= fresh.tlsEndNs);
        QVERIFY(fresh.firstByteNs >= fresh.sentNs);
        QVERIFY(fresh.endNs >= fresh.firstByteNs);
        QCOMPARE(fresh.connection, 1);
        const IoRecord &reused = records[1];
        QCOMPARE(reused.connectNs, std::int64_t(-1));
        QCOMPARE(reused.connection, 1);
        QVERIFY(reused.queuedNs < reused.startNs); // 20 a second: it waited its turn
        QCOMPARE(records[2].request, records[3].request);
        QVERIFY(records[1].request != records[2].request);
        QCOMPARE(records[2].status, 500);
        QCOMPARE(records[3].attempt, 2);

        const auto phaseNames = [](const IoRecord &io) {
            QStringList names;
            std::int64_t at = requestBeganNs(io);
            for (const RequestPhaseSpan &span : requestPhases(io, io.endNs)) {
                names << QString::fromLatin1(requestPhaseName(span.phase));
                if (span.startNs != at || span.endNs <= span.startNs)
                    names << QStringLiteral("(not contiguous)");
                at = span.endNs;
            }
            if (at != io.endNs)
                names << QStringLiteral("(does not reach the end)");
            return names;
        };
        QStringList first = phaseNames(fresh);
        first.removeAll(QStringLiteral("DNS")); // 127.0.0.1: resolving takes no time, or nearly none
        first.removeAll(QStringLiteral("send"));
        QCOMPARE(first.join(u' '), QStringLiteral("connect TLS wait receive"));
        QStringList second = phaseNames(reused);
        second.removeAll(QStringLiteral("send"));
        QCOMPARE(second, (QStringList { "queued", "wait", "receive" }));
    }

    void phasesOfPartialAndInFlightAttempts()
    {
        IoRecord io;
        io.url = QStringLiteral("https://example.org/");
        io.queuedNs = 100;
        io.startNs = 150;
        io.connectNs = 160;
        io.connectEndNs = 200;
        // The handshake never finished: the attempt failed at 400.
        io.endNs = 400;
        const std::vector<RequestPhaseSpan> failed = requestPhases(io, 1'000);
        QCOMPARE(failed.size(), std::size_t(3));
        QCOMPARE(failed[0].phase, RequestPhase::Queued);
        QCOMPARE(failed[0].endNs, std::int64_t(150));
        QCOMPARE(failed[1].phase, RequestPhase::Connect);
        QCOMPARE(failed[2].phase, RequestPhase::Tls);
        QCOMPARE(failed[2].endNs, std::int64_t(400));
        // In flight, handed to the network: waiting for the answer until now.
        io.tlsEndNs = 250;
        io.sentNs = 260;
        io.endNs = -1;
        const std::vector<RequestPhaseSpan> flying = requestPhases(io, 1'000);
        QCOMPARE(flying.back().phase, RequestPhase::Wait);
        QCOMPARE(flying.back().endNs, std::int64_t(1'000));
        // Moments out of order are clamped, never a negative phase.
        io.firstByteNs = 240;
        io.endNs = 900;
        for (const RequestPhaseSpan &span : requestPhases(io, 1'000))
            QVERIFY(span.endNs >= span.startNs);
    }

    void followsRedirects()
    {
        DemoServer server;
        QVERIFY(server.listen());
        QUrl target = server.itemsUrl();
        target.setQuery(QStringLiteral("from=100"));
        const QByteArray location = target.toEncoded();
        ScriptedServer<QTcpServer> redirector([location](const QByteArray &) {
            return httpResponse(302, {}, "Location: " + location + "\r\n");
        });
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        const HttpResponse response = s.runUntilComplete(
            client.get(QUrl(QStringLiteral("http://127.0.0.1:%1/old").arg(redirector.serverPort()))));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.url, target);
        QCOMPARE(client.statistics().redirects, qint64(1));
    }

    void postsABody()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        const HttpResponse response = s.runUntilComplete(
            client.post(server.baseUrl().resolved(QUrl("/api/echo")), QByteArray(1234, 'x')));
        QCOMPARE(response.status, 200);
        QCOMPARE(
            QJsonDocument::fromJson(response.body).object().value(QStringLiteral("received_bytes")).toInt(),
            1234);
    }

    void refusesTheVirtualClockAndBadUrls()
    {
        Scheduler s;
        HttpClient client;
        QVERIFY_THROWS_EXCEPTION(HttpError, s.runUntilComplete(client.get(QUrl("http://127.0.0.1:1/"))));
        Scheduler real(realClock());
        try {
            real.runUntilComplete(client.get(QUrl("ftp://example/")));
            QFAIL("ftp must be refused");
        } catch (const HttpError &e) {
            QCOMPARE(e.message(), QStringLiteral("not an http(s) URL: \"ftp://example/\""));
        }
        HttpClientOptions bad;
        bad.maxAttempts = 0;
        QVERIFY_THROWS_EXCEPTION(HttpError, HttpClient { bad });
    }

    void httpsToAPlainServerFailsAtOnceAndSaysSo()
    {
        DemoServer server;
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        QUrl url = server.itemsUrl();
        url.setScheme(QStringLiteral("https"));
        try {
            s.runUntilComplete(client.get(url));
            QFAIL("a TLS handshake with a plain http server must fail");
        } catch (const HttpError &e) {
            QCOMPARE(e.kind(), HttpError::Kind::Tls);
            QCOMPARE(e.attempts(), 1); // the same server would fail it the same way
            QVERIFY2(e.message().contains(QStringLiteral("ask for http://")), qPrintable(e.message()));
        }
        // The server answered the handshake's bytes at once (a 400), rather than waiting for a request line.
        QCOMPARE(server.statistics().requestsReceived, qint64(1));
    }

    void refusesBodiesThatInflatePastTheBodyLimit()
    {
        // No more than a plain body may be: a bomb costs no more memory than the largest body.
        QVERIFY(MaxInflatedBytes <= HttpResponseParser::MaxBodyBytes);
        const QByteArray bomb = gzipOfZeros(MaxInflatedBytes + 1);
        QVERIFY(bomb.size() < 2 * 1024 * 1024);
        QString error;
        BodyDecodeFailure failure = BodyDecodeFailure::None;
        QVERIFY(!decodeBody("gzip", bomb, &error, &failure));
        QCOMPARE(failure, BodyDecodeFailure::TooLarge);
        const QString limit = QStringLiteral("%1 MiB").arg(MaxInflatedBytes >> 20);
        QVERIFY2(error.startsWith(QStringLiteral("gzip body: ")) && error.contains(limit), qPrintable(error));
        QCOMPARE(decodeBody("gzip", gzipOfZeros(1000), &error, &failure), QByteArray(1000, '\0'));
        QCOMPARE(failure, BodyDecodeFailure::None);
        // Through the client: it would come the same again, so it is not retried.
        ScriptedServer<QTcpServer> server(
            [&bomb](const QByteArray &) { return httpResponse(200, bomb, "Content-Encoding: gzip\r\n"); });
        QVERIFY(server.isListening());
        Scheduler s(realClock());
        HttpClient client(quickRetries(4));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(server.serverPort()));
        expectHttpError([&] { s.runUntilComplete(client.get(url)); }, HttpError::Kind::Undecodable, limit);
        QCOMPARE(server.heads.size(), 1);
        QCOMPARE(client.statistics().retries, qint64(0));
    }

    void refusesEncodingsNotAskedForWithoutRetrying()
    {
        ScriptedServer<QTcpServer> server([](const QByteArray &) {
            return httpResponse(200, QByteArray("\x0b\x01\x80\x03", 4), "Content-Encoding: br\r\n");
        });
        QVERIFY(server.isListening());
        Scheduler s(realClock());
        HttpClient client(quickRetries(4));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(server.serverPort()));
        expectHttpError([&] { s.runUntilComplete(client.get(url)); }, HttpError::Kind::Undecodable,
            QStringLiteral("\"br\""));
        QCOMPARE(server.heads.size(), 1);
        // A damaged stream, though, may come whole on another try.
        QString error;
        BodyDecodeFailure failure = BodyDecodeFailure::None;
        const QByteArray gz = gzipCompress(QByteArray("{\"items\":[]}").repeated(50));
        QVERIFY(!decodeBody("gzip", gz.first(gz.size() - 4), &error, &failure));
        QCOMPARE(failure, BodyDecodeFailure::Damaged);
        QVERIFY(!decodeBody("deflate", gz, &error, &failure));
        QCOMPARE(failure, BodyDecodeFailure::Damaged);
    }

    void decodesGzipMembersInARow()
    {
        // RFC 1952 2.2: a gzip file is members in a row (`cat a.gz b.gz`).
        const QByteArray first = QByteArray(R"({"items":[1,2,)").repeated(30);
        const QByteArray second = QByteArray(R"(3]})").repeated(30);
        const QByteArray third = QByteArray("x");
        QString error;
        const auto both = decodeBody("gzip", gzipCompress(first) + gzipCompress(second), &error);
        QVERIFY2(both, qPrintable(error));
        QCOMPARE(*both, first + second);
        const auto three
            = decodeBody("gzip", gzipCompress(first) + gzipCompress(second) + gzipCompress(third), &error);
        QVERIFY2(three, qPrintable(error));
        QCOMPARE(*three, first + second + third);
        // What follows a member must be a whole member.
        BodyDecodeFailure failure = BodyDecodeFailure::None;
        QVERIFY(!decodeBody("gzip", gzipCompress(first) + "garbage", &error, &failure));
        QVERIFY2(error.contains(QStringLiteral("data after the end")), qPrintable(error));
        QCOMPARE(failure, BodyDecodeFailure::Damaged);
        const QByteArray cut = gzipCompress(second);
        QVERIFY(!decodeBody("gzip", gzipCompress(first) + cut.first(cut.size() / 2), &error, &failure));
        QVERIFY2(error.contains(QStringLiteral("cut short")), qPrintable(error));
        QCOMPARE(failure, BodyDecodeFailure::Damaged);
    }

    void oneTimeoutCoversTheWholeAttempt()
    {
        // A handshake and an answer each slower than half the time-out, each within it: together
        // past it. (Delays are lower bounds: a slow machine only makes them longer.)
        QTemporaryDir dir;
        DawdlingTlsServer server(1300ms, 1300ms);
        QVERIFY(server.isListening());
        Scheduler s(realClock());
        HttpClientOptions options = trustingTheDemoCa(dir);
        options.maxAttempts = 1;
        options.timeout = 2000ms;
        HttpClient client(options);
        const HttpError error = failureOf(s, client, server.url());
        QVERIFY2(error.kind() == HttpError::Kind::Timeout, qPrintable(error.message()));
        QVERIFY2(error.message().contains(QStringLiteral("within 2000 ms")), qPrintable(error.message()));
        // The error names the step that was under way.
        DawdlingTlsServer noAnswer(0ms, 60s);
        options.timeout = 1000ms;
        HttpClient patient(options);
        const HttpError late = failureOf(s, patient, noAnswer.url());
        QVERIFY2(
            late.message().contains(
                QStringLiteral("no response from 127.0.0.1:%1 within 1000 ms").arg(noAnswer.serverPort())),
            qPrintable(late.message()));
        DawdlingTlsServer noHandshake(60s, 0ms);
        HttpClient waiting(options);
        const HttpError mute = failureOf(s, waiting, noHandshake.url());
        QVERIFY2(mute.message().contains(QStringLiteral("no TLS handshake from 127.0.0.1:%1 within 1000 ms")
                                             .arg(noHandshake.serverPort())),
            qPrintable(mute.message()));
    }

    void certificateRefusalsSayWhatWouldHelp_data()
    {
        QTest::addColumn<QString>("extensions");
        QTest::addColumn<int>("signer");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("said");
        QTest::addColumn<QStringList>("unsaid");
        const QString ip = QStringLiteral("subjectAltName=IP:127.0.0.1");
        const QString valid = QStringLiteral("20200101000000Z");
        const QString future = QStringLiteral("20900101000000Z");
        const auto ca = int(TestCertificates::Signer::TestCa);
        QTest::newRow("another host's")
            << QStringLiteral("subjectAltName=DNS:elsewhere.example,IP:10.9.9.9") << ca << valid << future
            << QStringList { "is for elsewhere.example and 10.9.9.9", "host name asked for, 127.0.0.1" }
            << QStringList { "--ca-file" };
        QTest::newRow("expired") << ip << ca << valid << QStringLiteral("20210101000000Z")
                                 << QStringList { "expired on 2021-01-01", "valid from 2020-01-01" }
                                 << QStringList { "--ca-file" };
        QTest::newRow("not yet valid")
            << ip << ca << QStringLiteral("20880101000000Z") << future
            << QStringList { "not valid before 2088-01-01", "clock" } << QStringList { "--ca-file" };
        QTest::newRow("for clients only")
            << ip + QStringLiteral("\nextendedKeyUsage=clientAuth") << ca << valid << future
            << QStringList { "not meant for a server" } << QStringList { "--ca-file" };
        QTest::newRow("signed by an unknown CA")
            << ip << int(TestCertificates::Signer::UnknownCa) << valid << future
            << QStringList { "signed by a CA not trusted here", "\"Unknown CA\"", "--ca-file",
                   "a CA file in the window's panel" }
            << QStringList {};
        QTest::newRow("self-signed") << ip << int(TestCertificates::Signer::Itself) << valid << future
                                     << QStringList { "self-signed", "--ca-file" } << QStringList {};
    }
    void certificateRefusalsSayWhatWouldHelp()
    {
        QFETCH(QString, extensions);
        QFETCH(int, signer);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, said);
        QFETCH(QStringList, unsaid);
        TestCertificates certificates;
        QVERIFY2(certificates.usable(), qPrintable(certificates.problem())); // (openssl: see bootstrap.sh)
        QSslServer server;
        server.setSslConfiguration(certificates.serverConfiguration(
            QStringLiteral("server"), extensions, TestCertificates::Signer(signer), from, to));
        QVERIFY(certificates.usable());
        QVERIFY(server.listen(QHostAddress::LocalHost));
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries(4);
        options.caFile = certificates.caFile();
        HttpClient client(options);
        const HttpError error
            = failureOf(s, client, QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(server.serverPort())));
        const QString message = error.message();
        QVERIFY2(error.kind() == HttpError::Kind::Tls, qPrintable(message));
        QCOMPARE(error.attempts(), 1);
        QVERIFY2(
            message.startsWith(
                QStringLiteral("the certificate of 127.0.0.1:%1 was refused: it ").arg(server.serverPort())),
            qPrintable(message));
        for (const QString &words : said)
            QVERIFY2(message.contains(words), qPrintable(message));
        for (const QString &words : unsaid)
            QVERIFY2(!message.contains(words), qPrintable(message));
        QCOMPARE(message.count(QStringLiteral("--insecure")), 1); // the last resort, said once
    }

    void aServerOfOlderTlsVersionsIsToldApartFromPlainHttp()
    {
        // What a server that speaks only TLS 1.1 or older answers a hello for 1.2 and 1.3: a fatal
        // protocol_version alert.
        QTcpServer old;
        connect(&old, &QTcpServer::newConnection, &old, [&old] {
            while (QTcpSocket *socket = old.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    socket->readAll();
                    socket->write(QByteArray::fromHex("15030200020246"));
                    socket->disconnectFromHost();
                });
            }
        });
        QVERIFY(old.listen(QHostAddress::LocalHost));
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries(4);
        options.insecure = true;
        HttpClient client(options);
        const HttpError error
            = failureOf(s, client, QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(old.serverPort())));
        QVERIFY2(error.kind() == HttpError::Kind::Tls, qPrintable(error.message()));
        QCOMPARE(error.attempts(), 1);
        QVERIFY2(error.message().contains(QStringLiteral("no TLS version in common")),
            qPrintable(error.message()));
        QVERIFY2(!error.message().contains(QStringLiteral("http://")), qPrintable(error.message()));
    }

    void aServerAskingForAClientCertificateIsNotAskedAgain()
    {
        // As openssl s_server -Verify 1 (and servers built on OpenSSL that require one): TLS 1.3
        // ends the handshake, then refuses the missing certificate with a certificate_required
        // alert, after the request left. (Qt's own server closes without saying why.)
        TestCertificates certificates;
        QVERIFY2(certificates.usable(), qPrintable(certificates.problem())); // (openssl: see bootstrap.sh)
        const QString certificate = certificates.issue(QStringLiteral("server"),
            QStringLiteral("subjectAltName=IP:127.0.0.1"), TestCertificates::Signer::TestCa);
        QVERIFY2(certificates.usable(), qPrintable(certificates.problem()));
        QProcess server;
        server.setProcessChannelMode(QProcess::MergedChannels);
        // On a port of its choosing, which it names ("ACCEPT 127.0.0.1:PORT") once it listens.
        server.start(QStringLiteral("openssl"),
            { "s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key",
                certificates.keyFile(QStringLiteral("server")), "-Verify", "1", "-www", "-tls1_3" });
        const auto stop = qScopeGuard([&server] {
            server.kill();
            server.waitForFinished();
        });
        QVERIFY(server.waitForStarted(30'000));
        QByteArray said;
        const QRegularExpression accepting(QStringLiteral("ACCEPT 127\\.0\\.0\\.1:(\\d+)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            accepting.match(QString::fromLatin1(said += server.readAll())).hasMatch(), 30'000);
        const auto port
            = static_cast<quint16>(accepting.match(QString::fromLatin1(said)).captured(1).toUInt());
        Scheduler s(realClock());
        HttpClientOptions options = quickRetries(4);
        options.caFile = certificates.caFile();
        HttpClient client(options);
        const HttpError error = failureOf(s, client, QUrl(QStringLiteral("https://127.0.0.1:%1/").arg(port)));
        QVERIFY2(error.kind() == HttpError::Kind::Tls, qPrintable(error.message()));
        QVERIFY2(error.message().contains(
                     QStringLiteral("server at 127.0.0.1:%1 asks for a client certificate, which loopscope "
                                    "does not send")
                         .arg(port)),
            qPrintable(error.message()));
        QCOMPARE(error.attempts(), 1);
        QCOMPARE(client.statistics().retries, qint64(0));
        QCOMPARE(client.statistics().tlsFullHandshakes, qint64(1));
    }

    void ipv6EndpointsAreWrittenWithBrackets()
    {
        const HttpConnection::Clock clock = [] { return std::int64_t(0); };
        QCOMPARE(
            HttpConnection(QStringLiteral("::1"), 19050, clock).endpoint(), QStringLiteral("[::1]:19050"));
        QCOMPARE(HttpConnection(QStringLiteral("fe80::1%eth0"), 443, clock).endpoint(),
            QStringLiteral("[fe80::1%eth0]:443"));
        QCOMPARE(HttpConnection(QStringLiteral("127.0.0.1"), 80, clock).endpoint(),
            QStringLiteral("127.0.0.1:80"));
        QCOMPARE(HttpConnection(QStringLiteral("example.org"), 8080, clock).endpoint(),
            QStringLiteral("example.org:8080"));
    }

    void cancellingAFetchLeavesNothingBehind()
    {
        DemoServer server;
        DemoServer::Options options;
        options.latencyMs = 300;
        QVERIFY(server.setOptions(options));
        QVERIFY(server.listen());
        Scheduler s(realClock());
        HttpClient client(quickRetries());
        auto handle = s.spawn(client.get(server.itemsUrl()));
        auto canceller = [](TaskHandle<HttpResponse> target) -> Task<void> {
            co_await sleep(50ms);
            (co_await thisScheduler()).cancel(target);
        };
        s.spawn(canceller(handle));
        s.runUntilIdle();
        QCOMPARE(handle.state(), TaskState::Cancelled);
        QCOMPARE(client.statistics().inFlight, 0);
        // The connection is closed at once: the exchange ends, and the server (due to answer after
        // 300 ms) loses its client long before.
        QTRY_COMPARE(client.statistics().exchangesRunning, 0);
        QTRY_COMPARE(server.statistics().openConnections, 0);
        QCOMPARE(server.statistics().requestsServed, qint64(0));
        QCOMPARE(client.idleConnectionCount(), 0); // a cancelled connection is not pooled again
    }
};

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
