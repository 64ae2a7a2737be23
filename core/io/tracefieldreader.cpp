#include "io/tracefieldreader.h"

#include "io/traceformaterror.h"

#include <cmath>

namespace Loopscope::detail {

TraceFieldReader::TraceFieldReader(const QJsonObject &object, qint64 line, QLatin1StringView what)
    : m_object(object)
    , m_line(line)
    , m_what(what)
{ }

void TraceFieldReader::fail(const QString &problem) const
{
    throw TraceFormatError(m_line, problem);
}

void TraceFieldReader::allowOnly(std::initializer_list<QLatin1StringView> known) const
{
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        bool found = false;
        for (const QLatin1StringView name : known)
            found = found || it.key() == name;
        if (!found)
            fail(QStringLiteral("unknown field '%1' in %2").arg(it.key().left(64), m_what));
    }
}

QJsonValue TraceFieldReader::required(QLatin1StringView key) const
{
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd())
        fail(QStringLiteral("%1 has no field '%2'").arg(m_what, key));
    return it.value();
}

void TraceFieldReader::wrongType(QLatin1StringView key, const char *expected, const QJsonValue &found) const
{
    fail(QStringLiteral("field '%1' of %2 must be %3, not %4")
             .arg(key, m_what, QLatin1StringView(expected), describeType(found)));
}

QString TraceFieldReader::describeType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("true/false");
    case QJsonValue::Double:
        return QStringLiteral("the number %1").arg(value.toDouble());
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool TraceFieldReader::toExactInteger(const QJsonValue &value, std::int64_t &out)
{
    if (!value.isDouble())
        return false;
    // toInteger() returns its default for anything that is not a whole qint64: two different
    // defaults tell "not an integer" apart from a value that happens to equal one of them.
    const qint64 a = value.toInteger(0);
    const qint64 b = value.toInteger(1);
    if (a != b)
        return false;
    out = a;
    return true;
}

QString TraceFieldReader::string(QLatin1StringView key) const
{
    const QJsonValue value = required(key);
    if (!value.isString())
        wrongType(key, "a string", value);
    return value.toString();
}

std::int64_t TraceFieldReader::integer(
    QLatin1StringView key, std::int64_t minimum, std::int64_t maximum) const
{
    const QJsonValue value = required(key);
    std::int64_t number = 0;
    if (!toExactInteger(value, number))
        wrongType(key, "an integer", value);
    if (number < minimum || number > maximum) {
        fail(QStringLiteral("field '%1' of %2 must be an integer from %3 to %4, not %5")
                 .arg(key, m_what)
                 .arg(minimum)
                 .arg(maximum)
                 .arg(number));
    }
    return number;
}

double TraceFieldReader::number(QLatin1StringView key) const
{
    const QJsonValue value = required(key);
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        wrongType(key, "a number", value);
    return value.toDouble();
}

QJsonObject TraceFieldReader::object(QLatin1StringView key) const
{
    const QJsonValue value = required(key);
    if (!value.isObject())
        wrongType(key, "an object", value);
    return value.toObject();
}

QJsonArray TraceFieldReader::array(QLatin1StringView key) const
{
    const QJsonValue value = required(key);
    if (!value.isArray())
        wrongType(key, "an array", value);
    return value.toArray();
}

} // namespace Loopscope::detail
