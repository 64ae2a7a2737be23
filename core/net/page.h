#pragma once

#include "net/httpmessage.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace Loopscope {

/*!
 * One page of a paginated JSON API, as the connector understands it: an object with an "items"
 * array (or a bare array), optionally "total" and a "next" link; or a `Link: <...>; rel="next"`
 * header. Items are kept as compact JSON, ready to land as JSON Lines.
 */
struct Page
{
    QList<QByteArray> items; //!< each item as one line of compact JSON
    std::optional<qint64> total;
    QUrl next; //!< resolved against the page's URL; empty when there is none
};

//! Parses a page body; returns an error message for anything that is not such a page.
std::optional<Page> parsePage(const HttpResponse &response, QString *error);

//! The URL of `collection` for the page starting at `offset`, with the given parameter names.
QUrl pageUrl(const QUrl &collection, qint64 offset, int pageSize, const QString &offsetParam,
    const QString &limitParam);

} // namespace Loopscope
