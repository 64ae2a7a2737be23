#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

namespace Loopscope {

/*!
 * The demo server's data set: a read-only collection of `total` small JSON items, paged.
 *
 * Item i (0-based) is {"id":i,"name":"item-000042","price":12.34,"category":"tools","stock":7}.
 * Every byte is a pure function of i (no randomness, no clock), so pages are identical on every
 * run and on every machine. A page body is
 *   {"items":[...],"from":F,"count":k,"total":N,"next":"/api/items?from=F+k"}
 * with "next":null on the last page and an empty "items" array past the end. The next path carries
 * "&limit=M" only when M differs from the default page size, so following it keeps the page size.
 *
 * DemoItems is a small value type; it does not cache (the server does).
 */
class DemoItems
{
public:
    static constexpr int DefaultPageSize = 50;
    static constexpr int MaxPageSize = 1000;

    explicit DemoItems(qint64 total = 10'000, int defaultPageSize = DefaultPageSize,
        QByteArray basePath = QByteArrayLiteral("/api/items"));

    qint64 total() const { return m_total; }
    int defaultPageSize() const { return m_defaultPageSize; }
    const QByteArray &basePath() const { return m_basePath; }

    //! The JSON object for item `index` (any index >= 0, also past total()).
    static QByteArray item(qint64 index);
    static void appendItem(QByteArray &out, qint64 index);

    //! How many items the page starting at `from` with `limit` items holds (0 past the end).
    qint64 pageCount(qint64 from, int limit) const;
    //! Path and query of the page after (from, limit), or an empty array on the last page.
    QByteArray nextPath(qint64 from, int limit) const;
    //! The page body; `from` >= 0 and 1 <= `limit` <= MaxPageSize.
    QByteArray page(qint64 from, int limit) const;
    QByteArray page(qint64 from) const { return page(from, m_defaultPageSize); }

private:
    qint64 m_total;
    int m_defaultPageSize;
    QByteArray m_basePath;
};

} // namespace Loopscope
