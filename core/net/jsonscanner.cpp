#include "net/jsonscanner.h"

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

} // namespace

bool JsonPageScan::fail(const char *what)
{
    m_error = QStringLiteral("malformed JSON at byte %1: %2").arg(m_pos).arg(QLatin1StringView(what));
    return false;
}

void JsonPageScan::skipSpace()
{
    while (m_pos < m_json.size() && isSpace(m_json[m_pos]))
        ++m_pos;
}

bool JsonPageScan::scan(QByteArrayView json)
{
    m_json = json;
    m_pos = 0;
    m_error.clear();
    m_items.clear();
    m_total.reset();
    m_next.reset();
    m_hasItems = false;
    skipSpace();
    if (m_pos >= m_json.size())
        return fail("empty document");
    m_topIsArray = m_json[m_pos] == '[';
    const bool ok
        = m_topIsArray ? array(0, true) : (m_json[m_pos] == '{' ? object(0, true) : value(0, false));
    if (!ok)
        return false;
    skipSpace();
    if (m_pos != m_json.size())
        return fail("unexpected data after the document");
    m_hasItems = m_hasItems || m_topIsArray;
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
        return object(depth + 1, false);
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

bool JsonPageScan::object(int depth, bool topLevel)
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
        const bool isItems = topLevel && name == "items";
        if (isItems && m_pos < m_json.size() && m_json[m_pos] == '[') {
            m_hasItems = true;
            if (!array(depth + 1, true))
                return false;
        } else if (!value(depth, false)) {
            return false;
        }
        if (topLevel && name == "total" && (isDigit(m_json[valueStart]) || m_json[valueStart] == '-')) {
            m_total = m_json.sliced(valueStart, m_pos - valueStart).toByteArray().toDouble();
        } else if (topLevel && name == "next" && m_json[valueStart] == '"') {
            m_next = decodeString(m_json.sliced(valueStart + 1, m_pos - valueStart - 2));
        }
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
        if (!value(depth, false))
            return false;
        if (collectElements)
            m_items.append(Span { start, m_pos });
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
    while (m_pos < m_json.size()) {
        const auto c = static_cast<unsigned char>(m_json[m_pos]);
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
    out.reserve(span.end - span.begin);
    bool inString = false;
    for (qsizetype i = span.begin; i < span.end; ++i) {
        const char c = m_json[i];
        if (inString) {
            out += c;
            if (c == '\\')
                out += m_json[++i];
            else if (c == '"')
                inString = false;
        } else if (!isSpace(c)) {
            out += c;
            inString = c == '"';
        }
    }
    return out;
}

} // namespace Loopscope
