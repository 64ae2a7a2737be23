#include "net/jsonscanner.h"

#include <algorithm>

namespace Loopscope {

namespace {

constexpr int MaxDepth = 512;

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

QString decodeString(QByteArrayView raw)
{
    QByteArray utf8;
    utf8.reserve(raw.size());
    QString out;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\') {
            utf8 += c;
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b':
            utf8 += '\b';
            break;
        case 'f':
            utf8 += '\f';
            break;
        case 'n':
            utf8 += '\n';
            break;
        case 'r':
            utf8 += '\r';
            break;
        case 't':
            utf8 += '\t';
            break;
        case 'u': {
            const char16_t unit = char16_t((hexValue(raw[i + 1]) << 12) | (hexValue(raw[i + 2]) << 8)
                | (hexValue(raw[i + 3]) << 4) | hexValue(raw[i + 4]));
            out += QString::fromUtf8(utf8);
            utf8.clear();
            out += QChar(unit);
            i += 4;
            break;
        }
        default:
            utf8 += e;
            break; // \" \\ \/
        }
    }
    return out + QString::fromUtf8(utf8);
}

//! Stands for "an element of an array" in the path: no member name is this (raw NUL is not JSON).
const QByteArrayView ArrayElement("\0[]", 3);

} // namespace

std::optional<JsonPointer> parseJsonPointer(const QString &text, QString *error)
{
    if (text.isEmpty())
        return JsonPointer {};
    if (!text.startsWith(u'/')) {
        *error = QStringLiteral(
            "\"%1\" is not a JSON Pointer: it must start with / (as /data or /meta/next_cursor)")
                     .arg(text);
        return std::nullopt;
    }
    JsonPointer pointer;
    for (const QString &token : text.mid(1).split(u'/')) {
        QString name = token;
        name.replace(QStringLiteral("~1"), QStringLiteral("/"))
            .replace(QStringLiteral("~0"), QStringLiteral("~"));
        pointer.append(name.toUtf8());
    }
    return pointer;
}

const QList<QByteArray> &JsonPageScan::itemsKeys()
{
    static const QList<QByteArray> keys { "items", "data", "results", "records", "value", "entries" };
    return keys;
}

bool JsonPageScan::atPath(const JsonPointer &pointer) const
{
    if (static_cast<std::size_t>(pointer.size()) != m_path.size())
        return false;
    for (qsizetype i = 0; i < pointer.size(); ++i) {
        if (m_path[static_cast<std::size_t>(i)] != QByteArrayView(pointer[i]))
            return false;
    }
    return true;
}

bool JsonPageScan::atItems(QByteArrayView name) const
{
    if (!m_collectItems)
        return false;
    if (m_itemsPointer)
        return atPath(*m_itemsPointer);
    return m_path.size() == 1 && !m_hasItems && itemsKeys().contains(name);
}

std::optional<JsonPageScan::Span> JsonPageScan::value(qsizetype watched) const
{
    return watched >= 0 && std::size_t(watched) < m_values.size() ? m_values[std::size_t(watched)]
                                                                  : std::nullopt;
}

std::optional<double> JsonPageScan::number(Span span) const
{
    const QByteArrayView text = m_json.sliced(span.begin, span.end - span.begin);
    if (text.isEmpty() || (!isDigit(text[0]) && text[0] != '-'))
        return std::nullopt;
    return text.toByteArray().toDouble();
}

std::optional<QString> JsonPageScan::string(Span span) const
{
    if (span.end - span.begin < 2 || m_json[span.begin] != '"')
        return std::nullopt;
    return decodeString(m_json.sliced(span.begin + 1, span.end - span.begin - 2));
}

std::optional<bool> JsonPageScan::boolean(Span span) const
{
    const QByteArrayView text = m_json.sliced(span.begin, span.end - span.begin);
    if (text == "true")
        return true;
    if (text == "false")
        return false;
    return std::nullopt;
}

std::optional<JsonPageScan::Span> JsonPageScan::find(Span span, const JsonPointer &pointer) const
{
    JsonPageScan inner;
    inner.setCollectItems(false);
    inner.setWatched({ pointer });
    if (!inner.scan(m_json.sliced(span.begin, span.end - span.begin)))
        return std::nullopt;
    const auto found = inner.value(0);
    if (!found)
        return std::nullopt;
    return Span { found->begin + span.begin, found->end + span.begin };
}

void JsonPageScan::setWatched(QList<std::optional<JsonPointer>> watched)
{
    m_watched = std::move(watched);
    m_watchedDepth = 0;
    for (const std::optional<JsonPointer> &pointer : std::as_const(m_watched)) {
        if (pointer)
            m_watchedDepth = std::max(m_watchedDepth, std::size_t(pointer->size()));
    }
}

bool JsonPageScan::fail(const char *what)
{
    m_error = QStringLiteral("malformed JSON at byte %1: %2").arg(m_pos).arg(QLatin1StringView(what));
    return false;
}

// Called before and after every token, and mostly finds nothing: inlined (it is used in this file only).
[[gnu::always_inline]] inline void JsonPageScan::skipSpace()
{
    const char *const data = m_json.data();
    const qsizetype size = m_json.size();
    const qsizetype start = m_pos;
    while (m_pos < size && isSpace(data[m_pos]))
        ++m_pos;
    m_spaceSkipped += m_pos - start;
}

bool JsonPageScan::scan(QByteArrayView json)
{
    m_json = json;
    m_pos = 0;
    m_error.clear();
    m_items.clear();
    m_itemsKey.clear();
    m_topKeys.clear();
    m_path.clear();
    m_values.assign(std::size_t(m_watched.size()), std::nullopt);
    m_hasItems = false;
    skipSpace();
    if (m_pos >= m_json.size())
        return fail("empty document");
    m_topIsArray = m_json[m_pos] == '[';
    // A top-level array is the items unless a pointer says they are elsewhere.
    const bool topItems = m_collectItems && m_topIsArray && (!m_itemsPointer || m_itemsPointer->isEmpty());
    const bool ok = m_topIsArray ? array(0, topItems) : value(0, false);
    if (!ok)
        return false;
    skipSpace();
    if (m_pos != m_json.size())
        return fail("unexpected data after the document");
    m_hasItems = m_hasItems || topItems;
    return true;
}

bool JsonPageScan::value(int depth, bool collect)
{
    if (depth > MaxDepth)
        return fail("nested too deeply");
    skipSpace();
    if (m_pos >= m_json.size())
        return fail("unexpected end of data");
    switch (m_json[m_pos]) {
    case '{':
        return object(depth + 1);
    case '[':
        return array(depth + 1, collect);
    case '"':
        return string();
    case 't':
        return literal("true");
    case 'f':
        return literal("false");
    case 'n':
        return literal("null");
    default:
        return number();
    }
}

bool JsonPageScan::object(int depth)
{
    ++m_pos; // '{'
    skipSpace();
    if (m_pos < m_json.size() && m_json[m_pos] == '}') {
        ++m_pos;
        return true;
    }
    for (;;) {
        skipSpace();
        if (m_pos >= m_json.size() || m_json[m_pos] != '"')
            return fail("expected a member name");
        Span key;
        if (!string(&key))
            return false;
        skipSpace();
        if (m_pos >= m_json.size() || m_json[m_pos] != ':')
            return fail("expected ':'");
        ++m_pos;
        skipSpace();
        const QByteArrayView name = m_json.sliced(key.begin, key.end - key.begin);
        const qsizetype valueStart = m_pos;
        m_path.push_back(name);
        if (m_path.size() == 1)
            m_topKeys.append(name.toByteArray());
        if (m_pos < m_json.size() && m_json[m_pos] == '[' && !m_hasItems && atItems(name)) {
            m_hasItems = true;
            if (!m_itemsPointer)
                m_itemsKey = name.toByteArray();
            if (!array(depth + 1, true))
                return false;
        } else if (!value(depth, false)) {
            return false;
        }
        if (m_path.size() <= m_watchedDepth) {
            for (qsizetype i = 0; i < m_watched.size(); ++i) {
                const std::optional<JsonPointer> &watched = m_watched.at(i);
                std::optional<Span> &found = m_values[std::size_t(i)];
                if (!found && watched && atPath(*watched))
                    found = Span { valueStart, m_pos };
            }
        }
        m_path.pop_back();
        skipSpace();
        if (m_pos >= m_json.size())
            return fail("unexpected end of data in an object");
        if (m_json[m_pos] == ',') {
            ++m_pos;
            continue;
        }
        if (m_json[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or '}'");
    }
}

bool JsonPageScan::array(int depth, bool collectElements)
{
    ++m_pos; // '['
    skipSpace();
    if (m_pos < m_json.size() && m_json[m_pos] == ']') {
        ++m_pos;
        return true;
    }
    for (;;) {
        skipSpace();
        const qsizetype start = m_pos;
        const qsizetype spaceBefore = m_spaceSkipped;
        m_path.push_back(ArrayElement);
        const bool ok = value(depth, false);
        m_path.pop_back();
        if (!ok)
            return false;
        if (collectElements)
            m_items.append(Span { start, m_pos, m_spaceSkipped != spaceBefore });
        skipSpace();
        if (m_pos >= m_json.size())
            return fail("unexpected end of data in an array");
        if (m_json[m_pos] == ',') {
            ++m_pos;
            continue;
        }
        if (m_json[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or ']'");
    }
}

bool JsonPageScan::string(Span *contents)
{
    ++m_pos; // opening quote
    const qsizetype begin = m_pos;
    const auto *const data = reinterpret_cast<const unsigned char *>(m_json.data());
    const qsizetype size = m_json.size();
    while (m_pos < size) {
        // Most bytes are none of '"', '\\' or a control character: skip them in a tight loop.
        while (m_pos < size && data[m_pos] >= 0x20 && data[m_pos] != '"' && data[m_pos] != '\\')
            ++m_pos;
        if (m_pos >= size)
            break;
        const unsigned char c = data[m_pos];
        if (c == '"') {
            if (contents)
                *contents = Span { begin, m_pos };
            ++m_pos;
            return true;
        }
        if (c < 0x20)
            return fail("control character in a string");
        if (c == '\\') {
            if (m_pos + 1 >= m_json.size())
                break;
            const char e = m_json[m_pos + 1];
            if (e == 'u') {
                if (m_pos + 5 >= m_json.size())
                    break;
                for (int i = 2; i <= 5; ++i) {
                    if (hexValue(m_json[m_pos + i]) < 0)
                        return fail("invalid \\u escape");
                }
                m_pos += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't')
                return fail("invalid escape in a string");
            m_pos += 2;
            continue;
        }
        ++m_pos;
    }
    return fail("unterminated string");
}

bool JsonPageScan::number()
{
    const qsizetype start = m_pos;
    if (m_pos < m_json.size() && m_json[m_pos] == '-')
        ++m_pos;
    if (m_pos >= m_json.size() || !isDigit(m_json[m_pos]))
        return fail(start == m_pos ? "expected a value" : "expected a digit");
    if (m_json[m_pos] == '0')
        ++m_pos;
    else
        while (m_pos < m_json.size() && isDigit(m_json[m_pos]))
            ++m_pos;
    if (m_pos < m_json.size() && m_json[m_pos] == '.') {
        ++m_pos;
        if (m_pos >= m_json.size() || !isDigit(m_json[m_pos]))
            return fail("expected a digit after '.'");
        while (m_pos < m_json.size() && isDigit(m_json[m_pos]))
            ++m_pos;
    }
    if (m_pos < m_json.size() && (m_json[m_pos] == 'e' || m_json[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < m_json.size() && (m_json[m_pos] == '+' || m_json[m_pos] == '-'))
            ++m_pos;
        if (m_pos >= m_json.size() || !isDigit(m_json[m_pos]))
            return fail("expected a digit in an exponent");
        while (m_pos < m_json.size() && isDigit(m_json[m_pos]))
            ++m_pos;
    }
    return true;
}

bool JsonPageScan::literal(QByteArrayView word)
{
    if (m_json.sliced(m_pos).startsWith(word)) {
        m_pos += word.size();
        return true;
    }
    return fail("expected a value");
}

QByteArray JsonPageScan::compact(Span span) const
{
    QByteArray out;
    appendCompact(span, out);
    return out;
}

void JsonPageScan::appendCompact(Span span, QByteArray &out) const
{
    const QByteArrayView element = m_json.sliced(span.begin, span.end - span.begin);
    // Most APIs send compact JSON already: then the element is copied whole, in one go.
    const bool hasSpace
        = span.mayHaveSpace && std::any_of(element.begin(), element.end(), [](char c) { return isSpace(c); });
    if (!hasSpace) {
        out.append(element);
        return;
    }
    const qsizetype start = out.size();
    out.resize(start + element.size());
    char *const first = out.data() + start;
    char *to = first;
    bool inString = false;
    for (qsizetype i = 0; i < element.size(); ++i) {
        const char c = element[i];
        if (inString) {
            *to++ = c;
            if (c == '\\')
                *to++ = element[++i];
            else if (c == '"')
                inString = false;
        } else if (!isSpace(c)) {
            *to++ = c;
            inString = c == '"';
        }
    }
    out.truncate(start + (to - first));
}

} // namespace Loopscope
