#include "net/demohttp.h"

namespace Loopscope::DemoHttp {

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

std::optional<qint64> parseCount(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return std::nullopt;
    qint64 value = 0;
    for (const char ch : text) {
        if (ch < '0' || ch > '9')
            return std::nullopt;
        value = value * 10 + (ch - '0');
    }
    return value;
}

QByteArray quoted(QByteArrayView text)
{
    QByteArray out("'");
    for (const char ch : text.first(qMin<qsizetype>(text.size(), 64))) {
        if (ch == '"' || ch == '\\')
            out.append('\\').append(ch);
        else
            out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
    }
    if (text.size() > 64)
        out.append("...");
    return out.append('\'');
}

QByteArray buildResponse(int status, QByteArrayView body, bool keepAlive, QByteArrayView extraHeaders)
{
    QByteArray out;
    out.reserve(160 + extraHeaders.size() + body.size());
    out.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reasonPhrase(status));
    out.append("\r\nContent-Type: application/json\r\nContent-Length: ");
    out.append(QByteArray::number(body.size()));
    out.append(keepAlive ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    out.append(extraHeaders).append("\r\n").append(body);
    return out;
}

bool hasToken(QByteArrayView value, QByteArrayView token)
{
    while (!value.isEmpty()) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView item = (comma < 0 ? value : value.first(comma)).trimmed();
        if (item.compare(token, Qt::CaseInsensitive) == 0)
            return true;
        value = comma < 0 ? QByteArrayView() : value.sliced(comma + 1);
    }
    return false;
}

std::optional<HeadError> parseHead(QByteArrayView head, RequestHead &request)
{
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView requestLine = lineEnd < 0 ? head : head.first(lineEnd);
    const qsizetype sp1 = requestLine.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1 || requestLine.indexOf(' ', sp2 + 1) >= 0)
        return HeadError { 400, "malformed request line " + quoted(requestLine) };
    request.method = requestLine.first(sp1);
    request.target = requestLine.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = requestLine.sliced(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool looksLikeHttp = version.startsWith("HTTP/");
        return HeadError { looksLikeHttp ? 505 : 400,
            (looksLikeHttp ? "unsupported HTTP version " : "malformed request line ")
                + quoted(looksLikeHttp ? version : requestLine) };
    }
    request.keepAlive = version == "HTTP/1.1";
    bool sawLength = false;
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", start);
        const QByteArrayView line = head.sliced(start, (lineEnd < 0 ? head.size() : lineEnd) - start);
        const qsizetype colon = line.indexOf(':');
        const QByteArrayView name = colon < 0 ? line : line.first(colon);
        if (colon <= 0 || name.indexOf(' ') >= 0 || name.indexOf('\t') >= 0)
            return HeadError { 400, "malformed header line " + quoted(line) };
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            const auto length = parseCount(value);
            if (!length || (sawLength && *length != request.contentLength))
                return HeadError { 400, "invalid Content-Length " + quoted(value) };
            request.contentLength = *length;
            sawLength = true;
        } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
            if (hasToken(value, "close"))
                request.keepAlive = false;
            else if (hasToken(value, "keep-alive"))
                request.keepAlive = true;
        } else if (name.compare("Authorization", Qt::CaseInsensitive) == 0) {
            request.authorization = value;
        } else if (name.compare("Accept-Encoding", Qt::CaseInsensitive) == 0) {
            request.acceptEncoding = value;
        } else if (name.compare("Expect", Qt::CaseInsensitive) == 0) {
            request.expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
            return HeadError { 501,
                "Transfer-Encoding " + quoted(value) + " is not supported; send Content-Length" };
        }
    }
    return std::nullopt;
}

} // namespace Loopscope::DemoHttp
