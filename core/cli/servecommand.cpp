#include "cli/servecommand.h"

#include "cli/terminationsignals.h"

#include "net/demoserver.h"
#include "net/demotls.h"

#include <limits>
#include <memory>
#include <optional>
#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QSocketNotifier>
#include <QTextStream>

namespace Loopscope {

namespace {

void printStatistics(const DemoServer::Statistics &stats, QTextStream &out)
{
    out << "connections: " << stats.connectionsAccepted << " accepted, peak " << stats.peakOpenConnections
        << " open at once\n";
    out << "requests: " << stats.requestsReceived << " received, " << stats.requestsServed
        << " answered, peak " << stats.peakOpenRequests << " in flight at once\n";
    out << "responses:";
    for (auto it = stats.responsesByStatus.cbegin(); it != stats.responsesByStatus.cend(); ++it)
        out << ' ' << it.key() << "\u00d7" << it.value();
    if (stats.responsesByStatus.isEmpty())
        out << " none";
    out << "\nfaults injected: " << stats.faultsInjected << '\n';
    if (stats.peakWorking > 0)
        out << "capacity: peak " << stats.peakWorking << " served at once, " << stats.overloadRefused
            << " refused with 429, " << stats.overloadQueued << " queued\n";
}

} // namespace

int runServeCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const auto fail = [&err](const QString &message, int code) {
        err << "loopscope serve: " << message << Qt::endl;
        return code;
    };
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serves the demo HTTP API on 127.0.0.1 until interrupted."));
    const DemoServer::Options defaults;
    const QCommandLineOption help(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("Port to listen on (0: any free port)."), QStringLiteral("P"), QStringLiteral("0"));
    const QCommandLineOption items(QStringLiteral("items"),
        QStringLiteral("Number of items in the collection."), QStringLiteral("N"),
        QString::number(defaults.items));
    const QCommandLineOption pageSize(QStringLiteral("page-size"), QStringLiteral("Default items per page."),
        QStringLiteral("N"), QString::number(defaults.pageSize));
    const QCommandLineOption latency(QStringLiteral("latency"),
        QStringLiteral("Delay each response by MS ms."), QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption jitter(QStringLiteral("jitter"),
        QStringLiteral("Vary the delay by up to \u00b1MS ms."), QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption errorRate(QStringLiteral("error-rate"),
        QStringLiteral("Fraction (0..1) of requests answered with a random fault."), QStringLiteral("R"),
        QStringLiteral("0"));
    const QCommandLineOption faults(QStringLiteral("faults"),
        QStringLiteral("Fault kinds the error rate draws from, comma-separated: "
                       "500, 429, drop, truncate, malformed, slow."),
        QStringLiteral("LIST"), QStringLiteral("500,429"));
    const QCommandLineOption seed(QStringLiteral("seed"),
        QStringLiteral("Seed of the jitter and random faults."), QStringLiteral("S"),
        QString::number(defaults.seed));
    const QCommandLineOption tls(QStringLiteral("tls"),
        QStringLiteral("Serve https with the demo certificate (for 127.0.0.1 and localhost); its CA is "
                       "written to --ca-out for clients to trust."));
    const QCommandLineOption caOut(QStringLiteral("ca-out"),
        QStringLiteral("Where --tls writes the demo CA certificate (PEM)."), QStringLiteral("FILE"),
        QDir::temp().filePath(QStringLiteral("loopscope-demo-ca.pem")));
    const QCommandLineOption shape(QStringLiteral("shape"),
        QStringLiteral("How pages look: items (?from=N, the default), drf (?page=N, {count, next, results}), "
                       "github (?page=N, a bare array and a Link header), stripe (?starting_after=ID, {data, "
                       "has_more}) or page (?page=N, {page, data}: no total)."),
        QStringLiteral("SHAPE"), QStringLiteral("items"));
    const QCommandLineOption tokenEnv(QStringLiteral("token-env"),
        QStringLiteral(
            "Answer /api/items only with Authorization: Bearer <the value of environment variable VAR> "
            "(loopscope fetch --bearer-env VAR sends it)."),
        QStringLiteral("VAR"));
    const QCommandLineOption gzip(QStringLiteral("gzip"),
        QStringLiteral("Compress pages with gzip for clients that accept it (Accept-Encoding)."));
    const QCommandLineOption maxInFlight(QStringLiteral("max-in-flight"),
        QStringLiteral("Serve at most N /api/items requests at once, or a limit that changes: 40,10@3s,40@6s "
                       "(times from the start; 0: no limit)."),
        QStringLiteral("N"));
    const QCommandLineOption overload(QStringLiteral("overload"),
        QStringLiteral("What becomes of a request beyond --max-in-flight: 429 (refused at once, without "
                       "Retry-After; the default) or queue (served when a worker is free)."),
        QStringLiteral("429|queue"), QStringLiteral("429"));
    parser.addOptions({ help, port, items, pageSize, latency, jitter, errorRate, faults, seed, tls, caOut,
        shape, tokenEnv, gzip, maxInFlight, overload });

    if (!parser.parse(QStringList { QStringLiteral("loopscope serve") } + args)) {
        return fail(parser.errorText(), 2);
    }
    if (parser.isSet(help)) {
        out << "Usage: loopscope serve [options]\n"
            << parser.helpText().section(QLatin1Char('\n'), 1) << Qt::flush;
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        return fail(
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().constFirst()), 2);
    }

    QString problem;
    const auto integer = [&](const QCommandLineOption &option, qint64 min, qint64 max) -> qint64 {
        bool ok = false;
        const QString text = parser.value(option);
        const qint64 value = text.toLongLong(&ok);
        if ((!ok || value < min || value > max) && problem.isEmpty())
            problem = QStringLiteral("invalid --%1 value '%2': expected an integer from %3 to %4")
                          .arg(option.names().constFirst(), text)
                          .arg(min)
                          .arg(max);
        return ok ? value : 0;
    };
    DemoServer::Options options;
    const auto listenPort = static_cast<quint16>(integer(port, 0, 65535));
    options.items = integer(items, 0, 1'000'000'000'000);
    options.pageSize = static_cast<int>(integer(pageSize, 1, DemoItems::MaxPageSize));
    options.latencyMs = static_cast<int>(integer(latency, 0, 600'000));
    options.jitterMs = static_cast<int>(integer(jitter, 0, 600'000));
    options.seed = static_cast<quint64>(integer(seed, 0, std::numeric_limits<qint64>::max()));
    bool rateOk = false;
    options.errorRate = parser.value(errorRate).toDouble(&rateOk);
    if (!rateOk && problem.isEmpty())
        problem = QStringLiteral("invalid --error-rate value '%1': expected a number from 0 to 1")
                      .arg(parser.value(errorRate));
    options.randomFaults.clear();
    for (const QString &name : parser.value(faults).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto fault = DemoServer::faultFromName(name.trimmed().toLatin1());
        if (fault)
            options.randomFaults.append(*fault);
        else if (problem.isEmpty())
            problem
                = QStringLiteral("unknown fault kind '%1' in --faults: expected 500, 429, drop, truncate, "
                                 "malformed or slow")
                      .arg(name.trimmed());
    }
    options.tls = parser.isSet(tls);
    options.gzip = parser.isSet(gzip);
    if (parser.isSet(tokenEnv)) {
        options.token = qgetenv(parser.value(tokenEnv).toLocal8Bit().constData());
        if (options.token.isEmpty() && problem.isEmpty())
            problem = QStringLiteral("--token-env: the environment variable %1 is not set")
                          .arg(parser.value(tokenEnv));
    }
    if (const auto chosen = DemoServer::shapeFromName(parser.value(shape).toLatin1()))
        options.shape = *chosen;
    else if (problem.isEmpty())
        problem = QStringLiteral("unknown --shape '%1': expected items, drf, github, stripe or page")
                      .arg(parser.value(shape));
    if (parser.isSet(maxInFlight) && problem.isEmpty()) {
        QString why;
        if (const auto capacity = DemoServer::parseCapacity(parser.value(maxInFlight), &why))
            options.capacity = *capacity;
        else
            problem = QStringLiteral("--max-in-flight: %1").arg(why);
    }
    if (parser.value(overload) == QLatin1StringView("queue"))
        options.overload = DemoServer::Overload::Queue;
    else if (parser.value(overload) != QLatin1StringView("429") && problem.isEmpty())
        problem
            = QStringLiteral("unknown --overload '%1': expected 429 or queue").arg(parser.value(overload));
    if (problem.isEmpty())
        problem = DemoServer::validateOptions(options);
    if (!problem.isEmpty())
        return fail(problem, 2);
    if (options.tls) {
        problem = DemoTls::writeCaFile(parser.value(caOut));
        if (!problem.isEmpty())
            return fail(problem, 1);
    }

    DemoServer server;
    server.setOptions(options);
    if (!server.listen(listenPort, &problem))
        return fail(problem, 1);
    TerminationSignals termination;
    if (!termination.notifier())
        return fail(QStringLiteral("cannot watch for SIGINT/SIGTERM: %1").arg(termination.error()), 1);
    QEventLoop loop;
    int stopSignal = 0;
    QObject::connect(termination.notifier(), &QSocketNotifier::activated, &loop, [&] {
        stopSignal = termination.takeSignal();
        loop.quit();
    });
    if (options.tls)
        out << "demo CA certificate (trust it with: loopscope fetch --ca-file " << parser.value(caOut)
            << ")\n";
    out << "serving " << options.items << " items on " << server.itemsUrl().toString();
    const bool limited = std::any_of(options.capacity.begin(), options.capacity.end(),
        [](const DemoServer::CapacityStep &step) { return step.limit > 0; });
    if (limited)
        out << ", at most " << parser.value(maxInFlight) << " at once ("
            << (options.overload == DemoServer::Overload::Queue ? "more are queued" : "more get 429") << ')';
    out << Qt::endl;
    loop.exec();

    out << "\nstopped by " << (stopSignal == SIGTERM ? "SIGTERM" : "SIGINT") << '\n';
    printStatistics(server.statistics(), out);
    out.flush();
    return 0;
}

} // namespace Loopscope
