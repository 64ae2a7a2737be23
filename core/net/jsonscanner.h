#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace Loopscope {

//! A JSON Pointer (RFC 6901) as its reference tokens: "/hits/hits" is {"hits", "hits"}, "" the
//! whole document.
using JsonPointer = QList<QByteArray>;

//! Parses a JSON Pointer ("/data", "/meta/next_cursor", "" for the document); nullopt with a message
//! for anything else.
std::optional<JsonPointer> parseJsonPointer(const QString &text, QString *error);

/*!
 * A strict, allocation-light JSON validator that also finds what a page connector needs without
 * building a document: the elements of the items array as byte ranges, and the values at the
 * pointers it is asked to watch (a total, a next link, a cursor, has_more). Elements can then be
 * copied out compactly (whitespace outside strings removed), ready to be one line of JSON Lines.
 * Much cheaper than parsing into QJsonDocument and serialising every item again.
 *
 * The items are the array at setItemsPointer(); without one, the top-level array, or else the
 * first array among the usual top-level keys (itemsKeys(): "items", "data", "results"...). Member
 * names are compared as they are written (a name with escapes matches only written the same way).
 */
class JsonPageScan
{
public:
    struct Span
    {
        qsizetype begin = 0;
        qsizetype end = 0;
        bool mayHaveSpace = true; //!< false: no whitespace outside strings (known for items)
    };

    //! The top-level keys looked for when no items pointer is given, in this order of preference.
    static const QList<QByteArray> &itemsKeys();

    void setItemsPointer(std::optional<JsonPointer> pointer) { m_itemsPointer = std::move(pointer); }
    //! Whether to look for items at all (false: only the watched values are wanted).
    void setCollectItems(bool collect) { m_collectItems = collect; }
    //! Values to find; after scan(), value(i) is where watched[i] is (if it is set and in the document).
    void setWatched(QList<std::optional<JsonPointer>> watched);

    //! Validates `json` and records the spans; false with a message (byte offset included) if invalid.
    bool scan(QByteArrayView json);

    const QString &error() const { return m_error; }
    bool isArray() const { return m_topIsArray; }
    bool hasItems() const { return m_hasItems; }
    const QList<Span> &items() const { return m_items; }
    //! The top-level key the items were found under without a pointer ("data"), or empty.
    const QByteArray &itemsKey() const { return m_itemsKey; }
    //! The top-level member names of an object document, in order (for messages).
    const QList<QByteArray> &topLevelKeys() const { return m_topKeys; }

    std::optional<Span> value(qsizetype watched) const;
    //! A value's meaning, for a span of this document: a number, a string (decoded), true/false.
    std::optional<double> number(Span span) const;
    std::optional<QString> string(Span span) const;
    std::optional<bool> boolean(Span span) const;
    //! The first value at `pointer` inside `span` (an item: "/id" of the last one, for cursors).
    std::optional<Span> find(Span span, const JsonPointer &pointer) const;

    //! The element as compact JSON (no whitespace outside strings).
    QByteArray compact(Span span) const;
    //! The same, appended to `out`.
    void appendCompact(Span span, QByteArray &out) const;

private:
    bool value(int depth, bool collect);
    bool object(int depth);
    bool atItems(QByteArrayView name) const;
    bool atPath(const JsonPointer &pointer) const;
    bool array(int depth, bool collectElements);
    bool string(Span *contents = nullptr);
    bool number();
    bool literal(QByteArrayView word);
    void skipSpace();
    bool fail(const char *what);

    QByteArrayView m_json;
    qsizetype m_pos = 0;
    QString m_error;
    bool m_topIsArray = false;
    bool m_hasItems = false;
    QList<Span> m_items;
    QByteArray m_itemsKey;
    QList<QByteArray> m_topKeys;
    std::optional<JsonPointer> m_itemsPointer;
    QList<std::optional<JsonPointer>> m_watched;
    bool m_collectItems = true;
    std::vector<std::optional<Span>> m_values;
    std::size_t m_watchedDepth = 0;     //!< the longest watched pointer: deeper members need no look
    qsizetype m_spaceSkipped = 0;       //!< whitespace bytes skipped so far
    std::vector<QByteArrayView> m_path; //!< member names from the top down to where the scan is
};

} // namespace Loopscope
