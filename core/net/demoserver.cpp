#include "demoserver.h"

#include <deque>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace Loopscope {

namespace {

constexpr int MaxDelayMs = 600'000;
constexpr int SlowPieces = 20;
// After answering and half-closing, how long a client may keep sending before we reset.
constexpr int LingerMs = 2000;
constexpr qsizetype CompactThreshold = 64 * 1024;
constexpr qsizetype PageCacheLimit = 4096;

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

// Strictly digits (no sign, no blanks) and at most 18 of them, so the value cannot overflow.
std::optional<qint64> parseCount(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (const char ch : text) {
        if (ch < '0' || ch > '9')
            return std::nullopt;
        value = value * 10 + (ch - '0');
    }
    return value;
}

// Client text echoed inside a JSON error string: printable ASCII only and short, so the error body
// is always valid JSON whatever bytes the client sent.
QByteArray quoted(QByteArrayView text)
{
    QByteArray out("'");
    for (const char ch : text.first(qMin<qsizetype>(text.size(), 64))) {
        if (ch == '"' || ch == '\\')
            out.append('\\').append(ch);
        else
            out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    if (text.size() > 64)
        out.append("...");
    return out.append('\'');
}

QByteArray buildResponse(int status, QByteArrayView body, bool keepAlive, QByteArrayView extraHeaders = {})
{
    QByteArray out;
    out.reserve(160 + extraHeaders.size() + body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reasonPhrase(status));
    out.append("\r\nContent-Type: application/json\r\nContent-Length: ");
    out.append(QByteArray::number(body.size()));
    out.append(keepAlive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    out.append(extraHeaders).append("\r\n").append(body);
    return out;
}

// Whether a comma-separated header value such as "keep-alive, Upgrade" lists `token`.
bool hasToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView item = (comma < 0 ? value : value.first(comma)).trimmed();
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        value = comma < 0 ? QByteArrayView() : value.sliced(comma + 1);
    }
    return false;
}

// Calls fn(name, value) for each name[=value] of a query; values are used verbatim (ours never need
// percent-decoding), and a bare name has an empty value.
template <typename Fn> void forEachParameter(QByteArrayView query, Fn fn)
{
    while (!query.isEmpty()) {
        const qsizetype amp = query.indexOf('&');
        const QByteArrayView pair = amp < 0 ? query : query.first(amp);
        query = amp < 0 ? QByteArrayView() : query.sliced(amp + 1);
        const qsizetype eq = pair.indexOf('=');
        fn(eq < 0 ? pair : pair.first(eq), eq < 0 ? QByteArrayView("") : pair.sliced(eq + 1));
    }
}

bool isFaultParameter(QByteArrayView key)
{
    return key == "fault" || key == "fault_times" || key == "retry_after" || key == "slow_ms";
}

} // namespace

struct DemoServer::Request
{
    QByteArrayView method;
    QByteArrayView target;
    bool keepAlive = true;
    bool expectContinue = false;
    qint64 contentLength = 0;
};

struct DemoServer::Query
{
    std::optional<QByteArrayView> from, limit, fault, faultTimes, retryAfter, slowMs;

    explicit Query(QByteArrayView query)
    {
        forEachParameter(query, [this](QByteArrayView name, QByteArrayView value) {
            if (name == "from")
                from = value;
            else if (name == "limit")
                limit = value;
            else if (name == "fault")
                fault = value;
            else if (name == "fault_times")
                faultTimes = value;
            else if (name == "retry_after")
                retryAfter = value;
            else if (name == "slow_ms")
                slowMs = value;
        });
    }
};

struct DemoServer::FaultPlan
{
    Fault kind = Fault::ServerError;
    int retryAfterSeconds = 1;
    int slowMs = 0;
};

struct DemoServer::PendingResponse
{
    enum class Action { Send, Drop, Slow };

    QByteArray bytes;
    qsizetype headSize = 0;
    int status = 0;
    Action action = Action::Send;
    bool closeAfter = false;
    bool ready = false;
    int slowMs = 0;
};

struct DemoServer::Connection
{
    QTcpSocket *socket = nullptr;
    QByteArray input;
    qsizetype consumed = 0;
    // Where to resume looking for the end of a head that arrived only partly.
    qsizetype scanFrom = 0;
    // A request whose body is still arriving (its head is copied out of `input`).
    qint64 bodyRemaining = 0;
    QByteArray bodyMethod, bodyTarget;
    Request bodyRequest;
    // Responses in request order; seq of the front is frontSeq.
    std::deque<PendingResponse> queue;
    quint64 frontSeq = 0;
    PendingResponse slow;
    qsizetype slowOffset = 0;
    qsizetype slowPieceSize = 0;
    int slowIntervalMs = 0;
    bool slowActive = false;
    bool closing = false;
    bool writeShut = false;
    bool dead = false;
};

DemoServer::DemoServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
    , m_random(m_options.seed)
{
    connect(m_server, &QTcpServer::newConnection, this, &DemoServer::acceptConnections);
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
    return {};
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
    m_faultCounts.clear();
    return true;
}

bool DemoServer::listen(quint16 port, QString *error)
{
    QString problem;
    if (m_server->isListening())
        problem
            = QStringLiteral("the demo server is already listening on port %1").arg(m_server->serverPort());
    // Qt's default backlog of 50 drops the SYNs of a burst of new connections (a client opening
    // 1,000 at once), and each dropped SYN costs that client a 1 s retransmission.
    else if (m_server->setListenBacklogSize(4096); !m_server->listen(QHostAddress::LocalHost, port))
        problem = QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(m_server->errorString());
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
    m_stats.openConnections = 0;
    m_stats.openRequests = 0;
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
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

QUrl DemoServer::itemsUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/api/items").arg(port()));
}

void DemoServer::resetStatistics()
{
    Statistics fresh;
    fresh.openRequests = fresh.peakOpenRequests = m_stats.openRequests;
    fresh.openConnections = fresh.peakOpenConnections = m_stats.openConnections;
    m_stats = fresh;
}

QByteArray DemoServer::faultName(Fault fault)
{
    switch (fault) {
    case Fault::ServerError:
        return "500";
    case Fault::TooManyRequests:
        return "429";
    case Fault::Drop:
        return "drop";
    case Fault::Truncate:
        return "truncate";
    case Fault::Malformed:
        return "malformed";
    case Fault::Slow:
        return "slow";
    }
    Q_UNREACHABLE();
}

std::optional<DemoServer::Fault> DemoServer::faultFromName(QByteArrayView name)
{
    for (const Fault fault : { Fault::ServerError, Fault::TooManyRequests, Fault::Drop, Fault::Truncate,
             Fault::Malformed, Fault::Slow }) {
        if (name == faultName(fault))
            return fault;
    }
    return std::nullopt;
}

void DemoServer::acceptConnections()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto owned = std::make_unique<Connection>();
        Connection *connection = owned.get();
        connection->socket = socket;
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
        Request request;
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

bool DemoServer::parseHead(Connection &c, QByteArrayView head, Request &request)
{
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
        respondFatal(c, 400, "malformed request line " + quoted(requestLine));
        return false;
    }
    request.method = requestLine.first(sp1);
    request.target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool looksLikeHttp = version.startsWith("HTTP/");
        respondFatal(c, looksLikeHttp ? 505 : 400,
            (looksLikeHttp ? "unsupported HTTP version " : "malformed request line ")
                + quoted(looksLikeHttp ? version : requestLine));
        return false;
    }
    request.keepAlive = version == "HTTP/1.1";
    bool sawLength = false;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView name = colon < 0 ? line : line.first(colon);
        if (colon <= 0 || name.indexOf(' ') >= 0 || name.indexOf('\t') >= 0) {
            respondFatal(c, 400, "malformed header line " + quoted(line));
            return false;
        }
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            const auto length = parseCount(value);
            if (!length || (sawLength && *length != request.contentLength)) {
                respondFatal(c, 400, "invalid Content-Length " + quoted(value));
                return false;
            }
            request.contentLength = *length;
            sawLength = true;
        } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            if (hasToken(value, "close"))
                request.keepAlive = false;
            else if (hasToken(value, "keep-alive"))
                request.keepAlive = true;
        } else if (name.compare("Expect", Qt::CaseInsensitive) == 0) {
            request.expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            respondFatal(
                c, 501, "Transfer-Encoding " + quoted(value) + " is not supported; send Content-Length");
            return false;
        }
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
    const int delay = nextDelayMs();
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
    c->queue[seq - c->frontSeq].ready = true;
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
    c.queue.clear();
    c.slowActive = false;
    c.socket->deleteLater();
}

void DemoServer::handleRequest(Connection &c, const Request &request)
{
    ++m_stats.requestsReceived;
    m_stats.peakOpenRequests = qMax(m_stats.peakOpenRequests, ++m_stats.openRequests);
    const qsizetype mark = request.target.indexOf('?');
    const QByteArrayView path = mark < 0 ? request.target : request.target.first(mark);
    const QByteArrayView queryText = mark < 0 ? QByteArrayView() : request.target.sliced(mark + 1);
    enum class Route { None, Items, Echo, Health };
    const Route route = path == "/api/items" ? Route::Items
        : path == "/api/echo"                ? Route::Echo
        : path == "/health"                  ? Route::Health
                                             : Route::None;
    const QByteArrayView allowed = route == Route::Echo ? "POST" : "GET";
    // A HEAD must get no body, and all our answers have one: closing keeps the client's framing right.
    const bool keepAlive = request.keepAlive && request.method != "HEAD";
    PendingResponse response;
    QByteArray error;
    int errorStatus = 400;
    if (route == Route::None) {
        errorStatus = 404;
        error = "no such path " + quoted(path) + "; try /api/items, /api/echo or /health";
    } else if (request.method != allowed) {
        errorStatus = 405;
        error = "method " + quoted(request.method) + " is not allowed on " + path.toByteArray() + "; use "
            + allowed.toByteArray();
    } else {
        const Query query(queryText);
        if (route == Route::Items) {
            error = itemsResponse(query, keepAlive, response);
        } else {
            const QByteArray body = route == Route::Health
                ? QByteArray(R"({"status":"ok"})")
                : R"({"received_bytes":)" + QByteArray::number(request.contentLength) + '}';
            response.status = 200;
            response.bytes = buildResponse(200, body, keepAlive);
            response.headSize = response.bytes.size() - body.size();
        }
        FaultPlan plan;
        if (error.isEmpty()
            && faultFor(request.method, path, queryText, query, route != Route::Health, plan, error))
            applyFault(plan, keepAlive, response);
    }
    if (!error.isEmpty()) {
        response = {};
        response.status = errorStatus;
        response.bytes = buildResponse(errorStatus, R"({"error":")" + error + R"("})", keepAlive,
            errorStatus == 405 ? "Allow: " + allowed.toByteArray() + "\r\n" : "");
    }
    response.closeAfter = response.closeAfter || !keepAlive;
    c.closing = c.closing || response.closeAfter; // nothing after this request will be answered
    enqueue(c, std::move(response));
}

QByteArray DemoServer::itemsResponse(const Query &query, bool keepAlive, PendingResponse &response)
{
    qint64 from = 0;
    int limit = m_options.pageSize;
    if (query.from) {
        const auto value = parseCount(*query.from);
        if (!value)
            return "invalid 'from' parameter " + quoted(*query.from) + ": expected a non-negative integer";
        from = *value;
    }
    if (query.limit) {
        const auto value = parseCount(*query.limit);
        if (!value || *value < 1 || *value > DemoItems::MaxPageSize)
            return "invalid 'limit' parameter " + quoted(*query.limit) + ": expected an integer from 1 to "
                + QByteArray::number(DemoItems::MaxPageSize);
        limit = static_cast<int>(*value);
    }
    auto it = m_pageCache.constFind({ from, limit });
    if (it == m_pageCache.cend()) {
        if (m_pageCache.size() >= PageCacheLimit)
            m_pageCache.clear(); // a crawl of distinct pages: start over rather than grow without bound
        const QByteArray body = m_items.page(from, limit);
        const QByteArray next = m_items.nextPath(from, limit);
        const QByteArray link = next.isEmpty() ? QByteArray() : "Link: <" + next + ">; rel=\"next\"\r\n";
        const QByteArray bytes = buildResponse(200, body, true, link);
        it = m_pageCache.insert({ from, limit }, { bytes, bytes.size() - body.size() });
    }
    response.status = 200;
    response.bytes = it->first;
    response.headSize = it->second;
    if (!keepAlive) {
        response.bytes.replace("\r\nConnection: keep-alive\r\n", "\r\nConnection: close\r\n");
        response.headSize -= qsizetype(sizeof("keep-alive")) - qsizetype(sizeof("close"));
    }
    return {};
}

bool DemoServer::faultFor(QByteArrayView method, QByteArrayView path, QByteArrayView queryText,
    const Query &query, bool randomAllowed, FaultPlan &plan, QByteArray &error)
{
    plan.retryAfterSeconds = m_options.retryAfterSeconds;
    plan.slowMs = m_options.slowMs;
    if (!query.fault) {
        if (!randomAllowed || m_options.errorRate <= 0.0
            || static_cast<double>(m_random() >> 11) * 0x1.0p-53 >= m_options.errorRate)
            return false;
        plan.kind
            = m_options.randomFaults[static_cast<qsizetype>(m_random() % m_options.randomFaults.size())];
        ++m_stats.faultsInjected;
        return true;
    }
    const auto kind = faultFromName(*query.fault);
    if (!kind) {
        error = "unknown fault " + quoted(*query.fault)
            + "; expected 500, 429, drop, truncate, malformed or slow";
        return false;
    }
    plan.kind = *kind;
    const auto parse = [&error](std::optional<QByteArrayView> text, const char *name, qint64 max, int &out) {
        const auto value = text ? parseCount(*text) : std::nullopt;
        if (text && (!value || *value > max))
            error = "invalid '" + QByteArray(name) + "' parameter " + quoted(*text)
                + ": expected an integer from 0 to " + QByteArray::number(max);
        else if (value)
            out = static_cast<int>(*value);
    };
    int times = -1;
    parse(query.faultTimes, "fault_times", 1'000'000'000, times);
    parse(query.retryAfter, "retry_after", 86'400, plan.retryAfterSeconds);
    parse(query.slowMs, "slow_ms", MaxDelayMs, plan.slowMs);
    if (!error.isEmpty())
        return false;
    if (times >= 0) {
        // Requests count as "the same URL" when method, path and all non-fault parameters agree.
        QByteArray key = method.toByteArray() + ' ' + path.toByteArray() + '?';
        forEachParameter(queryText, [&key](QByteArrayView name, QByteArrayView value) {
            if (!isFaultParameter(name))
                key.append(name).append('=').append(value).append('&');
        });
        int &seen = m_faultCounts[key];
        if (seen >= times)
            return false;
        ++seen;
    }
    ++m_stats.faultsInjected;
    return true;
}

void DemoServer::applyFault(const FaultPlan &plan, bool keepAlive, PendingResponse &response)
{
    const QByteArrayView body = QByteArrayView(response.bytes).sliced(response.headSize);
    switch (plan.kind) {
    case Fault::ServerError:
    case Fault::TooManyRequests: {
        const bool busy = plan.kind == Fault::TooManyRequests;
        response.status = busy ? 429 : 500;
        response.bytes = buildResponse(response.status,
            busy ? R"({"error":"injected fault: too many requests"})"
                 : R"({"error":"injected fault: server error"})",
            keepAlive, busy ? "Retry-After: " + QByteArray::number(plan.retryAfterSeconds) + "\r\n" : "");
        break;
    }
    case Fault::Drop:
        response.action = PendingResponse::Action::Drop;
        break;
    case Fault::Truncate: // the head still announces the whole body
        response.bytes.truncate(response.headSize + body.size() / 2);
        response.closeAfter = true;
        break;
    case Fault::Malformed: // a strict prefix of a JSON object is never valid JSON
        response.bytes = buildResponse(200, body.first(body.size() / 2), keepAlive);
        break;
    case Fault::Slow:
        response.action = PendingResponse::Action::Slow;
        response.slowMs = plan.slowMs;
        break;
    }
}

int DemoServer::nextDelayMs()
{
    if (m_options.jitterMs == 0)
        return m_options.latencyMs;
    const auto span = static_cast<std::uint64_t>(2 * m_options.jitterMs + 1);
    const int jitter = static_cast<int>(m_random() % span) - m_options.jitterMs;
    return qMax(0, m_options.latencyMs + jitter);
}

} // namespace Loopscope
