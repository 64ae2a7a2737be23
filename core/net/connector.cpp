#include "net/connector.h"

#include "net/adaptivelimiter.h"
#include "net/page.h"

#include "scheduler/combinators.h"

#include <QScopeGuard>
#include <QSet>

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
    const QString limited = limitAdapts ? QStringLiteral(" · limit %1").arg(limit) : QString();
    const QString saturated
        = overloadRetries > 0 ? QStringLiteral(" · %1 refusals waited out").arg(overloadRetries) : QString();
    return QStringLiteral("pages %1/%2 · items %3 · in flight %4 (peak %5)%6 · errors %7%8 · %9 pages/s")
        .arg(pagesLanded)
        .arg(pagesTotal >= 0 ? QString::number(pagesTotal) : QStringLiteral("?"))
        .arg(items)
        .arg(inFlight)
        .arg(peakInFlight)
        .arg(limited)
        .arg(pagesFailed)
        .arg(saturated)
        .arg(pagesPerSecond(), 0, 'f', 0);
}

void FetchOptions::makeAdaptive(int ceiling)
{
    strategy = FetchStrategy::Adaptive;
    maxConcurrency = std::max(1, ceiling);
    concurrency = std::min(maxConcurrency, AdaptiveStart);
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

QString paginationStyleName(PaginationStyle style)
{
    switch (style) {
    case PaginationStyle::Offset:
        return QStringLiteral("offset");
    case PaginationStyle::NextLink:
        return QStringLiteral("next");
    case PaginationStyle::Page:
        return QStringLiteral("page");
    case PaginationStyle::Cursor:
        return QStringLiteral("cursor");
    }
    return {};
}

std::optional<PaginationStyle> paginationStyleFromName(const QString &name)
{
    for (PaginationStyle s : { PaginationStyle::Offset, PaginationStyle::NextLink, PaginationStyle::Page,
             PaginationStyle::Cursor }) {
        if (paginationStyleName(s) == name)
            return s;
    }
    return std::nullopt;
}

QString FetchOptions::validate() const
{
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return QStringLiteral("not an http(s) URL: \"%1\"").arg(redactedUrl(url).toString());
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
    if (style == PaginationStyle::Page && pageParam.isEmpty())
        return QStringLiteral("the page parameter name is empty");
    if (style == PaginationStyle::Page && firstPage < 0)
        return QStringLiteral("the first page number cannot be negative, got %1").arg(firstPage);
    if (shardCount < 1 || shardCount > 100'000 || shardIndex < 1 || shardIndex > shardCount)
        return QStringLiteral("a shard is K/N with 1 <= K <= N, got %1/%2").arg(shardIndex).arg(shardCount);
    if (shardCount > 1 && style != PaginationStyle::Offset && style != PaginationStyle::Page)
        return QStringLiteral(
            "--shard splits numbered pages: use it with the offset or page style (a next link or "
            "a cursor is known only once the page before it has come)");
    if (style == PaginationStyle::Cursor && cursorParam.isEmpty())
        return QStringLiteral("the cursor style needs the parameter the cursor is sent in (--cursor-param)");
    if (style == PaginationStyle::Cursor && !format.cursor && !format.cursorFromItem)
        return QStringLiteral("the cursor style needs where the cursor is: --cursor-path (in the page) or "
                              "--cursor-from-item (a value of the last item)");
    if (maxPages < 0)
        return QStringLiteral("the page limit cannot be negative");
    QSet<QByteArray> named; // (a header given twice would go twice, with two values)
    for (const auto &[name, value] : headers) {
        if (named.contains(name.toLower()))
            return QStringLiteral(
                "header %1 is given twice (as a header, from the environment or as a bearer "
                "token): give it once")
                .arg(QString::fromLatin1(name));
        named.insert(name.toLower());
    }
    return {};
}

RetrievalIdentity FetchOptions::identity() const
{
    const QString param = style == PaginationStyle::Page ? pageParam
        : style == PaginationStyle::Cursor               ? cursorParam
                                                         : offsetParam;
    return RetrievalIdentity { redactedUrl(url).toString(), pageSize, paginationStyleName(style), param,
        limitParam, shardCount > 1 ? QStringLiteral("%1/%2").arg(shardIndex).arg(shardCount) : QString() };
}

Connector::Connector(HttpClient &client, FetchOptions options, LandingZone &zone)
    : m_client(client)
    , m_options(std::move(options))
    , m_zone(zone)
{
    const QString problem = m_options.validate();
    if (!problem.isEmpty())
        throw Error(problem);
    // A password in the address goes as Basic credentials with every page's request, links too
    // (they are resolved against addresses that no longer hold it).
    moveCredentialsToHeader(m_options.url, m_options.headers);
    m_secrets = secretValues(m_options.url, m_options.headers, m_client.options().secretHeaders);
}

Connector::~Connector() = default;

Task<FetchSummary> Connector::run()
{
    m_scheduler = &co_await thisScheduler();
    m_startNs = m_scheduler->now();
    m_progress.pagesResumed = m_zone.resumedPages();
    m_progress.pagesLanded = m_zone.resumedPages();
    m_progress.items = m_zone.itemsLanded();
    // The pages of a loop turn land together: two writes a turn, not two a page.
    m_zone.setBatched(true);
    if (m_options.style == PaginationStyle::Offset || m_options.style == PaginationStyle::Page)
        co_await fetchOffsetPages().named(QStringLiteral("numbered pages"));
    else
        co_await fetchNextLinkPages().named(QStringLiteral("linked pages"));
    m_zone.setBatched(false); // everything written, or the write's failure thrown
    notePageDone();
    FetchSummary summary;
    summary.progress = m_progress;
    summary.failures = m_failures;
    summary.itemsKey = m_itemsKey;
    summary.peakLimit = m_adaptive ? m_adaptive->peakLimit() : m_progress.limit;
    summary.tlsFullHandshakes = m_client.statistics().tlsFullHandshakes;
    summary.tlsResumed = m_client.statistics().tlsResumed;
    if (m_adaptive) {
        for (const AdaptiveLimiter::Change &change : m_adaptive->history())
            summary.limitHistory.emplace_back(change.timeNs, change.limit);
    }
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

bool Connector::isOwnPage(qint64 page) const
{
    return m_options.shardCount <= 1 || page % m_options.shardCount == m_options.shardIndex - 1;
}

qint64 Connector::ownPageCount(qint64 pages) const
{
    if (m_options.shardCount <= 1)
        return pages;
    const qint64 first = firstOwnPage();
    return pages <= first ? 0 : (pages - first + m_options.shardCount - 1) / m_options.shardCount;
}

qint64 Connector::firstOwnPage() const
{
    return m_options.shardCount <= 1 ? 0 : m_options.shardIndex - 1;
}

bool Connector::extentKnown() const
{
    return m_zone.total() || m_zone.endPage() || m_options.maxPages > 0;
}

std::optional<qint64> Connector::takeNextPage()
{
    if (!extentKnown() && (m_consecutiveFailures >= m_failureStop || m_firstPageFailed))
        return std::nullopt;
    if (m_sourceUnreachable)
        return std::nullopt;
    while (m_nextPage < pageLimit()) {
        const qint64 page = m_nextPage++;
        if (isOwnPage(page) && !m_zone.hasLanded(page))
            return page;
    }
    return std::nullopt;
}

Task<void> Connector::fetchOffsetPages()
{
    // The size of the collection may be unknown. Bounded: the first window of pages is asked for
    // at once (not the first page alone, a whole latency lost), and the end is where a page says
    // so (total), comes back empty or short; pages asked for past it are dropped; adaptive does
    // the same under its limit. Unbounded fans out to the size of the collection: the first page
    // tells it.
    const bool probeFirst = m_options.strategy == FetchStrategy::Unbounded;
    const qint64 first = firstOwnPage();
    if (probeFirst && !extentKnown() && !m_zone.hasLanded(first)) {
        const bool landed = co_await fetchPage(first, numberedPageUrl(first), nullptr);
        if (!landed && !extentKnown())
            co_return; // without the first page nothing says how far the collection goes
    }
    if (m_zone.total())
        m_progress.pagesTotal = ownPageCount(pageLimit());

    qint64 remaining = 0;
    for (qint64 page = 0, limit = pageLimit(); page < limit && remaining <= m_options.maxConcurrency; ++page)
        remaining += isOwnPage(page) && !m_zone.hasLanded(page);
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
        m_adaptive = std::make_unique<AdaptiveLimiter>(
            m_options.concurrency, m_options.maxConcurrency, m_scheduler->now());
        m_scheduler->setCounter(
            AdaptiveLimiter::CounterName, static_cast<std::uint32_t>(m_adaptive->limit()));
        break;
    }
    workers = static_cast<int>(std::max<qint64>(1, std::min<qint64>(workers, remaining)));
    m_failureStop = std::max(3, workers);
    m_progress.limit = m_adaptive ? m_adaptive->limit() : workers;
    m_progress.limitAdapts = m_adaptive != nullptr;

    // Adaptive: the client's every attempt (retries too) waits for room under the limit.
    m_client.setLimiter(m_adaptive.get());
    const auto noLimiter = qScopeGuard([this] { m_client.setLimiter(nullptr); });
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
    // Pages past the end that failed (APIs that answer 404 there) were never part of it; when the
    // first page failed too, nothing says where the end is: its failure is the one to report.
    const qint64 limit = extentKnown() || m_zone.hasLanded(firstOwnPage()) ? pageLimit() : firstOwnPage() + 1;
    const qsizetype before = m_failures.size();
    m_failures.removeIf([limit](const PageRecord &record) { return record.page >= limit; });
    m_progress.pagesFailed -= before - m_failures.size();
}

Task<void> Connector::worker()
{
    while (const auto page = takeNextPage()) {
        const QUrl url = numberedPageUrl(*page);
        if (extentKnown()) {
            co_await fetchPage(*page, url, nullptr);
            continue;
        }
        {
            // Asked for before the end is known: a task of its own, cancelled if the end turns out
            // to be before it, so that no one waits a whole latency for a page past the end.
            TaskHandle<bool> request
                = m_scheduler->spawn(fetchPage(*page, url, nullptr), QStringLiteral("page %1").arg(*page));
            m_speculative.emplace(*page, request);
            try {
                co_await request;
            } catch (const CancelledError &) {
                if (!m_dropped.contains(*page)) {
                    m_speculative.erase(*page);
                    m_scheduler->cancel(request); // this worker was cancelled: its request goes with it
                    throw;
                }
            }
            m_speculative.erase(*page);
        }
    }
}

void Connector::dropPagesPastTheEnd()
{
    if (m_speculative.empty() || !extentKnown())
        return;
    const qint64 limit = pageLimit();
    for (const auto &[page, request] : m_speculative) {
        if (page >= limit && m_dropped.insert(page).second)
            m_scheduler->cancel(request);
    }
}

QUrl Connector::numberedPageUrl(qint64 page) const
{
    if (m_options.style == PaginationStyle::Page) {
        const QUrl url
            = withParameter(m_options.url, m_options.pageParam, QString::number(m_options.firstPage + page));
        return m_options.limitParam.isEmpty()
            ? url
            : withParameter(url, m_options.limitParam, QString::number(m_options.pageSize));
    }
    return pageUrl(m_options.url, page * m_options.pageSize, m_options.pageSize, m_options.offsetParam,
        m_options.limitParam);
}

namespace {

//! A page the server refused, for the manifest and the summary.
QString describeRefusal(const HttpResponse &response, const QStringList &secrets)
{
    // What the server said, as far as it fits on a line: an API explains a 400 or 401 in its body,
    // and may quote the credentials it refused ("invalid credentials: Bearer abc...").
    constexpr qsizetype Shown = 200;
    constexpr qsizetype Masked = 64 * 1024; // (masked before it is cut: no half secret is shown)
    QString said = withSecretsMasked(QString::fromUtf8(response.body.left(Masked)), secrets).simplified();
    if (said.size() > Shown)
        said = said.left(Shown) + QStringLiteral("…");
    const QString status
        = QStringLiteral("HTTP %1 %2").arg(response.status).arg(QString::fromLatin1(response.reason));
    return said.isEmpty() ? status : QStringLiteral("%1: %2").arg(status, said);
}

} // namespace

QUrl Connector::linkAfter(const Page &parsed) const
{
    if (parsed.items.isEmpty() || parsed.hasMore == false)
        return {};
    if (m_options.style != PaginationStyle::Cursor)
        return parsed.next;
    if (parsed.cursor.isEmpty())
        return {};
    return withParameter(firstLinkedPage(), m_options.cursorParam, parsed.cursor);
}

QUrl Connector::firstLinkedPage() const
{
    if (m_options.style == PaginationStyle::Cursor && !m_options.limitParam.isEmpty())
        return withParameter(m_options.url, m_options.limitParam, QString::number(m_options.pageSize));
    return m_options.url;
}

Task<void> Connector::fetchNextLinkPages()
{
    QUrl url = firstLinkedPage();
    qint64 page = 0;
    if (!m_zone.landedPages().isEmpty()) {
        const PageRecord &last = m_zone.landedPages().last();
        if (last.items == 0 || last.next.isEmpty())
            co_return; // an earlier run reached the end
        page = last.page + 1;
        // The manifest keeps the link without its secrets; the address given has them.
        QStringList missing;
        url = unredactedUrl(QUrl(last.next), m_options.url, &missing);
        if (!missing.isEmpty())
            throw Error(
                QStringLiteral("the link to page %1 was kept without the value of %2, and the address "
                               "given has none to put back: give it in the address to resume")
                    .arg(page)
                    .arg(missing.join(QStringLiteral(", "))));
    }
    m_progress.limit = 1;
    // A link that leads back would be followed round forever. (Links as the manifest keeps them.)
    QHash<QString, qint64> pageByLink;
    for (const PageRecord &landed : m_zone.landedPages())
        pageByLink.insert(landed.url, landed.page);
    while (!url.isEmpty() && (m_options.maxPages == 0 || page < m_options.maxPages)) {
        pageByLink.insert(written(url), page);
        QUrl next;
        const qint64 before = m_progress.items;
        if (!co_await fetchPage(page, url, &next) || m_progress.items == before)
            break;
        const QString nextShown = written(next);
        if (const auto back = pageByLink.constFind(nextShown); back != pageByLink.cend())
            throw Error(QStringLiteral("page %1's %2 leads back to page %3 (%4); stopped, so as not to land "
                                       "it again")
                            .arg(page)
                            .arg(m_options.style == PaginationStyle::Cursor ? QStringLiteral("cursor")
                                                                            : QStringLiteral("next link"))
                            .arg(*back)
                            .arg(nextShown));
        url = next;
        ++page;
    }
}

Task<bool> Connector::fetchPage(qint64 page, QUrl url, QUrl *next)
{
    PageRecord record;
    record.page = page;
    record.url = written(url);
    record.unverified = m_client.options().insecure && url.scheme() == QLatin1String("https");
    HttpResponse response;
    QString error;
    std::optional<Page> parsed;
    // A page that arrives damaged (half a JSON document) is asked for again, within the client's
    // attempts: it is the transfer that failed, not the page. One that is whole JSON without items
    // where they should be would come back the same: it fails at once.
    bool damaged = true;
    for (int tries = 0; !parsed && damaged && tries < m_client.options().maxAttempts; ++tries) {
        if (tries > 0)
            ++m_parseRetries;
        error.clear();
        m_progress.peakInFlight = std::max(m_progress.peakInFlight, ++m_progress.inFlight);
        try {
            response = co_await m_client.get(url, headersFor(page, url));
        } catch (const HttpError &e) {
            error = e.message();
            record.attempts += e.attempts();
        } catch (...) {
            --m_progress.inFlight; // cancelled
            throw;
        }
        --m_progress.inFlight;
        if (!error.isEmpty())
            break; // the client already tried as often as it may
        record.attempts += response.attempts;
        record.status = response.status;
        record.bytes = response.body.size();
        m_progress.bytes += response.body.size();
        if (!response.isSuccess()) {
            error = describeRefusal(response, m_secrets);
            break;
        }
        parsed = parsePage(response, m_options.format, &error, &damaged);
    }
    if (parsed && m_itemsKey.isEmpty())
        m_itemsKey = parsed->itemsKey;
    const bool numbered
        = m_options.style == PaginationStyle::Offset || m_options.style == PaginationStyle::Page;
    if (parsed && parsed->items.isEmpty() && page >= pageLimit() && numbered) {
        notePageDone(); // asked for before the end was known: past it
        co_return true;
    }
    if (!parsed) {
        record.error = error;
        // No answer at all (no connection, time-outs) before any page of this run landed: the source
        // is down or out of reach, and every further page would fail the same way, each after its
        // time-outs. (A page the server refused says nothing of the others.)
        m_sourceUnreachable = m_sourceUnreachable
            || (record.status == 0 && m_progress.pagesLanded == m_progress.pagesResumed);
        m_zone.recordFailure(record);
        m_failures.append(record);
        ++m_progress.pagesFailed;
        ++m_consecutiveFailures;
        m_firstPageFailed = m_firstPageFailed || page == firstOwnPage();
        notePageDone();
        co_return false;
    }
    record.total = parsed->total;
    const QUrl after = linkAfter(*parsed);
    record.next = written(after);
    m_consecutiveFailures = 0;
    refuseRepeatedPage(page, parsed->items);
    const bool fresh = !m_zone.hasLanded(page);
    m_zone.land(record, parsed->items);
    if (fresh && !parsed->items.isEmpty()) { // an empty page only marks the end
        ++m_progress.pagesLanded;
        m_progress.items += parsed->items.size();
    }
    if (parsed->total && m_progress.pagesTotal < 0)
        m_progress.pagesTotal = ownPageCount(pageLimit());
    if (next)
        *next = after;
    notePageDone();
    co_return true;
}

void Connector::refuseRepeatedPage(qint64 page, const JsonLines &items)
{
    if (items.isEmpty() || m_options.allowRepeatedPages)
        return;
    const auto [seen, isNew] = m_pageByDigest.try_emplace(qHash(items.bytes()), page);
    if (isNew || seen->second == page)
        return;
    const bool byOffset = m_options.style == PaginationStyle::Offset;
    const QString why = byOffset || m_options.style == PaginationStyle::Page
        ? QStringLiteral("the server seems to ignore ?%1= (try --%2-param, or --style %3, next or cursor; "
                         "--allow-repeated-pages if its pages may hold the same items)")
              .arg(byOffset ? m_options.offsetParam : m_options.pageParam,
                  byOffset ? QStringLiteral("offset") : QStringLiteral("page"),
                  byOffset ? QStringLiteral("page") : QStringLiteral("offset"))
        : QStringLiteral("its link or cursor led back to a page already fetched (--allow-repeated-pages if "
                         "its pages may hold the same items)");
    throw Error(QStringLiteral("page %1 holds the same %2 items as page %3: %4; stopped, so as not to land "
                               "them again")
                    .arg(page)
                    .arg(items.size())
                    .arg(seen->second)
                    .arg(why));
}

QString Connector::written(const QUrl &url) const
{
    // The address given is redacted by its parameters' names; links and cursors from the server
    // by value, since a parameter named like a secret there (?token=) is as likely a cursor.
    const bool numbered
        = m_options.style == PaginationStyle::Offset || m_options.style == PaginationStyle::Page;
    return numbered ? redactedUrl(url).toString() : withSecretsMasked(url.toString(), m_secrets);
}

HttpHeaders Connector::headersFor(qint64 page, const QUrl &url) const
{
    if (m_options.url.scheme() == QLatin1String("https") && url.scheme() != QLatin1String("https"))
        throw Error(
            QStringLiteral("the link to page %1 leaves https for %2: not followed, as the request "
                           "would travel unencrypted (the server's links may be wrong behind its proxy)")
                .arg(page)
                .arg(written(url)));
    return headersBound(m_options.url, url, m_options.headers, m_client.options().secretHeaders);
}

void Connector::notePageDone()
{
    m_progress.retries = m_client.statistics().retries + m_parseRetries;
    m_progress.overloadRetries = m_client.statistics().overloadRetries;
    if (m_adaptive) {
        // Requests on the wire: the workers beyond the limit wait for room and are not in flight.
        m_progress.limit = m_adaptive->limit();
        m_progress.inFlight = m_client.statistics().inFlight;
        m_progress.peakInFlight = m_client.statistics().peakInFlight;
    }
    if (m_scheduler)
        m_progress.elapsedSeconds = double(m_scheduler->now() - m_startNs) / 1e9;
    if (m_zone.endPage() && m_progress.pagesTotal < 0)
        m_progress.pagesTotal = ownPageCount(pageLimit());
    dropPagesPastTheEnd();
    if (progressChanged)
        progressChanged(m_progress);
}

} // namespace Loopscope
