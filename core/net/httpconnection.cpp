#include "net/httpconnection.h"

#include "net/httpcompression.h"
#include "net/tlsrefusal.h"

#include "scheduler/signalemitted.h"

#include <QDeadlineTimer>
#include <QSslSocket>
#include <QTcpSocket>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace Loopscope {

HttpConnection::HttpConnection(QString host, quint16 port, Clock clock, int number, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
    , m_clock(std::move(clock))
    , m_number(number)
    , m_socket(new QTcpSocket(this))
{
    watchSocket();
    connect(m_socket, &QTcpSocket::connected, this, &HttpConnection::sendRequest);
    connect(m_socket, &QTcpSocket::connected, this, &HttpConnection::connectEnded);
}

HttpConnection::HttpConnection(
    QString host, quint16 port, Clock clock, TlsSetup tls, int number, QObject *parent)
    : HttpConnection(
        std::move(host), port, std::move(clock), [tls = std::move(tls)] { return tls; }, number, parent)
{ }

HttpConnection::HttpConnection(QString host, quint16 port, Clock clock,
    std::function<TlsSetup()> setupAtHandshake, int number, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
    , m_clock(std::move(clock))
    , m_number(number)
    , m_socket(new QSslSocket(this))
    , m_tls(true)
    , m_tlsSetup(std::move(setupAtHandshake))
{
    auto *socket = static_cast<QSslSocket *>(m_socket);
    // The state turns Connected just before the handshake starts, when Qt takes a context: it is
    // lent then. Qt 6.4 emits connected() just after, with the context the socket built if it had
    // none: it is adopted then (not later: by then it may be one that was dropped). A socket
    // connected ahead has no setup yet then: startTlsNow() lends and adopts.
    connect(socket, &QAbstractSocket::stateChanged, this, [this, socket](QAbstractSocket::SocketState state) {
        if (state == QAbstractSocket::ConnectedState && m_sharedContext)
            m_sharedContext->lendTo(socket);
    });
    connect(socket, &QSslSocket::connected, this, [this, socket] {
        if (m_sharedContext)
            m_sharedContext->adoptFrom(socket);
    });
    connect(socket, &QSslSocket::connected, this, [this] { emit tcpConnected(roundTrip()); });
    // A TLS 1.3 handshake that resumed the shared session makes OpenSSL mark it used up as it ends
    // ("only use TLSv1.3 tickets once"), and so does a ticket that comes on it (1.2), for every
    // connection the context starts from then on: the next one builds a context of its own, which
    // reads the session anew.
    connect(socket, &QSslSocket::newSessionTicketReceived, this, [this, socket] {
        if (m_sharedContext)
            m_sharedContext->dropIfUsedBy(socket);
        emit sessionTicketReady();
    });
    watchSocket();
    // Connected means encrypted here: the handshake is part of connecting.
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        const bool resumed = resumedSession(socket);
        if (m_sharedContext && resumed)
            m_sharedContext->dropIfUsedBy(socket);
        if (m_timings)
            m_timings->tlsEndNs = m_clock();
        emit handshakeEnded(resumed);
        if (socket->sessionProtocol() != QSsl::TlsV1_3)
            emit sessionTicketReady();
        sendRequest();
        emit connectEnded();
    });
    connect(socket, &QSslSocket::alertReceived, this,
        [this](QSsl::AlertLevel, QSsl::AlertType type, const QString &) { m_alertsReceived.append(type); });
    connect(socket, &QSslSocket::alertSent, this,
        [this](QSsl::AlertLevel, QSsl::AlertType type, const QString &) { m_alertsSent.append(type); });
    connect(socket, &QSslSocket::sslErrors, this, [this, socket](const QList<QSslError> &errors) {
        // A full handshake always brings a certificate: Qt offers no anonymous suites, and PSK
        // suites need a key this program never gives.
        if (m_resumesWithoutCertificate && errors.size() == 1
            && errors.first().error() == QSslError::NoPeerCertificate)
            socket->ignoreSslErrors();
        else
            m_sslErrors = errors;
    });
}

void HttpConnection::applyTlsSetup()
{
    TlsSetup tls = m_tlsSetup();
    auto *socket = static_cast<QSslSocket *>(m_socket);
    socket->setSslConfiguration(tls.configuration);
    if (tls.systemCasToo)
        trustSystemCasToo(socket);
    m_sharedContext = std::move(tls.sharedContext);
    m_resumesWithoutCertificate = tls.resumesWithoutCertificate;
}

void HttpConnection::startTlsNow()
{
    auto *socket = static_cast<QSslSocket *>(m_socket);
    applyTlsSetup();
    if (m_sharedContext)
        m_sharedContext->lendTo(socket);
    socket->startClientEncryption();
    sendHandshakeFlightsAtOnce(socket); // (sends the hello just written)
    if (m_sharedContext)
        m_sharedContext->adoptFrom(socket);
}

std::chrono::microseconds HttpConnection::roundTrip() const
{
    // The kernel's measure, from the TCP handshake: the time this process took to notice the
    // connection (a busy loop with a thousand sockets) is no distance to the server.
    tcp_info info {};
    socklen_t size = sizeof info;
    if (getsockopt(int(m_socket->socketDescriptor()), IPPROTO_TCP, TCP_INFO, &info, &size) == 0
        && info.tcpi_rtt > 0)
        return std::chrono::microseconds(info.tcpi_rtt);
    return std::chrono::milliseconds(m_connecting.elapsed());
}

void HttpConnection::beginConnecting()
{
    m_socket->abort();
    // No Nagle from the first byte: a TLS handshake's last flight and the request right after it
    // would otherwise wait for a delayed ACK.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_connecting.start();
}

void HttpConnection::connectAhead()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState)
        return;
    beginConnecting();
    m_socket->connectToHost(m_host, m_port);
    m_connectingAhead = true;
}

void HttpConnection::watchSocket()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::readAvailable);
    connect(m_socket, &QAbstractSocket::stateChanged, this, [this](QAbstractSocket::SocketState state) {
        if (!m_timings)
            return;
        if (state == QAbstractSocket::ConnectingState && m_timings->dnsEndNs < 0)
            m_timings->dnsEndNs = m_clock();
        else if (state == QAbstractSocket::ConnectedState && m_timings->connectEndNs < 0)
            m_timings->connectEndNs = m_clock();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::peerClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        emit connectEnded();
        peerClosed();
    });
}

HttpConnection::~HttpConnection() = default;

QString HttpConnection::endpoint() const
{
    const QString host = m_host.contains(u':') ? u'[' + m_host + u']' : m_host;
    return QStringLiteral("%1:%2").arg(host).arg(m_port);
}

bool HttpConnection::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState
        && (!m_tls || static_cast<QSslSocket *>(m_socket)->isEncrypted());
}

QByteArray HttpConnection::sessionTicket() const
{
    return m_tls ? static_cast<QSslSocket *>(m_socket)->sslConfiguration().sessionTicket() : QByteArray();
}

std::chrono::seconds HttpConnection::sessionTicketLifetime() const
{
    const int hint
        = m_tls ? static_cast<QSslSocket *>(m_socket)->sslConfiguration().sessionTicketLifeTimeHint() : 0;
    return std::chrono::seconds(std::max(hint, 0));
}

QString HttpConnection::whyCertificateRefused() const
{
    const auto *socket = static_cast<const QSslSocket *>(m_socket);
    const QString host = socket->peerVerifyName().isEmpty() ? m_host : socket->peerVerifyName();
    return Loopscope::certificateRefusal(endpoint(), host, m_sslErrors, socket->peerCertificate());
}

bool HttpConnection::serverWantsClientCertificate() const
{
    return m_alertsReceived.contains(QSsl::AlertType::CertificateRequired);
}

QString HttpConnection::whyHandshakeFailed() const
{
    return Loopscope::handshakeFailure(endpoint(), m_socket->errorString(), m_alertsReceived, m_alertsSent);
}

QString HttpConnection::connectingTimeout(std::chrono::milliseconds timeout) const
{
    switch (m_socket->state()) {
    case QAbstractSocket::HostLookupState:
        return QStringLiteral("no address for %1 within %2 ms").arg(m_host).arg(timeout.count());
    case QAbstractSocket::ConnectedState:
        if (m_tls)
            return QStringLiteral("no TLS handshake from %1 within %2 ms")
                .arg(endpoint())
                .arg(timeout.count());
        [[fallthrough]];
    default:
        return QStringLiteral("no connection to %1 within %2 ms").arg(endpoint()).arg(timeout.count());
    }
}

void HttpConnection::close()
{
    m_socket->abort();
}

void HttpConnection::cancelExchange()
{
    if (!m_busy)
        return;
    m_cancelled = true;
    m_socket->abort();
    if (!m_ended)
        endExchange();
    emit connectEnded(); // if it was still connecting
}

QByteArray HttpConnection::serialize(const HttpRequest &request)
{
    QByteArray bytes;
    bytes.reserve(256 + request.body.size());
    QByteArray target = request.url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (request.url.hasQuery())
        target += '?' + request.url.query(QUrl::FullyEncoded).toLatin1();
    bytes += request.method + ' ' + target
        + " HTTP/1.1\r\nHost: " + request.url.host(QUrl::FullyEncoded).toLatin1();
    if (request.url.port() > 0)
        bytes += ':' + QByteArray::number(request.url.port());
    bytes += "\r\n";
    bool hasAgent = false;
    for (const auto &[name, value] : request.headers) {
        hasAgent = hasAgent || name.compare("User-Agent", Qt::CaseInsensitive) == 0;
        bytes += name + ": " + value + "\r\n";
    }
    if (!hasAgent)
        bytes += "User-Agent: loopscope/0.1\r\n";
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        bytes += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    bytes += "\r\n";
    bytes += request.body;
    return bytes;
}

QCoro::Task<HttpResponse> HttpConnection::exchange(
    HttpRequest request, QDeadlineTimer deadline, std::chrono::milliseconds timeout, ExchangeTimings *timings)
{
    if (m_busy)
        throw HttpError(
            HttpError::Kind::Usage, QStringLiteral("connection %1 is already busy").arg(endpoint()));
    m_busy = true;
    m_cancelled = false;
    struct BusyReset
    {
        HttpConnection *connection;
        ~BusyReset()
        {
            connection->m_busy = false;
            connection->m_timings = nullptr;
            connection->m_unsentRequest.clear();
        }
    } busyReset { this };
    m_timings = timings;
    if (m_timings)
        *m_timings = ExchangeTimings { m_number };
    m_parser.reset(request.method == "HEAD");
    m_firstByteNs = -1;
    m_ended = false;
    // On a connection that is opening, the request leaves from the signal that says it is open, not
    // when this coroutine next runs: with many connections opening at once, that is after the whole
    // pass of the event loop that opened them.
    m_unsentRequest = serialize(request);

    // One deadline for the whole attempt, as --timeout-ms promises: connecting and the handshake
    // leave the response only what they did not use.
    const auto remaining = [&deadline] { return std::chrono::milliseconds(deadline.remainingTime()); };
    if (!isOpen()) {
        m_sslErrors.clear();
        m_alertsReceived.clear();
        m_alertsSent.clear();
        if (m_timings)
            m_timings->connectNs = m_clock();
        if (std::exchange(m_connectingAhead, false) && m_tls
            && m_socket->state() != QAbstractSocket::UnconnectedState) {
            // Connected, or connecting, since before this exchange: the rest of that, then the
            // handshake on the setup as it is now (which resumes a session that came meanwhile).
            while (!m_cancelled && m_socket->state() != QAbstractSocket::ConnectedState
                && m_socket->state() != QAbstractSocket::UnconnectedState && !deadline.hasExpired())
                co_await SignalEmitted(m_socket, &QAbstractSocket::stateChanged, remaining());
            if (m_timings && m_timings->connectEndNs < 0)
                m_timings->dnsEndNs = m_timings->connectEndNs = m_clock();
            if (!m_cancelled && m_socket->state() == QAbstractSocket::ConnectedState)
                startTlsNow();
        } else {
            beginConnecting();
            if (m_tls) {
                applyTlsSetup();
                auto *socket = static_cast<QSslSocket *>(m_socket);
                socket->connectToHostEncrypted(m_host, m_port);
                sendHandshakeFlightsAtOnce(socket);
            } else {
                m_socket->connectToHost(m_host, m_port);
            }
        }
        if (!m_cancelled && !isOpen() && m_socket->state() != QAbstractSocket::UnconnectedState)
            co_await SignalEmitted(this, &HttpConnection::connectEnded, remaining());
        if (m_cancelled)
            throw HttpError(HttpError::Kind::Usage, QStringLiteral("%1: cancelled").arg(endpoint()));
        if (!isOpen() && !m_unsentRequest.isEmpty()) { // (sent: what follows is the response's)
            const QAbstractSocket::SocketError error = m_socket->error();
            const QString refusal = m_sslErrors.isEmpty() ? QString() : whyCertificateRefused();
            const QString timedOut
                = error == QAbstractSocket::UnknownSocketError ? connectingTimeout(timeout) : QString();
            const QString failedHandshake
                = error == QAbstractSocket::SslHandshakeFailedError ? whyHandshakeFailed() : QString();
            const QString why = m_socket->errorString();
            m_socket->abort();
            if (!refusal.isEmpty())
                throw HttpError(HttpError::Kind::Tls, refusal);
            if (!timedOut.isEmpty())
                throw HttpError(HttpError::Kind::Timeout, timedOut);
            if (!failedHandshake.isEmpty()) // (the same server would fail it the same way)
                throw HttpError(HttpError::Kind::Tls, failedHandshake);
            throw HttpError(error == QAbstractSocket::HostNotFoundError ? HttpError::Kind::NoSuchHost
                                                                        : HttpError::Kind::Connection,
                QStringLiteral("cannot connect to %1: %2").arg(endpoint(), why));
        }
    }
    sendRequest();
    if (m_socket->bytesAvailable() > 0)
        readAvailable();
    if (!m_ended) {
        const bool ended = co_await SignalEmitted(this, &HttpConnection::exchangeEnded, remaining());
        if (m_cancelled)
            throw HttpError(HttpError::Kind::Usage, QStringLiteral("%1: cancelled").arg(endpoint()));
        if (!ended && !m_ended) {
            m_socket->abort();
            throw HttpError(HttpError::Kind::Timeout,
                (m_firstByteNs < 0 ? QStringLiteral("no response from %1 within %2 ms")
                                   : QStringLiteral("the response from %1 did not complete within %2 ms"))
                    .arg(endpoint())
                    .arg(timeout.count()));
        }
    }
    if (m_tls && serverWantsClientCertificate()) {
        m_socket->abort();
        throw HttpError(HttpError::Kind::Tls, whyHandshakeFailed());
    }
    if (m_parser.hasError()) {
        m_socket->abort();
        const auto kind = m_parser.hasStarted() ? HttpError::Kind::Protocol : HttpError::Kind::Connection;
        throw HttpError(kind, QStringLiteral("%1: %2").arg(endpoint(), m_parser.error()));
    }
    ++m_exchanges;
    const bool keepAlive = m_parser.keepAlive();
    HttpResponse response = m_parser.takeResponse();
    if (const QByteArray encoding = response.header("Content-Encoding"); !encoding.isEmpty()) {
        // A corrupt or cut stream is the transfer's failure, like a cut body: retried, never used.
        // A body too large or in an unknown encoding would come the same again: not retried.
        QString why;
        BodyDecodeFailure failure = BodyDecodeFailure::None;
        std::optional<QByteArray> decoded = decodeBody(encoding, response.body, &why, &failure);
        if (!decoded) {
            if (!keepAlive)
                m_socket->disconnectFromHost();
            throw HttpError(failure == BodyDecodeFailure::Damaged ? HttpError::Kind::Protocol
                                                                  : HttpError::Kind::Undecodable,
                QStringLiteral("%1: %2").arg(endpoint(), why));
        }
        response.body = std::move(*decoded);
    }
    response.firstByteNs = m_firstByteNs;
    response.endNs = m_clock();
    if (!keepAlive)
        m_socket->disconnectFromHost();
    co_return response;
}

void HttpConnection::sendRequest()
{
    if (m_unsentRequest.isEmpty() || !isOpen())
        return;
    m_socket->write(std::exchange(m_unsentRequest, QByteArray()));
    m_socket->flush();
    if (m_timings)
        m_timings->sentNs = m_clock();
}

void HttpConnection::readAvailable()
{
    if (!m_busy || m_ended) {
        m_socket->readAll(); // nothing is expected: a stray byte means the connection is unusable
        if (!m_busy)
            m_socket->abort();
        return;
    }
    const QByteArray data = m_socket->readAll();
    if (data.isEmpty())
        return;
    if (m_firstByteNs < 0)
        m_firstByteNs = m_clock();
    m_parser.feed(data.constData(), data.size());
    if (m_parser.isDone() || m_parser.hasError())
        endExchange();
}

void HttpConnection::peerClosed()
{
    if (!m_busy || m_ended)
        return;
    if (m_socket->bytesAvailable() > 0)
        readAvailable();
    if (m_ended)
        return;
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        return; // an error that did not close the connection (e.g. a write error still pending)
    m_parser.finishAtEndOfStream();
    endExchange();
}

void HttpConnection::endExchange()
{
    m_ended = true;
    emit exchangeEnded();
}

} // namespace Loopscope
