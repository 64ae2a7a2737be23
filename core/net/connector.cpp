#include "net/connector.h"

#include "net/adaptivelimiter.h"
#include "net/page.h"

#include "scheduler/combinators.h"

#include <cmath>

namespace Loopscope {

double FetchProgress::pagesPerSecond() const
{
    return elapsedSeconds > 0 ? double(pagesLanded - pagesResumed) / elapsedSeconds : 0;
}

double FetchProgress::secondsLeft() const
{
    const double rate = pagesPerSecond();
    return pagesTotal >= 0 && rate > 0 ? double(pagesTotal - pagesLanded - pagesFailed) / rate : -1;
}

QString formatForTrace(const FetchSummary &summary)
{
    const FetchProgress &p = summary.progress;
    return QStringLiteral("%1 pages, %2 items, %3 failed, %4 retries")
        .arg(p.pagesLanded)
        .arg(p.items)
        .arg(p.pagesFailed)
        .arg(p.retries);
}

QString FetchProgress::describe() const
{
    return QStringLiteral("pages %1/%2 · items %3 · in flight %4 (peak %5) · errors %6 · %7 pages/s")
        .arg(pagesLanded)
        .arg(pagesTotal >= 0 ? QString::number(pagesTotal) : QStringLiteral("?"))
        .arg(items)
        .arg(inFlight)
        .arg(peakInFlight)
        .arg(pagesFailed)
        .arg(pagesPerSecond(), 0, 'f', 0);
}

QString fetchStrategyName(FetchStrategy strategy)
{
    switch (strategy) {
    case FetchStrategy::Sequential:
        return QStringLiteral("sequential");
    case FetchStrategy::Unbounded:
        return QStringLiteral("unbounded");
    case FetchStrategy::Bounded:
        return QStringLiteral("bounded");
    case FetchStrategy::Adaptive:
        return QStringLiteral("adaptive");
    }
    return {};
}

std::optional<FetchStrategy> fetchStrategyFromName(const QString &name)
{
    for (FetchStrategy s : { FetchStrategy::Sequential, FetchStrategy::Unbounded, FetchStrategy::Bounded,
             FetchStrategy::Adaptive }) {
        if (fetchStrategyName(s) == name)
            return s;
    }
    return std::nullopt;
}

QString FetchOptions::validate() const
{
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return QStringLiteral("not an http(s) URL: \"%1\"").arg(url.toString());
    if (pageSize < 1 || pageSize > 100'000)
        return QStringLiteral("the page size must be between 1 and 100000, got %1").arg(pageSize);
    if (concurrency < 1 || concurrency > 10'000)
        return QStringLiteral("the concurrency must be between 1 and 10000, got %1").arg(concurrency);
    if (maxConcurrency < concurrency)
        return QStringLiteral("the maximum concurrency (%1) is below the concurrency (%2)")
            .arg(maxConcurrency)
            .arg(concurrency);
    if (style == PaginationStyle::Offset && offsetParam.isEmpty())
        return QStringLiteral("the offset parameter name is empty");
    if (maxPages < 0)
        return QStringLiteral("the page limit cannot be negative");
    return {};
}

RetrievalIdentity FetchOptions::identity() const
{
    return RetrievalIdentity { url.toString(), pageSize,
        style == PaginationStyle::Offset ? QStringLiteral("offset") : QStringLiteral("next"), offsetParam,
        limitParam };
}

Connector::Connector(HttpClient &client, FetchOptions options, LandingZone &zone)
    : m_client(client)
    , m_options(std::move(options))
    , m_zone(zone)
{
    const QString problem = m_options.validate();
    if (!problem.isEmpty())
        throw Error(problem);
}

Connector::~Connector() = default;

Task<FetchSummary> Connector::run()
{
    m_scheduler = &co_await thisScheduler();
    m_startNs = m_scheduler->now();
    m_progress.pagesResumed = m_zone.resumedPages();
    m_progress.pagesLanded = m_zone.resumedPages();
    m_progress.items = m_zone.itemsLanded();
    if (m_options.style == PaginationStyle::Offset)
        co_await fetchOffsetPages();
    else
        co_await fetchNextLinkPages();
    notePageDone();
    FetchSummary summary;
    summary.progress = m_progress;
    summary.failures = m_failures;
    summary.peakLimit = m_adaptive ? m_adaptive->peakLimit() : m_progress.limit;
    co_return summary;
}

qint64 Connector::pageLimit() const
{
    qint64 limit = std::numeric_limits<qint64>::max();
    if (m_zone.total())
        limit = (*m_zone.total() + m_options.pageSize - 1) / m_options.pageSize;
    if (m_zone.endPage())
        limit = std::min(limit, *m_zone.endPage());
    if (m_options.maxPages > 0)
        limit = std::min(limit, m_options.maxPages);
    return limit;
}

std::optional<qint64> Connector::takeNextPage()
{
    const bool extentKnown = m_zone.total() || m_zone.endPage() || m_options.maxPages > 0;
    if (!extentKnown && m_consecutiveFailures >= m_failureStop)
        return std::nullopt;
    while (m_nextPage < pageLimit()) {
        const qint64 page = m_nextPage++;
        if (!m_zone.hasLanded(page))
            return page;
    }
    return std::nullopt;
}

Task<void> Connector::fetchOffsetPages()
{
    // The first page tells how big the collection is, which decides how far to fan out.
    if (!m_zone.total() && !m_zone.endPage() && !m_zone.hasLanded(0)) {
        const bool landed = co_await fetchPage(0,
            pageUrl(m_options.url, 0, m_options.pageSize, m_options.offsetParam, m_options.limitParam),
            nullptr);
        if (!landed && !m_zone.total() && m_options.maxPages == 0)
            co_return; // without the first page nothing says how far the collection goes
    }
    if (m_zone.total())
        m_progress.pagesTotal = pageLimit();

    qint64 remaining = 0;
    for (qint64 page = 0, limit = pageLimit(); page < limit && remaining <= m_options.maxConcurrency; ++page)
        remaining += !m_zone.hasLanded(page);
    int workers = 1;
    switch (m_options.strategy) {
    case FetchStrategy::Sequential:
        workers = 1;
        break;
    case FetchStrategy::Bounded:
        workers = m_options.concurrency;
        break;
    case FetchStrategy::Unbounded:
        workers = m_options.maxConcurrency;
        break;
    case FetchStrategy::Adaptive:
        workers = m_options.maxConcurrency;
        m_adaptive = std::make_unique<AdaptiveLimiter>(m_options.concurrency, m_options.maxConcurrency);
        break;
    }
    workers = static_cast<int>(std::max<qint64>(1, std::min<qint64>(workers, remaining)));
    m_failureStop = std::max(3, workers);
    m_progress.limit = m_adaptive ? m_adaptive->limit() : workers;

    std::vector<TaskHandle<void>> handles;
    for (int i = 0; i < workers; ++i)
        handles.push_back(m_scheduler->spawn(worker(), QStringLiteral("worker %1").arg(i + 1)));
    std::exception_ptr failure;
    try {
        co_await gather(handles);
    } catch (...) {
        failure = std::current_exception();
    }
    if (failure) {
        // Cancelled (or a worker hit a fatal error): stop every worker before giving up.
        for (const auto &handle : handles)
            m_scheduler->cancel(handle);
        for (const auto &handle : handles) {
            try {
                co_await handle;
            } catch (...) { }
        }
        std::rethrow_exception(failure);
    }
}

Task<void> Connector::worker()
{
    while (const auto page = takeNextPage()) {
        const QUrl url = pageUrl(m_options.url, *page * m_options.pageSize, m_options.pageSize,
            m_options.offsetParam, m_options.limitParam);
        if (!m_adaptive) {
            co_await fetchPage(*page, url, nullptr);
            continue;
        }
        co_await m_adaptive->acquire();
        const std::int64_t start = m_scheduler->now();
        bool ok = false;
        try {
            ok = co_await fetchPage(*page, url, nullptr);
        } catch (...) {
            m_adaptive->release(false, 0);
            throw;
        }
        m_adaptive->release(ok, m_scheduler->now() - start);
        m_progress.limit = m_adaptive->limit();
    }
}

Task<void> Connector::fetchNextLinkPages()
{
    QUrl url = m_options.url;
    qint64 page = 0;
    if (!m_zone.landedPages().isEmpty()) {
        const PageRecord &last = m_zone.landedPages().last();
        if (last.items == 0 || last.next.isEmpty())
            co_return; // an earlier run reached the end
        page = last.page + 1;
        url = QUrl(last.next);
    }
    m_progress.limit = 1;
    while (!url.isEmpty() && (m_options.maxPages == 0 || page < m_options.maxPages)) {
        QUrl next;
        const qint64 before = m_progress.items;
        if (!co_await fetchPage(page, url, &next) || m_progress.items == before)
            break;
        url = next;
        ++page;
    }
}

Task<bool> Connector::fetchPage(qint64 page, QUrl url, QUrl *next)
{
    PageRecord record;
    record.page = page;
    record.url = url.toString();
    HttpResponse response;
    QString error;
    m_progress.peakInFlight = std::max(m_progress.peakInFlight, ++m_progress.inFlight);
    try {
        response = co_await m_client.get(url);
    } catch (const HttpError &e) {
        error = e.message();
        record.attempts = e.attempts();
    }
    --m_progress.inFlight;
    if (error.isEmpty()) {
        record.attempts = response.attempts;
        record.status = response.status;
        record.bytes = response.body.size();
        m_progress.bytes += response.body.size();
        if (!response.isSuccess())
            error
                = QStringLiteral("HTTP %1 %2").arg(response.status).arg(QString::fromLatin1(response.reason));
    }
    std::optional<Page> parsed;
    if (error.isEmpty())
        parsed = parsePage(response, &error);
    if (!parsed) {
        record.error = error;
        m_zone.recordFailure(record);
        m_failures.append(record);
        ++m_progress.pagesFailed;
        ++m_consecutiveFailures;
        notePageDone();
        co_return false;
    }
    record.total = parsed->total;
    record.next = parsed->next.toString();
    m_consecutiveFailures = 0;
    const bool fresh = !m_zone.hasLanded(page);
    m_zone.land(record, parsed->items);
    if (fresh) {
        ++m_progress.pagesLanded;
        m_progress.items += parsed->items.size();
    }
    if (parsed->total && m_progress.pagesTotal < 0)
        m_progress.pagesTotal = pageLimit();
    if (next)
        *next = parsed->next;
    notePageDone();
    co_return true;
}

void Connector::notePageDone()
{
    m_progress.retries = m_client.statistics().retries;
    if (m_scheduler)
        m_progress.elapsedSeconds = double(m_scheduler->now() - m_startNs) / 1e9;
    if (m_zone.endPage() && m_progress.pagesTotal < 0)
        m_progress.pagesTotal = pageLimit();
    if (progressChanged)
        progressChanged(m_progress);
}

} // namespace Loopscope
