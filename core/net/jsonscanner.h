#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace Loopscope {

/*!
 * A strict, allocation-light JSON validator that also finds what a page connector needs without
 * building a document: the elements of the top-level "items" array (or of a top-level array) as
 * byte ranges, and the top-level "total" number and "next" string. Elements can then be copied
 * out compactly (whitespace outside strings removed), ready to be one line of JSON Lines.
 * Much cheaper than parsing into QJsonDocument and serialising every item again.
 */
class JsonPageScan
{
public:
    struct Span
    {
        qsizetype begin = 0;
        qsizetype end = 0;
    };

    //! Validates `json` and records the spans; false with a message (byte offset included) if invalid.
    bool scan(QByteArrayView json);

    const QString &error() const { return m_error; }
    bool isArray() const { return m_topIsArray; }
    bool hasItems() const { return m_hasItems; }
    const QList<Span> &items() const { return m_items; }
    std::optional<double> total() const { return m_total; }
    //! The decoded "next" string, if present and a string.
    std::optional<QString> next() const { return m_next; }

    //! The element as compact JSON (no whitespace outside strings).
    QByteArray compact(Span span) const;

private:
    bool value(int depth, bool collect);
    bool object(int depth, bool topLevel);
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
    std::optional<double> m_total;
    std::optional<QString> m_next;
};

} // namespace Loopscope
