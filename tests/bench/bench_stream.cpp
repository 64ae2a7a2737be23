// loopscope-bench stream: the scheduler benchmark's workload (100,000 tasks x 10 yields, 2.3 M
// events) traced to memory only, then streamed live (TraceStreamer) over loopback to a listening
// process that reads it as the window does (LiveListener, LiveProgram): the program's run against
// memory only, when the streamer had sent everything (its destructor waits for its sender thread),
// every event received, and how long after the program's run the listener held the last one.

#include "bench.h"
#include "benchutil.h"

#include "cli/liveprograms.h"
#include "io/tracestreamer.h"
#include "scheduler/awaitables.h"
#include "scheduler/scheduler.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTcpSocket>
#include <QTextStream>

#include <chrono>

using namespace Loopscope;

namespace {

Task<void> yielder(int yields)
{
    for (int i = 0; i < yields; ++i)
        co_await yieldNow();
}

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Bench::Clock::now().time_since_epoch())
        .count();
}

struct Timed
{
    double seconds = 0;     //!< the program's run (the scheduler's, with the streamer encoding)
    double sentSeconds = 0; //!< until the streamer had handed its last byte to the socket
    qint64 events = 0;
    qint64 endNs = 0; //!< steady clock, when the program's run was done
};

//! The workload, its trace in memory only, or also streamed to `address`.
Timed runWorkload(int tasks, int yields, const QString &address)
{
    Scheduler scheduler;
    for (int i = 0; i < tasks; ++i)
        scheduler.spawn(yielder(yields), QStringLiteral("worker"));
    Timed timed;
    const auto start = Bench::Clock::now();
    {
        std::unique_ptr<TraceStreamer> streamer;
        if (!address.isEmpty()) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, address.section(u':', -1).toUShort());
            if (!socket->waitForConnected(5000))
                return timed;
            TraceMetadata metadata
                = TraceMetadata::recordedNow(QStringLiteral("bench"), {}, ClockMode::Virtual);
            metadata.program = QStringLiteral("loopscope-bench stream");
            streamer = std::make_unique<TraceStreamer>(scheduler.trace(), metadata, std::move(socket));
        }
        scheduler.runUntilIdle();
        timed.seconds = Bench::secondsSince(start);
        timed.endNs = steadyNs();
    } // the streamer sends the rest and the end marker
    timed.sentSeconds = Bench::secondsSince(start);
    timed.events = scheduler.trace().size();
    return timed;
}

//! The listening side, in a process of its own: prints its address, then what it received.
int receive()
{
    QTextStream out(stdout);
    LiveListener listener(QStringLiteral("127.0.0.1:0"));
    out << "LISTENING " << listener.address() << '\n';
    out.flush();
    std::shared_ptr<LiveProgram> program;
    qint64 lastNs = 0;
    QObject::connect(&listener, &LiveListener::programConnected, [&](std::shared_ptr<LiveProgram> connected) {
        program = std::move(connected);
        QObject::connect(program.get(), &LiveProgram::grew, [&lastNs] { lastNs = steadyNs(); });
        QObject::connect(program.get(), &LiveProgram::done, qApp, &QCoreApplication::quit);
    });
    QCoreApplication::exec();
    out << "RECEIVED events=" << (program ? program->trace().size() : 0) << " last_ns=" << lastNs
        << " problem=" << (program ? program->problem() : QStringLiteral("no program connected")) << '\n';
    return 0;
}

} // namespace

int benchStream(const QStringList &args)
{
    if (args.contains(QStringLiteral("--receive")))
        return receive();
    QTextStream out(stdout);
    const int tasks = Bench::intOption(args, QStringLiteral("--tasks"), 100'000);
    const int yields = Bench::intOption(args, QStringLiteral("--yields"), 10);
    Timed memory;
    memory.seconds = 1e9;
    for (int i = 0; i < 3; ++i) {
        const Timed t = runWorkload(tasks, yields, {});
        if (t.seconds < memory.seconds)
            memory = t;
    }
    out << "stream: " << memory.events << " events; traced to memory only in "
        << QString::number(memory.seconds, 'f', 3) << " s (best of 3)\n";
    out.flush();

    double best = 1e9, bestSent = 0, bestLag = 0;
    qint64 received = 0;
    QString problem;
    for (int round = 0; round < 3; ++round) {
        QProcess listener;
        listener.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        listener.start(QCoreApplication::applicationFilePath(),
            { QStringLiteral("stream"), QStringLiteral("--receive") });
        if (!listener.waitForReadyRead(10'000)) {
            out << "the listening process did not start\n";
            return 1;
        }
        const QString address = QString::fromUtf8(listener.readLine()).trimmed().section(u' ', 1);
        const Timed streamed = runWorkload(tasks, yields, address);
        if (!listener.waitForFinished(60'000)) {
            out << "the listening process did not finish\n";
            return 1;
        }
        const QString report = QString::fromUtf8(listener.readAll()).trimmed();
        const qint64 events = report.section(QStringLiteral("events="), 1).section(u' ', 0, 0).toLongLong();
        const qint64 lastNs = report.section(QStringLiteral("last_ns="), 1).section(u' ', 0, 0).toLongLong();
        const double lag = double(lastNs - streamed.endNs) / 1e9;
        problem = report.section(QStringLiteral("problem="), 1);
        out << QStringLiteral(
            "  round %1: program %2 s (%3x memory only), its stream all sent at %4 s; %5 of %6 events "
            "received, the last %7 s after the program's end%8\n")
                   .arg(round + 1)
                   .arg(streamed.seconds, 0, 'f', 3)
                   .arg(streamed.seconds / memory.seconds, 0, 'f', 2)
                   .arg(streamed.sentSeconds, 0, 'f', 3)
                   .arg(events)
                   .arg(streamed.events)
                   .arg(lag, 0, 'f', 3)
                   .arg(problem.isEmpty() ? QString() : QStringLiteral(" — ") + problem);
        out.flush();
        if (streamed.seconds < best) {
            best = streamed.seconds;
            bestSent = streamed.sentSeconds;
            bestLag = lag;
            received = events;
        }
    }
    out << QStringLiteral("RESULT stream events=%1 received=%2 memory_s=%3 streamed_s=%4 ratio=%5 lag_s=%6 "
                          "sent_s=%7 sent_ratio=%8 goal_ratio=1.5 goal_lag_s=1.0\n")
               .arg(memory.events)
               .arg(received)
               .arg(memory.seconds, 0, 'f', 3)
               .arg(best, 0, 'f', 3)
               .arg(best / memory.seconds, 0, 'f', 2)
               .arg(bestLag, 0, 'f', 3)
               .arg(bestSent, 0, 'f', 3)
               .arg(bestSent / memory.seconds, 0, 'f', 2);
    return received == memory.events ? 0 : 1;
}
