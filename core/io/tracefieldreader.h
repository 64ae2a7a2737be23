#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QLatin1StringView>

#include <initializer_list>

namespace Loopscope::detail {

/*!
 * Typed access to the fields of one JSON record of a trace file. Every getter validates presence,
 * type and range and throws a TraceFormatError that names the line, the record and the field
 * ("line 5: field 'task' of the event must be an integer from 0 to 2, not 7"), so the reader
 * itself stays a plain description of the format.
 */
class TraceFieldReader
{
public:
    //! `what` names the record for messages: "the header", "the event", "the task record".
    TraceFieldReader(const QJsonObject &object, qint64 line, QLatin1StringView what);

    //! Throws if the record has a field not in `known`.
    void allowOnly(std::initializer_list<QLatin1StringView> known) const;
    bool has(QLatin1StringView key) const { return m_object.contains(key); }

    QString string(QLatin1StringView key) const;
    std::int64_t integer(QLatin1StringView key, std::int64_t minimum, std::int64_t maximum) const;
    //! A number (integer or not) that must be finite.
    double number(QLatin1StringView key) const;
    QJsonObject object(QLatin1StringView key) const;
    QJsonArray array(QLatin1StringView key) const;

    qint64 line() const { return m_line; }
    [[noreturn]] void fail(const QString &problem) const;

    //! "a string", "a number", "an object"... for messages about a value of the wrong type.
    static QString describeType(const QJsonValue &value);
    //! The integer in `value` if it is a whole number that a qint64 holds exactly.
    static bool toExactInteger(const QJsonValue &value, std::int64_t &out);

private:
    QJsonValue required(QLatin1StringView key) const;
    [[noreturn]] void wrongType(QLatin1StringView key, const char *expected, const QJsonValue &found) const;

    QJsonObject m_object;
    qint64 m_line;
    QLatin1StringView m_what;
};

} // namespace Loopscope::detail
