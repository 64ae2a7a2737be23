#include "io/jsonwriter.h"

#include <QLocale>

#include <cmath>

namespace Loopscope {

JsonWriter::JsonWriter(QByteArray &out)
    : m_out(out)
{ }

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ',';
        m_first.back() = false;
    }
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out += '}';
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out += ']';
    m_first.pop_back();
    return *this;
}

namespace {

// Keys and enum names are plain ASCII: copy them without a detour through UTF-16.
bool isPlainAscii(QLatin1StringView text)
{
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\')
            return false;
    }
    return true;
}

} // namespace

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    if (!isPlainAscii(name))
        return key(QStringView(QString(name)));
    separate();
    m_out += '"';
    m_out.append(name.data(), name.size());
    m_out += "\":";
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::key(QStringView name)
{
    separate();
    appendString(m_out, name);
    m_out += ':';
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::value(QStringView text)
{
    separate();
    appendString(m_out, text);
    return *this;
}

JsonWriter &JsonWriter::value(QLatin1StringView text)
{
    if (!isPlainAscii(text))
        return value(QStringView(QString(text)));
    separate();
    m_out += '"';
    m_out.append(text.data(), text.size());
    m_out += '"';
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t number)
{
    separate();
    m_out += QByteArray::number(static_cast<qlonglong>(number));
    return *this;
}

JsonWriter &JsonWriter::value(std::uint64_t number)
{
    separate();
    m_out += QByteArray::number(static_cast<qulonglong>(number));
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null();
    if (number == 0)
        number = 0; // -0 would read back as the integer 0 and not round-trip byte for byte
    separate();
    m_out += QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
    return *this;
}

JsonWriter &JsonWriter::decimal(double number, int decimals)
{
    if (!std::isfinite(number))
        return null();
    QByteArray text = QByteArray::number(number, 'f', decimals);
    if (text.contains('.')) {
        while (text.endsWith('0'))
            text.chop(1);
        if (text.endsWith('.'))
            text.chop(1);
    }
    if (text == "-0")
        text = "0";
    separate();
    m_out += text;
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    separate();
    m_out += flag ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out += "null";
    return *this;
}

JsonWriter &JsonWriter::raw(QLatin1StringView bytes)
{
    m_out.append(bytes.data(), bytes.size());
    return *this;
}

void JsonWriter::appendString(QByteArray &out, QStringView text)
{
    static constexpr char hex[] = "0123456789abcdef";
    auto escapeUnit = [&out](char16_t unit) {
        out += "\\u";
        out += hex[(unit >> 12) & 0xf];
        out += hex[(unit >> 8) & 0xf];
        out += hex[(unit >> 4) & 0xf];
        out += hex[unit & 0xf];
    };
    out += '"';
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80) {
            switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f)
                    escapeUnit(c);
                else
                    out += static_cast<char>(c);
            }
            continue;
        }
        char32_t code = c;
        if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(text[i + 1].unicode())) {
            code = QChar::surrogateToUcs4(c, text[i + 1].unicode());
            ++i;
        } else if (QChar::isSurrogate(c)) {
            // A lone surrogate has no UTF-8 form: keep it as an escape so it reads back the same.
            escapeUnit(c);
            continue;
        }
        if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        }
        out += static_cast<char>(0x80 | (code & 0x3f));
    }
    out += '"';
}

} // namespace Loopscope
