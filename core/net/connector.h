#pragma once

#include "net/httpclient.h"
#include "net/landingzone.h"
#include "net/page.h"

#include "scheduler/taskhandle.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

namespace Loopscope {

class AdaptiveLimiter;

enum class FetchStrategy { Sequential, Unbounded, Bounded, Adaptive };
//! How pages are asked for: `?from=N` (offset), `?page=N` (page numbers), by following a next link,
//! or by passing a cursor the previous page gave.
enum class PaginationStyle { Offset, NextLink, Page, Cursor };

QString paginationStyleName(PaginationStyle style);
std::optional<PaginationStyle> paginationStyleFromName(const QString &name);

QString fetchStrategyName(FetchStrategy strategy);
std::optional<FetchStrategy> fetchStrategyFromName(const QString &name);

struct FetchOptions
{
    QUrl url; //!< the collection's address
    PaginationStyle style = PaginationStyle::Offset;
    int pageSize = 50;
    QString offsetParam = QStringLiteral("from");
    QString limitParam = QStringLiteral("limit"); //!< empty: do not send a page size
    QString pageParam = QStringLiteral("page");   //!< page style: the page number's parameter
    qint64 firstPage = 1;                         //!< page style: the first page's number
    QString cursorParam;                          //!< cursor style: the parameter the cursor goes in
    PageFormat format;                            //!< where pages keep items, total, next, cursor...
    HttpHeaders headers;                          //!< sent with every request (tokens, Accept...)
    int shardIndex = 1; //!< this retrieval fetches the pages p with p % shardCount == shardIndex - 1
    int shardCount = 1; //!< 1: every page
    FetchStrategy strategy = FetchStrategy::Bounded;
    int concurrency = 8;       //!< bounded: the limit; adaptive: the starting limit
    int maxConcurrency = 1000; //!< adaptive and unbounded-without-total: the ceiling
    qint64 maxPages = 0;       //!< 0: the whole collection
    //! Land pages whose items equal another page's (rows without ids can): by default such a page
    //! stops the retrieval, as the sign of a server that ignores the page asked for.
    bool allowRepeatedPages = false;

    //! Adaptive, trying at most `ceiling` requests at once: it starts at AdaptiveStart (or the
    //! ceiling, if lower) and finds the source's limit by itself.
    void makeAdaptive(int ceiling);
    static constexpr int AdaptiveStart = 16;
    static constexpr int AdaptiveCeiling = 100; //!< when none is asked for

    QString validate() const;
    RetrievalIdentity identity() const;
};

struct FetchProgress
{
    qint64 pagesLanded = 0; //!< including pages resumed from an earlier run
    qint64 pagesResumed = 0;
    qint64 pagesFailed = 0;
    qint64 pagesTotal = -1; //!< -1 while unknown
    qint64 items = 0;
    qint64 bytes = 0;
    int inFlight = 0;
    int peakInFlight = 0;
    int limit = 0;            //!< the concurrency limit in force (adaptive: current)
    bool limitAdapts = false; //!< the strategy is adaptive
    qint64 retries = 0;
    qint64 overloadRetries = 0; //!< refusals of a saturated source (429 without Retry-After) waited out
    double elapsedSeconds = 0;

    //! Pages landed per second by this run (pages resumed from an earlier run do not count).
    double pagesPerSecond() const;
    //! Seconds until every page is in at the current rate; -1 while that cannot be told.
    double secondsLeft() const;
    //! One line for people: "pages 12/40 · items 600 · in flight 8 (peak 8) · errors 0 · 95 pages/s".
    QString describe() const;
};

struct FetchSummary
{
    FetchProgress progress;
    QString itemsKey; //!< the usual key the items were found under, when no items path was given
    QList<PageRecord> failures;
    int peakLimit = 0;
    qint64 tlsFullHandshakes = 0; //!< https connections that checked the certificate
    qint64 tlsResumed = 0;        //!< https connections that resumed a session instead
    //! Adaptive: the limit from the start, and at each change (the scheduler's ns, the limit).
    std::vector<std::pair<std::int64_t, int>> limitHistory;
};

//! A retrieval's result as its trace shows it: "40 pages, 2000 items, 0 failed, 3 retries".
QString formatForTrace(const FetchSummary &summary);

/*!
 * The data connector: retrieves every page of a paginated collection with the chosen strategy
 * (sequential, unbounded, bounded by C, or adaptive) on the scheduler and lands it in a
 * LandingZone. Offset style asks for `?from=N` pages until the announced total or the first
 * empty or short page (bounded: the first C pages at once, before the size is known); next-link style follows
 * "next" (JSON field or Link header) one page at a time. A page that still fails after the client's retries
 * is listed in the summary (and manifest); the others go on. While the size of the collection is unknown,
 * failures hide where it ends: if the first page fails, or as many pages in a row as there are workers (at
 * least 3), no further pages are asked for. Nor are they once a page got no answer at all (no
 * connection, time-outs) while none of this run has landed: the source is down.
 */
class Connector
{
public:
    Connector(HttpClient &client, FetchOptions options, LandingZone &zone);
    ~Connector();

    //! Called after every page (landed or failed) with the running totals.
    std::function<void(const FetchProgress &)> progressChanged;

    Task<FetchSummary> run();
    const FetchProgress &progress() const { return m_progress; }

private:
    Task<void> fetchOffsetPages();
    Task<void> fetchNextLinkPages();
    Task<void> worker();
    //! Cancels the requests for pages now known to be past the end.
    void dropPagesPastTheEnd();
    Task<bool> fetchPage(qint64 page, QUrl url, QUrl *next);
    //! The address of page `page` (0-based) in the offset and page styles.
    QUrl numberedPageUrl(qint64 page) const;
    //! The link to the page after `parsed` in the next-link and cursor styles (empty: the last).
    QUrl linkAfter(const Page &parsed) const;
    //! `url` as the manifest keeps it: without the secrets this retrieval sends.
    QString written(const QUrl &url) const;
    //! The headers to send for page `page` at `url`: without credentials for another origin; an
    //! https retrieval does not follow a link to plain http.
    HttpHeaders headersFor(qint64 page, const QUrl &url) const;
    //! The first page in the next-link and cursor styles: the collection's URL (with the page
    //! size when a cursor style sends one).
    QUrl firstLinkedPage() const;
    std::optional<qint64> takeNextPage();
    //! Whether the end of the collection is known (a total, an end page or a page limit).
    bool extentKnown() const;
    //! Whether page `page` is in this retrieval's shard (every page without shards).
    bool isOwnPage(qint64 page) const;
    qint64 firstOwnPage() const;
    //! How many of pages 0..pages-1 are this retrieval's.
    qint64 ownPageCount(qint64 pages) const;
    qint64 pageLimit() const;
    void notePageDone();
    //! Throws if `items` are those of another page fetched in this run: the server did not move
    //! on (it ignores the page parameter, or a link leads back).
    void refuseRepeatedPage(qint64 page, const JsonLines &items);

    HttpClient &m_client;
    FetchOptions m_options;
    LandingZone &m_zone;
    FetchProgress m_progress;
    QList<PageRecord> m_failures;
    QString m_itemsKey;
    std::map<qint64, TaskHandle<bool>> m_speculative; //!< requests made before the end was known
    std::set<qint64> m_dropped;                       //!< of those, the ones cancelled as past the end
    std::unique_ptr<AdaptiveLimiter> m_adaptive;
    qint64 m_nextPage = 0;
    qint64 m_consecutiveFailures = 0;
    qint64 m_failureStop = 3;
    bool m_firstPageFailed = false;
    qint64 m_parseRetries = 0; //!< pages asked for again because they arrived damaged
    std::unordered_map<std::size_t, qint64> m_pageByDigest; //!< the pages of this run, by their items
    QStringList m_secrets;            //!< the secret values this retrieval sends (secretValues())
    bool m_sourceUnreachable = false; //!< no answer at all before any page of this run landed
    std::int64_t m_startNs = 0;
    Scheduler *m_scheduler = nullptr;
};

} // namespace Loopscope
