#pragma once

#include <QByteArray>
#include <QDebug>
#include <QString>

#include <concepts>
#include <string>
#include <type_traits>
#include <typeinfo>

namespace Loopscope {

/*!
 * Text of a value for the trace: numbers and strings as themselves, types that provide a
 * `QString formatForTrace(const T &)` (found by argument-dependent lookup) as it says, anything
 * QDebug can print as QDebug prints it, other types by their type name.
 */
template<typename T>
QString formatValue(const T &value)
{
    if constexpr (requires(const T &v) {
                      {
                          formatForTrace(v)
                          } -> std::convertible_to<QString>;
                  }) {
        return formatForTrace(value);
    } else if constexpr (std::is_same_v<T, bool>) {
        return value ? QStringLiteral("true") : QStringLiteral("false");
    } else if constexpr (std::is_arithmetic_v<T>) {
        return QString::number(value);
    } else if constexpr (std::is_same_v<T, QString>) {
        return value;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return QString::fromStdString(value);
    } else if constexpr (std::is_same_v<T, QByteArray>) {
        return QStringLiteral("%1 bytes").arg(value.size());
    } else if constexpr (requires(QDebug d, const T &v) { d << v; }) {
        QString text;
        QDebug(&text).noquote().nospace() << value;
        return text;
    } else {
        return QString::fromLatin1(typeid(T).name());
    }
}

} // namespace Loopscope
