#include "net/page.h"

#include "net/jsonscanner.h"

#include <QUrlQuery>

namespace Loopscope {

namespace {

QUrl nextFromLinkHeader(const QByteArray &link)
{
    // Link: <https://api/x?page=2>; rel="next", <...>; rel="last"
    for (const QByteArray &part : link.split(',')) {
        const qsizetype open = part.indexOf('<');
        const qsizetype close = part.indexOf('>', open + 1);
        if (open < 0 || close < 0)
            continue;
        const QByteArray params = part.mid(close + 1).toLower();
        if (params.contains("rel=\"next\"") || params.contains("rel=next"))
            return QUrl::fromEncoded(part.mid(open + 1, close - open - 1).trimmed());
    }
    return {};
}

} // namespace

std::optional<Page> parsePage(const HttpResponse &response, QString *error)
{
    JsonPageScan scan;
    if (!scan.scan(response.body)) {
        *error = scan.error();
        return std::nullopt;
    }
    if (!scan.hasItems()) {
        *error = QStringLiteral("the page has no \"items\" array");
        return std::nullopt;
    }
    Page page;
    page.items.reserve(scan.items().size());
    for (const JsonPageScan::Span &span : scan.items())
        page.items.append(scan.compact(span));
    if (const auto total = scan.total(); total && *total >= 0)
        page.total = static_cast<qint64>(*total);
    if (const auto next = scan.next(); next && !next->isEmpty())
        page.next = response.url.resolved(QUrl(*next));
    if (page.next.isEmpty()) {
        const QUrl link = nextFromLinkHeader(response.header("Link"));
        if (!link.isEmpty())
            page.next = response.url.resolved(link);
    }
    return page;
}

QUrl pageUrl(const QUrl &collection, qint64 offset, int pageSize, const QString &offsetParam,
    const QString &limitParam)
{
    QUrl url = collection;
    QUrlQuery query(url);
    query.removeAllQueryItems(offsetParam);
    query.addQueryItem(offsetParam, QString::number(offset));
    if (!limitParam.isEmpty()) {
        query.removeAllQueryItems(limitParam);
        query.addQueryItem(limitParam, QString::number(pageSize));
    }
    url.setQuery(query);
    return url;
}

} // namespace Loopscope
