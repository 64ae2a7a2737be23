#include "record/pythonrecording.h"

#include "run/waitforsignals.h"

#include <csignal>
#include <QEventLoop>
#include <QFile>
#include <QLocalSocket>

namespace Loopscope {

namespace {

const QString RecorderResource = QStringLiteral(":/python/loopscope_record.py");

} // namespace

PythonRecording::PythonRecording(PythonCommand command, QObject *parent)
    : QObject(parent)
    , m_command(std::move(command))
    , m_reader(m_trace)
{
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] { m_process.kill(); });
    connect(&m_server, &QLocalServer::newConnection, this, &PythonRecording::acceptConnection);
    connect(&m_process, &QProcess::finished, this, &PythonRecording::programFinished);
}

PythonRecording::~PythonRecording()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

bool PythonRecording::start(QString *error)
{
    const auto failed = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!m_folder.isValid())
        return failed(
            QStringLiteral("cannot make a private folder for the recorder: %1").arg(m_folder.errorString()));
    const QString recorder = m_folder.filePath(QStringLiteral("loopscope_record.py"));
    if (!QFile::copy(RecorderResource, recorder))
        return failed(QStringLiteral("cannot write the recorder to %1").arg(recorder));
    // Only this user may connect: the socket lives in a folder of mode 0700.
    const QString socket = m_folder.filePath(QStringLiteral("stream"));
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server.listen(socket))
        return failed(
            QStringLiteral("cannot listen for the recorder on %1: %2").arg(socket, m_server.errorString()));
    const QString interpreter = m_command.resolvedInterpreter();
    if (interpreter.isEmpty())
        return failed(QStringLiteral("%1 was not found: install Python 3").arg(m_command.interpreter));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("LOOPSCOPE_RECORD_SOCKET"), socket);
    m_process.setProcessEnvironment(environment);
    m_process.setProgram(interpreter);
    m_process.setArguments(m_command.recordedArguments(recorder));
    if (!m_command.workingDirectory.isEmpty())
        m_process.setWorkingDirectory(m_command.workingDirectory);
    m_process.setProcessChannelMode(QProcess::ForwardedChannels);
    m_process.setInputChannelMode(QProcess::ForwardedInputChannel);
    m_process.start();
    if (!m_process.waitForStarted(10'000))
        return failed(QStringLiteral("cannot start %1: %2").arg(interpreter, m_process.errorString()));
    return true;
}

void PythonRecording::acceptConnection()
{
    QLocalSocket *next = m_server.nextPendingConnection();
    if (m_socket) {
        next->deleteLater(); // one program, one stream: a second connection is not ours
        return;
    }
    m_socket = next;
    m_socket->setParent(this);
    connect(m_socket, &QLocalSocket::readyRead, this, &PythonRecording::readStream);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        readStream();
        m_streamEnded = true;
        m_reader.finish();
        finishIfComplete();
    });
    m_server.close(); // nobody else may connect
    readStream();
}

void PythonRecording::readStream()
{
    if (!m_socket)
        return;
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty() || m_reader.hasError())
        return;
    const qint64 before = m_reader.eventCount();
    if (!m_reader.feed(bytes))
        m_socket->abort(); // a malformed stream is not read further; the program goes on
    if (m_reader.eventCount() != before)
        emit grew();
}

void PythonRecording::programFinished(int exitCode, QProcess::ExitStatus status)
{
    m_processEnded = true;
    m_killTimer.stop();
    if (status == QProcess::CrashExit) {
        // QProcess reports a signal as a crash; which signal is not given, so a stop says so itself.
        m_exitCode = m_stopped ? 128 + SIGTERM : 1;
        m_outcome
            = m_stopped ? QStringLiteral("was stopped") : QStringLiteral("crashed (killed by a signal)");
    } else {
        m_exitCode = exitCode;
        m_outcome = m_stopped ? QStringLiteral("was stopped (exit status %1)").arg(exitCode)
                              : QStringLiteral("exited with status %1").arg(exitCode);
    }
    if (!m_socket)
        m_streamEnded = true; // it never connected (it failed before its loop began, or is not Python)
    emit programEnded();
    finishIfComplete();
}

void PythonRecording::finishIfComplete()
{
    if (m_done || !m_processEnded || !m_streamEnded)
        return;
    m_done = true;
    // The end, in the trace: how the program ended and, if its loop never said it stopped (it was
    // killed, or crashed), that it is over.
    const std::int64_t end = m_trace.isEmpty() ? 0 : m_trace.last().timeNs;
    const bool loopOpen = m_reader.openLoops() > 0 || m_trace.isEmpty();
    QString note = QStringLiteral("the program %1").arg(m_outcome);
    if (m_reader.hasError())
        note += QStringLiteral("; its recording broke off: %1").arg(m_reader.error());
    m_trace.append(EventKind::Message, end, NoTask, 0, m_trace.intern(note));
    if (loopOpen)
        m_trace.append(
            EventKind::LoopStopped, end, NoTask, 0, m_trace.intern(QStringLiteral("the program ended")));
    m_trace.publish();
    emit grew();
    emit done();
}

void PythonRecording::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_stopped = true;
    m_process.terminate();
    m_killTimer.start(3000);
}

void PythonRecording::readArrived()
{
    if (m_socket && m_socket->state() == QLocalSocket::ConnectedState)
        m_socket->waitForReadyRead(0);
}

void PythonRecording::waitForMore(int ms)
{
    if (!m_done)
        waitForSignals(ms, this, &PythonRecording::grew, &PythonRecording::done);
}

} // namespace Loopscope
