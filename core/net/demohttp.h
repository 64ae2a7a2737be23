#pragma once

#include <optional>
#include <QByteArray>
#include <QByteArrayView>

namespace Loopscope::DemoHttp {

//! The standard reason phrase of the statuses the demo API answers with ("Unknown" otherwise).
QByteArrayView reasonPhrase(int status);
//! Strictly digits (no sign, no blanks) and at most 18 of them, so the value cannot overflow.
std::optional<qint64> parseCount(QByteArrayView text);
//! Client text echoed inside a JSON error string: printable ASCII only and short, so the error
//! body is always valid JSON whatever bytes the client sent.
QByteArray quoted(QByteArrayView text);
//! A complete JSON response: status line, Content-Type, Content-Length, Connection, `extraHeaders`.
QByteArray buildResponse(int status, QByteArrayView body, bool keepAlive, QByteArrayView extraHeaders = {});
//! Whether a comma-separated header value such as "keep-alive, Upgrade" lists `token`.
bool hasToken(QByteArrayView value, QByteArrayView token);

//! Calls fn(name, value) for each name[=value] of a query; values are used verbatim (ours never
//! need percent-decoding), and a bare name has an empty value.
template<typename Fn>
void forEachParameter(QByteArrayView query, Fn fn)
{
    while (!query.isEmpty()) {
        const qsizetype amp = query.indexOf('&');
        const QByteArrayView pair = amp < 0 ? query : query.first(amp);
        query = amp < 0 ? QByteArrayView() : query.sliced(amp + 1);
        const qsizetype eq = pair.indexOf('=');
        fn(eq < 0 ? pair : pair.first(eq), eq < 0 ? QByteArrayView("") : pair.sliced(eq + 1));
    }
}

//! What the server needs from a request's head. The views point into the head's bytes.
struct RequestHead
{
    QByteArrayView method;
    QByteArrayView target;
    bool keepAlive = true;
    bool expectContinue = false;
    qint64 contentLength = 0;
    QByteArrayView authorization;  //!< the Authorization header's value, if any
    QByteArrayView acceptEncoding; //!< the Accept-Encoding header's value, if any
};

//! Why a head was refused: the status to answer with and a message for the JSON error body.
struct HeadError
{
    int status = 400;
    QByteArray message;
};

/*!
 * Parses an HTTP/1.x request head (request line and header lines, without the blank line).
 * Refuses malformed lines, unsupported versions, bad or conflicting Content-Length and
 * Transfer-Encoding (the demo API needs Content-Length framing).
 */
std::optional<HeadError> parseHead(QByteArrayView head, RequestHead &request);

} // namespace Loopscope::DemoHttp
