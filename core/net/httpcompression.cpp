#include "net/httpcompression.h"

#include <zlib.h>

namespace Loopscope {

namespace {

//! Inflates with zlib's `windowBits` (15 + 32: zlib or gzip by their header; -15: raw deflate).
std::optional<QByteArray> inflateWith(QByteArrayView data, int windowBits, QString *error)
{
    z_stream stream {};
    if (inflateInit2(&stream, windowBits) != Z_OK) {
        *error = QStringLiteral("cannot start decompressing");
        return std::nullopt;
    }
    QByteArray out;
    out.resize(std::max<qsizetype>(4096, data.size() * 4));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    int status = Z_OK;
    while (status == Z_OK) {
        if (stream.total_out == static_cast<uLong>(out.size())) {
            if (out.size() >= MaxInflatedBytes) {
                inflateEnd(&stream);
                *error = QStringLiteral("the body inflates to more than %1 MB").arg(MaxInflatedBytes >> 20);
                return std::nullopt;
            }
            out.resize(std::min(out.size() * 2, MaxInflatedBytes));
        }
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + stream.total_out);
        stream.avail_out = static_cast<uInt>(out.size() - static_cast<qsizetype>(stream.total_out));
        status = inflate(&stream, Z_NO_FLUSH);
        if (status == Z_BUF_ERROR && stream.avail_in == 0)
            break; // the input ended before the stream did
        if (status == Z_BUF_ERROR)
            status = Z_OK; // out of room: grow and go on
    }
    const bool complete = status == Z_STREAM_END && stream.avail_in == 0;
    const qsizetype size = static_cast<qsizetype>(stream.total_out);
    inflateEnd(&stream);
    if (!complete) {
        *error = status == Z_STREAM_END ? QStringLiteral("data after the end of the compressed stream")
            : status == Z_DATA_ERROR    ? QStringLiteral("corrupt compressed data")
                                        : QStringLiteral("the compressed stream is cut short");
        return std::nullopt;
    }
    out.resize(size);
    return out;
}

} // namespace

std::optional<QByteArray> decodeBody(QByteArrayView encoding, QByteArrayView body, QString *error)
{
    const QByteArray name = encoding.trimmed().toByteArray().toLower();
    if (name.isEmpty() || name == "identity")
        return body.toByteArray();
    if (name == "gzip" || name == "x-gzip") {
        if (auto out = inflateWith(body, 15 + 32, error))
            return out;
        *error = QStringLiteral("gzip body: ") + *error;
        return std::nullopt;
    }
    if (name == "deflate") {
        // "deflate" means zlib-wrapped; some servers send it raw.
        QString wrapped;
        if (auto out = inflateWith(body, 15, &wrapped))
            return out;
        if (auto out = inflateWith(body, -15, error))
            return out;
        *error = QStringLiteral("deflate body: ") + wrapped;
        return std::nullopt;
    }
    *error = QStringLiteral("the body is encoded as \"%1\", which was not asked for")
                 .arg(QString::fromLatin1(name));
    return std::nullopt;
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
