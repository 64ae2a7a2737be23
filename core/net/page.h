#pragma once

#include "net/httpmessage.h"
#include "net/jsonlines.h"
#include "net/jsonscanner.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace Loopscope {

//! Where a page keeps what the connector needs, as JSON Pointers (all optional).
struct PageFormat
{
    std::optional<JsonPointer> items;          //!< unset: the top-level array or a usual key ("data"...)
    JsonPointer total { QByteArray("total") }; //!< the collection's size
    JsonPointer next { QByteArray("next") };   //!< a link to the next page (else the Link header)
    std::optional<JsonPointer> cursor;         //!< the next page's cursor ("/meta/next_cursor")
    std::optional<JsonPointer> cursorFromItem; //!< or: this value of the page's last item ("/id")
    std::optional<JsonPointer> hasMore;        //!< true while pages follow ("/has_more")
};

/*!
 * One page of a paginated JSON API, as the connector understands it: its items (see PageFormat),
 * optionally a total, a next link (in the body or a `Link: <...>; rel="next"` header), a cursor and
 * has_more. Items are kept as compact JSON, ready to land as JSON Lines.
 */
struct Page
{
    JsonLines items; //!< each item as one line of compact JSON
    std::optional<qint64> total;
    QUrl next;      //!< resolved against the page's URL; empty when there is none
    QString cursor; //!< the next page's cursor; empty when there is none
    std::optional<bool> hasMore;
    QString itemsKey; //!< the usual key the items were found under, when no pointer was given
};

//! Parses a page body; returns an error message for anything that is not such a page (naming the
//! keys it has when no items are found). `damaged` (if given) tells which: the body is not whole
//! JSON (a transfer that failed, worth asking again), or it is, without items where they should be.
std::optional<Page> parsePage(
    const HttpResponse &response, const PageFormat &format, QString *error, bool *damaged = nullptr);
inline std::optional<Page> parsePage(const HttpResponse &response, QString *error)
{
    return parsePage(response, PageFormat {}, error);
}

//! The URL of `collection` for the page starting at `offset`, with the given parameter names.
QUrl pageUrl(const QUrl &collection, qint64 offset, int pageSize, const QString &offsetParam,
    const QString &limitParam);

//! `url` with query parameter `name` set to `value` (replacing any it had).
QUrl withParameter(const QUrl &url, const QString &name, const QString &value);

} // namespace Loopscope
