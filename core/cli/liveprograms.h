#pragma once

#include "run/replayrun.h"
#include "run/tracemetadata.h"

#include <QLocalServer>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <memory>

namespace Loopscope {

/*!
 * A program that streams its trace to this process, read as the bytes arrive: a program on
 * Loopscope's scheduler (TraceStreamer, LOOPSCOPE_LIVE) in the binary trace format, or a Python
 * program under the recorder (resources/python/loopscope_record.py, LOOPSCOPE_LIVE too) in the
 * recorder's stream; the first byte tells which, and both become the same trace. A stream that turns out
 * malformed (garbage, a hostile length, another version) is closed with the reader's message; one that stops
 * before its end marker (the program was killed) is kept and says so with a final message event. Either way
 * what arrived whole stays.
 */
class LiveProgram : public QObject
{
    Q_OBJECT
public:
    //! Reads from `connection`, which it takes over.
    //! Reads one kind of stream (defined where it is used).
    class Decoder;

    explicit LiveProgram(QIODevice *connection, QObject *parent = nullptr);
    ~LiveProgram() override;

    const Trace &trace() const { return m_trace; }
    //! "fetch-pages (pid 4242)", as the program named itself, once its header arrived.
    QString name() const;
    const TraceMetadata &metadata() const { return m_metadata; }
    //! Whether the stream's header (the program's name and clock) has arrived.
    bool hasHeader() const { return m_hasHeader; }
    //! The stream ended: whole, cut short, or refused.
    bool isDone() const { return m_done; }
    //! Why the stream ended early (empty when it ended whole or goes on).
    const QString &problem() const { return m_problem; }
    //! Runs the event loop until the trace grows or the stream ends, at most `ms`.
    void waitForMore(int ms);

signals:
    void grew();
    void done();

private:
    void read();
    void ended();
    void finish(const QString &problem);

    QPointer<QIODevice> m_connection;
    Trace m_trace;
    std::unique_ptr<Decoder> m_decoder; //!< chosen by the stream's first byte
    TraceMetadata m_metadata;
    bool m_hasHeader = false;
    bool m_done = false;
    QString m_problem;
};

/*!
 * A live program as a Run the window plays: each step shows the next scheduling action as soon as
 * it has arrived (Blocked until then), so that the program is drawn as it runs, and stepping back
 * works through what has arrived.
 */
class LiveRun final : public Run
{
public:
    explicit LiveRun(std::shared_ptr<LiveProgram> program);

    const Trace &trace() const override { return m_replay->trace(); }
    StepResult step() override { return m_replay->step(); }
    bool isFinished() const override { return m_replay->isFinished(); }
    qint64 runToEnd(qint64 maxSteps = 0) override;
    //! Real: the run follows a stream as it arrives (recordedMetadata() has the program's own clock).
    ClockMode clockMode() const override { return ClockMode::Real; }
    const TraceMetadata *recordedMetadata() const override;
    LiveProgram &program() const { return *m_program; }

private:
    std::shared_ptr<LiveProgram> m_program;
    std::unique_ptr<ReplayRun> m_replay;
    mutable TraceMetadata m_metadata;
};

/*!
 * Listens for programs that stream their traces (`loopscope --listen`): on loopback TCP
 * (127.0.0.1:PORT, [::1]:PORT; port 0 picks one) or a Unix socket (a path) that only this user
 * may connect to. Nothing listens unless one is made; other addresses are refused.
 */
class LiveListener : public QObject
{
    Q_OBJECT
public:
    //! The address programs connect to when none is given.
    static constexpr QLatin1StringView DefaultAddress { "127.0.0.1:7788" };

    //! Listens on `address`; throws Error with a message for the user when it cannot.
    explicit LiveListener(const QString &address, QObject *parent = nullptr);
    //! What a program sets LOOPSCOPE_LIVE to (with the port chosen, when 0 was asked).
    QString address() const;

signals:
    void programConnected(std::shared_ptr<Loopscope::LiveProgram> program);

private:
    void accept(QIODevice *connection);

    QTcpServer m_tcp;
    QLocalServer m_local;
    QString m_path;
};

} // namespace Loopscope
