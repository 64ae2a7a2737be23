#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Loopscope {

/*!
 * Items as JSON Lines, in one buffer: each item one line of compact JSON ended by '\n'. What a page
 * yields and a landing zone writes, without a buffer per item.
 */
class JsonLines
{
public:
    JsonLines() = default;
    //! Lines as they are in a JSON Lines file: `bytes` must be empty or end with '\n'.
    static JsonLines fromBytes(QByteArray bytes)
    {
        JsonLines lines;
        lines.m_count = bytes.count('\n');
        lines.m_bytes = std::move(bytes);
        return lines;
    }

    void reserve(qsizetype bytes) { m_bytes.reserve(bytes); }
    //! Adds one item; `item` is one line of JSON without its '\n'.
    void append(QByteArrayView item)
    {
        m_bytes.append(item);
        endItem();
    }
    //! The buffer, for writing an item into it in place; endItem() ends that item.
    QByteArray &buffer() { return m_bytes; }
    void endItem()
    {
        m_bytes.append('\n');
        ++m_count;
    }

    qsizetype size() const { return m_count; }
    bool isEmpty() const { return m_count == 0; }
    const QByteArray &bytes() const { return m_bytes; }
    //! The items, each without its '\n'.
    QList<QByteArray> toList() const
    {
        QList<QByteArray> items = m_bytes.split('\n');
        items.removeLast(); // after the last '\n'
        return items;
    }

private:
    QByteArray m_bytes;
    qsizetype m_count = 0;
};

} // namespace Loopscope
