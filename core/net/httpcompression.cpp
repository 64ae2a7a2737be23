#include "net/httpcompression.h"

#include <QScopeGuard>

#include <zlib.h>

#include <algorithm>

namespace Loopscope {

namespace {

struct Inflated
{
    std::optional<QByteArray> body;
    BodyDecodeFailure failure = BodyDecodeFailure::None;
    QString error;
};

Inflated failed(BodyDecodeFailure failure, QString error)
{
    return { std::nullopt, failure, std::move(error) };
}

bool startsGzipMember(const z_stream &stream)
{
    return stream.avail_in >= 2 && stream.next_in[0] == 0x1f && stream.next_in[1] == 0x8b;
}

/*!
 * Inflates with zlib's `windowBits` (15 + 32: zlib or gzip by their header; 15: zlib; -15: raw
 * deflate). `membersInARow`: a stream that ends where another gzip member starts goes on with that
 * member (RFC 1952 2.2; what `cat a.gz b.gz` makes).
 */
Inflated inflateWith(QByteArrayView data, int windowBits, bool membersInARow)
{
    z_stream stream {};
    if (inflateInit2(&stream, windowBits) != Z_OK)
        return failed(BodyDecodeFailure::Damaged, QStringLiteral("cannot start decompressing"));
    const auto end = qScopeGuard([&stream] { inflateEnd(&stream); });
    QByteArray out;
    out.resize(std::clamp<qsizetype>(data.size() * 4, 4096, MaxInflatedBytes));
    qsizetype produced = 0; // across members: inflateReset() zeroes the stream's own count
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    for (;;) {
        if (produced == out.size()) {
            if (out.size() >= MaxInflatedBytes)
                return failed(BodyDecodeFailure::TooLarge,
                    QStringLiteral("it inflates to more than %1 MiB, the most a body may be")
                        .arg(MaxInflatedBytes >> 20));
            out.resize(std::min(out.size() * 2, MaxInflatedBytes));
        }
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        stream.avail_out = static_cast<uInt>(out.size() - produced);
        const int status = inflate(&stream, Z_NO_FLUSH);
        produced = out.size() - static_cast<qsizetype>(stream.avail_out);
        if (status == Z_STREAM_END) {
            if (stream.avail_in == 0)
                break;
            if (membersInARow && startsGzipMember(stream)) {
                inflateReset(&stream);
                continue;
            }
            return failed(
                BodyDecodeFailure::Damaged, QStringLiteral("data after the end of the compressed stream"));
        }
        if (status == Z_OK || status == Z_BUF_ERROR) {
            if (stream.avail_out > 0 && stream.avail_in == 0) // all read, and the stream goes on
                return failed(
                    BodyDecodeFailure::Damaged, QStringLiteral("the compressed stream is cut short"));
            continue; // out of room: grow and go on
        }
        if (status == Z_MEM_ERROR)
            return failed(BodyDecodeFailure::TooLarge, QStringLiteral("out of memory while inflating it"));
        return failed(BodyDecodeFailure::Damaged, QStringLiteral("corrupt compressed data"));
    }
    out.resize(produced);
    return { std::move(out), BodyDecodeFailure::None, {} };
}

Inflated decode(const QByteArray &name, QByteArrayView body)
{
    if (name == "gzip" || name == "x-gzip")
        return inflateWith(body, 15 + 32, true);
    // "deflate" means zlib-wrapped; some servers send it raw.
    Inflated wrapped = inflateWith(body, 15, false);
    if (wrapped.body || wrapped.failure == BodyDecodeFailure::TooLarge)
        return wrapped;
    Inflated raw = inflateWith(body, -15, false);
    return raw.body || raw.failure == BodyDecodeFailure::TooLarge ? raw : wrapped;
}

} // namespace

std::optional<QByteArray> decodeBody(
    QByteArrayView encoding, QByteArrayView body, QString *error, BodyDecodeFailure *failure)
{
    const QByteArray name = encoding.trimmed().toByteArray().toLower();
    if (failure)
        *failure = BodyDecodeFailure::None;
    if (name.isEmpty() || name == "identity")
        return body.toByteArray();
    if (name != "gzip" && name != "x-gzip" && name != "deflate") {
        *error
            = QStringLiteral("the body is encoded as \"%1\", which was not asked for (loopscope decodes %2)")
                  .arg(QString::fromLatin1(name), QString::fromLatin1(AcceptedEncodings));
        if (failure)
            *failure = BodyDecodeFailure::Unsupported;
        return std::nullopt;
    }
    Inflated inflated = decode(name, body);
    if (!inflated.body) {
        *error = QStringLiteral("%1 body: %2").arg(QString::fromLatin1(name), inflated.error);
        if (failure)
            *failure = inflated.failure;
    }
    return std::move(inflated.body);
}

QByteArray gzipCompress(QByteArrayView data)
{
    z_stream stream {};
    deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out;
    out.resize(static_cast<qsizetype>(deflateBound(&stream, static_cast<uLong>(data.size()))) + 32);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(static_cast<qsizetype>(stream.total_out));
    deflateEnd(&stream);
    return out;
}

} // namespace Loopscope
