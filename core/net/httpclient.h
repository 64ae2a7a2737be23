#pragma once

#include "net/httpconnection.h"
#include "net/ratelimiter.h"
#include "net/tlssessions.h"

#include "scheduler/sourceline.h"
#include "scheduler/task.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <memory>
#include <random>

namespace Loopscope {

class AdaptiveLimiter;

struct HttpClientOptions
{
    std::chrono::milliseconds timeout { 30'000 };  //!< per attempt: connect + full response
    int maxAttempts = 4;                           //!< 1 = no retries
    std::chrono::milliseconds backoffBase { 200 }; //!< first retry waits about this long, doubling after
    std::chrono::milliseconds backoffMax { 10'000 };
    int maxRedirects = 5;
    //! How long one request may wait out a saturated source (429 without Retry-After) in
    //! back-offs before such answers count as failed tries.
    std::chrono::milliseconds overloadPatience { 120'000 };
    quint64 seed = 1;                //!< for the jitter of back-offs (deterministic)
    QList<QByteArray> secretHeaders; //!< names of request headers whose values are never written down
    bool acceptCompressed = true;    //!< ask for gzip and deflate bodies (Accept-Encoding) and decode them
    bool recordPhases = true;        //!< record when each attempt waited, connected, sent (the Network view)
    double maxRequestsPerSecond = 0; //!< pace every request (retries too) to this rate; 0: no pace
    QString caFile;                  //!< https: a PEM file of CAs to trust besides the system's
    bool insecure = false;           //!< https: accept any certificate (no verification at all)
    //! https: the least time new connections to a host wait for its first one's handshake, to
    //! resume its session (more when many wait; see TlsSessions::patience()).
    std::chrono::milliseconds pilotPatience { 10 };
    //! https: when the round trip to a host (the kernel's measure, as its first connection connects)
    //! is at least this long, the connections waiting for that one's handshake open theirs
    //! meanwhile, and save a round trip. On a LAN or loopback they do not: there a thousand
    //! connections opened at once cost more than they save.
    std::chrono::milliseconds connectAheadFrom { 2 };

    //! Why the options are unusable, or an empty string.
    QString validate() const;
};

struct HttpClientStatistics
{
    qint64 requests = 0; //!< attempts put on the wire
    qint64 retries = 0;
    qint64 redirects = 0;
    qint64 failures = 0; //!< requests that failed after every attempt
    qint64 connectionsOpened = 0;
    qint64 tlsFullHandshakes = 0; //!< https handshakes that sent, checked and verified a certificate
    qint64 tlsResumed = 0;        //!< https handshakes that resumed a session (see TlsSessions)
    qint64 rateLimitedStarts = 0; //!< requests that waited for the rate limit (--rate, X-RateLimit-*)
    //! Tries again after a 429 without Retry-After (a saturated source), not counted as failed tries.
    qint64 overloadRetries = 0;
    int inFlight = 0;
    //! Exchanges on the wire, also those whose caller was cancelled: they end in the background
    //! (the response, or the time-out, comes and is dropped).
    int exchangesRunning = 0;
    int peakInFlight = 0;
};

/*!
 * Asynchronous HTTP on the Loopscope scheduler. send() is a Task: each attempt is one traced I/O
 * (submitted with method and URL, completed with status and size, or failed with the reason) and
 * its details land in the trace's IoRecords (for HAR). Retries with exponential back-off and
 * jitter on connection errors, time-outs, 5xx and 429 (honouring Retry-After), never on other
 * 4xx; redirects are followed up to a limit. A 429 without Retry-After says the source is
 * saturated, not that the request is bad: it is tried again after a back-off with jitter that
 * does not count against maxAttempts, for as long as HttpClientOptions::overloadPatience allows.
 * With a limiter (setLimiter()) every attempt waits for its room and tells it how it went.
 *
 * http:// and https:// go through a keep-alive pool of sockets (QSslSocket for https: the
 * certificate and host name verified against the system's CAs and HttpClientOptions::caFile,
 * later connections resuming the session of a host's first one, see TlsSessions) with no
 * per-host connection cap, so a concurrency of C really puts C requests on the wire (Qt 6.4's
 * QNetworkAccessManager allows 6 per host). Needs a real-clock scheduler. Keep the client alive while
 * requests run.
 */
class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(HttpClientOptions options = {}, QObject *parent = nullptr);
    ~HttpClient() override;

    const HttpClientOptions &options() const { return m_options; }
    const HttpClientStatistics &statistics() const { return m_stats; }
    //! What https connections are set up with: the CAs trusted besides the system's (those of
    //! HttpClientOptions::caFile), the verification, the protocols.
    const QSslConfiguration &tlsConfiguration() const;
    void resetStatistics();

    //! `line` is the caller's line, recorded with the I/O events (the code pane highlights it).
    Task<HttpResponse> send(HttpRequest request, SourceLine line = {});
    Task<HttpResponse> get(const QUrl &url, SourceLine line = {});
    //! A GET with these request headers (a token, Accept...).
    Task<HttpResponse> get(const QUrl &url, const HttpHeaders &headers, SourceLine line = {});
    Task<HttpResponse> post(const QUrl &url, const QByteArray &body,
        const QByteArray &contentType = QByteArrayLiteral("application/json"), SourceLine line = {});

    //! Every attempt from now on waits for room in `limiter` and reports to it (null: none). The
    //! limiter must outlive the requests that use it.
    void setLimiter(AdaptiveLimiter *limiter) { m_limiter = limiter; }

    //! Idle keep-alive connections currently pooled.
    int idleConnectionCount() const;

private:
    //! What a cancelled caller needs to stop its attempt at once.
    struct Attempt
    {
        QPointer<HttpConnection> connection; //!< in use
        bool abandoned = false;
    };
    //! One attempt on a pooled connection.
    QCoro::Task<HttpResponse> exchangeOnce(HttpRequest request, HttpConnection::Clock clock,
        std::shared_ptr<Attempt> attempt, std::shared_ptr<ExchangeTimings> timings);
    HttpConnection *takeIdle(const QUrl &url);
    //! An idle connection to the URL's host, or a new one (which may first wait, see TlsSessions).
    QCoro::Task<HttpConnection *> acquire(
        QUrl url, HttpConnection::Clock clock, std::shared_ptr<Attempt> attempt);
    HttpConnection *open(const QUrl &url, const HttpConnection::Clock &clock);
    void release(HttpConnection *connection, const QUrl &url);
    std::chrono::milliseconds backoff(int attempt);
    std::chrono::milliseconds retryDelay(const HttpResponse &response, int attempt);
    //! Before a request refused by a saturated source is tried again under a limiter: short, as
    //! the limiter has already shrunk, with jitter so that the refused do not return together.
    std::chrono::milliseconds overloadPause();

    HttpClientOptions m_options;
    HttpClientStatistics m_stats;
    QHash<QString, QList<HttpConnection *>> m_idle;
    TlsSessions *m_tlsSessions = nullptr;
    RateLimiter m_rate;
    std::mt19937_64 m_random;
    AdaptiveLimiter *m_limiter = nullptr;
    std::uint32_t m_requestsSent = 0; //!< numbers each send(): its attempts share it in the trace
    int m_connectionsNumbered = 0;    //!< numbers each connection, for the trace
};

//! "200 OK · 3.8 KB" for traces and progress lines.
QString describeResponse(const HttpResponse &response);

} // namespace Loopscope
