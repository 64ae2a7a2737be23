#include "export/exportcommand.h"

#include "export/imageexport.h"
#include "export/runningtimechart.h"
#include "io/textexport.h"
#include "io/tracefilereader.h"
#include "io/traceformaterror.h"
#include "scenarios/scenarioparams.h"
#include "scenarios/scenarioregistry.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QGuiApplication>
#include <QTextStream>

namespace Loopscope {

namespace {

//! Every --format: the pictures, then the text formats of core/io's table.
QStringList allFormats()
{
    QStringList formats { QStringLiteral("png"), QStringLiteral("svg"), QStringLiteral("pdf") };
    for (const TextFormatInfo &info : textFormats())
        formats << QString(info.name);
    return formats;
}

QString usage()
{
    return QStringLiteral(
        "usage: loopscope export (--scenario ID [--param key=value]... | --trace FILE)\n"
        "                        --format png|svg|pdf|mermaid|perfetto|har|loopscope --out FILE\n"
        "       loopscope export --scenario sequential-vs-concurrent --view chart --format png|svg|pdf --out "
        "FILE\n"
        "                        [--scale S] [--from SEQ] [--to SEQ] [--view "
        "sequence|timeline|network|chart]\n");
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

bool isImage(const QString &format)
{
    return format == u"png" || format == u"svg" || format == u"pdf";
}

//! Writes a text export to `path`, or to `out` for "-".
TextExport writeText(
    const TextFormatInfo &format, const TextExportSource &source, const QString &path, QTextStream &out)
{
    if (path != u"-")
        return saveText(format.format, source, path);
    const TextExport exported = exportText(format.format, source);
    out << QString::fromUtf8(exported.bytes);
    out.flush();
    return exported;
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
    const QCommandLineOption &paramOption, const QString &outPath, QTextStream &out, QTextStream &err)
{
    const QString id = parser.value(scenarioOption);
    if (id != u"sequential-vs-concurrent")
        return badUsage(err,
            QStringLiteral(
                "--view chart draws the running-time chart of sequential-vs-concurrent, not of '%1'")
                .arg(id.isEmpty() ? QStringLiteral("a trace file") : id));
    try {
        const ScenarioParams params = ScenarioRegistry().parseParams(id, parser.values(paramOption));
        const auto latency
            = std::chrono::milliseconds(integerParameter(params, QStringLiteral("latency_ms")));
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
    const QCommandLineOption scenarioOption(
        QStringLiteral("scenario"), QStringLiteral("Scenario to play."), QStringLiteral("ID"));
    const QCommandLineOption paramOption(
        QStringLiteral("param"), QStringLiteral("A scenario parameter."), QStringLiteral("key=value"));
    const QCommandLineOption traceOption(
        QStringLiteral("trace"), QStringLiteral("A .loopscope file to export."), QStringLiteral("FILE"));
    const QCommandLineOption formatOption(
        QStringLiteral("format"), QStringLiteral("Output format."), QStringLiteral("FORMAT"));
    const QCommandLineOption outOption(
        QStringLiteral("out"), QStringLiteral("Output file."), QStringLiteral("FILE"));
    const QCommandLineOption scaleOption(
        QStringLiteral("scale"), QStringLiteral("PNG pixels per diagram pixel."), QStringLiteral("S"));
    const QCommandLineOption fromOption(
        QStringLiteral("from"), QStringLiteral("First event seq."), QStringLiteral("SEQ"));
    const QCommandLineOption toOption(
        QStringLiteral("to"), QStringLiteral("Last event seq."), QStringLiteral("SEQ"));
    const QCommandLineOption viewOption(QStringLiteral("view"),
        QStringLiteral("sequence, timeline, network (the HTTP waterfall) or chart."), QStringLiteral("VIEW"));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOptions({ scenarioOption, paramOption, traceOption, formatOption, outOption, scaleOption,
        fromOption, toOption, viewOption, helpOption });
    if (!parser.parse(QStringList { QStringLiteral("export") } + args))
        return badUsage(err, parser.errorText());
    if (parser.isSet(helpOption)) {
        out << usage();
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return badUsage(
            err, QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
    if (parser.isSet(scenarioOption) == parser.isSet(traceOption))
        return badUsage(err, QStringLiteral("give either --scenario or --trace (exactly one)"));
    if (parser.isSet(traceOption) && parser.isSet(paramOption))
        return badUsage(
            err, QStringLiteral("--param goes with --scenario; a trace file keeps its own parameters"));
    const QString format = parser.value(formatOption).toLower();
    const QStringList formats = allFormats();
    if (!parser.isSet(formatOption))
        return badUsage(err, QStringLiteral("which format? Give --format (%1)").arg(formats.join(u'|')));
    if (!formats.contains(format))
        return badUsage(err,
            QStringLiteral("unknown format '%1' (expected %2)")
                .arg(parser.value(formatOption), formats.join(u'|')));
    const TextFormatInfo *textFormat = textFormatNamed(format);
    const QString outPath = parser.value(outOption);
    if (outPath.isEmpty())
        return badUsage(err, QStringLiteral("where to? Give --out FILE"));
    if (outPath == u"-" && isImage(format))
        return badUsage(
            err, QStringLiteral("--out - (standard output) is for text formats, not %1").arg(format));
    double scale = 2;
    if (parser.isSet(scaleOption)) {
        if (format != u"png")
            return badUsage(err, QStringLiteral("--scale applies to png only"));
        bool ok = false;
        scale = parser.value(scaleOption).toDouble(&ok);
        if (!ok || !(scale > 0 && scale <= 8))
            return badUsage(err,
                QStringLiteral("--scale needs a number above 0 and at most 8, got '%1'")
                    .arg(parser.value(scaleOption)));
    }
    ImageView view = ImageView::Sequence;
    if (parser.isSet(viewOption)) {
        if (!isImage(format))
            return badUsage(err, QStringLiteral("--view applies to png, svg and pdf only"));
        const QString name = parser.value(viewOption);
        if (name == u"chart")
            return exportRunningTimeChart(parser, scenarioOption, paramOption, outPath, out, err);
        if (name == u"timeline")
            view = ImageView::Timeline;
        else if (name == u"network")
            view = ImageView::Network;
        else if (name != u"sequence")
            return badUsage(err,
                QStringLiteral("unknown view '%1' (expected sequence, timeline, network or chart)")
                    .arg(name));
    }
    const bool ranged = parser.isSet(fromOption) || parser.isSet(toOption);
    if (ranged && textFormat && !textFormat->ranged)
        return badUsage(err,
            QStringLiteral("--from/--to apply to png, svg, pdf, mermaid and perfetto, not %1").arg(format));
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
            source.metadata = TraceMetadata::recordedNow(
                id, params, scheduler ? scheduler->clockMode() : ClockMode::Virtual);
            what = id;
        }
    } catch (const std::exception &error) {
        err << "loopscope export: " << error.what() << '\n';
        return 1;
    }

    const Trace &trace = source.trace();
    try {
        QString summary;
        QString note;
        if (textFormat && !textFormat->ranged) {
            const TextExport written = writeText(
                *textFormat, TextExportSource { trace, source.metadata, {}, {}, {} }, outPath, out);
            summary = written.summary;
            note = written.note;
        } else {
            const EventRange range = EventRange::ofSeqs(trace, from, to);
            summary = QStringLiteral("events %1 to %2")
                          .arg(trace.at(range.first).seq)
                          .arg(trace.at(range.last).seq);
            if (textFormat) {
                note = writeText(*textFormat,
                    TextExportSource {
                        trace, source.metadata, QStringLiteral("Loopscope: %1").arg(what), {}, range },
                    outPath, out)
                           .note;
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
                note = image.note();
            }
        }
        if (!note.isEmpty())
            err << "loopscope export: note: " << what << ": " << note << '\n';
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
