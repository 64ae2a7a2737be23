#include "io/tracestreamer.h"

#include "scheduler/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QLocalSocket>
#include <QTcpSocket>

#include <cstdio>

namespace Loopscope {

namespace {

constexpr int FlushAfterMs = 50;
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

} // namespace

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
    m_encoder.start(m_buffer, metadata);
    send(std::exchange(m_buffer, {}));
}

TraceStreamer::~TraceStreamer()
{
    if (!m_device)
        return;
    m_encoder.end(m_buffer);
    send(std::exchange(m_buffer, {}));
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
    bool more = true;
    while (more) {
        more = m_encoder.writeNew(m_buffer, BinaryTrace::EventsPerChunk);
        send(std::exchange(m_buffer, {}));
    }
}

void TraceStreamer::send(const QByteArray &bytes)
{
    if (!m_device || bytes.isEmpty())
        return;
    const auto failed = [this] {
        std::fprintf(
            stderr, "loopscope: the trace stream stopped: %s\n", qPrintable(m_device->errorString()));
        m_device.reset();
    };
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
