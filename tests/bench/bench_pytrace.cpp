// loopscope-bench pytrace: the same asyncio workloads run plain and under Loopscope's recorder (best
// of 3 each, in this run), every event counted, and how long after the program's end the run that
// the window plays has shown the last event.
#include "bench.h"
#include "benchutil.h"

#include "record/recordingrun.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <limits>

namespace {

// 100,000 tasks x 10 `await asyncio.sleep(0)`: the recorder's cost per scheduling step.
const char *YieldsProgram = R"(import asyncio, sys
async def worker():
    for _ in range(10):
        await asyncio.sleep(0)
async def main(tasks):
    await asyncio.gather(*(worker() for _ in range(tasks)))
asyncio.run(main(int(sys.argv[1])))
)";

// Clients exchanging lines with a server in the same program over loopback sockets: reads and
// writes that really wait for the selector.
const char *SocketsProgram = R"(import asyncio, sys
async def serve(reader, writer):
    while line := await reader.readline():
        writer.write(line)
        await writer.drain()
    writer.close()
async def client(port, rounds):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(rounds):
        writer.write(b"ping %d\n" % i)
        await writer.drain()
        await reader.readline()
    writer.close()
    await writer.wait_closed()
async def main(clients, rounds):
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.gather(*(client(port, rounds) for _ in range(clients)))
asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
)";

struct Recorded
{
    double seconds = -1;   //!< program start to the last event read
    double lagSeconds = 0; //!< program end to the last event shown by the run the window plays
    qint64 events = 0;
    qint64 slowSteps = 0; //!< steps that held the loop over 100 ms: how many depends on the machine
    QString error;
};

double runPlain(const QString &script, const QStringList &args)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer wall;
    wall.start();
    process.start(QStringLiteral("python3"), QStringList { script } + args);
    if (!process.waitForFinished(600'000) || process.exitCode() != 0)
        return -1;
    return double(wall.nsecsElapsed()) / 1e9;
}

Recorded runRecorded(const QString &script, const QStringList &args)
{
    Recorded result;
    QString error;
    const Loopscope::PythonCommand command = Loopscope::PythonCommand::parse(
        QStringList { QStringLiteral("python3"), script } + args, {}, &error);
    if (!command.isValid()) {
        result.error = error;
        return result;
    }
    QElapsedTimer wall;
    wall.start();
    try {
        // As the window plays it: step as fast as possible, waiting briefly when nothing is due.
        Loopscope::RecordingRun run(command);
        qint64 endedAt = -1;
        QObject::connect(&run.recording(), &Loopscope::PythonRecording::programEnded,
            [&] { endedAt = wall.nsecsElapsed(); });
        while (!run.isFinished()) {
            if (run.step().action == Loopscope::StepAction::Blocked)
                run.recording().waitForMore(5);
        }
        const qint64 shownAt = wall.nsecsElapsed();
        result.seconds = double(shownAt) / 1e9;
        result.lagSeconds = endedAt >= 0 ? double(shownAt - endedAt) / 1e9 : -1;
        const Loopscope::Trace &trace = run.trace();
        result.events = trace.size();
        for (qsizetype i = 0; i < trace.size(); ++i)
            result.slowSteps += trace.at(i).kind == Loopscope::EventKind::SlowStep;
        if (run.recording().exitCode() != 0)
            result.error = QStringLiteral("the program %1").arg(run.recording().outcome());
        if (!run.recording().streamError().isEmpty())
            result.error = run.recording().streamError();
    } catch (const std::exception &e) {
        result.error = QString::fromUtf8(e.what());
    }
    return result;
}

struct Comparison
{
    double plain = std::numeric_limits<double>::max();
    Recorded recorded;
};

Comparison compare(const QString &name, const QString &script, const QStringList &args, QTextStream &out)
{
    Comparison best;
    best.recorded.seconds = std::numeric_limits<double>::max();
    for (int round = 0; round < 3; ++round) {
        const double plain = runPlain(script, args);
        const Recorded recorded = runRecorded(script, args);
        out << QStringLiteral(
            "  %1 round %2: plain %3 s, recorded %4 s (%5 events; last shown %6 s after the end)%7\n")
                   .arg(name)
                   .arg(round + 1)
                   .arg(plain, 0, 'f', 3)
                   .arg(recorded.seconds, 0, 'f', 3)
                   .arg(recorded.events)
                   .arg(recorded.lagSeconds, 0, 'f', 3)
                   .arg(recorded.error.isEmpty() ? QString() : QStringLiteral(" — ") + recorded.error);
        out.flush();
        if (plain > 0)
            best.plain = std::min(best.plain, plain);
        if (recorded.error.isEmpty() && recorded.seconds < best.recorded.seconds)
            best.recorded = recorded;
    }
    return best;
}

} // namespace

int benchPytrace(const QStringList &args)
{
    QTextStream out(stdout);
    const int tasks = Bench::intOption(args, QStringLiteral("--tasks"), 100'000);
    const int clients = Bench::intOption(args, QStringLiteral("--clients"), 200);
    const int rounds = Bench::intOption(args, QStringLiteral("--rounds"), 100);
    QTemporaryDir folder;
    const auto write = [&folder](const QString &name, const char *text) {
        QFile file(folder.filePath(name));
        file.open(QIODevice::WriteOnly);
        file.write(text);
        return file.fileName();
    };
    const QString yields = write(QStringLiteral("yields.py"), YieldsProgram);
    const QString sockets = write(QStringLiteral("sockets.py"), SocketsProgram);

    out << "pytrace: " << tasks << " tasks x 10 sleep(0), then " << clients << " socket clients x " << rounds
        << " round trips; plain python3 against the same under loopscope's recorder, best of 3\n";
    const Comparison y = compare(QStringLiteral("yields"), yields, { QString::number(tasks) }, out);
    const Comparison s = compare(
        QStringLiteral("sockets"), sockets, { QString::number(clients), QString::number(rounds) }, out);
    // Every task: created, started, 10 suspensions and resumptions, returned; then main (created,
    // started, suspended on gather, resumed, returned), the loop's start and stop, and the note of how
    // the program ended. Slow steps (main creating the tasks holds the loop for most of a second)
    // come on top, as many as the machine's speed makes.
    const qint64 expected = 23LL * tasks + 5 + 2 + 1;
    const qint64 counted = y.recorded.events - y.recorded.slowSteps;
    const bool measured = y.recorded.events > 0 && s.recorded.events > 0;
    const double slowdown = y.recorded.seconds / y.plain;
    const double socketSlowdown = s.recorded.seconds / s.plain;
    out << QStringLiteral("yields:  plain %1 s, recorded %2 s: %3x; %4 events and %5 slow steps (expected %6 "
                          "events)\n")
               .arg(y.plain, 0, 'f', 3)
               .arg(y.recorded.seconds, 0, 'f', 3)
               .arg(slowdown, 0, 'f', 2)
               .arg(counted)
               .arg(y.recorded.slowSteps)
               .arg(expected);
    out << QStringLiteral("sockets: plain %1 s, recorded %2 s: %3x; %4 events\n")
               .arg(s.plain, 0, 'f', 3)
               .arg(s.recorded.seconds, 0, 'f', 3)
               .arg(socketSlowdown, 0, 'f', 2)
               .arg(s.recorded.events);
    out << QStringLiteral("RESULT pytrace slowdown=%1 events=%2 expected=%3 lag_s=%4 sockets_slowdown=%5 "
                          "sockets_events=%6 plain_s=%7 recorded_s=%8\n")
               .arg(slowdown, 0, 'f', 2)
               .arg(counted)
               .arg(expected)
               .arg(std::max(y.recorded.lagSeconds, s.recorded.lagSeconds), 0, 'f', 3)
               .arg(socketSlowdown, 0, 'f', 2)
               .arg(s.recorded.events)
               .arg(y.plain, 0, 'f', 3)
               .arg(y.recorded.seconds, 0, 'f', 3);
    return measured && counted == expected ? 0 : 1;
}
