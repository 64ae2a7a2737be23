#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QStringView>

#include <cstdint>
#include <vector>

namespace Loopscope {

/*!
 * Writes compact JSON into a byte buffer with keys in the order they are given, so that the
 * exports and trace files are deterministic byte for byte (QJsonDocument would sort the keys).
 *
 * Strings are written as UTF-8; control characters and lone UTF-16 surrogates are escaped as
 * \uXXXX so that any QString survives a write and a read unchanged. Doubles use the shortest
 * text that reads back to the same value; non-finite doubles are written as null (JSON has no
 * NaN). Commas are placed automatically; the caller keeps objects and arrays balanced.
 */
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray &out);

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    //! Starts a member of the current object; the next value call writes its value.
    JsonWriter &key(QLatin1StringView name);
    JsonWriter &key(QStringView name);

    JsonWriter &value(QStringView text);
    JsonWriter &value(QLatin1StringView text);
    JsonWriter &value(const QString &text) { return value(QStringView(text)); }
    JsonWriter &value(const char *text) { return value(QLatin1StringView(text)); }
    JsonWriter &value(std::int64_t number);
    JsonWriter &value(std::uint64_t number);
    JsonWriter &value(int number) { return value(std::int64_t(number)); }
    JsonWriter &value(std::uint32_t number) { return value(std::uint64_t(number)); }
    JsonWriter &value(double number);
    //! A double in plain decimal notation (no exponent) with at most `decimals` digits after the
    //! point, trailing zeros removed: timestamps that every trace viewer's number parser reads.
    JsonWriter &decimal(double number, int decimals);
    JsonWriter &value(bool flag);
    JsonWriter &null();

    //! key(name).value(v) in one call.
    template<typename T>
    JsonWriter &member(QLatin1StringView name, const T &v)
    {
        return key(name).value(v);
    }

    //! Appends raw bytes (a newline between records); does not affect comma placement.
    JsonWriter &raw(QLatin1StringView bytes);

    static void appendString(QByteArray &out, QStringView text);

private:
    void separate();

    QByteArray &m_out;
    std::vector<bool> m_first; //!< per open container: no element written yet
    bool m_afterKey = false;
};

} // namespace Loopscope
