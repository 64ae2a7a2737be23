#pragma once

#include <QByteArray>
#include <QDebug>
#include <QString>

#include <concepts>
#include <string>
#include <type_traits>
#include <typeinfo>

namespace Loopscope {

// clang-format off
//! A type that says how it reads in a trace: `QString formatForTrace(const T &)`, found by
//! argument-dependent lookup.
template<typename T>
concept FormatsForTrace = requires(const T &value) { { formatForTrace(value) } -> std::convertible_to<QString>; };
// clang-format on

//! A type's name as people write it ("Loopscope::FetchSummary"), not as the compiler mangles it.
QString readableTypeName(const std::type_info &type);

/*!
 * Text of a value for the trace: numbers and strings as themselves, types that provide a
 * `QString formatForTrace(const T &)` (found by argument-dependent lookup) as it says, anything
 * QDebug can print as QDebug prints it, other types by their type name.
 */
template<typename T>
QString formatValue(const T &value)
{
    if constexpr (FormatsForTrace<T>) {
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
        return readableTypeName(typeid(T));
    }
}

} // namespace Loopscope
