#include "cli/fetchcommand.h"

#include "cli/terminationsignals.h"

#include "io/textexport.h"
#include "net/landingzone.h"
#include "net/retrieval.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSocketNotifier>

#include <tuple>

#include <unistd.h>

namespace Loopscope {

namespace {

struct FetchCommandLine
{
    RetrievalSettings retrieval;
    QString trace; //!< where to save the trace (.loopscope, .json for Perfetto, .har), or empty
    bool quiet = false;
    QString help; //!< --help: the text to print instead of fetching
};

//! The format --trace FILE asks for by its suffix: a .loopscope file (or .jsonl, as text), Perfetto's JSON
//! or a HAR.
const TextFormatInfo *traceFormatOf(const QString &path)
{
    const TextFormatInfo *format = textFormatOfFile(path);
    return format && format->format != TextFormat::Mermaid ? format : nullptr;
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
    const QList<QCommandLineOption> options {
        { QStringLiteral("out"), QStringLiteral("JSON Lines file to land the items in"),
            QStringLiteral("file") },
        { QStringLiteral("page-size"), QStringLiteral("items per page (default 50)"), QStringLiteral("n") },
        { QStringLiteral("concurrency"),
            QStringLiteral("requests in flight (default 8); adaptive: the most it may try (default 100)"),
            QStringLiteral("c") },
        { QStringLiteral("strategy"), QStringLiteral("sequential, unbounded, bounded (default) or adaptive"),
            QStringLiteral("name") },
        { QStringLiteral("style"),
            QStringLiteral("offset (default: ?from=N), page (?page=N), next (a link in the page or the Link "
                           "header) or cursor"),
            QStringLiteral("style") },
        { QStringLiteral("page-param"),
            QStringLiteral("page style: the page number's parameter (default page)"),
            QStringLiteral("name") },
        { QStringLiteral("first-page"), QStringLiteral("page style: the first page's number (default 1)"),
            QStringLiteral("n") },
        { QStringLiteral("items-path"),
            QStringLiteral(
                "JSON Pointer to the items array, as /data or /hits/hits (default: the page itself if "
                "it is an array, else the first of items, data, results, records, value, entries)"),
            QStringLiteral("pointer") },
        { QStringLiteral("total-path"),
            QStringLiteral("JSON Pointer to the collection's size (default /total)"),
            QStringLiteral("pointer") },
        { QStringLiteral("next-path"),
            QStringLiteral(
                "next style: JSON Pointer to the next page's link (default /next; else the Link header)"),
            QStringLiteral("pointer") },
        { QStringLiteral("cursor-path"),
            QStringLiteral("cursor style: JSON Pointer to the next cursor in the page"),
            QStringLiteral("pointer") },
        { QStringLiteral("cursor-from-item"),
            QStringLiteral(
                "cursor style: JSON Pointer into the page's last item whose value is the cursor (as /id)"),
            QStringLiteral("pointer") },
        { QStringLiteral("cursor-param"), QStringLiteral("cursor style: the parameter the cursor is sent in"),
            QStringLiteral("name") },
        { QStringLiteral("has-more-path"),
            QStringLiteral("JSON Pointer to a true/false that says whether pages follow (as /has_more)"),
            QStringLiteral("pointer") },
        { QStringLiteral("offset-param"), QStringLiteral("offset parameter (default from)"),
            QStringLiteral("name") },
        { QStringLiteral("limit-param"), QStringLiteral("page size parameter (default limit; empty: none)"),
            QStringLiteral("name") },
        { QStringLiteral("max-pages"),
            QStringLiteral("stop after this many pages (0: no limit, the default)"), QStringLiteral("n") },
        { QStringLiteral("timeout-ms"), QStringLiteral("per-request timeout (default 30000)"),
            QStringLiteral("ms") },
        { QStringLiteral("attempts"), QStringLiteral("tries per request (default 4)"), QStringLiteral("n") },
        { QStringLiteral("seed"), QStringLiteral("seed of the retry jitter"), QStringLiteral("n") },
        { QStringLiteral("trace"),
            QStringLiteral("save the trace: .loopscope, .jsonl (as text), .json (Perfetto) or .har"),
            QStringLiteral("file") },
        { QStringLiteral("quiet"), QStringLiteral("no progress line") },
        { QStringLiteral("header"),
            QStringLiteral(
                "send this header with every request, as \"Accept: application/json\" (repeatable); "
                "values of credentials (Authorization, *token*, *key*...) are never written down"),
            QStringLiteral("header") },
        { QStringLiteral("header-env"),
            QStringLiteral(
                "send header NAME with the value of environment variable VAR (repeatable), so that a "
                "token is not on the command line; its value is never written down"),
            QStringLiteral("NAME=VAR") },
        { QStringLiteral("bearer-env"),
            QStringLiteral("send Authorization: Bearer <the value of environment variable VAR> (as OAuth "
                           "tokens go; serve --token-env VAR expects it)"),
            QStringLiteral("VAR") },
        { QStringLiteral("rate"),
            QStringLiteral("at most this many requests a second, all together (10/s, 600/min, 3600/h; a "
                           "bare number is per second); the server's X-RateLimit-Remaining and -Reset are "
                           "honoured anyway"),
            QStringLiteral("rate") },
        { QStringLiteral("shard"),
            QStringLiteral(
                "fetch only slice K of N of the pages (offset and page styles), for N machines to share "
                "one collection; join the parts with loopscope merge"),
            QStringLiteral("K/N") },
        { QStringLiteral("ca-file"), QStringLiteral("https: also trust the CAs of this PEM file"),
            QStringLiteral("pem") },
        { QStringLiteral("insecure"), QStringLiteral("https: accept any certificate (no verification)") },
        { QStringLiteral("allow-repeated-pages"),
            QStringLiteral("land pages whose items equal another page's (by default such a page stops the "
                           "retrieval: the server seems to ignore the page asked for); a link or cursor that "
                           "leads back still stops it") },
    };
    parser.addOptions(options);
    const QCommandLineOption help(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("show this help"));
    parser.addOption(help);
    parser.setApplicationDescription(QStringLiteral(
        "Fetches every page of a paginated JSON collection concurrently and lands its items as JSON Lines."));
    if (!parser.parse(QStringList { QStringLiteral("loopscope fetch") } + args)) {
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
        error = positional.isEmpty()
            ? QStringLiteral("fetch needs the collection's URL")
            : QStringLiteral("fetch takes one URL, got %1 arguments").arg(positional.size());
        return std::nullopt;
    }
    FetchCommandLine line;
    line.retrieval.url = QUrl::fromUserInput(positional.first());
    line.retrieval.outputPath = parser.value(QStringLiteral("out"));
    if (line.retrieval.outputPath.isEmpty()) {
        error = QStringLiteral("fetch needs --out FILE (the JSON Lines file to land the items in)");
        return std::nullopt;
    }
    line.quiet = parser.isSet(QStringLiteral("quiet"));
    line.trace = parser.value(QStringLiteral("trace"));
    if (!line.trace.isEmpty()) {
        if (!traceFormatOf(line.trace)) {
            error = QStringLiteral("--trace must name a .loopscope, .jsonl (the trace as text), .json "
                                   "(Perfetto) or .har file, got \"%1\"")
                        .arg(line.trace);
            return std::nullopt;
        }
        const QStringList outputs = LandingZone::filesFor(line.retrieval.outputPath);
        if (outputs.contains(LandingZone::filesFor(line.trace).first())) {
            error = QStringLiteral("--trace %1 would overwrite the items, their manifest or their lock: "
                                   "choose another file")
                        .arg(line.trace);
            return std::nullopt;
        }
        const QFileInfo folder(QFileInfo(line.trace).absolutePath());
        if (!folder.isDir() || !folder.isWritable()) {
            error = QStringLiteral("--trace %1: the folder %2 %3")
                        .arg(line.trace, folder.filePath(),
                            folder.isDir() ? QStringLiteral("is not writable")
                                           : QStringLiteral("does not exist"));
            return std::nullopt;
        }
    }
    qint64 pageSize = line.retrieval.fetch.pageSize, concurrency = line.retrieval.fetch.concurrency,
           maxPages = 0;
    qint64 timeout = line.retrieval.http.timeout.count(), attempts = line.retrieval.http.maxAttempts,
           seed = 1;
    if (!parseNumber(parser, QStringLiteral("page-size"), 1, 100'000, pageSize, error)
        || !parseNumber(parser, QStringLiteral("concurrency"), 1, 10'000, concurrency, error)
        || !parseNumber(parser, QStringLiteral("max-pages"), 0, 1'000'000'000, maxPages, error)
        || !parseNumber(parser, QStringLiteral("timeout-ms"), 1, 3'600'000, timeout, error)
        || !parseNumber(parser, QStringLiteral("attempts"), 1, 100, attempts, error)
        || !parseNumber(parser, QStringLiteral("seed"), 0, std::numeric_limits<qint64>::max(), seed, error))
        return std::nullopt;
    line.retrieval.fetch.pageSize = int(pageSize);
    line.retrieval.fetch.concurrency = int(concurrency);
    line.retrieval.fetch.maxConcurrency = std::max(line.retrieval.fetch.maxConcurrency, int(concurrency));
    line.retrieval.fetch.maxPages = maxPages;
    line.retrieval.http.timeout = std::chrono::milliseconds(timeout);
    line.retrieval.http.maxAttempts = int(attempts);
    line.retrieval.http.seed = quint64(seed);
    for (const QString &text : parser.values(QStringLiteral("header"))) {
        const auto header = parseHeaderLine(text, &error);
        if (!header) {
            error = QStringLiteral("--header: ") + error;
            return std::nullopt;
        }
        line.retrieval.fetch.headers.append(*header);
    }
    // Headers whose values come from the environment: (option, NAME=VAR, what goes before the value).
    QList<std::tuple<QString, QString, QByteArray>> fromEnvironment;
    for (const QString &text : parser.values(QStringLiteral("header-env")))
        fromEnvironment.append({ QStringLiteral("--header-env"), text, {} });
    for (const QString &variable : parser.values(QStringLiteral("bearer-env"))) {
        if (!isEnvironmentVariableName(variable)) { // (not shown: it may be the token itself)
            error = QStringLiteral("--bearer-env: give the name of an environment variable (letters, digits "
                                   "and _), not its value");
            return std::nullopt;
        }
        fromEnvironment.append(
            { QStringLiteral("--bearer-env"), QStringLiteral("Authorization=") + variable, "Bearer " });
    }
    for (const auto &[option, text, scheme] : std::as_const(fromEnvironment)) {
        QString problem;
        auto header = headerFromEnvironment(text, &problem);
        if (!header) {
            error = option + QStringLiteral(": ") + problem; // (the argument may be a pasted token)
            return std::nullopt;
        }
        header->second.prepend(scheme);
        line.retrieval.fetch.headers.append(*header);
        line.retrieval.http.secretHeaders.append(header->first);
    }
    if (parser.isSet(QStringLiteral("shard"))) {
        const QStringList parts = parser.value(QStringLiteral("shard")).split(u'/');
        bool okIndex = false, okCount = false;
        const int index = parts.size() == 2 ? parts[0].toInt(&okIndex) : 0;
        const int count = parts.size() == 2 ? parts[1].toInt(&okCount) : 0;
        if (!okIndex || !okCount) {
            error = QStringLiteral(
                "--shard takes K/N (this machine's slice and how many there are, as 2/4), got \"%1\"")
                        .arg(parser.value(QStringLiteral("shard")));
            return std::nullopt;
        }
        line.retrieval.fetch.shardIndex = index;
        line.retrieval.fetch.shardCount = count;
    }
    if (parser.isSet(QStringLiteral("rate"))) {
        const double rate = parseRate(parser.value(QStringLiteral("rate")));
        if (rate <= 0) {
            error
                = QStringLiteral("--rate takes requests per second or minute, as 10/s or 600/min, got \"%1\"")
                      .arg(parser.value(QStringLiteral("rate")));
            return std::nullopt;
        }
        line.retrieval.http.maxRequestsPerSecond = rate;
    }
    line.retrieval.http.caFile = parser.value(QStringLiteral("ca-file"));
    line.retrieval.http.insecure = parser.isSet(QStringLiteral("insecure"));
    line.retrieval.fetch.allowRepeatedPages = parser.isSet(QStringLiteral("allow-repeated-pages"));
    if (parser.isSet(QStringLiteral("strategy"))) {
        const auto strategy = fetchStrategyFromName(parser.value(QStringLiteral("strategy")));
        if (!strategy) {
            error = QStringLiteral("unknown strategy \"%1\": use sequential, unbounded, bounded or adaptive")
                        .arg(parser.value(QStringLiteral("strategy")));
            return std::nullopt;
        }
        line.retrieval.fetch.strategy = *strategy;
    }
    if (line.retrieval.fetch.strategy == FetchStrategy::Adaptive) {
        // --concurrency is the most adaptive may try; it starts lower and finds the source's limit.
        line.retrieval.fetch.makeAdaptive(
            parser.isSet(QStringLiteral("concurrency")) ? int(concurrency) : FetchOptions::AdaptiveCeiling);
    }
    if (parser.isSet(QStringLiteral("style"))) {
        const auto style = paginationStyleFromName(parser.value(QStringLiteral("style")));
        if (!style) {
            error = QStringLiteral("unknown style \"%1\": use offset, page, next or cursor")
                        .arg(parser.value(QStringLiteral("style")));
            return std::nullopt;
        }
        line.retrieval.fetch.style = *style;
    }
    FetchOptions &fetch = line.retrieval.fetch;
    if (parser.isSet(QStringLiteral("page-param")))
        fetch.pageParam = parser.value(QStringLiteral("page-param"));
    qint64 firstPage = fetch.firstPage;
    if (!parseNumber(parser, QStringLiteral("first-page"), 0, 1'000'000'000, firstPage, error))
        return std::nullopt;
    fetch.firstPage = firstPage;
    fetch.cursorParam = parser.value(QStringLiteral("cursor-param"));
    // Each pointer option: parsed, or a clear error naming the option.
    const auto pointer = [&parser, &error](const char *name) -> std::optional<std::optional<JsonPointer>> {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            return std::optional<JsonPointer> {};
        QString problem;
        const auto parsed = parseJsonPointer(parser.value(option), &problem);
        if (!parsed) {
            error = QStringLiteral("--%1: %2").arg(option, problem);
            return std::nullopt;
        }
        return parsed;
    };
    const auto items = pointer("items-path");
    const auto total = pointer("total-path");
    const auto next = pointer("next-path");
    const auto cursor = pointer("cursor-path");
    const auto cursorFromItem = pointer("cursor-from-item");
    const auto hasMore = pointer("has-more-path");
    if (!items || !total || !next || !cursor || !cursorFromItem || !hasMore)
        return std::nullopt;
    fetch.format.items = *items;
    fetch.format.total = total->value_or(fetch.format.total);
    fetch.format.next = next->value_or(fetch.format.next);
    fetch.format.cursor = *cursor;
    fetch.format.cursorFromItem = *cursorFromItem;
    fetch.format.hasMore = *hasMore;
    if (parser.isSet(QStringLiteral("offset-param")))
        line.retrieval.fetch.offsetParam = parser.value(QStringLiteral("offset-param"));
    if (parser.isSet(QStringLiteral("limit-param")))
        line.retrieval.fetch.limitParam = parser.value(QStringLiteral("limit-param"));
    error = line.retrieval.validate();
    if (error.isEmpty())
        error = line.retrieval.http.validate();
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
        const double left = p.secondsLeft();
        const QString eta = final ? QStringLiteral("done")
            : left >= 0           ? QStringLiteral("%1 s").arg(left, 0, 'f', 1)
                                  : QStringLiteral("?");
        const QString text = QStringLiteral("%1 · ETA %2").arg(p.describe(), eta);
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
    if (line->retrieval.http.insecure && line->retrieval.url.scheme() == QLatin1String("https"))
        err << "loopscope fetch: warning: --insecure accepts any certificate: anyone between you and "
            << line->retrieval.url.host() << " can read and change what is fetched\n";
    SchedulerRun run(SchedulerOptions { ClockMode::Real });
    const QDateTime started = QDateTime::currentDateTimeUtc();
    std::optional<Retrieval> wired;
    try {
        wired.emplace(wireRetrieval(run, line->retrieval));
    } catch (const Error &e) {
        err << "loopscope fetch: " << e.message() << '\n';
        return 2;
    }
    LandingZone &zone = wired->zone;
    Connector &connector = wired->connector;
    if (zone.resumedPages() > 0)
        err << "resuming: " << formatCount(zone.resumedPages(), u"page") << " already landed in "
            << wired->outputPath << '\n';
    ProgressLine progress(err, !line->quiet);
    connector.progressChanged = [&progress](const FetchProgress &p) { progress.update(p); };

    Scheduler &scheduler = run.loop();
    // Saved however the run ends: an interrupted or failed run is the one most worth looking at.
    const auto saveTrace = [&]() -> bool {
        if (line->trace.isEmpty())
            return true;
        try {
            saveText(traceFormatOf(line->trace)->format,
                TextExportSource { scheduler.trace(),
                    TraceMetadata::recordedNow(QStringLiteral("fetch"), {}, ClockMode::Real),
                    QStringLiteral("loopscope fetch"), started, std::nullopt },
                line->trace);
            return true;
        } catch (const Error &e) {
            err << "loopscope fetch: the trace was not saved: " << e.message() << '\n';
            return false;
        }
    };
    TerminationSignals termination;
    int stopSignal = SIGINT;
    if (termination.notifier()) {
        QObject::connect(termination.notifier(), &QSocketNotifier::activated, &scheduler, [&] {
            stopSignal = termination.takeSignal();
            scheduler.cancel(wired->task);
        });
    }
    try {
        scheduler.runUntilIdle();
        wired->task.result();
    } catch (const CancelledError &) {
        progress.update(connector.progress(), true);
        err << "interrupted: " << formatCount(connector.progress().pagesLanded, u"page") << " landed in "
            << wired->outputPath << "; run the same command again to fetch the rest\n";
        saveTrace();
        return 128 + stopSignal; // as a shell reports a process that a signal ended
    } catch (const Error &e) {
        progress.update(connector.progress(), true);
        err << "loopscope fetch: " << e.message() << '\n';
        saveTrace();
        return 2;
    }
    const FetchSummary summary = wired->task.result();
    const FetchProgress &p = summary.progress;
    progress.update(p, true);
    out << QStringLiteral(
        "landed %1 (%2 items, %3 new) in %4 s into %5; peak in flight %6; retries %7; failed %8\n")
               .arg(formatCount(p.pagesLanded, u"page"))
               .arg(zone.itemsLanded())
               .arg(p.pagesLanded - p.pagesResumed)
               .arg(p.elapsedSeconds, 0, 'f', 2)
               .arg(wired->outputPath)
               .arg(p.peakInFlight)
               .arg(p.retries)
               .arg(p.pagesFailed);
    if (p.overloadRetries > 0)
        out << "the source was saturated: " << p.overloadRetries
            << " refusals (429 without Retry-After) were waited out and retried\n";
    if (summary.tlsFullHandshakes + summary.tlsResumed > 0)
        out << "https connections: " << summary.tlsFullHandshakes << " with a full handshake, "
            << summary.tlsResumed << " resuming its session\n";
    if (p.limitAdapts)
        out << "adaptive limit: " << summary.peakLimit << " at most, " << p.limit << " at the end\n";
    if (!summary.itemsKey.isEmpty())
        out << "items found under \"" << summary.itemsKey
            << "\" (--items-path says where, if that is not them)\n";
    out.flush();
    const int status = saveTrace() ? 0 : 2;
    for (const PageRecord &failure : summary.failures)
        err << "  page " << failure.page << " failed after " << formatCount(failure.attempts, u"attempt")
            << ": " << failure.error << '\n';
    if (!summary.failures.isEmpty()) {
        err << formatCount(summary.failures.size(), u"page")
            << " failed; what landed stays: the same command fetches the rest once the cause is mended (a "
               "server that was down comes back by itself; a refused certificate or token needs new "
               "options)\n";
        return 1;
    }
    return status;
}

} // namespace Loopscope
