#include "net/demoitems.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace Loopscope {

namespace {

// SplitMix64: a fixed, well-mixed function of the index, so neighbouring items look unrelated
// while every byte stays reproducible without any generator state.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

constexpr std::array<QByteArrayView, 8> Categories { "books", "tools", "games", "garden", "music", "kitchen",
    "toys", "sports" };

//! Writes `value`'s digits, zero-padded to `width`, backwards so that they end before `end`;
//! returns where they begin. At most 20 characters: room for the widest qint64.
char *writeDigitsBefore(char *end, qint64 value, int width)
{
    char *first = end;
    do {
        *--first = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (end - first < width)
        *--first = '0';
    return first;
}

void appendZeroPadded(QByteArray &out, qint64 value, int width)
{
    char digits[24];
    char *const end = digits + sizeof digits;
    const char *const first = writeDigitsBefore(end, value, width);
    out.append(first, end - first);
}

void appendNumber(QByteArray &out, qint64 value)
{
    appendZeroPadded(out, value, 1);
}

//! An item written into a buffer on the stack, then appended at once: a page has fifty, and every
//! QByteArray::append is a call that checks for room.
class ItemWriter
{
public:
    void text(QByteArrayView text)
    {
        std::memcpy(m_end, text.data(), std::size_t(text.size()));
        m_end += text.size();
    }
    void number(qint64 value, int width = 1)
    {
        char *const end = m_end + 20;
        const char *const first = writeDigitsBefore(end, value, width);
        const auto length = std::size_t(end - first);
        std::memmove(m_end, first, length);
        m_end += length;
    }
    QByteArrayView written() const { return QByteArrayView(m_buffer, m_end - m_buffer); }

private:
    char m_buffer[256]; // an item takes at most 150 bytes
    char *m_end = m_buffer;
};

} // namespace

DemoItems::DemoItems(qint64 total, int defaultPageSize, QByteArray basePath)
    : m_total(total)
    , m_defaultPageSize(defaultPageSize)
    , m_basePath(std::move(basePath))
{
    Q_ASSERT(total >= 0);
    Q_ASSERT(defaultPageSize >= 1 && defaultPageSize <= MaxPageSize);
}

QByteArray DemoItems::item(qint64 index)
{
    QByteArray out;
    appendItem(out, index);
    return out;
}

void DemoItems::appendItem(QByteArray &out, qint64 index)
{
    Q_ASSERT(index >= 0);
    const std::uint64_t h = mix(static_cast<std::uint64_t>(index));
    const qint64 cents = 99 + static_cast<qint64>(h % 99'900); // 0.99 .. 999.98
    ItemWriter item;
    item.text(R"({"id":)");
    item.number(index);
    item.text(R"(,"name":"item-)");
    item.number(index, 6);
    item.text(R"(","price":)");
    item.number(cents / 100);
    item.text(".");
    item.number(cents % 100, 2);
    item.text(R"(,"category":")");
    item.text(Categories[(h >> 32) % Categories.size()]);
    item.text(R"(","stock":)");
    item.number(static_cast<qint64>((h >> 48) % 100));
    item.text("}");
    out.append(item.written());
}

qint64 DemoItems::pageCount(qint64 from, int limit) const
{
    if (from >= m_total)
        return 0;
    return qMin<qint64>(limit, m_total - from);
}

QByteArray DemoItems::nextPath(qint64 from, int limit) const
{
    const qint64 count = pageCount(from, limit);
    if (count == 0 || from + count >= m_total)
        return {};
    QByteArray path = m_basePath;
    path.append("?from=");
    appendNumber(path, from + count);
    if (limit != m_defaultPageSize) {
        path.append("&limit=");
        appendNumber(path, limit);
    }
    return path;
}

QByteArray DemoItems::page(qint64 from, int limit) const
{
    Q_ASSERT(from >= 0);
    Q_ASSERT(limit >= 1 && limit <= MaxPageSize);
    const qint64 count = pageCount(from, limit);
    QByteArray out;
    out.reserve(static_cast<qsizetype>(96 + count * 96));
    out.append(R"({"items":[)");
    for (qint64 i = 0; i < count; ++i) {
        if (i > 0)
            out.append(',');
        appendItem(out, from + i);
    }
    out.append(R"(],"from":)");
    appendNumber(out, from);
    out.append(R"(,"count":)");
    appendNumber(out, count);
    out.append(R"(,"total":)");
    appendNumber(out, m_total);
    out.append(R"(,"next":)");
    const QByteArray next = nextPath(from, limit);
    if (next.isEmpty()) {
        out.append("null");
    } else {
        out.append('"');
        out.append(next);
        out.append('"');
    }
    out.append('}');
    return out;
}

} // namespace Loopscope
