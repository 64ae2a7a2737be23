#include "net/demoserverparts.h"
#include "net/demotls.h"
#include "net/tlsserver.h"
#include "scheduler/errors.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <limits>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace Loopscope {

using namespace DemoHttp;
using namespace DemoServerLimits;

DemoServer::DemoServer(QObject *parent)
    : QObject(parent)
    , m_random(m_options.seed)
{
    makeServer();
}

void DemoServer::makeServer()
{
    delete m_server;
    if (m_options.tls) {
        m_server = new TlsServer(DemoTls::serverConfiguration(), this);
    } else {
        m_server = new QTcpServer(this);
    }
    // A TLS connection is pending once its handshake is done, after newConnection.
    connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &DemoServer::acceptConnections);
}

DemoServer::~DemoServer()
{
    close();
}

QString DemoServer::validateOptions(const Options &options)
{
    if (options.items < 0)
        return QStringLiteral("item count must not be negative, got %1").arg(options.items);
    if (options.pageSize < 1 || options.pageSize > DemoItems::MaxPageSize)
        return QStringLiteral("page size must be between 1 and %1, got %2")
            .arg(DemoItems::MaxPageSize)
            .arg(options.pageSize);
    const auto checkMs = [](int value, const char *what) {
        return value < 0 || value > MaxDelayMs
            ? QStringLiteral("%1 must be between 0 and %2 ms, got %3").arg(what).arg(MaxDelayMs).arg(value)
            : QString();
    };
    for (const QString &error : { checkMs(options.latencyMs, "latency"), checkMs(options.jitterMs, "jitter"),
             checkMs(options.slowMs, "slow duration") }) {
        if (!error.isEmpty())
            return error;
    }
    if (!(options.errorRate >= 0.0 && options.errorRate <= 1.0))
        return QStringLiteral("error rate must be between 0 and 1, got %1").arg(options.errorRate);
    if (options.errorRate > 0.0 && options.randomFaults.isEmpty())
        return QStringLiteral("error rate %1 needs at least one fault kind to draw from")
            .arg(options.errorRate);
    if (options.retryAfterSeconds < 0)
        return QStringLiteral("Retry-After must not be negative, got %1").arg(options.retryAfterSeconds);
    for (qsizetype i = 0; i < options.capacity.size(); ++i) {
        const CapacityStep &step = options.capacity[i];
        if (step.limit < 0 || step.atMs < 0)
            return QStringLiteral("a capacity must be a number of requests from a time on, both at least 0");
        if (i > 0 && step.atMs <= options.capacity[i - 1].atMs)
            return QStringLiteral("the capacity's times must increase, got %1 ms after %2 ms")
                .arg(step.atMs)
                .arg(options.capacity[i - 1].atMs);
    }
    return {};
}

std::unique_ptr<DemoServer> DemoServer::startLocal(const Options &options)
{
    auto server = std::make_unique<DemoServer>();
    QString error;
    if (!server->setOptions(options, &error) || !server->listen(0, &error))
        throw Error(QStringLiteral("cannot start the demo API: %1").arg(error));
    return server;
}

bool DemoServer::setOptions(const Options &options, QString *error)
{
    const QString problem = validateOptions(options);
    if (error)
        *error = problem;
    if (!problem.isEmpty())
        return false;
    m_options = options;
    m_items = DemoItems(options.items, options.pageSize);
    m_random.seed(options.seed);
    m_pageCache.clear();
    m_gzipPageCache.clear();
    m_faultCounts.clear();
    return true;
}

bool DemoServer::listen(quint16 port, QString *error)
{
    QString problem;
    if (!m_server->isListening() && m_options.tls != (qobject_cast<TlsServer *>(m_server) != nullptr))
        makeServer();
    if (m_server->isListening())
        problem
            = QStringLiteral("the demo server is already listening on port %1").arg(m_server->serverPort());
    // Qt's default backlog of 50 drops the SYNs of a burst of new connections (a client opening
    // 1,000 at once), and each dropped SYN costs that client a 1 s retransmission.
    else if (m_server->setListenBacklogSize(4096); !m_server->listen(QHostAddress::LocalHost, port))
        problem = QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(m_server->errorString());
    if (problem.isEmpty()) {
        m_listening.start();
        // A capacity that grows frees workers for what is queued.
        for (const CapacityStep &step : m_options.capacity) {
            if (step.atMs > 0)
                QTimer::singleShot(step.atMs, m_server, [this] { admitWaiting(); });
        }
    }
    if (error)
        *error = problem;
    return problem.isEmpty();
}

void DemoServer::close()
{
    m_server->close();
    for (auto &[socket, connection] : m_connections) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    }
    m_connections.clear();
    m_waiting.clear();
    m_stats.openConnections = 0;
    m_stats.openRequests = 0;
    m_stats.working = 0;
}

bool DemoServer::isListening() const
{
    return m_server->isListening();
}

quint16 DemoServer::port() const
{
    return m_server->serverPort();
}

QUrl DemoServer::baseUrl() const
{
    return QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(m_options.tls ? "https" : "http").arg(port()));
}

QUrl DemoServer::itemsUrl() const
{
    return QUrl(baseUrl().toString() + QStringLiteral("/api/items"));
}

void DemoServer::resetStatistics()
{
    Statistics fresh;
    fresh.openRequests = fresh.peakOpenRequests = m_stats.openRequests;
    fresh.openConnections = fresh.peakOpenConnections = m_stats.openConnections;
    m_stats = fresh;
}

void DemoServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto owned = std::make_unique<Connection>();
        Connection *connection = owned.get();
        connection->socket = socket;
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // TLS answers in several records
        m_connections.emplace(socket, std::move(owned));
        ++m_stats.connectionsAccepted;
        m_stats.peakOpenConnections = qMax(m_stats.peakOpenConnections, ++m_stats.openConnections);
        // The Connection outlives every use below: it is erased only once its socket is destroyed,
        // which also removes these connections. Timers look the connection up by socket instead.
        connect(socket, &QTcpSocket::readyRead, this, [this, connection] { readFrom(*connection); });
        connect(socket, &QTcpSocket::disconnected, this, [this, connection] { onDisconnected(*connection); });
        connect(socket, &QObject::destroyed, this, [this, socket] { m_connections.erase(socket); });
        if (socket->bytesAvailable() > 0)
            readFrom(*connection);
    }
}

DemoServer::Connection *DemoServer::connectionFor(QTcpSocket *socket) const
{
    const auto it = m_connections.find(socket);
    return it == m_connections.end() || it->second->dead ? nullptr : it->second.get();
}

void DemoServer::readFrom(Connection &c)
{
    if (c.dead)
        return;
    const qint64 available = c.socket->bytesAvailable();
    if (c.closing) {
        c.socket->skip(available);
        return;
    }
    const qsizetype old = c.input.size();
    c.input.resize(old + available);
    const qint64 got = c.socket->read(c.input.data() + old, available);
    c.input.resize(old + qMax<qint64>(got, 0));
    processInput(c);
    if (!c.dead)
        c.socket->flush();
}

void DemoServer::processInput(Connection &c)
{
    while (!c.closing && !c.dead) {
        const qsizetype available = c.input.size() - c.consumed;
        if (c.bodyRemaining > 0) {
            const qint64 take = qMin<qint64>(available, c.bodyRemaining);
            c.consumed += take;
            c.bodyRemaining -= take;
            if (c.bodyRemaining > 0)
                break;
            handleRequest(c, c.bodyRequest);
            continue;
        }
        QByteArrayView rest(c.input.constData() + c.consumed, available);
        // RFC 9112 §2.2: ignore empty lines before a request line.
        while (rest.startsWith("\r\n")) {
            rest = rest.sliced(2);
            c.consumed += 2;
        }
        // A TLS handshake record (an https client at an http server): no request line will ever come.
        if (!rest.isEmpty() && static_cast<unsigned char>(rest.front()) == TlsHandshakeRecord
            && !m_options.tls) {
            respondFatal(c, 400, "this server speaks plain http: ask for http://, not https://");
            break;
        }
        const qsizetype end = rest.indexOf("\r\n\r\n", c.scanFrom);
        if (end < 0 || end > MaxHeadBytes) {
            if (rest.size() > MaxHeadBytes)
                respondFatal(
                    c, 431, "request line and headers exceed " + QByteArray::number(MaxHeadBytes) + " bytes");
            else
                c.scanFrom = qMax<qsizetype>(0, rest.size() - 3);
            break;
        }
        c.scanFrom = 0;
        c.consumed += end + 4;
        RequestHead request;
        if (!parseHead(c, rest.first(end), request))
            break;
        if (request.contentLength == 0) {
            handleRequest(c, request);
            continue;
        }
        // A client waiting for permission to send its body (curl does above 1 KiB) gets it at once when
        // nothing is queued ahead; otherwise it sends after its own timeout, which is still correct.
        if (request.expectContinue && c.queue.empty() && !c.slowActive)
            c.socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        // The head lives in `input`, which the body may outgrow: keep a copy until the body is in.
        c.bodyMethod = request.method.toByteArray();
        c.bodyTarget = request.target.toByteArray();
        c.bodyRequest = request;
        c.bodyRequest.method = c.bodyMethod;
        c.bodyRequest.target = c.bodyTarget;
        c.bodyRemaining = request.contentLength;
    }
    if (c.consumed == c.input.size()) {
        c.input.resize(0);
        c.consumed = 0;
    } else if (c.consumed > CompactThreshold) {
        c.input.remove(0, c.consumed);
        c.consumed = 0;
    }
}

bool DemoServer::parseHead(Connection &c, QByteArrayView head, RequestHead &request)
{
    if (const auto error = DemoHttp::parseHead(head, request)) {
        respondFatal(c, error->status, error->message);
        return false;
    }
    return true;
}

void DemoServer::respondFatal(Connection &c, int status, const QByteArray &message)
{
    // The request's framing is unknown, so the connection cannot be reused after this answer.
    c.closing = true;
    ++m_stats.requestsReceived;
    m_stats.peakOpenRequests = qMax(m_stats.peakOpenRequests, ++m_stats.openRequests);
    PendingResponse response;
    response.status = status;
    response.bytes = buildResponse(status, R"({"error":")" + message + R"("})", false);
    response.closeAfter = true;
    enqueue(c, std::move(response));
}

void DemoServer::enqueue(Connection &c, PendingResponse &&response)
{
    const int delay = response.ready ? 0 : nextDelayMs(); // a refusal is answered at once
    response.ready = delay == 0;
    const quint64 seq = c.frontSeq + c.queue.size();
    c.queue.push_back(std::move(response));
    if (delay > 0) {
        QTimer::singleShot(
            delay, Qt::PreciseTimer, c.socket, [this, socket = c.socket, seq] { markReady(socket, seq); });
    } else {
        flushResponses(c);
    }
}

void DemoServer::markReady(QTcpSocket *socket, quint64 seq)
{
    Connection *c = connectionFor(socket);
    // A seq before frontSeq wraps to a huge index: its request was discarded when the connection closed.
    if (!c || seq - c->frontSeq >= c->queue.size())
        return;
    PendingResponse &response = c->queue[seq - c->frontSeq];
    response.ready = true;
    if (std::exchange(response.holdsWorker, false)) {
        --m_stats.working;
        admitWaiting();
    }
    flushResponses(*c);
    if (!c->dead)
        socket->flush();
}

void DemoServer::flushResponses(Connection &c)
{
    while (!c.dead && !c.slowActive && !c.queue.empty() && c.queue.front().ready) {
        PendingResponse response = std::move(c.queue.front());
        c.queue.pop_front();
        ++c.frontSeq;
        switch (response.action) {
        case PendingResponse::Action::Drop:
            finishRequest(0);
            closeGracefully(c);
            return;
        case PendingResponse::Action::Slow: {
            const qsizetype body = response.bytes.size() - response.headSize;
            c.slowPieceSize = qMax<qsizetype>(1, (body + SlowPieces - 1) / SlowPieces);
            // Rounding the piece size up can leave fewer pieces; the last must still land at slowMs.
            const auto pieces
                = static_cast<int>(qMax<qsizetype>(1, (body + c.slowPieceSize - 1) / c.slowPieceSize));
            c.slowIntervalMs = (response.slowMs + pieces - 1) / pieces;
            c.slowOffset = response.headSize;
            c.slow = std::move(response);
            c.slowActive = true;
            c.socket->write(c.slow.bytes.constData(), c.slow.headSize);
            c.socket->flush();
            QTimer::singleShot(c.slowIntervalMs, Qt::PreciseTimer, c.socket,
                [this, socket = c.socket] { sendSlowPiece(socket); });
            return;
        }
        case PendingResponse::Action::Send:
            c.socket->write(response.bytes);
            finishRequest(response.status);
            if (response.closeAfter) {
                closeGracefully(c);
                return;
            }
        }
    }
}

void DemoServer::sendSlowPiece(QTcpSocket *socket)
{
    Connection *c = connectionFor(socket);
    if (!c || !c->slowActive)
        return;
    const qsizetype n = qMin(c->slowPieceSize, c->slow.bytes.size() - c->slowOffset);
    socket->write(c->slow.bytes.constData() + c->slowOffset, n);
    c->slowOffset += n;
    if (c->slowOffset < c->slow.bytes.size()) {
        socket->flush();
        QTimer::singleShot(
            c->slowIntervalMs, Qt::PreciseTimer, socket, [this, socket] { sendSlowPiece(socket); });
        return;
    }
    c->slowActive = false;
    finishRequest(c->slow.status);
    if (c->slow.closeAfter)
        closeGracefully(*c);
    else
        flushResponses(*c);
    if (!c->dead)
        socket->flush();
}

std::optional<QList<DemoServer::CapacityStep>> DemoServer::parseCapacity(const QString &text, QString *error)
{
    QList<CapacityStep> steps;
    for (const QString &part : text.split(u',')) {
        const QString item = part.trimmed();
        const qsizetype at = item.indexOf(u'@');
        bool limitOk = false;
        const int limit = item.first(at < 0 ? item.size() : at).toInt(&limitOk);
        CapacityStep step { 0, limit };
        bool timeOk = at < 0;
        if (at >= 0) {
            const QString when = item.sliced(at + 1);
            const bool inMs = when.endsWith(QLatin1StringView("ms"));
            const double value = when.chopped(inMs ? 2 : (when.endsWith(u's') ? 1 : 0)).toDouble(&timeOk)
                * (inMs ? 1 : 1000);
            timeOk = timeOk && value >= 0 && value <= std::numeric_limits<int>::max() && !when.isEmpty()
                && (inMs || when.endsWith(u's'));
            step.atMs = timeOk ? static_cast<int>(value) : 0;
        }
        if (!limitOk || limit < 0 || !timeOk || (steps.isEmpty() != (at < 0))) {
            if (error)
                *error = QStringLiteral(
                    "the capacity \"%1\" is not N or N,N@TIME,... (for example 40,10@3s,40@6s): "
                    "\"%2\" is not %3")
                             .arg(text, item,
                                 steps.isEmpty()
                                     ? QStringLiteral("a number of requests")
                                     : QStringLiteral("a number of requests from a time on (10@3s)"));
            return std::nullopt;
        }
        steps.append(step);
    }
    Options probe;
    probe.capacity = steps;
    if (const QString problem = validateOptions(probe); !problem.isEmpty()) {
        if (error)
            *error = problem;
        return std::nullopt;
    }
    return steps;
}

int DemoServer::capacity() const
{
    int limit = 0;
    const qint64 now = m_listening.isValid() ? m_listening.elapsed() : 0;
    for (const CapacityStep &step : m_options.capacity) {
        if (step.atMs <= now)
            limit = step.limit;
    }
    return limit;
}

bool DemoServer::takeWorker(Connection &c, bool keepAlive, PendingResponse &response)
{
    const int limit = capacity();
    if (limit > 0 && m_stats.working >= limit) {
        if (m_options.overload == Overload::Queue) {
            ++m_stats.overloadQueued;
            m_waiting.emplace_back(c.socket, c.frontSeq + c.queue.size());
            return false;
        }
        // Refused at once, without Retry-After: the client has to find the limit by itself.
        ++m_stats.overloadRefused;
        const QByteArray body = R"({"error":"too many requests at once: this API serves )"
            + QByteArray::number(limit) + R"("})";
        response = {};
        response.status = 429;
        response.bytes = DemoHttp::buildResponse(429, body, keepAlive);
        response.ready = true;
        response.closeAfter = !keepAlive;
        return true;
    }
    response.holdsWorker = true;
    m_stats.peakWorking = std::max(m_stats.peakWorking, ++m_stats.working);
    return true;
}

void DemoServer::admitWaiting()
{
    while (!m_waiting.empty() && (capacity() == 0 || m_stats.working < capacity())) {
        const auto [socket, seq] = m_waiting.front();
        m_waiting.pop_front();
        Connection *c = socket ? connectionFor(socket) : nullptr;
        if (!c || c->dead || seq - c->frontSeq >= c->queue.size())
            continue; // its connection went away meanwhile
        c->queue[seq - c->frontSeq].holdsWorker = true;
        m_stats.peakWorking = std::max(m_stats.peakWorking, ++m_stats.working);
        // Its latency starts now; a timer even for none, as markReady() may be what called here.
        QTimer::singleShot(nextDelayMs(), Qt::PreciseTimer, socket.data(),
            [this, socket = socket.data(), seq] { markReady(socket, seq); });
    }
}

void DemoServer::releaseWorkers(const std::deque<PendingResponse> &abandoned)
{
    bool freed = false;
    for (const PendingResponse &response : abandoned) {
        if (response.holdsWorker) {
            --m_stats.working;
            freed = true;
        }
    }
    if (freed)
        QTimer::singleShot(0, m_server, [this] { admitWaiting(); });
}

void DemoServer::finishRequest(int status)
{
    --m_stats.openRequests;
    if (status > 0) {
        ++m_stats.requestsServed;
        ++m_stats.responsesByStatus[status];
    }
}

void DemoServer::closeGracefully(Connection &c)
{
    c.closing = true;
    m_stats.openRequests -= static_cast<int>(c.queue.size());
    c.frontSeq += c.queue.size();
    releaseWorkers(c.queue);
    c.queue.clear();
    c.socket->flush();
    if (c.dead)
        return;
#ifdef Q_OS_UNIX
    // Half-close once everything is written and keep draining input until the client closes:
    // closing outright with unread request bytes would send a reset that can destroy our answer.
    QTcpSocket *socket = c.socket;
    const auto shutdownWrite = [this, socket] {
        Connection *c = connectionFor(socket);
        if (!c || c->writeShut || socket->bytesToWrite() > 0)
            return;
        c->writeShut = true;
        ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
        QTimer::singleShot(LingerMs, socket, [socket] { socket->abort(); });
    };
    connect(socket, &QTcpSocket::bytesWritten, this, shutdownWrite);
    shutdownWrite();
#else
    c.socket->disconnectFromHost();
#endif
}

void DemoServer::onDisconnected(Connection &c)
{
    if (c.dead)
        return;
    c.dead = true;
    --m_stats.openConnections;
    m_stats.openRequests -= static_cast<int>(c.queue.size()) + (c.slowActive ? 1 : 0);
    releaseWorkers(c.queue);
    c.queue.clear();
    c.slowActive = false;
    c.socket->deleteLater();
}

} // namespace Loopscope
