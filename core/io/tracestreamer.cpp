#include "io/tracestreamer.h"

#include "scheduler/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QLocalSocket>
#include <QTcpSocket>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Loopscope {

namespace {

constexpr int FlushAfterMs = 50;
constexpr int SenderNiceness = 10; // about a tenth of a core against the program's threads
constexpr qint64 BatchBytes = 64 << 20;
constexpr auto BatchAtMost = std::chrono::milliseconds(100);
constexpr qint64 FlushAfterEvents = BinaryTrace::EventsPerChunk;
constexpr int ConnectTimeoutMs = 3000;

std::unique_ptr<QIODevice> connectToWindow(const QString &address)
{
    const LiveAddress where = LiveAddress::parse(address, QStringLiteral("LOOPSCOPE_LIVE"), false);
    std::unique_ptr<QIODevice> device;
    if (!where.socketPath.isEmpty()) {
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(where.socketPath, QIODevice::WriteOnly);
        if (socket->waitForConnected(ConnectTimeoutMs))
            return socket;
        device = std::move(socket);
    } else {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(where.host, where.port, QIODevice::WriteOnly);
        if (socket->waitForConnected(ConnectTimeoutMs))
            return socket;
        device = std::move(socket);
    }
    throw Error(QStringLiteral("LOOPSCOPE_LIVE: nothing listens on %1: %2 (start `loopscope --listen %1`)")
                    .arg(address, device->errorString()));
}

//! The descriptor `device` writes to, or -1 when it has none (a buffer in memory).
int descriptorOf(QIODevice &device)
{
    if (auto *socket = qobject_cast<QAbstractSocket *>(&device))
        return static_cast<int>(socket->socketDescriptor());
    if (auto *socket = qobject_cast<QLocalSocket *>(&device))
        return static_cast<int>(socket->socketDescriptor());
    if (auto *file = qobject_cast<QFileDevice *>(&device))
        return file->handle();
    return -1;
}

} // namespace

/*!
 * Writes blocks to a descriptor on a thread of its own, in order, waiting for a non-blocking
 * socket when it is full. The first failure stops it; error() says why.
 */
class TraceStreamer::Sender
{
public:
    //! Writes to a duplicate of `fd`: the device may close its own (a socket whose peer went away)
    //! without the sender writing to whatever reuses that number.
    explicit Sender(int fd)
        : m_fd(::dup(fd))
        , m_dupError(m_fd < 0 ? errno : 0)
    {
        struct stat info
        {
        };
        m_socket = fstat(fd, &info) == 0 && S_ISSOCK(info.st_mode);
        m_thread = std::thread([this] { run(); });
    }
    ~Sender()
    {
        finish();
        if (m_fd >= 0)
            ::close(m_fd);
    }

    //! Writes what is queued, ends the thread and says what went wrong, if anything.
    QString finish()
    {
        if (m_thread.joinable()) {
            {
                const std::lock_guard lock(m_mutex);
                m_closing = true;
            }
            m_wake.notify_one();
            m_thread.join();
        }
        return error();
    }

    //! Queues `piece`; waits while MaxQueuedBytes are queued. False once sending has failed.
    bool push(BinaryTracePiece piece)
    {
        std::unique_lock lock(m_mutex);
        m_room.wait(lock, [this] { return m_queued < MaxQueuedBytes || !m_error.isEmpty(); });
        if (!m_error.isEmpty())
            return false;
        if (m_queue.empty())
            m_oldestQueued = std::chrono::steady_clock::now();
        m_queued += piece.size();
        m_queue.push_back(std::move(piece));
        lock.unlock();
        m_wake.notify_one();
        return true;
    }
    //! Waits until everything queued is written (or sending failed).
    void drain()
    {
        std::unique_lock lock(m_mutex);
        ++m_draining;
        m_wake.notify_one();
        m_room.wait(lock, [this] { return m_queue.empty() || !m_error.isEmpty(); });
        --m_draining;
    }
    QString error() const
    {
        const std::lock_guard lock(m_mutex);
        return m_error;
    }

private:
    void run()
    {
        // The program comes first: writing its trace out may lag (the listener keeps up within the
        // second), taking a core from it may not. A thread of its own can only lower its own priority.
        setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), SenderNiceness);
        std::unique_lock lock(m_mutex);
        if (m_fd < 0) {
            m_error = QString::fromLocal8Bit(std::strerror(m_dupError));
            m_room.notify_all();
            return;
        }
        for (;;) {
            m_wake.wait(lock, [this] { return !m_queue.empty() || m_closing; });
            // Written in batches: a busy program is not interrupted by every piece it queues, nor
            // is the window woken for each. A batch waits until it is large, or old enough.
            m_wake.wait_until(lock, m_oldestQueued + BatchAtMost,
                [this] { return m_queued >= BatchBytes || m_closing || m_draining > 0 || m_queue.empty(); });
            if (m_queue.empty()) {
                if (m_closing)
                    return; // closing, and everything is written
                continue;
            }
            const BinaryTracePiece piece = m_queue.front();
            lock.unlock();
            const QString failure = piece.bytes.isEmpty()
                ? write(reinterpret_cast<const char *>(piece.events.data()), piece.size())
                : write(piece.bytes.constData(), piece.size());
            lock.lock();
            m_queue.pop_front();
            m_queued -= piece.size();
            if (!failure.isEmpty()) {
                m_error = failure;
                m_queue.clear();
                m_queued = 0;
            }
            m_room.notify_all();
            if (!m_error.isEmpty())
                return;
        }
    }

    QString write(const char *block, qsizetype length) const
    {
        qsizetype done = 0;
        while (done < length) {
            const auto *data = block + done;
            const auto size = static_cast<std::size_t>(length - done);
            const ssize_t n = m_socket ? ::send(m_fd, data, size, MSG_NOSIGNAL) : ::write(m_fd, data, size);
            if (n > 0) {
                done += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                pollfd ready { m_fd, POLLOUT, 0 };
                if (::poll(&ready, 1, 30'000) == 0)
                    return QStringLiteral("the reader took nothing for 30 s");
                continue;
            }
            const int error = n < 0 ? errno : EIO;
            const QString reason = QString::fromLocal8Bit(std::strerror(error));
            if (m_socket && (error == EPIPE || error == ECONNRESET))
                return QStringLiteral("the window went away (%1); the program goes on unrecorded")
                    .arg(reason);
            return reason;
        }
        return {};
    }

    int m_fd;
    int m_dupError;
    bool m_socket = false;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_room;
    std::deque<BinaryTracePiece> m_queue;
    qint64 m_queued = 0;
    std::chrono::steady_clock::time_point m_oldestQueued; // when the queue last stopped being empty
    int m_draining = 0;
    bool m_closing = false;
    QString m_error;
};

LiveAddress LiveAddress::parse(const QString &text, const QString &what, bool anyPort)
{
    LiveAddress address;
    if (text.contains(u'/')) {
        address.socketPath = text;
        return address;
    }
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const int port = colon > 0 ? text.sliced(colon + 1).toInt(&ok) : -1;
    QString host = colon > 0 ? text.first(colon) : QString();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.sliced(1, host.size() - 2);
    address.host = QHostAddress(host);
    if (!ok || port < (anyPort ? 0 : 1) || port > 65535 || address.host.isNull())
        throw Error(
            QStringLiteral("%1 must be 127.0.0.1:PORT, [::1]:PORT or the path of a Unix socket, not \"%2\"")
                .arg(what, text));
    if (!address.host.isLoopback())
        throw Error(
            QStringLiteral("%1: %2 is not this machine; a trace is only streamed over loopback or a Unix "
                           "socket")
                .arg(what, host));
    address.port = static_cast<quint16>(port);
    return address;
}

TraceStreamer::TraceStreamer(
    const Trace &trace, const TraceMetadata &metadata, std::unique_ptr<QIODevice> device)
    : m_trace(trace)
    , m_encoder(trace)
    , m_device(std::move(device))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FlushAfterMs);
    connect(&m_timer, &QTimer::timeout, this, &TraceStreamer::flush);
    connect(&m_trace, &Trace::eventsAppended, this, &TraceStreamer::appended);
    connect(&m_trace, &Trace::aboutToClear, this, [this] {
        if (m_sender)
            m_sender->drain(); // the events it is sending are about to be freed
    });
    if (const int fd = descriptorOf(*m_device); fd >= 0)
        m_sender = std::make_unique<Sender>(fd);
    m_encoder.start(m_buffer, metadata);
    send(std::exchange(m_buffer, {}));
}

TraceStreamer::~TraceStreamer()
{
    if (!m_device)
        return;
    flush();
    if (!m_device)
        return;
    m_encoder.end(m_buffer);
    send(std::exchange(m_buffer, {}));
    if (m_sender) {
        if (const QString failure = m_sender->finish(); !failure.isEmpty()) {
            stopStreaming(failure);
            return;
        }
    }
    if (m_device)
        m_device->close();
}

std::unique_ptr<TraceStreamer> TraceStreamer::fromEnvironment(
    const Trace &trace, const QString &programName, ClockMode clock)
{
    const QString live = qEnvironmentVariable("LOOPSCOPE_LIVE");
    const QString file = qEnvironmentVariable("LOOPSCOPE_TRACE");
    if (live.isEmpty() && file.isEmpty())
        return nullptr;
    TraceMetadata metadata = TraceMetadata::recordedNow(QString(), {}, clock);
    metadata.program = QStringLiteral("%1 (pid %2)").arg(programName).arg(QCoreApplication::applicationPid());
    std::unique_ptr<QIODevice> device;
    if (!live.isEmpty()) {
        device = connectToWindow(live);
    } else {
        auto out = std::make_unique<QFile>(file);
        if (!out->open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw Error(QStringLiteral("LOOPSCOPE_TRACE: cannot write %1: %2").arg(file, out->errorString()));
        device = std::move(out);
    }
    return std::make_unique<TraceStreamer>(trace, metadata, std::move(device));
}

void TraceStreamer::appended()
{
    if (m_trace.nextSeq() - m_encoder.nextSeq() >= FlushAfterEvents)
        flush();
    else if (!m_timer.isActive())
        m_timer.start();
}

void TraceStreamer::flush()
{
    m_timer.stop();
    if (!m_device)
        return;
    if (m_sender && m_trace.capacity() == 0) {
        // The events are sent from where the trace keeps them (a trace with a capacity recycles
        // its oldest chunks, so that one is copied); a trace about to be cleared waits for them.
        std::vector<BinaryTracePiece> pieces;
        m_encoder.writeNewPieces(pieces);
        for (BinaryTracePiece &piece : pieces) {
            if (!queue(std::move(piece)))
                return;
        }
        return;
    }
    bool more = true;
    while (more) {
        more = m_encoder.writeNew(m_buffer, BinaryTrace::EventsPerChunk);
        send(std::exchange(m_buffer, {}));
    }
}

bool TraceStreamer::queue(BinaryTracePiece piece)
{
    if (m_sender->push(std::move(piece)))
        return true;
    stopStreaming(m_sender->error());
    return false;
}

void TraceStreamer::stopStreaming(const QString &why)
{
    std::fprintf(stderr, "loopscope: the trace stream stopped: %s\n", qPrintable(why));
    m_sender.reset();
    m_device.reset();
}

void TraceStreamer::send(QByteArray bytes)
{
    if (!m_device || bytes.isEmpty())
        return;
    if (m_sender) {
        queue({ std::move(bytes), {} });
        return;
    }
    const auto failed = [this] { stopStreaming(m_device->errorString()); };
    if (m_device->write(bytes) != bytes.size())
        return failed();
    if (auto *file = qobject_cast<QFileDevice *>(m_device.get())) {
        if (!file->flush())
            failed();
        return;
    }
    // Sockets send from their buffer when the event loop runs; waiting here bounds that buffer and
    // makes sure nothing is lost if the program ends right after.
    while (m_device->bytesToWrite() > 0) {
        if (!m_device->waitForBytesWritten(30'000))
            return failed();
    }
}

} // namespace Loopscope
