#pragma once

#include "net/httpmessage.h"

#include <QString>

namespace Loopscope {

/*!
 * Incremental HTTP/1.1 response parser: feed it bytes as they arrive, in pieces of any size.
 * Understands Content-Length, chunked transfer coding and bodies delimited by the connection
 * closing. Limits protect against hostile peers (64 KiB of head, 256 MiB of body).
 */
class HttpResponseParser
{
public:
    static constexpr qsizetype MaxHeadBytes = 64 * 1024;
    static constexpr qsizetype MaxBodyBytes = 256 * 1024 * 1024;

    //! Prepares for the next response; a response to HEAD has no body whatever it announces.
    void reset(bool headRequest = false);
    //! Consumes bytes; returns how many belong to this response (the rest is the next one).
    qsizetype feed(const char *data, qsizetype size);
    //! The peer closed the connection: completes a close-delimited body, else is an error.
    void finishAtEndOfStream();

    bool isDone() const { return m_state == State::Done; }
    bool hasError() const { return m_state == State::Error; }
    bool hasStarted() const { return m_started; }
    const QString &error() const { return m_error; }
    //! Whether the connection may carry another request after this response.
    bool keepAlive() const { return m_keepAlive; }
    HttpResponse takeResponse() { return std::move(m_response); }

private:
    enum class State {
        StatusLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        UntilClose,
        Done,
        Error
    };

    bool takeLine(const char *data, qsizetype size, qsizetype &pos, QByteArray &line);
    bool parseStatusLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);
    void headersComplete();
    void fail(const QString &message);
    bool appendBody(const char *data, qsizetype size);
    //! Takes up to m_remaining body bytes (Content-Length or one chunk), then moves to `next`.
    void consumeCounted(const char *data, qsizetype size, qsizetype &pos, State next);

    State m_state = State::StatusLine;
    HttpResponse m_response;
    QByteArray m_line;
    qsizetype m_headBytes = 0;
    qint64 m_remaining = 0;
    bool m_headRequest = false;
    bool m_keepAlive = true;
    bool m_started = false;
    QString m_error;
};

} // namespace Loopscope
