#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Loopscope {

//! The Content-Encoding values HttpClient asks for and decodes.
inline constexpr QByteArrayView AcceptedEncodings = "gzip, deflate";

/*!
 * Decodes a response body sent with Content-Encoding `encoding` ("gzip", "deflate"; "identity" or
 * empty: as it is). A corrupt or cut stream, or an encoding not asked for, is nullopt with the
 * reason in `error`. Output is bounded (MaxInflatedBytes) so that a small bomb cannot fill memory.
 */
std::optional<QByteArray> decodeBody(QByteArrayView encoding, QByteArrayView body, QString *error);

//! `data` compressed as gzip (the demo API's --gzip).
QByteArray gzipCompress(QByteArrayView data);

inline constexpr qsizetype MaxInflatedBytes = qsizetype(1) << 30;

} // namespace Loopscope
