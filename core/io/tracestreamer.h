#pragma once

#include "io/binarytrace.h"

#include <QHostAddress>
#include <QIODevice>
#include <QObject>
#include <QTimer>

#include <memory>

namespace Loopscope {

//! Where live programs and a listening window meet: a Unix socket's path, or a loopback address
//! and port (nothing else: a trace never leaves the machine).
struct LiveAddress
{
    QString socketPath; //!< set for a Unix socket
    QHostAddress host;
    quint16 port = 0;

    //! Parses "127.0.0.1:PORT", "[::1]:PORT" or a path (anything with a '/'); port 0 only when
    //! `anyPort` (a listener picks one). Throws Error naming `what` ("LOOPSCOPE_LIVE") and the problem.
    static LiveAddress parse(const QString &text, const QString &what, bool anyPort);
};

/*!
 * Streams a growing trace, in the binary trace format, to a device: a file, or a socket to a
 * Loopscope window that listens (`loopscope --listen`). What the trace publishes is encoded in
 * blocks, at most 50 ms after it happened or at once past 65,536 events; the destructor sends the
 * rest and the end marker, so that the reader can tell a finished program from one that stopped
 * mid-stream.
 *
 * The program's thread only encodes (the events are copied whole); a sender thread of the
 * streamer's own writes the blocks to the device's descriptor, so that the program runs on while a
 * slower reader takes them in. Nothing is dropped: up to MaxQueuedBytes wait to be sent, and past
 * that the program waits for the sender (it is slowed down, never cut short); the destructor
 * waits until everything is written. When the device fails (the window went away), streaming
 * stops with a warning on stderr and the program goes on.
 */
class TraceStreamer : public QObject
{
    Q_OBJECT
public:
    TraceStreamer(const Trace &trace, const TraceMetadata &metadata, std::unique_ptr<QIODevice> device);
    ~TraceStreamer() override;

    //! The one call a program makes: streams `trace` where the environment says, or returns null.
    //! LOOPSCOPE_LIVE=127.0.0.1:PORT (or [::1]:PORT, or the path of a Unix socket) streams to a
    //! listening window; LOOPSCOPE_TRACE=FILE writes the same stream to a file. `clock` is the
    //! scheduler's. Throws Error with a message for the user when the variable is malformed or its
    //! target cannot be reached.
    static std::unique_ptr<TraceStreamer> fromEnvironment(
        const Trace &trace, const QString &programName, ClockMode clock = ClockMode::Real);

    //! Sends what the trace holds and has not been sent yet.
    void flush();

    //! What may wait for the sender before the program waits too.
    static constexpr qint64 MaxQueuedBytes = 256 << 20;

private:
    class Sender;

    void appended();
    void send(QByteArray bytes);
    //! Hands `piece` to the sender; false (streaming stopped) once sending has failed.
    bool queue(BinaryTracePiece piece);
    void stopStreaming(const QString &why);

    const Trace &m_trace;
    BinaryTraceEncoder m_encoder;
    std::unique_ptr<QIODevice> m_device;
    std::unique_ptr<Sender> m_sender; //!< null for a device without a descriptor: written in place
    QTimer m_timer;
    QByteArray m_buffer;
};

} // namespace Loopscope
