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

QString pointerText(const JsonPointer &pointer)
{
    QString text;
    for (const QByteArray &token : pointer)
        text += u'/'
            + QString::fromUtf8(token)
                  .replace(u'~', QStringLiteral("~0"))
                  .replace(u'/', QStringLiteral("~1"));
    return text;
}

QString noItemsMessage(const JsonPageScan &scan, const PageFormat &format)
{
    QStringList keys;
    for (const QByteArray &key : scan.topLevelKeys())
        keys << QStringLiteral("\"%1\"").arg(QString::fromUtf8(key));
    const QString has = scan.isArray() ? QStringLiteral("it is an array")
        : keys.isEmpty()               ? QStringLiteral("it has no keys")
                         : QStringLiteral("its keys are %1").arg(keys.join(QStringLiteral(", ")));
    if (format.items)
        return QStringLiteral("the page has no array at %1 (--items-path): %2")
            .arg(pointerText(*format.items), has);
    QStringList usual;
    for (const QByteArray &key : JsonPageScan::itemsKeys())
        usual << QString::fromLatin1(key);
    return QStringLiteral(
        "the page has no array of items under any usual key (%1): %2; say where they are with "
        "--items-path, as /hits/hits")
        .arg(usual.join(QStringLiteral(", ")), has);
}

std::optional<Page> parsePage(
    const HttpResponse &response, const PageFormat &format, QString *error, bool *damaged)
{
    enum Watched { Total, Next, Cursor, HasMore };
    JsonPageScan scan;
    scan.setItemsPointer(format.items);
    scan.setWatched({ format.total, format.next, format.cursor, format.hasMore });
    const bool whole = scan.scan(response.body);
    if (damaged)
        *damaged = !whole;
    if (!whole) {
        *error = scan.error();
        return std::nullopt;
    }
    if (!scan.hasItems()) {
        *error = noItemsMessage(scan, format);
        return std::nullopt;
    }
    Page page;
    page.itemsKey = QString::fromUtf8(scan.itemsKey());
    if (!scan.items().isEmpty())
        page.items.reserve(scan.items().last().end - scan.items().first().begin + scan.items().size());
    for (const JsonPageScan::Span &span : scan.items()) {
        scan.appendCompact(span, page.items.buffer());
        page.items.endItem();
    }
    if (const auto span = scan.value(Total)) {
        if (const auto total = scan.number(*span); total && *total >= 0)
            page.total = static_cast<qint64>(*total);
    }
    if (const auto span = scan.value(Next)) {
        if (const auto next = scan.string(*span); next && !next->isEmpty())
            page.next = response.url.resolved(QUrl(*next));
    }
    if (const auto span = scan.value(HasMore))
        page.hasMore = scan.boolean(*span);
    std::optional<JsonPageScan::Span> cursor = scan.value(Cursor);
    if (format.cursorFromItem && !scan.items().isEmpty())
        cursor = scan.find(scan.items().last(), *format.cursorFromItem);
    if (cursor) {
        // A cursor is a string or a number ("starting_after": "cus_123", or an id).
        if (const auto text = scan.string(*cursor))
            page.cursor = *text;
        else if (scan.number(*cursor))
            page.cursor
                = QString::fromLatin1(response.body.sliced(cursor->begin, cursor->end - cursor->begin));
    }
    if (page.next.isEmpty()) {
        const QUrl link = nextFromLinkHeader(response.header("Link"));
        if (!link.isEmpty())
            page.next = response.url.resolved(link);
    }
    return page;
}

QUrl withParameter(const QUrl &url, const QString &name, const QString &value)
{
    QUrl result = url;
    QUrlQuery query(result);
    query.removeAllQueryItems(name);
    query.addQueryItem(name, value);
    result.setQuery(query);
    return result;
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
