#include "net/httpclient.h"

#include "scheduler/awaitables.h"
#include "scheduler/qtbridge.h"
#include "scheduler/signalemitted.h"

#include "net/adaptivelimiter.h"
#include "net/httpcompression.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QScopeGuard>

#include <cmath>
#include <QSslCertificate>

namespace Loopscope {

namespace {

bool isHttps(const QUrl &url)
{
    return url.scheme() == QLatin1String("https");
}

QString key(const QUrl &url)
{
    return QStringLiteral("%1://%2:%3").arg(url.scheme(), url.host()).arg(portOf(url));
}

//! The certificates of a PEM file, or why there are none.
QList<QSslCertificate> readCaFile(const QString &path, QString *problem)
{
    const QFileInfo file(path);
    if (!file.exists()) {
        *problem = QStringLiteral("no CA file %1").arg(path);
        return {};
    }
    if (file.isDir()) {
        *problem = QStringLiteral("the CA file %1 is a folder: give a PEM file").arg(path);
        return {};
    }
    QList<QSslCertificate> certificates = QSslCertificate::fromPath(path, QSsl::Pem);
    if (!certificates.isEmpty())
        return certificates;
    *problem = QSslCertificate::fromPath(path, QSsl::Der).isEmpty()
        ? QStringLiteral("the CA file %1 holds no PEM certificate").arg(path)
        : QStringLiteral("the CA file %1 is in DER form: give it as PEM (openssl x509 -inform der -in %1 "
                         "-out ca.pem)")
              .arg(path);
    return {};
}

//! A request's path and query as shown in traces: "/api/items?from=50", secrets redacted.
QString pathShown(const QUrl &url)
{
    return redactedUrl(url).toString(QUrl::RemoveScheme | QUrl::RemoveAuthority);
}

//! The system's CAs plus the ones asked for, verified unless asked not to.
TlsSetup tlsSetupFor(const HttpClientOptions &options)
{
    TlsSetup tls { QSslConfiguration::defaultConfiguration() };
    tls.configuration.setProtocol(QSsl::TlsV1_2OrLater);
    if (!options.caFile.isEmpty()) {
        QString ignored;
        tls.configuration.setCaCertificates(readCaFile(options.caFile, &ignored));
        tls.systemCasToo = true;
    }
    if (options.insecure)
        tls.configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return tls;
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

//! Counts a request as in flight for as long as the guard lives (also when the task is cancelled).
class InFlight
{
public:
    explicit InFlight(HttpClientStatistics &stats)
        : m_stats(stats)
    {
        m_stats.peakInFlight = std::max(m_stats.peakInFlight, ++m_stats.inFlight);
    }
    ~InFlight() { --m_stats.inFlight; }
    InFlight(const InFlight &) = delete;
    InFlight &operator=(const InFlight &) = delete;

private:
    HttpClientStatistics &m_stats;
};

} // namespace

QString HttpClientOptions::validate() const
{
    if (timeout.count() <= 0)
        return QStringLiteral("the timeout must be positive, got %1 ms").arg(timeout.count());
    if (maxAttempts < 1 || maxAttempts > 100)
        return QStringLiteral("attempts must be between 1 and 100, got %1").arg(maxAttempts);
    if (backoffBase.count() < 0 || backoffMax < backoffBase)
        return QStringLiteral("the back-off must satisfy 0 <= base <= max");
    if (maxRequestsPerSecond < 0 || !std::isfinite(maxRequestsPerSecond))
        return QStringLiteral("the request rate must be positive, got %1").arg(maxRequestsPerSecond);
    if (pilotPatience.count() < 0)
        return QStringLiteral("the wait for a host's first TLS handshake must not be negative");
    if (connectAheadFrom.count() < 0)
        return QStringLiteral(
            "the round trip from which waiting connections connect ahead must not be negative");
    if (maxRedirects < 0 || maxRedirects > 50)
        return QStringLiteral("redirects must be between 0 and 50, got %1").arg(maxRedirects);
    if (!caFile.isEmpty()) {
        QString problem;
        readCaFile(caFile, &problem);
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

QString formatForTrace(const HttpResponse &response)
{
    return describeResponse(response);
}

QString describeResponse(const HttpResponse &response)
{
    return QStringLiteral("%1 %2 · %3")
        .arg(response.status)
        .arg(QString::fromLatin1(response.reason), formatBytes(response.body.size()));
}

HttpClient::HttpClient(HttpClientOptions options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_rate(options.maxRequestsPerSecond)
    , m_random(options.seed)
{
    const QString problem = m_options.validate();
    if (!problem.isEmpty())
        throw HttpError(HttpError::Kind::Usage, problem);
    m_tlsSessions = new TlsSessions(tlsSetupFor(m_options), this);
}

HttpClient::~HttpClient()
{
    // Exchanges still running belong to requests nobody waits for any more (the run ended while
    // they were on the wire). Each ends now, while its connection lives: its coroutine resumes
    // from the event loop (SignalEmitted), and never would once the connection is deleted.
    for (HttpConnection *connection : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly)) {
        connection->cancelExchange();
        QCoreApplication::sendPostedEvents(connection, QEvent::MetaCall);
    }
}

void HttpClient::resetStatistics()
{
    const int inFlight = m_stats.inFlight;
    m_stats = HttpClientStatistics {};
    m_stats.inFlight = inFlight;
}

int HttpClient::idleConnectionCount() const
{
    int count = 0;
    for (const auto &list : m_idle)
        count += static_cast<int>(list.size());
    return count;
}

Task<HttpResponse> HttpClient::get(const QUrl &url, SourceLine line)
{
    return get(url, HttpHeaders {}, line);
}

Task<HttpResponse> HttpClient::get(const QUrl &url, const HttpHeaders &headers, SourceLine line)
{
    // Not a coroutine: the request is built here, outside any co_await expression (GCC 12 destroys
    // a braced temporary there twice).
    return send(HttpRequest { "GET", url, headers, {} }, line).named(QStringLiteral("GET ") + pathShown(url));
}

Task<HttpResponse> HttpClient::post(
    const QUrl &url, const QByteArray &body, const QByteArray &contentType, SourceLine line)
{
    return send(HttpRequest { "POST", url, { { "Content-Type", contentType } }, body }, line)
        .named(QStringLiteral("POST ") + pathShown(url));
}

const QSslConfiguration &HttpClient::tlsConfiguration() const
{
    return m_tlsSessions->configuration();
}

HttpConnection *HttpClient::takeIdle(const QUrl &url)
{
    auto &idle = m_idle[key(url)];
    while (!idle.isEmpty()) {
        HttpConnection *connection = idle.takeLast();
        if (connection->isOpen())
            return connection;
        connection->deleteLater();
    }
    return nullptr;
}

QCoro::Task<HttpConnection *> HttpClient::acquire(
    QUrl url, HttpConnection::Clock clock, std::shared_ptr<Attempt> attempt)
{
    if (HttpConnection *connection = takeIdle(url))
        co_return connection;
    // A new https connection waits for the host's first handshake, to resume its session, for as
    // long as that is worth it.
    if (isHttps(url)) {
        const QString host = key(url);
        const TlsSessions::Waiter waiter(m_tlsSessions, host);
        HttpConnection *ahead = nullptr; // its TCP connection made while it waits, on a far host
        const auto dropAhead = qScopeGuard([&ahead] {
            if (ahead)
                ahead->deleteLater();
        });
        for (std::chrono::milliseconds patience;
             (patience = m_tlsSessions->patience(host, m_options.pilotPatience)).count() > 0;) {
            if (!ahead && m_tlsSessions->isFar(host, m_options.connectAheadFrom)) {
                ahead = open(url, clock);
                ahead->connectAhead();
            }
            co_await SignalEmitted(m_tlsSessions, &TlsSessions::pilotProgressed, patience);
            if (attempt->abandoned)
                throw HttpError(HttpError::Kind::Usage, QStringLiteral("%1: cancelled").arg(host));
            if (HttpConnection *idle = ahead ? nullptr : takeIdle(url))
                co_return idle;
        }
        if (ahead)
            co_return std::exchange(ahead, nullptr);
    }
    co_return open(url, clock);
}

HttpConnection *HttpClient::open(const QUrl &url, const HttpConnection::Clock &clock)
{
    ++m_stats.connectionsOpened;
    const int number = ++m_connectionsNumbered;
    if (!isHttps(url))
        return new HttpConnection(url.host(), portOf(url), clock, number, this);
    HttpConnection *connection = m_tlsSessions->open(key(url), url.host(), portOf(url), clock, number, this);
    connect(connection, &HttpConnection::handshakeEnded, this,
        [this](bool resumed) { ++(resumed ? m_stats.tlsResumed : m_stats.tlsFullHandshakes); });
    return connection;
}

void HttpClient::release(HttpConnection *connection, const QUrl &url)
{
    if (!connection->isOpen()) {
        connection->deleteLater();
        return;
    }
    m_idle[key(url)].append(connection);
}

QCoro::Task<HttpResponse> HttpClient::exchangeOnce(HttpRequest request, HttpConnection::Clock clock,
    std::shared_ptr<Attempt> attempt, std::shared_ptr<ExchangeTimings> timings)
{
    ++m_stats.exchangesRunning;
    struct Running
    {
        int &count;
        ~Running() { --count; }
    } running { m_stats.exchangesRunning };
    // One time-out for the attempt, from here: waiting for a connection (a host's first TLS
    // handshake) is part of it, as is a retry on a fresh connection.
    const QDeadlineTimer deadline(m_options.timeout);
    HttpConnection *connection = co_await acquire(request.url, clock, attempt);
    attempt->connection = connection;
    const bool reused = connection->exchangeCount() > 0;
    try {
        HttpResponse response
            = co_await connection->exchange(request, deadline, m_options.timeout, timings.get());
        release(connection, request.url);
        co_return response;
    } catch (const HttpError &error) {
        connection->deleteLater();
        // A pooled connection the server closed while idle fails before any byte: not the
        // server's answer, so try once more on a fresh connection.
        if (!reused || error.kind() != HttpError::Kind::Connection)
            throw;
    }
    HttpConnection *fresh = open(request.url, clock);
    attempt->connection = fresh;
    try {
        HttpResponse response = co_await fresh->exchange(request, deadline, m_options.timeout, timings.get());
        release(fresh, request.url);
        co_return response;
    } catch (...) {
        fresh->deleteLater();
        throw;
    }
}

std::chrono::milliseconds HttpClient::backoff(int attempt)
{
    // Exponential with "equal jitter": half fixed, half random, so retries of many pages spread out.
    const auto base = m_options.backoffBase.count() << std::min(attempt - 1, 20);
    const auto capped = std::min<std::int64_t>(base, m_options.backoffMax.count());
    std::uniform_int_distribution<std::int64_t> jitter(0, capped / 2);
    return std::chrono::milliseconds(capped - capped / 2 + jitter(m_random));
}

std::chrono::milliseconds HttpClient::retryDelay(const HttpResponse &response, int attempt)
{
    bool ok = false;
    const int seconds = response.header("Retry-After").trimmed().toInt(&ok);
    if (ok && seconds >= 0)
        return std::min(std::chrono::milliseconds(seconds * 1000LL), m_options.backoffMax);
    return backoff(attempt);
}

std::chrono::milliseconds HttpClient::overloadPause()
{
    const std::int64_t base = std::max<std::int64_t>(8, m_options.backoffBase.count() / 4);
    std::uniform_int_distribution<std::int64_t> jitter(base / 2, base);
    return std::chrono::milliseconds(jitter(m_random));
}

Task<HttpResponse> HttpClient::send(HttpRequest request, SourceLine line)
{
    Scheduler &scheduler = co_await thisScheduler();
    if (scheduler.clockMode() != ClockMode::Real)
        throw HttpError(HttpError::Kind::Usage,
            QStringLiteral("real HTTP needs the real clock: the virtual clock cannot wait for a network"));
    if (!request.url.isValid() || request.url.host().isEmpty()
        || (request.url.scheme() != QLatin1String("http") && request.url.scheme() != QLatin1String("https")))
        throw HttpError(HttpError::Kind::Usage,
            QStringLiteral("not an http(s) URL: \"%1\"").arg(redactedUrl(request.url).toString()));
    moveCredentialsToHeader(request.url, request.headers);
    const HttpConnection::Clock clock = [&scheduler] { return scheduler.now(); };
    if (m_options.acceptCompressed && headerValue(request.headers, "Accept-Encoding").isEmpty())
        request.headers.append({ "Accept-Encoding", AcceptedEncodings.toByteArray() });
    int redirects = 0;
    int overloadTries = 0;
    std::chrono::milliseconds overloadWaited { 0 };
    const std::uint32_t requestNumber = ++m_requestsSent;
    for (int attempt = 1;; ++attempt) {
        const std::int64_t queuedNs = scheduler.now();
        const std::int64_t pace = m_rate.reserveNs(scheduler.now(), QDateTime::currentSecsSinceEpoch());
        bool waitedTurn = pace > 0;
        if (pace > 0) {
            ++m_stats.rateLimitedStarts;
            co_await sleep(std::chrono::nanoseconds(pace), line);
        }
        for (std::int64_t late; (late = m_rate.holdBackNs(scheduler.now())) > 0;)
            co_await sleep(std::chrono::nanoseconds(late), line);
        // Room under the adaptive limit, if any; a cancelled attempt gives its room back unjudged.
        AdaptiveLimiter *const limiter = m_limiter;
        AdaptiveLimiter::Slot slot;
        if (limiter) {
            waitedTurn = waitedTurn || !limiter->hasRoom();
            slot = co_await limiter->acquire(line);
            slot.sentNs = scheduler.now();
        }
        auto giveBack = qScopeGuard([limiter] {
            if (limiter)
                limiter->giveBack();
        });
        IoRecord record;
        record.task = scheduler.currentTask();
        record.method = QString::fromLatin1(request.method);
        const QUrl shownUrl = redactedUrl(request.url); // (what the trace and the task's name show)
        record.url = shownUrl.toString();
        record.attempt = attempt;
        record.requestBytes = request.body.size();
        record.requestHeaders = redactedHeaders(request.headers, m_options.secretHeaders);
        record.startNs = scheduler.now();
        record.queuedNs = waitedTurn && m_options.recordPhases ? queuedNs : -1;
        record.request = requestNumber;
        const auto timings = m_options.recordPhases ? std::make_shared<ExchangeTimings>() : nullptr;
        HttpResponse response;
        std::exception_ptr failure;
        bool retryable = false;
        {
            InFlight inFlight(m_stats);
            ++m_stats.requests;
            const QString label
                = record.method + u' ' + shownUrl.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority);
            try {
                // Cancelled meanwhile: the connection is closed at once, not left to finish unseen.
                // (Hooks and operation are locals: GCC 12 mishandles braced temporaries in co_await.)
                const auto attempt = std::make_shared<Attempt>();
                ExternalHooks<HttpResponse> hooks;
                hooks.submitted = [&record, &scheduler](std::uint32_t id) {
                    record.id = id;
                    scheduler.trace().recordIo(record);
                };
                hooks.describe = describeResponse;
                hooks.abandoned = [attempt] {
                    attempt->abandoned = true;
                    if (attempt->connection)
                        attempt->connection->cancelExchange();
                };
                QCoro::Task<HttpResponse> operation = exchangeOnce(request, clock, attempt, timings);
                response = co_await awaitQt(label, std::move(operation), std::move(hooks), line);
            } catch (const HttpError &error) {
                failure = std::current_exception();
                retryable = error.isRetryable();
                record.error = error.message();
            }
        }
        record.endNs = failure ? scheduler.now() : response.endNs;
        if (!failure)
            m_rate.noteResponse(response.headers, scheduler.now(), QDateTime::currentSecsSinceEpoch());
        record.firstByteNs = response.firstByteNs;
        if (timings) {
            record.connection = timings->connection;
            record.connectNs = timings->connectNs;
            record.dnsEndNs = timings->dnsEndNs;
            record.connectEndNs = timings->connectEndNs;
            record.tlsEndNs = timings->tlsEndNs;
            record.sentNs = timings->sentNs;
        }
        record.status = response.status;
        record.statusText = QString::fromLatin1(response.reason);
        record.responseBytes = response.body.size();
        record.responseHeaders = redactedHeaders(response.headers, m_options.secretHeaders);
        for (auto &[name, value] : record.responseHeaders) {
            if (name.compare("Location", Qt::CaseInsensitive) == 0) // (a presigned address, say)
                value = redactedUrl(QUrl::fromEncoded(value)).toEncoded();
        }
        if (record.id)
            scheduler.trace().recordIo(record);
        const bool overloaded = !failure && (response.status == 429 || response.status == 503);
        if (limiter) {
            giveBack.dismiss();
            using Answer = ConcurrencyEstimate::Answer;
            const Answer answer = overloaded        ? Answer::Overloaded
                : failure || response.status >= 500 ? Answer::Failed
                                                    : Answer::Served;
            if (limiter->release(slot, answer, scheduler.now()))
                scheduler.setCounter(
                    AdaptiveLimiter::CounterName, static_cast<std::uint32_t>(limiter->limit()));
        }

        if (failure) {
            if (!retryable || attempt >= m_options.maxAttempts) {
                ++m_stats.failures;
                try {
                    std::rethrow_exception(failure);
                } catch (HttpError &error) {
                    error.setAttempts(attempt);
                    throw;
                }
            }
            ++m_stats.retries;
            co_await sleep(backoff(attempt), line);
            continue;
        }
        const QByteArray location = response.header("Location");
        if (isRedirect(response.status) && !location.isEmpty() && redirects < m_options.maxRedirects) {
            ++redirects;
            ++m_stats.redirects;
            const QUrl target = request.url.resolved(QUrl::fromEncoded(location));
            if (target.host().isEmpty()
                || (target.scheme() != QLatin1String("http") && target.scheme() != QLatin1String("https")))
                throw HttpError(HttpError::Kind::UnsafeRedirect,
                    QStringLiteral("%1 redirects to %2, which is not an http(s) address: not followed")
                        .arg(redactedUrl(request.url).toString(), redactedUrl(target).toString()));
            if (isHttps(request.url) && !isHttps(target))
                throw HttpError(HttpError::Kind::UnsafeRedirect,
                    QStringLiteral("%1 redirects to %2, which is not https: not followed, as the request "
                                   "would travel unencrypted")
                        .arg(redactedUrl(request.url).toString(), redactedUrl(target).toString()));
            request.headers
                = headersBound(request.url, target, std::move(request.headers), m_options.secretHeaders);
            request.url = target;
            moveCredentialsToHeader(request.url, request.headers);
            if (response.status == 303) {
                request.method = "GET";
                request.body.clear();
            }
            --attempt; // a redirect is not a failed try
            continue;
        }
        // A 429 without Retry-After: the source is saturated. (A 503 may be a source that is down,
        // so it keeps to the tries; the limiter, if any, has shrunk for it all the same.)
        if (response.status == 429 && response.header("Retry-After").trimmed().isEmpty()
            && overloadWaited < m_options.overloadPatience) {
            // Saturation, not a failed try: wait it out (longer each time, when no limiter shrinks).
            const std::chrono::milliseconds pause = limiter ? overloadPause() : backoff(++overloadTries);
            overloadWaited += pause;
            ++m_stats.overloadRetries;
            --attempt;
            co_await sleep(pause, line);
            continue;
        }
        if ((response.status == 429 || response.status >= 500) && attempt < m_options.maxAttempts) {
            ++m_stats.retries;
            co_await sleep(retryDelay(response, attempt), line);
            continue;
        }
        response.attempts = attempt;
        response.url = request.url;
        co_return response;
    }
}

} // namespace Loopscope
