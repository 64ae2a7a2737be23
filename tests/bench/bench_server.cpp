// Requests per second of the demo server at zero latency.
//
// The server runs in a child process (this same binary with --serve-only) pinned to one core; the
// parent pins itself to another core and drives the server over loopback with keep-alive raw
// QTcpSocket connections, so that the client's cost is not charged to the server's core. The
// server's CPU time is read from /proc/<pid>/stat around the measured window.
#include "bench.h"
#include "benchutil.h"
#include "net/demoserver.h"

#include <memory>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QSocketNotifier>
#include <QTcpSocket>
#include <QTextStream>
#include <QTimer>
#include <sched.h>
#include <unistd.h>
#include <vector>

namespace {

using Bench::cpuCount;
using Bench::pinToCpu;
using Bench::processCpuSeconds;
using Loopscope::DemoServer;

struct BenchOptions
{
    bool serveOnly = false;
    quint16 port = 0;
    int cpu = -1;
    qint64 items = 10'000;
    qint64 requests = 200'000;
    int connections = 64;
    int pipeline = 1;
    int maxSeconds = 60;
    int latencyMs = 0;
    bool tls = false;
};

struct LoadResult
{
    qint64 completed = 0;
    qint64 failed = 0;
    double seconds = 0.0;
    bool timedOut = false;
    QString error;
};

// The child: serve until the parent closes our stdin, then report what the server saw.
int serveOnly(const BenchOptions &options)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (options.cpu >= 0 && !pinToCpu(options.cpu, err))
        return 1;
    DemoServer server;
    DemoServer::Options serverOptions;
    serverOptions.items = options.items;
    serverOptions.latencyMs = options.latencyMs;
    serverOptions.tls = options.tls;
    QString error;
    if (!server.setOptions(serverOptions, &error) || !server.listen(options.port, &error)) {
        err << "bench server: " << error << '\n';
        return 1;
    }
    out << "PORT " << server.port() << Qt::endl;
    QEventLoop loop;
    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &loop, [&] {
        char buffer[256];
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0)
            loop.quit();
    });
    loop.exec();
    const DemoServer::Statistics &stats = server.statistics();
    out << "server saw " << stats.connectionsAccepted << " connections, " << stats.requestsReceived
        << " requests, answered " << stats.requestsServed << " (" << stats.responsesByStatus.value(200)
        << " with 200), peak " << stats.peakOpenRequests << " in flight" << Qt::endl;
    return 0;
}

// The parent's load: `connections` keep-alive sockets, each keeping `pipeline` requests in flight
// over a rotation of every page, until `requests` answers arrived or maxSeconds passed.
LoadResult driveLoad(quint16 port, const BenchOptions &options)
{
    const qint64 pages = qMax<qint64>(1, (options.items + 49) / 50);
    QList<QByteArray> requests;
    for (qint64 page = 0; page < qMin<qint64>(pages, 10'000); ++page)
        requests.append(
            "GET /api/items?from=" + QByteArray::number(page * 50) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

    struct Client
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray input;
        int inFlight = 0;
    };
    std::vector<Client> clients(static_cast<std::size_t>(options.connections));
    LoadResult result;
    qint64 sent = 0;
    int connected = 0;
    QEventLoop loop;
    QElapsedTimer clock;

    const auto sendMore = [&](Client &client) {
        QByteArray batch;
        while (client.inFlight < options.pipeline && sent < options.requests) {
            batch += requests.at(static_cast<qsizetype>(sent++ % requests.size()));
            ++client.inFlight;
        }
        if (!batch.isEmpty()) {
            client.socket->write(batch);
            client.socket->flush(); // now, as an HTTP client sends a request, not on the next pass
        }
    };
    const auto receive = [&](Client &client) {
        client.input += client.socket->readAll();
        qsizetype offset = 0;
        for (;;) {
            const qsizetype headEnd = client.input.indexOf("\r\n\r\n", offset);
            if (headEnd < 0)
                break;
            const qsizetype lengthAt = client.input.indexOf("Content-Length: ", offset);
            if (lengthAt < 0 || lengthAt > headEnd) {
                result.error = QStringLiteral("a response without Content-Length");
                loop.quit();
                return;
            }
            qsizetype length = 0;
            for (qsizetype i = lengthAt + 16; client.input.at(i) >= '0' && client.input.at(i) <= '9'; ++i)
                length = length * 10 + (client.input.at(i) - '0');
            if (client.input.size() < headEnd + 4 + length)
                break;
            if (client.input.mid(offset + 9, 3) != "200")
                ++result.failed;
            offset = headEnd + 4 + length;
            --client.inFlight;
            ++result.completed;
        }
        client.input.remove(0, offset);
        if (result.completed >= options.requests)
            loop.quit();
        else
            sendMore(client);
    };

    for (Client &client : clients) {
        QTcpSocket *socket = client.socket.get();
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(socket, &QTcpSocket::connected, &loop, [&] {
            if (++connected < options.connections)
                return;
            clock.start();
            for (Client &each : clients)
                sendMore(each);
        });
        QObject::connect(socket, &QTcpSocket::readyRead, &loop, [&receive, &client] { receive(client); });
        QObject::connect(socket, &QTcpSocket::errorOccurred, &loop, [&, socket] {
            result.error = QStringLiteral("connection failed: %1").arg(socket->errorString());
            loop.quit();
        });
        socket->connectToHost(QHostAddress::LocalHost, port);
    }
    QTimer::singleShot(options.maxSeconds * 1000, &loop, [&] {
        result.timedOut = true;
        loop.quit();
    });
    loop.exec();
    result.seconds = clock.isValid() ? static_cast<double>(clock.nsecsElapsed()) / 1e9 : 0.0;
    for (Client &client : clients)
        client.socket->disconnect();
    return result;
}

bool parseOptions(const QStringList &args, BenchOptions &options, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption serveOnlyOption(
        QStringLiteral("serve-only"), QStringLiteral("Only run the server."));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Server port (0: any)."),
        QStringLiteral("P"), QStringLiteral("0"));
    const QCommandLineOption cpu(QStringLiteral("cpu"), QStringLiteral("Pin the server to this CPU."),
        QStringLiteral("N"), QStringLiteral("-1"));
    const QCommandLineOption items(QStringLiteral("items"), QStringLiteral("Collection size."),
        QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption requests(QStringLiteral("requests"), QStringLiteral("Requests to complete."),
        QStringLiteral("N"), QStringLiteral("200000"));
    const QCommandLineOption connections(QStringLiteral("connections"),
        QStringLiteral("Keep-alive connections."), QStringLiteral("N"), QStringLiteral("64"));
    const QCommandLineOption pipeline(QStringLiteral("pipeline"),
        QStringLiteral("Requests in flight per connection."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption seconds(QStringLiteral("max-seconds"), QStringLiteral("Time bound of the run."),
        QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption latency(QStringLiteral("latency"),
        QStringLiteral("Response delay of --serve-only (ms)."), QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption tls(
        QStringLiteral("tls"), QStringLiteral("--serve-only over https (the demo certificate)."));
    parser.addOptions(
        { serveOnlyOption, port, cpu, items, requests, connections, pipeline, seconds, latency, tls });
    if (!parser.parse(QStringList { QStringLiteral("loopscope-bench server") } + args)) {
        err << "server benchmark: " << parser.errorText() << '\n';
        return false;
    }
    bool allOk = true;
    const auto number = [&](const QCommandLineOption &option, qint64 min, qint64 max) {
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if (!ok || value < min || value > max) {
            err << "server benchmark: invalid --" << option.names().constFirst() << " '"
                << parser.value(option) << "': expected an integer from " << min << " to " << max << '\n';
            allOk = false;
        }
        return value;
    };
    options.serveOnly = parser.isSet(serveOnlyOption);
    options.port = static_cast<quint16>(number(port, 0, 65535));
    options.cpu = static_cast<int>(number(cpu, -1, CPU_SETSIZE - 1));
    options.items = number(items, 1, 1'000'000'000);
    options.requests = number(requests, 1, 100'000'000);
    options.connections = static_cast<int>(number(connections, 1, 1000));
    options.pipeline = static_cast<int>(number(pipeline, 1, 64));
    options.maxSeconds = static_cast<int>(number(seconds, 1, 3600));
    options.latencyMs = static_cast<int>(number(latency, 0, 60'000));
    options.tls = parser.isSet(tls);
    return allOk;
}

} // namespace

int benchServer(const QStringList &args)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    BenchOptions options;
    if (!parseOptions(args, options, err))
        return 2;
    if (options.serveOnly)
        return serveOnly(options);

    const bool pin = cpuCount() >= 2;
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList childArgs { QStringLiteral("server"), QStringLiteral("--serve-only"),
        QStringLiteral("--items"), QString::number(options.items) };
    if (pin)
        childArgs << QStringLiteral("--cpu") << QStringLiteral("0");
    child.start(QCoreApplication::applicationFilePath(), childArgs);
    while (child.state() != QProcess::NotRunning && !child.canReadLine())
        child.waitForReadyRead(10'000);
    const QByteArray portLine = child.readLine().trimmed();
    if (!portLine.startsWith("PORT ")) {
        err << "server benchmark: the server process did not start (" << child.errorString() << ")\n";
        child.kill();
        child.waitForFinished(5000);
        return 1;
    }
    const auto port = static_cast<quint16>(portLine.sliced(5).toUInt());
    if (pin && !pinToCpu(1, err))
        return 1;

    out << "server benchmark: " << options.connections << " keep-alive connections, pipeline depth "
        << options.pipeline << ", " << options.requests << " requests over " << options.items
        << " items, zero latency; " << (pin ? "server on CPU 0, client on CPU 1" : "one CPU, not pinned")
        << Qt::endl;
    const double cpuBefore = processCpuSeconds(child.processId());
    const LoadResult result = driveLoad(port, options);
    const double cpuAfter = processCpuSeconds(child.processId());

    child.closeWriteChannel();
    if (!child.waitForFinished(10'000)) {
        child.kill();
        child.waitForFinished(5000);
    }
    out << child.readAllStandardOutput();
    if (!result.error.isEmpty()) {
        err << "server benchmark: " << result.error << '\n';
        return 1;
    }
    const double serverCpu = cpuBefore >= 0 && cpuAfter >= 0 ? cpuAfter - cpuBefore : -1.0;
    const double perSecond
        = result.seconds > 0 ? static_cast<double>(result.completed) / result.seconds : 0.0;
    out << "completed " << result.completed << " requests (" << result.failed << " not 200) in "
        << QString::number(result.seconds, 'f', 3) << " s" << (result.timedOut ? " (time bound reached)" : "")
        << '\n';
    out << "throughput " << qRound64(perSecond) << " requests/s; server CPU "
        << QString::number(serverCpu, 'f', 2) << " s";
    if (serverCpu > 0)
        out << " = " << qRound64(static_cast<double>(result.completed) / serverCpu)
            << " requests per server CPU second";
    out << '\n';
    out << "RESULT server requests=" << result.completed
        << " seconds=" << QString::number(result.seconds, 'f', 3) << " req_per_s=" << qRound64(perSecond)
        << " connections=" << options.connections << " server_cpu_s=" << QString::number(serverCpu, 'f', 2)
        << Qt::endl;
    return result.failed == 0 ? 0 : 1;
}
