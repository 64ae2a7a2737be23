#pragma once

#include "net/demoitems.h"

#include <deque>
#include <memory>
#include <optional>
#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <random>
#include <unordered_map>
#include <utility>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace Loopscope {

namespace DemoHttp {
struct RequestHead;
}

/*!
 * A small, fast HTTP/1.1 server on 127.0.0.1 serving the DemoItems collection, so that everything
 * Loopscope demonstrates works offline and reproducibly.
 *
 * Routes: `GET /api/items?from=N[&limit=M]` (a page, with a `Link: <...>; rel="next"` header while
 * there is a next page), `POST /api/echo` ({"received_bytes":n}) and `GET /health` ({"status":"ok"}).
 * Errors are JSON {"error":"..."}: 400 bad request or parameter, 404 unknown path, 405 wrong method,
 * 431 request head over MaxHeadBytes, 501 chunked request body, 505 HTTP version.
 *
 * Connections are keep-alive unless the client says `Connection: close` (or speaks HTTP/1.0, or
 * sends HEAD); pipelined requests are answered strictly in order, a request may arrive in any number
 * of pieces, and `Expect: 100-continue` is honoured. Every response is delayed by latencyMs ± jitterMs
 * using timers, never by blocking.
 *
 * Faults are injected either at random (errorRate, drawn from a generator seeded with `seed`
 * and owned by the server; /health is exempt) or on demand through query parameters:
 * `fault=500|429|drop|truncate|malformed|slow`, optionally `fault_times=K` (only the first K requests
 * for the same method, path and non-fault parameters get the fault; later ones succeed, and requests
 * without a fault parameter are neither faulted nor counted),
 * `retry_after=S` for 429 and `slow_ms=T` for slow. `drop` closes without answering, `truncate`
 * announces the full Content-Length but sends half the body and closes, `malformed` answers 200 with
 * half a JSON document, `slow` sends the body in small pieces spread over slow_ms.
 *
 * A source's limits can be played too (Options::capacity): /api/items serves at most N requests at
 * once, a number that may change on a schedule, and one more is either refused at once with
 * `429 Too Many Requests` without Retry-After, or queued until a worker frees (its latency starts
 * then), as APIs behind a fixed pool of workers do.
 *
 * A DemoServer belongs to the thread that created it.
 */
class DemoServer : public QObject
{
    Q_OBJECT
public:
    enum class Fault { ServerError, TooManyRequests, Drop, Truncate, Malformed, Slow };
    Q_ENUM(Fault)
    /*!
     * How /api/items pages look, as common APIs have them:
     * - Items: `?from=N&limit=M` → {"items":[...],"from","count","total","next"} and a Link header;
     * - Drf (Django REST framework): `?page=N&page_size=M` (from 1) → {"count","next","previous","results"};
     * - Github: `?page=N&per_page=M` (from 1) → a bare array, the next page in the Link header;
     * - Stripe: `?limit=M&starting_after=ID` → {"object":"list","data":[...],"has_more"};
     * - Page: `?page=N&per_page=M` (from 1) → {"page","per_page","data":[...]}: no total, no link.
     */
    enum class Shape { Items, Drf, Github, Stripe, Page };
    static QByteArray shapeName(Shape shape);
    static std::optional<Shape> shapeFromName(QByteArrayView name);

    static constexpr qsizetype MaxHeadBytes = 16 * 1024;

    //! From `atMs` after listen() on, /api/items serves at most `limit` requests at once (0: any number).
    struct CapacityStep
    {
        int atMs = 0;
        int limit = 0;
        friend bool operator==(const CapacityStep &, const CapacityStep &) = default;
    };
    //! What becomes of a request beyond the capacity.
    enum class Overload { Refuse, Queue };
    //! Parses "20" or "40,10@3s,40@6s" (a limit, then limits from a time on: "@3s", "@2.5s", "@500ms").
    static std::optional<QList<CapacityStep>> parseCapacity(const QString &text, QString *error);

    struct Options
    {
        qint64 items = 10'000;
        int pageSize = DemoItems::DefaultPageSize;
        int latencyMs = 0;
        //! Each delay is latencyMs plus a uniform draw from [-jitterMs, jitterMs], never below 0.
        int jitterMs = 0;
        //! Probability (0..1) that a request gets a random fault drawn uniformly from randomFaults.
        double errorRate = 0.0;
        quint64 seed = 1;
        QList<Fault> randomFaults { Fault::ServerError, Fault::TooManyRequests };
        //! How long a `slow` fault takes to send the body when the request does not say slow_ms.
        int slowMs = 2000;
        //! Retry-After of a 429 when the request does not say retry_after.
        int retryAfterSeconds = 1;
        //! Serve https with the demo certificate (DemoTls); takes effect at the next listen().
        bool tls = false;
        Shape shape = Shape::Items;
        //! When set, /api/items answers only requests with `Authorization: Bearer <token>` (else 401).
        QByteArray token;
        //! Compress pages with gzip for clients that accept it (Accept-Encoding).
        bool gzip = false;
        //! How many /api/items requests are served at once, over time (empty: any number).
        QList<CapacityStep> capacity;
        Overload overload = Overload::Refuse;
    };

    struct Statistics
    {
        qint64 connectionsAccepted = 0;
        qint64 requestsReceived = 0;
        //! Responses completely handed to the socket, whatever their status (drops are not responses).
        qint64 requestsServed = 0;
        qint64 faultsInjected = 0;
        QMap<int, qint64> responsesByStatus;
        //! Requests received but not yet answered: the server-side view of a client's concurrency.
        int openRequests = 0;
        int peakOpenRequests = 0;
        int openConnections = 0;
        int peakOpenConnections = 0;
        //! /api/items requests being served (within the capacity), and the most at once.
        int working = 0;
        int peakWorking = 0;
        //! Requests beyond the capacity: refused with 429, or queued for a worker.
        qint64 overloadRefused = 0;
        qint64 overloadQueued = 0;
    };

    explicit DemoServer(QObject *parent = nullptr);
    ~DemoServer() override;

    //! A demo API with `options`, listening on a free port of 127.0.0.1 in this process (for the
    //! window, scenarios and tests). Throws Error("cannot start the demo API: ...") when it cannot.
    static std::unique_ptr<DemoServer> startLocal(const Options &options);

    //! Why `options` are unusable, or an empty string when they are fine.
    static QString validateOptions(const Options &options);
    //! Applies valid options (also while listening; reseeds the generator). On failure keeps the old ones.
    bool setOptions(const Options &options, QString *error = nullptr);
    const Options &options() const { return m_options; }
    const DemoItems &items() const { return m_items; }

    //! Listens on 127.0.0.1 only; port 0 picks any free port.
    bool listen(quint16 port = 0, QString *error = nullptr);
    //! The capacity now (0: any number).
    int capacity() const;
    //! Stops listening and drops every connection and pending response.
    void close();
    bool isListening() const;
    quint16 port() const;
    QUrl baseUrl() const;
    //! http://127.0.0.1:<port>/api/items
    QUrl itemsUrl() const;

    const Statistics &statistics() const { return m_stats; }
    void resetStatistics();

    static QByteArray faultName(Fault fault);
    static std::optional<Fault> faultFromName(QByteArrayView name);

private:
    struct Connection;
    struct FaultPlan;
    struct PendingResponse;
    struct Query;

    void acceptConnections();
    void makeServer();
    Connection *connectionFor(QTcpSocket *socket) const;
    void readFrom(Connection &connection);
    void processInput(Connection &connection);
    bool parseHead(Connection &connection, QByteArrayView head, DemoHttp::RequestHead &request);
    void respondFatal(Connection &connection, int status, const QByteArray &message);
    void handleRequest(Connection &connection, const DemoHttp::RequestHead &request);
    QByteArray itemsResponse(const Query &query, bool keepAlive, bool gzip, PendingResponse &response);
    bool faultFor(QByteArrayView method, QByteArrayView path, QByteArrayView queryText, const Query &query,
        bool randomAllowed, FaultPlan &plan, QByteArray &error);
    void applyFault(const FaultPlan &plan, bool keepAlive, PendingResponse &response);
    void enqueue(Connection &connection, PendingResponse &&response);
    void markReady(QTcpSocket *socket, quint64 seq);
    void flushResponses(Connection &connection);
    void sendSlowPiece(QTcpSocket *socket);
    void finishRequest(int status);
    //! Takes a worker for an /api/items request, or refuses or queues it when all are busy; false
    //! when the request was queued (it is answered once admitWaiting() gives it a worker).
    bool takeWorker(Connection &connection, bool keepAlive, PendingResponse &response);
    //! Gives queued requests the workers that are free.
    void admitWaiting();
    //! Frees the workers of responses that will never be sent (their connection closed).
    void releaseWorkers(const std::deque<PendingResponse> &abandoned);
    void closeGracefully(Connection &connection);
    void onDisconnected(Connection &connection);
    int nextDelayMs();

    Options m_options;
    DemoItems m_items;
    QElapsedTimer m_listening; //!< since listen(): the clock of the capacity's schedule
    //! Requests queued for a worker (Overload::Queue), oldest first: their connection and seq.
    std::deque<std::pair<QPointer<QTcpSocket>, quint64>> m_waiting;
    QTcpServer *m_server = nullptr;
    std::mt19937_64 m_random;
    Statistics m_stats;
    //! Keep-alive responses of rendered pages, keyed by (from, limit), with their head size.
    QHash<std::pair<qint64, int>, std::pair<QByteArray, qsizetype>> m_pageCache;
    QHash<std::pair<qint64, int>, std::pair<QByteArray, qsizetype>> m_gzipPageCache; //!< the same, gzipped
    //! The page (from, limit) in the shape of the options, and its extra headers (a Link).
    std::pair<QByteArray, QByteArray> shapedPage(qint64 from, int limit) const;
    //! How many faulted requests each fault_times key has seen.
    QHash<QByteArray, int> m_faultCounts;
    std::unordered_map<QTcpSocket *, std::unique_ptr<Connection>> m_connections;
};

} // namespace Loopscope
