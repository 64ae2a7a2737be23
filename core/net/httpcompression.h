#pragma once

#include "net/httpresponseparser.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Loopscope {

//! The Content-Encoding values HttpClient asks for and decodes.
inline constexpr QByteArrayView AcceptedEncodings = "gzip, deflate";

//! The most a body may inflate to: no more than a body may be sent as it is, so that a small bomb
//! costs no more memory than a large plain body.
inline constexpr qsizetype MaxInflatedBytes = HttpResponseParser::MaxBodyBytes;

//! Why a body could not be decoded, as it matters to whoever asks again.
enum class BodyDecodeFailure {
    None,
    Damaged,     //!< corrupt, cut short or followed by garbage: the transfer may have been damaged
    Unsupported, //!< an encoding not asked for: it would arrive the same again
    TooLarge,    //!< inflates past MaxInflatedBytes: it would arrive the same again
};

/*!
 * Decodes a response body sent with Content-Encoding `encoding` ("gzip", several gzip members in a
 * row included; "deflate"; "identity" or empty: as it is). A body that cannot be decoded is nullopt,
 * with the reason in `error` and, if `failure` is given, its kind there. Output is bounded
 * (MaxInflatedBytes) so that a small bomb cannot fill memory.
 */
std::optional<QByteArray> decodeBody(
    QByteArrayView encoding, QByteArrayView body, QString *error, BodyDecodeFailure *failure = nullptr);

//! `data` compressed as gzip (the demo API's --gzip).
QByteArray gzipCompress(QByteArrayView data);

} // namespace Loopscope
