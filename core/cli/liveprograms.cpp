#include "cli/liveprograms.h"

#include "io/traceformaterror.h"
#include "io/tracestreamer.h"
#include "run/waitforsignals.h"
#include "scheduler/errors.h"

#include <QEventLoop>
#include <QHostAddress>
#include <QLocalSocket>
#include <QTcpSocket>
#include <QTimer>

namespace Loopscope {

// ---- LiveProgram ----

LiveProgram::LiveProgram(QIODevice *connection, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_decoder(m_trace)
{
    connection->setParent(this);
    connect(connection, &QIODevice::readyRead, this, &LiveProgram::read);
    if (auto *tcp = qobject_cast<QAbstractSocket *>(connection))
        connect(tcp, &QAbstractSocket::disconnected, this, &LiveProgram::ended);
    else if (auto *local = qobject_cast<QLocalSocket *>(connection))
        connect(local, &QLocalSocket::disconnected, this, &LiveProgram::ended);
    QTimer::singleShot(0, this, &LiveProgram::read); // bytes that came with the connection
}

QString LiveProgram::name() const
{
    const QString program = m_decoder.metadata().program;
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
    try {
        m_decoder.feed(bytes);
    } catch (const TraceFormatError &error) {
        finish(
            tr("the stream was not a trace Loopscope can read, so it was closed: %1").arg(error.message()));
        return;
    }
    if (m_trace.size() != before)
        emit grew();
    if (m_decoder.ended())
        finish(QString());
}

void LiveProgram::ended()
{
    read();
    if (!m_done)
        finish(tr("the program went away before the end of its stream"));
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
