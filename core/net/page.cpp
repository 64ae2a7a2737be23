#include "page.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("malformed JSON at byte %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return std::nullopt;
    }
    Page page;
    QJsonArray items;
    if (document.isArray()) {
        items = document.array();
    } else if (document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue itemsValue = object.value(QStringLiteral("items"));
        if (!itemsValue.isArray()) {
            *error = QStringLiteral("the page has no \"items\" array");
            return std::nullopt;
        }
        items = itemsValue.toArray();
        const QJsonValue total = object.value(QStringLiteral("total"));
        if (total.isDouble() && total.toDouble() >= 0)
            page.total = static_cast<qint64>(total.toDouble());
        const QJsonValue next = object.value(QStringLiteral("next"));
        if (next.isString() && !next.toString().isEmpty())
            page.next = response.url.resolved(QUrl(next.toString()));
    } else {
        *error = QStringLiteral("the page is neither a JSON object nor an array");
        return std::nullopt;
    }
    page.items.reserve(items.size());
    for (const QJsonValue &item : items) {
        if (item.isObject())
            page.items.append(QJsonDocument(item.toObject()).toJson(QJsonDocument::Compact));
        else if (item.isArray())
            page.items.append(QJsonDocument(item.toArray()).toJson(QJsonDocument::Compact));
        else
            page.items.append(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact).chopped(1).mid(1));
    }
    if (page.next.isEmpty()) {
        const QUrl link = nextFromLinkHeader(response.header("Link"));
        if (!link.isEmpty())
            page.next = response.url.resolved(link);
    }
    return page;
}

QUrl pageUrl(const QUrl &collection, qint64 offset, int pageSize, const QString &offsetParam, const QString &limitParam)
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
