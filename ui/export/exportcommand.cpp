#include "exportcommand.h"

#include "imageexport.h"
#include "runningtimechart.h"
#include "io/chrometraceexport.h"
#include "io/harexport.h"
#include "io/mermaidexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "io/traceformaterror.h"
#include "scenarios/scenarioparams.h"
#include "scenarios/scenarioregistry.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSaveFile>
#include <QTextStream>

namespace Loopscope {

namespace {

const QStringList Formats{QStringLiteral("png"),      QStringLiteral("svg"), QStringLiteral("pdf"),
                          QStringLiteral("mermaid"),  QStringLiteral("perfetto"), QStringLiteral("har"),
                          QStringLiteral("loopscope")};

QString usage()
{
    return QStringLiteral(
        "usage: loopscope export (--scenario ID [--param key=value]... | --trace FILE)\n"
        "                        --format png|svg|pdf|mermaid|perfetto|har|loopscope --out FILE\n"
    "       loopscope export --scenario sequential-vs-concurrent --view chart --format png|svg|pdf --out FILE\n"
        "                        [--scale S] [--from SEQ] [--to SEQ] [--view sequence|timeline|chart]\n");
}

int badUsage(QTextStream &err, const QString &why)
{
    err << "loopscope export: " << why << '\n' << usage();
    return 2;
}

//! A trace to export, from a scenario run or a file, and what to say about it.
struct Source
{
    std::unique_ptr<Run> run;
    LoadedTrace loaded;
    TraceMetadata metadata;
    const Trace &trace() const { return run ? run->trace() : *loaded.trace; }
};

//! Mermaid's default maxTextSize: longer diagrams are refused by Mermaid unless it is raised.
constexpr qsizetype MermaidMaxTextSize = 50000;

bool isImage(const QString &format)
{
    return format == u"png" || format == u"svg" || format == u"pdf";
}

void writeText(const QString &path, const QByteArray &bytes, QTextStream &out)
{
    if (path == u"-") {
        out << QString::fromUtf8(bytes);
        out.flush();
        return;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw ExportError(QStringLiteral("cannot write '%1': %2").arg(path, file.errorString()));
}

std::optional<SeqNo> seqOption(const QCommandLineParser &parser, const QCommandLineOption &option, bool &ok)
{
    if (!parser.isSet(option))
        return std::nullopt;
    const SeqNo seq = parser.value(option).toULongLong(&ok);
    return seq;
}

//! --view chart: the log-scale running-time chart of sequential-vs-concurrent.
int exportRunningTimeChart(const QCommandLineParser &parser, const QCommandLineOption &scenarioOption,
                           const QCommandLineOption &paramOption, const QString &outPath, QTextStream &out,
                           QTextStream &err)
{
    const QString id = parser.value(scenarioOption);
    if (id != u"sequential-vs-concurrent")
        return badUsage(err, QStringLiteral("--view chart draws the running-time chart of sequential-vs-concurrent, not of '%1'")
                                 .arg(id.isEmpty() ? QStringLiteral("a trace file") : id));
    try {
        const ScenarioParams params = ScenarioRegistry().parseParams(id, parser.values(paramOption));
        const auto latency = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
        // Rows are simulated on the scheduler up to n operations (a million unless --param n says less).
        const qint64 simulateUpTo = parser.values(paramOption).filter(QStringLiteral("n=")).isEmpty()
            ? 1'000'000
            : integerParameter(params, QStringLiteral("n"));
        RunningTimeChart(RunningTimeTable::build(latency, simulateUpTo)).write(outPath);
    } catch (const Error &error) {
        err << "loopscope export: " << error.message() << '\n';
        return 1;
    }
    out << "wrote " << outPath << " (running-time chart of " << id << ")\n";
    return 0;
}

} // namespace

int runExportCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    QCommandLineParser parser;
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"), QStringLiteral("Scenario to play."), QStringLiteral("ID"));
    const QCommandLineOption paramOption(QStringLiteral("param"), QStringLiteral("A scenario parameter."), QStringLiteral("key=value"));
    const QCommandLineOption traceOption(QStringLiteral("trace"), QStringLiteral("A .loopscope file to export."), QStringLiteral("FILE"));
    const QCommandLineOption formatOption(QStringLiteral("format"), QStringLiteral("Output format."), QStringLiteral("FORMAT"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("FILE"));
    const QCommandLineOption scaleOption(QStringLiteral("scale"), QStringLiteral("PNG pixels per diagram pixel."), QStringLiteral("S"));
    const QCommandLineOption fromOption(QStringLiteral("from"), QStringLiteral("First event seq."), QStringLiteral("SEQ"));
    const QCommandLineOption toOption(QStringLiteral("to"), QStringLiteral("Last event seq."), QStringLiteral("SEQ"));
    const QCommandLineOption viewOption(QStringLiteral("view"), QStringLiteral("sequence or timeline."), QStringLiteral("VIEW"));
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOptions({scenarioOption, paramOption, traceOption, formatOption, outOption, scaleOption, fromOption,
                       toOption, viewOption, helpOption});
    if (!parser.parse(QStringList{QStringLiteral("export")} + args))
        return badUsage(err, parser.errorText());
    if (parser.isSet(helpOption)) {
        out << usage();
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return badUsage(err, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (parser.isSet(scenarioOption) == parser.isSet(traceOption))
        return badUsage(err, QStringLiteral("give either --scenario or --trace (exactly one)"));
    if (parser.isSet(traceOption) && parser.isSet(paramOption))
        return badUsage(err, QStringLiteral("--param goes with --scenario; a trace file keeps its own parameters"));
    const QString format = parser.value(formatOption).toLower();
    if (!parser.isSet(formatOption))
        return badUsage(err, QStringLiteral("which format? Give --format (%1)").arg(Formats.join(u'|')));
    if (!Formats.contains(format))
        return badUsage(err, QStringLiteral("unknown format '%1' (expected %2)").arg(parser.value(formatOption), Formats.join(u'|')));
    const QString outPath = parser.value(outOption);
    if (outPath.isEmpty())
        return badUsage(err, QStringLiteral("where to? Give --out FILE"));
    if (outPath == u"-" && isImage(format))
        return badUsage(err, QStringLiteral("--out - (standard output) is for text formats, not %1").arg(format));
    double scale = 2;
    if (parser.isSet(scaleOption)) {
        if (format != u"png")
            return badUsage(err, QStringLiteral("--scale applies to png only"));
        bool ok = false;
        scale = parser.value(scaleOption).toDouble(&ok);
        if (!ok || !(scale > 0 && scale <= 8))
            return badUsage(err, QStringLiteral("--scale needs a number above 0 and at most 8, got '%1'").arg(parser.value(scaleOption)));
    }
    ImageView view = ImageView::Sequence;
    if (parser.isSet(viewOption)) {
        if (!isImage(format))
            return badUsage(err, QStringLiteral("--view applies to png, svg and pdf only"));
        const QString name = parser.value(viewOption);
        if (name == u"chart")
            return exportRunningTimeChart(parser, scenarioOption, paramOption, outPath, out, err);
        if (name != u"sequence" && name != u"timeline")
            return badUsage(err, QStringLiteral("unknown view '%1' (expected sequence, timeline or chart)").arg(name));
        view = name == u"timeline" ? ImageView::Timeline : ImageView::Sequence;
    }
    const bool ranged = parser.isSet(fromOption) || parser.isSet(toOption);
    if (ranged && (format == u"har" || format == u"loopscope"))
        return badUsage(err, QStringLiteral("--from/--to apply to png, svg, pdf, mermaid and perfetto, not %1").arg(format));
    bool fromOk = true;
    bool toOk = true;
    const std::optional<SeqNo> from = seqOption(parser, fromOption, fromOk);
    const std::optional<SeqNo> to = seqOption(parser, toOption, toOk);
    if (!fromOk || !toOk)
        return badUsage(err, QStringLiteral("--from and --to need event seq numbers (whole numbers from 0)"));
    if (isImage(format) && !qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        err << "loopscope export: pictures need a QGuiApplication (see runExportMain)\n";
        return 1;
    }

    Source source;
    QString what;
    try {
        if (parser.isSet(traceOption)) {
            source.loaded = TraceFileReader::open(parser.value(traceOption));
            source.metadata = source.loaded.metadata;
            what = QFileInfo(parser.value(traceOption)).fileName();
        } else {
            const ScenarioRegistry registry;
            const QString id = parser.value(scenarioOption);
            ScenarioParams params;
            try {
                params = registry.parseParams(id, parser.values(paramOption));
            } catch (const Error &error) {
                return badUsage(err, error.message());
            }
            source.run = registry.get(id).start(params);
            source.run->runToEnd();
            const Scheduler *scheduler = source.run->scheduler();
            source.metadata = TraceMetadata::recordedNow(id, params, scheduler ? scheduler->clockMode() : ClockMode::Virtual);
            what = id;
        }
    } catch (const std::exception &error) {
        err << "loopscope export: " << error.what() << '\n';
        return 1;
    }

    const Trace &trace = source.trace();
    try {
        QString summary;
        if (format == u"loopscope") {
            if (outPath == u"-")
                writeText(outPath, TraceFileWriter::toBytes(trace, source.metadata), out);
            else
                TraceFileWriter::save(trace, source.metadata, outPath);
            summary = QStringLiteral("%1 events").arg(trace.size());
        } else if (format == u"har") {
            const QDateTime origin = QDateTime::fromString(source.metadata.createdAt, Qt::ISODate);
            const HarExport::Result har = HarExport::toJson(trace, origin.isValid() ? origin : QDateTime::currentDateTimeUtc());
            writeText(outPath, har.json, out);
            if (har.entryCount == 0)
                err << "loopscope export: " << what << " made no HTTP requests; the HAR has no entries\n";
            summary = QStringLiteral("%1 HTTP entries").arg(har.entryCount);
        } else {
            const EventRange range = EventRange::ofSeqs(trace, from, to);
            summary = QStringLiteral("events %1 to %2").arg(trace.at(range.first).seq).arg(trace.at(range.last).seq);
            if (format == u"mermaid") {
                const QByteArray text = MermaidExport::toText(trace, range).toUtf8();
                writeText(outPath, text, out);
                if (text.size() > MermaidMaxTextSize) {
                    err << "loopscope export: note: " << text.size() << " characters; Mermaid draws at most "
                        << MermaidMaxTextSize << " unless its maxTextSize is raised (or export fewer events with --from/--to)\n";
                }
            } else if (format == u"perfetto") {
                writeText(outPath, ChromeTraceExport::toJson(trace, range, QStringLiteral("Loopscope: %1").arg(what)), out);
            } else {
                ImageExport image(trace);
                image.setView(view);
                image.setScale(scale);
                image.setTitle(QStringLiteral("Loopscope: %1").arg(what));
                ImageFormat imageFormat = ImageFormat::Png;
                ImageExport::formatFromName(format, imageFormat);
                const int pages = image.write(outPath, imageFormat, range);
                if (pages > 1)
                    summary += QStringLiteral(", %1 pages").arg(pages);
                if (!image.note().isEmpty())
                    err << "loopscope export: note: " << image.note() << '\n';
            }
        }
        if (outPath != u"-")
            out << "wrote " << outPath << " (" << format << ", " << what << ", " << summary << ")\n";
    } catch (const std::exception &error) {
        err << "loopscope export: " << error.what() << '\n';
        return 1;
    }
    return 0;
}

int runExportMain(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    return runExportCommand(app.arguments().mid(2), out, err);
}

} // namespace Loopscope
