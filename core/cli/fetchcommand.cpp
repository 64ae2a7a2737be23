#include "cli/fetchcommand.h"

#include "cli/terminationsignals.h"

#include "io/chrometraceexport.h"
#include "io/eventrange.h"
#include "io/harexport.h"
#include "io/tracefilewriter.h"
#include "run/tracemetadata.h"
#include "net/connector.h"
#include "scheduler/scheduler.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QSaveFile>
#include <QElapsedTimer>
#include <QSocketNotifier>

#include <unistd.h>

namespace Loopscope {

namespace {

struct FetchCommandLine
{
    FetchOptions fetch;
    HttpClientOptions http;
    QString out;
    QString trace; //!< where to save the trace (.loopscope, .json for Perfetto, .har), or empty
    bool quiet = false;
    QString help; //!< --help: the text to print instead of fetching
};

//! Saves the retrieval's trace in the format its file name asks for.
void saveTrace(const Trace &trace, const QString &path, const QDateTime &started)
{
    if (path.endsWith(QLatin1String(".loopscope"))) {
        TraceFileWriter::save(trace, TraceMetadata::recordedNow(QStringLiteral("fetch"), {}, ClockMode::Real), path);
        return;
    }
    const QByteArray bytes = path.endsWith(QLatin1String(".har"))
        ? HarExport::toJson(trace, started).json
        : ChromeTraceExport::toJson(trace, EventRange::all(trace), QStringLiteral("loopscope fetch"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(QStringLiteral("cannot write the trace to %1: %2").arg(path, file.errorString()));
}

bool parseNumber(const QCommandLineParser &parser, const QString &name, qint64 minimum, qint64 maximum,
                 qint64 &value, QString &error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 parsed = parser.value(name).toLongLong(&ok);
    if (!ok || parsed < minimum || parsed > maximum) {
        error = QStringLiteral("--%1 must be a whole number between %2 and %3, got \"%4\"")
                    .arg(name)
                    .arg(minimum)
                    .arg(maximum)
                    .arg(parser.value(name));
        return false;
    }
    value = parsed;
    return true;
}

std::optional<FetchCommandLine> parseArguments(const QStringList &args, QString &error)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("url"), QStringLiteral("the collection's address"));
    const QList<QCommandLineOption> options{
        {QStringLiteral("out"), QStringLiteral("JSON Lines file to land the items in"), QStringLiteral("file")},
        {QStringLiteral("page-size"), QStringLiteral("items per page (default 50)"), QStringLiteral("n")},
        {QStringLiteral("concurrency"), QStringLiteral("requests in flight (default 8)"), QStringLiteral("c")},
        {QStringLiteral("strategy"), QStringLiteral("sequential, unbounded, bounded (default) or adaptive"), QStringLiteral("name")},
        {QStringLiteral("style"), QStringLiteral("offset (default) or next"), QStringLiteral("style")},
        {QStringLiteral("offset-param"), QStringLiteral("offset parameter (default from)"), QStringLiteral("name")},
        {QStringLiteral("limit-param"), QStringLiteral("page size parameter (default limit; empty: none)"), QStringLiteral("name")},
        {QStringLiteral("max-pages"), QStringLiteral("stop after this many pages"), QStringLiteral("n")},
        {QStringLiteral("timeout-ms"), QStringLiteral("per-request timeout (default 30000)"), QStringLiteral("ms")},
        {QStringLiteral("attempts"), QStringLiteral("tries per request (default 4)"), QStringLiteral("n")},
        {QStringLiteral("seed"), QStringLiteral("seed of the retry jitter"), QStringLiteral("n")},
        {QStringLiteral("trace"), QStringLiteral("save the trace: .loopscope, .json (Perfetto) or .har"), QStringLiteral("file")},
        {QStringLiteral("quiet"), QStringLiteral("no progress line")},
    };
    parser.addOptions(options);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("show this help"));
    parser.addOption(help);
    parser.setApplicationDescription(
        QStringLiteral("Fetches every page of a paginated JSON collection concurrently and lands its items as JSON Lines."));
    if (!parser.parse(QStringList{QStringLiteral("loopscope fetch")} + args)) {
        error = parser.errorText() + QStringLiteral(" (see 'loopscope fetch --help')");
        return std::nullopt;
    }
    if (parser.isSet(help)) {
        FetchCommandLine line;
        line.help = QStringLiteral("Usage: loopscope fetch [options] URL --out FILE.jsonl\n")
            + parser.helpText().section(u'\n', 1);
        return line;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        error = positional.isEmpty() ? QStringLiteral("fetch needs the collection's URL")
                                     : QStringLiteral("fetch takes one URL, got %1 arguments").arg(positional.size());
        return std::nullopt;
    }
    FetchCommandLine line;
    line.fetch.url = QUrl::fromUserInput(positional.first());
    line.out = parser.value(QStringLiteral("out"));
    if (line.out.isEmpty()) {
        error = QStringLiteral("fetch needs --out FILE (the JSON Lines file to land the items in)");
        return std::nullopt;
    }
    line.quiet = parser.isSet(QStringLiteral("quiet"));
    line.trace = parser.value(QStringLiteral("trace"));
    if (!line.trace.isEmpty() && !line.trace.endsWith(QLatin1String(".loopscope"))
        && !line.trace.endsWith(QLatin1String(".json")) && !line.trace.endsWith(QLatin1String(".har"))) {
        error = QStringLiteral("--trace must name a .loopscope, .json (Perfetto) or .har file, got \"%1\"").arg(line.trace);
        return std::nullopt;
    }
    qint64 pageSize = line.fetch.pageSize, concurrency = line.fetch.concurrency, maxPages = 0;
    qint64 timeout = line.http.timeout.count(), attempts = line.http.maxAttempts, seed = 1;
    if (!parseNumber(parser, QStringLiteral("page-size"), 1, 100'000, pageSize, error)
        || !parseNumber(parser, QStringLiteral("concurrency"), 1, 10'000, concurrency, error)
        || !parseNumber(parser, QStringLiteral("max-pages"), 0, 1'000'000'000, maxPages, error)
        || !parseNumber(parser, QStringLiteral("timeout-ms"), 1, 3'600'000, timeout, error)
        || !parseNumber(parser, QStringLiteral("attempts"), 1, 100, attempts, error)
        || !parseNumber(parser, QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), seed, error))
        return std::nullopt;
    line.fetch.pageSize = int(pageSize);
    line.fetch.concurrency = int(concurrency);
    line.fetch.maxConcurrency = std::max(line.fetch.maxConcurrency, int(concurrency));
    line.fetch.maxPages = maxPages;
    line.http.timeout = std::chrono::milliseconds(timeout);
    line.http.maxAttempts = int(attempts);
    line.http.seed = quint64(seed);
    if (parser.isSet(QStringLiteral("strategy"))) {
        const auto strategy = fetchStrategyFromName(parser.value(QStringLiteral("strategy")));
        if (!strategy) {
            error = QStringLiteral("unknown strategy \"%1\": use sequential, unbounded, bounded or adaptive")
                        .arg(parser.value(QStringLiteral("strategy")));
            return std::nullopt;
        }
        line.fetch.strategy = *strategy;
    }
    const QString style = parser.value(QStringLiteral("style"));
    if (style == QLatin1String("next"))
        line.fetch.style = PaginationStyle::NextLink;
    else if (!style.isEmpty() && style != QLatin1String("offset")) {
        error = QStringLiteral("unknown style \"%1\": use offset or next").arg(style);
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("offset-param")))
        line.fetch.offsetParam = parser.value(QStringLiteral("offset-param"));
    if (parser.isSet(QStringLiteral("limit-param")))
        line.fetch.limitParam = parser.value(QStringLiteral("limit-param"));
    error = line.fetch.validate();
    if (error.isEmpty())
        error = line.http.validate();
    if (!error.isEmpty())
        return std::nullopt;
    return line;
}

//! Redraws one status line: in place on a terminal, a line every two seconds otherwise.
class ProgressLine
{
public:
    ProgressLine(QTextStream &err, bool enabled)
        : m_err(err)
        , m_enabled(enabled)
        , m_terminal(::isatty(STDERR_FILENO) == 1)
    {
        m_sinceDraw.start();
    }

    void update(const FetchProgress &p, bool final = false)
    {
        if (!m_enabled || (!final && m_sinceDraw.elapsed() < (m_terminal ? 100 : 2000)))
            return;
        m_sinceDraw.restart();
        const double fresh = double(p.pagesLanded - p.pagesResumed);
        const double rate = p.elapsedSeconds > 0 ? fresh / p.elapsedSeconds : 0;
        QString eta = QStringLiteral("?");
        if (p.pagesTotal >= 0 && rate > 0)
            eta = QStringLiteral("%1 s").arg(double(p.pagesTotal - p.pagesLanded - p.pagesFailed) / rate, 0, 'f', 1);
        const QString total = p.pagesTotal >= 0 ? QString::number(p.pagesTotal) : QStringLiteral("?");
        const QString text = QStringLiteral("pages %1/%2 · items %3 · in flight %4 · errors %5 · %6 pages/s · ETA %7")
                                 .arg(p.pagesLanded)
                                 .arg(total)
                                 .arg(p.items)
                                 .arg(p.inFlight)
                                 .arg(p.pagesFailed)
                                 .arg(rate, 0, 'f', 0)
                                 .arg(final ? QStringLiteral("done") : eta);
        if (m_terminal)
            m_err << '\r' << text << QStringLiteral("\x1b[K") << (final ? "\n" : "");
        else
            m_err << text << '\n';
        m_err.flush();
    }

private:
    QTextStream &m_err;
    bool m_enabled;
    bool m_terminal;
    QElapsedTimer m_sinceDraw;
};

} // namespace

int runFetchCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QString error;
    const auto line = parseArguments(args, error);
    if (!line) {
        err << "loopscope fetch: " << error << '\n';
        return 2;
    }
    if (!line->help.isEmpty()) {
        out << line->help;
        return 0;
    }
    std::optional<LandingZone> zone;
    try {
        zone.emplace(line->out, line->fetch.identity());
    } catch (const Error &e) {
        err << "loopscope fetch: " << e.message() << '\n';
        return 2;
    }
    if (zone->resumedPages() > 0)
        err << "resuming: " << zone->resumedPages() << " pages already landed in " << line->out << '\n';

    SchedulerOptions schedulerOptions;
    schedulerOptions.clock = ClockMode::Real;
    Scheduler scheduler(schedulerOptions);
    HttpClient client(line->http);
    Connector connector(client, line->fetch, *zone);
    ProgressLine progress(err, !line->quiet);
    connector.progressChanged = [&progress](const FetchProgress &p) { progress.update(p); };

    const QDateTime started = QDateTime::currentDateTimeUtc();
    TerminationSignals termination;
    auto run = scheduler.spawn(connector.run(), QStringLiteral("fetch"));
    QObject::connect(termination.notifier(), &QSocketNotifier::activated, &scheduler, [&] {
        termination.takeSignal();
        scheduler.cancel(run);
    });
    try {
        scheduler.runUntilIdle();
        run.result();
    } catch (const CancelledError &) {
        progress.update(connector.progress(), true);
        err << "interrupted: " << connector.progress().pagesLanded << " pages landed in " << line->out
            << "; run the same command again to fetch the rest\n";
        return 130;
    } catch (const Error &e) {
        progress.update(connector.progress(), true);
        err << "loopscope fetch: " << e.message() << '\n';
        return 2;
    }
    const FetchSummary summary = run.result();
    if (!line->trace.isEmpty()) {
        try {
            saveTrace(scheduler.trace(), line->trace, started);
        } catch (const Error &e) {
            err << "loopscope fetch: " << e.message() << '\n';
            return 2;
        }
    }
    const FetchProgress &p = summary.progress;
    progress.update(p, true);
    out << QStringLiteral("landed %1 pages (%2 items, %3 new) in %4 s into %5; peak in flight %6; retries %7; failed %8\n")
               .arg(p.pagesLanded)
               .arg(zone->itemsLanded())
               .arg(p.pagesLanded - p.pagesResumed)
               .arg(p.elapsedSeconds, 0, 'f', 2)
               .arg(line->out)
               .arg(p.peakInFlight)
               .arg(p.retries)
               .arg(p.pagesFailed);
    for (const PageRecord &failure : summary.failures)
        out << "  page " << failure.page << " failed after " << failure.attempts << " attempts: " << failure.error << '\n';
    if (!summary.failures.isEmpty()) {
        out << summary.failures.size() << " pages failed; run the same command again to retry them\n";
        return 1;
    }
    return 0;
}

} // namespace Loopscope
