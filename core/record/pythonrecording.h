#pragma once

#include "io/recorderstream.h"
#include "record/pythoncommand.h"

#include <memory>
#include <QLocalServer>
#include <QPointer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QLocalSocket;
QT_END_NAMESPACE

namespace Loopscope {

/*!
 * A Python program running under Loopscope's recorder, and the trace of what its event loop does
 * as it arrives. start() writes the recorder into a private folder, listens on a local socket
 * there and starts the interpreter with the recorder in front of the program; the program's
 * input and output are the caller's own (passed through, never mixed into the trace).
 *
 * The recording is done once the program has ended and its stream has been read to the end; then
 * the trace ends with a note of how the program ended ("exited with status 0", "was stopped",
 * "crashed"). A stream that turns out malformed stops being read (streamError()); what it said
 * before stays.
 */
class PythonRecording : public QObject
{
    Q_OBJECT
public:
    explicit PythonRecording(PythonCommand command, QObject *parent = nullptr);
    ~PythonRecording() override;

    //! Starts the program; false (with `error`) when it cannot.
    bool start(QString *error);
    const PythonCommand &command() const { return m_command; }
    const Trace &trace() const { return m_trace; }
    const RecordedProgramInfo &info() const { return m_reader.info(); }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    bool isDone() const { return m_done; }
    //! The program's exit status (128 + the signal's number when a signal ended it).
    int exitCode() const { return m_exitCode; }
    //! How the program ended, in words ("exited with status 0"); empty while it runs.
    const QString &outcome() const { return m_outcome; }
    const QString &streamError() const { return m_reader.error(); }
    //! Ends the program (SIGTERM, then SIGKILL if it lingers); what it recorded stays.
    void stop();
    //! Runs the calling thread's event loop until the recording grows or is done, at most `ms`.
    void waitForMore(int ms);
    //! Takes in what the program has sent so far, without waiting.
    void readArrived();

signals:
    //! Events arrived (the trace has grown).
    void grew();
    //! The program's process ended (its last events may still be on their way).
    void programEnded();
    //! The program ended and its stream was read to the end.
    void done();

private:
    void acceptConnection();
    void readStream();
    void programFinished(int exitCode, QProcess::ExitStatus status);
    void finishIfComplete();

    PythonCommand m_command;
    Trace m_trace;
    RecorderStreamReader m_reader;
    QTemporaryDir m_folder;
    QLocalServer m_server;
    QPointer<QLocalSocket> m_socket;
    QProcess m_process;
    QTimer m_killTimer;
    bool m_processEnded = false;
    bool m_streamEnded = false;
    bool m_stopped = false;
    bool m_done = false;
    int m_exitCode = 0;
    QString m_outcome;
};

} // namespace Loopscope
