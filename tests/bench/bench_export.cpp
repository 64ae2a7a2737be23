#include "bench.h"
#include "benchutil.h"

#include "export/imageexport.h"
#include "scheduler/awaitables.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>

using namespace Loopscope;

namespace {

Task<void> worker(int rounds)
{
    for (int r = 0; r < rounds; ++r)
        co_await io(QStringLiteral("request %1").arg(r % 10), std::chrono::milliseconds(5 + (r * 7) % 13));
}

//! Seconds to write `format` of `range`, with the file's size in `bytes`.
double timeExport(ImageExport &exporter, ImageFormat format, const EventRange &range, const QString &path,
    qint64 &bytes, int &pages)
{
    const auto start = Bench::Clock::now();
    pages = exporter.write(path, format, range);
    const double seconds = Bench::secondsSince(start);
    bytes = QFileInfo(path).size();
    return seconds;
}

} // namespace

int benchExport(const QStringList &args)
{
    QTextStream out(stdout);
    const int events = Bench::intOption(args, QStringLiteral("--events"), 100000);
    const int tasks = Bench::intOption(args, QStringLiteral("--tasks"), 5);
    if (events < 100 || tasks < 1) {
        QTextStream(stderr) << "bench export: --events needs at least 100 and --tasks at least 1\n";
        return 2;
    }
    // Each round of a worker is about five events (submit, suspend, complete, resume, a wait).
    Scheduler scheduler;
    const int rounds = events / (4 * tasks) + 1;
    for (int i = 0; i < tasks; ++i)
        scheduler.spawn(worker(rounds), QStringLiteral("worker %1").arg(i + 1));
    auto start = Bench::Clock::now();
    scheduler.runUntilIdle();
    const Trace &trace = scheduler.trace();
    if (trace.size() < events) {
        QTextStream(stderr) << "bench export: the scenario made only " << trace.size() << " events\n";
        return 1;
    }
    const EventRange range
        = EventRange::ofSeqs(trace, trace.firstSeq(), trace.firstSeq() + SeqNo(events) - 1);
    out << "trace: " << trace.size() << " events from " << tasks << " tasks in " << Bench::secondsSince(start)
        << " s; exporting " << range.count() << " of them\n";

    // --out DIR keeps the files for a look; by default they go to a temporary folder.
    QTemporaryDir temporary;
    const qsizetype outAt = args.indexOf(QStringLiteral("--out"));
    const QString folder = outAt >= 0 && outAt + 1 < args.size() ? args.at(outAt + 1) : temporary.path();
    const QDir dir(folder);
    if (!dir.exists()) {
        QTextStream(stderr) << "bench export: no folder '" << folder << "'\n";
        return 2;
    }
    start = Bench::Clock::now();
    ImageExport exporter(trace);
    out << "digest: " << Bench::secondsSince(start) << " s\n";
    struct Run
    {
        const char *name;
        ImageFormat format;
        double seconds = 0;
    };
    Run runs[] = { { "svg", ImageFormat::Svg }, { "png", ImageFormat::Png }, { "pdf", ImageFormat::Pdf } };
    for (Run &run : runs) {
        qint64 bytes = 0;
        int pages = 0;
        run.seconds = timeExport(exporter, run.format, range,
            dir.filePath(QStringLiteral("trace.") + QLatin1StringView(run.name)), bytes, pages);
        out << run.name << ": " << run.seconds << " s, " << double(bytes) / 1e6 << " MB";
        if (pages > 1)
            out << ", " << pages << " pages";
        if (!exporter.note().isEmpty())
            out << " (" << exporter.note() << ')';
        out << '\n';
    }
    out << "peak RSS: " << Bench::peakRssMb() << " MB\n";
    out << "RESULT export events=" << range.count() << " svg_s=" << runs[0].seconds
        << " png_s=" << runs[1].seconds << " pdf_s=" << runs[2].seconds << '\n';
    return 0;
}
