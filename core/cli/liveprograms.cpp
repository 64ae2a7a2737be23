#include "cli/liveprograms.h"

#include "io/binarytrace.h"
#include "io/recorderstream.h"
#include "io/traceformaterror.h"
#include "io/tracestreamer.h"
#include "run/waitforsignals.h"
#include "scheduler/errors.h"

#include <optional>
#include <QEventLoop>
#include <QHostAddress>
#include <QLocalSocket>
#include <QTcpSocket>
#include <QTimer>

namespace Loopscope {

// ---- LiveProgram ----

//! Reads one kind of stream into the program's trace.
class LiveProgram::Decoder
{
public:
    virtual ~Decoder() = default;
    //! Reads what `bytes` completes. Throws TraceFormatError when the stream is malformed.
    virtual void feed(QByteArrayView bytes) = 0;
    //! The stream's end marker arrived.
    virtual bool ended() const = 0;
    //! The connection closed: why the stream is not whole, or empty when it is.
    virtual QString closed() = 0;
    //! The program's name and clock, once the stream said them (null before).
    virtual std::optional<TraceMetadata> metadata() const = 0;
};

namespace {

//! A program on Loopscope's scheduler: the binary trace format (io/binarytrace.h).
class BinaryDecoder final : public LiveProgram::Decoder
{
public:
    explicit BinaryDecoder(Trace &trace)
        : m_decoder(trace)
    { }
    void feed(QByteArrayView bytes) override { m_decoder.feed(bytes); }
    bool ended() const override { return m_decoder.ended(); }
    QString closed() override
    {
        return ended() ? QString() : LiveProgram::tr("the program went away before the end of its stream");
    }
    std::optional<TraceMetadata> metadata() const override
    {
        return m_decoder.hasMetadata() ? std::optional(m_decoder.metadata()) : std::nullopt;
    }

private:
    BinaryTraceDecoder m_decoder;
};

//! A Python program under the recorder: its stream has no end marker, so it is whole when it
//! closes between records with every event loop stopped.
class RecorderDecoder final : public LiveProgram::Decoder
{
public:
    explicit RecorderDecoder(Trace &trace)
        : m_reader(trace)
    { }
    void feed(QByteArrayView bytes) override
    {
        if (!m_reader.feed(bytes))
            throw TraceFormatError(m_reader.error());
    }
    bool ended() const override { return false; }
    QString closed() override
    {
        if (!m_reader.finish())
            return LiveProgram::tr("the program went away in the middle of its stream: %1")
                .arg(m_reader.error());
        if (m_reader.openLoops() > 0)
            return LiveProgram::tr("the program went away while its event loop ran");
        return QString();
    }
    std::optional<TraceMetadata> metadata() const override
    {
        return m_reader.hasInfo() ? std::optional(m_reader.metadata()) : std::nullopt;
    }

private:
    RecorderStreamReader m_reader;
};

} // namespace

LiveProgram::LiveProgram(QIODevice *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
{
    connection->setParent(this);
    connect(connection, &QIODevice::readyRead, this, &LiveProgram::read);
    if (auto *tcp = qobject_cast<QAbstractSocket *>(connection))
        connect(tcp, &QAbstractSocket::disconnected, this, &LiveProgram::ended);
    else if (auto *local = qobject_cast<QLocalSocket *>(connection))
        connect(local, &QLocalSocket::disconnected, this, &LiveProgram::ended);
    QTimer::singleShot(0, this, &LiveProgram::read); // bytes that came with the connection
}

LiveProgram::~LiveProgram() = default;

QString LiveProgram::name() const
{
    const QString program = m_metadata.program;
    return program.isEmpty() ? tr("a program") : program;
}

void LiveProgram::read()
{
    if (m_done || !m_connection)
        return;
    const QByteArray bytes = m_connection->readAll();
    if (bytes.isEmpty())
        return;
    const qsizetype before = m_trace.size();
    if (!m_decoder) {
        if (RecorderStreamReader::looksRecorded(bytes))
            m_decoder = std::make_unique<RecorderDecoder>(m_trace);
        else
            m_decoder = std::make_unique<BinaryDecoder>(m_trace);
    }
    try {
        m_decoder->feed(bytes);
        if (!m_hasHeader) {
            if (std::optional<TraceMetadata> metadata = m_decoder->metadata()) {
                m_metadata = *std::move(metadata);
                m_hasHeader = true;
            }
        }
    } catch (const TraceFormatError &error) {
        finish(
            tr("the stream was not a trace Loopscope can read, so it was closed: %1").arg(error.message()));
        return;
    }
    if (m_trace.size() != before)
        emit grew();
    if (m_decoder->ended())
        finish(QString());
}

void LiveProgram::ended()
{
    read();
    if (!m_done)
        finish(m_decoder ? m_decoder->closed() : tr("the program went away before it sent anything"));
}

void LiveProgram::finish(const QString &problem)
{
    m_done = true;
    m_problem = problem;
    if (m_connection) {
        disconnect(m_connection, nullptr, this, nullptr);
        m_connection->close();
    }
    if (!problem.isEmpty()) {
        // The trace itself says how it ended, for whoever opens it later.
        const std::int64_t end = m_trace.isEmpty() ? 0 : m_trace.last().timeNs;
        m_trace.append(EventKind::Message, end, NoTask, 0, m_trace.intern(problem));
        m_trace.publish();
        emit grew();
    }
    emit done();
}

void LiveProgram::waitForMore(int ms)
{
    if (!m_done)
        waitForSignals(ms, this, &LiveProgram::grew, &LiveProgram::done);
}

// ---- LiveRun ----

LiveRun::LiveRun(std::shared_ptr<LiveProgram> program)
    : m_program(std::move(program))
    , m_replay(std::make_unique<ReplayRun>(
          m_program->trace(), [program = m_program.get()] { return program->isDone(); }))
{ }

qint64 LiveRun::runToEnd(qint64 maxSteps)
{
    qint64 steps = 0;
    while (!isFinished() && (maxSteps <= 0 || steps < maxSteps)) {
        if (step().action == StepAction::Blocked)
            m_program->waitForMore(100);
        else
            ++steps;
    }
    return steps;
}

const TraceMetadata *LiveRun::recordedMetadata() const
{
    if (!m_program->metadata().createdBy.isEmpty())
        m_metadata = m_program->metadata();
    else
        m_metadata = TraceMetadata::recordedNow(QString(), {}, ClockMode::Real);
    return &m_metadata;
}

// ---- LiveListener ----

LiveListener::LiveListener(const QString &address, QObject *parent)
    : QObject(parent)
{
    const LiveAddress where = LiveAddress::parse(address, tr("the address to listen on"), true);
    if (!where.socketPath.isEmpty()) {
        m_path = where.socketPath;
        QLocalServer::removeServer(address); // a socket file left by a listener that was killed
        m_local.setSocketOptions(QLocalServer::UserAccessOption);
        if (!m_local.listen(address))
            throw Error(tr("cannot listen on %1: %2").arg(address, m_local.errorString()));
        connect(&m_local, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *socket = m_local.nextPendingConnection())
                accept(socket);
        });
        return;
    }
    if (!m_tcp.listen(where.host, where.port))
        throw Error(tr("cannot listen on %1: %2").arg(address, m_tcp.errorString()));
    connect(&m_tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_tcp.nextPendingConnection())
            accept(socket);
    });
}

QString LiveListener::address() const
{
    if (!m_path.isEmpty())
        return m_path;
    const QHostAddress host = m_tcp.serverAddress();
    const QString text = host.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(host.toString())
        : host.toString();
    return QStringLiteral("%1:%2").arg(text).arg(m_tcp.serverPort());
}

void LiveListener::accept(QIODevice *connection)
{
    emit programConnected(std::make_shared<LiveProgram>(connection));
}

} // namespace Loopscope
