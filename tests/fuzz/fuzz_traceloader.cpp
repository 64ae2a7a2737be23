// libFuzzer target for the .loopscope trace loader (see scripts/fuzz-trace-loader.sh).
//
// Any input must either load or fail with a TraceFormatError: any other exception, a crash, a
// sanitizer report or a hang is a bug. A trace that loads must also survive what a user does next:
// saving it must give a file that loads again and saves to the same bytes (the round trip), and
// every text export and the replay must run on it.
#include "io/chrometraceexport.h"
#include "io/harexport.h"
#include "io/mermaidexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "io/traceformaterror.h"
#include "run/replayrun.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace Loopscope;
    TraceFileLimits limits;
    limits.maxLineBytes = 16384;
    limits.maxEvents = 20000;
    limits.maxTasks = 2000;
    limits.maxIoRecords = 2000;
    LoadedTrace loaded;
    try {
        loaded = TraceFileReader::fromBytes(
            QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), limits);
    } catch (const TraceFormatError &error) {
        if (error.problem().isEmpty() || (error.line() < 1))
            std::abort(); // every problem inside a file names its line
        return 0;
    }

    const QByteArray saved = TraceFileWriter::toBytes(*loaded.trace, loaded.metadata);
    const LoadedTrace again = TraceFileReader::fromBytes(saved);
    if (TraceFileWriter::toBytes(*again.trace, again.metadata) != saved
        || again.metadata != loaded.metadata) {
        std::fprintf(stderr, "round trip differs:\n%s\n", saved.constData());
        std::abort();
    }

    if (!loaded.trace->isEmpty()) {
        const EventRange all = EventRange::all(*loaded.trace);
        (void)MermaidExport::toText(*loaded.trace, all);
        (void)ChromeTraceExport::toJson(*loaded.trace, all, QStringLiteral("fuzz"));
        const qsizetype middle = loaded.trace->size() / 2;
        const EventRange half = EventRange::ofSeqs(*loaded.trace, loaded.trace->at(middle).seq, std::nullopt);
        (void)MermaidExport::toText(*loaded.trace, half);
        (void)ChromeTraceExport::toJson(*loaded.trace, half, QStringLiteral("fuzz"));
    }
    (void)HarExport::toJson(*loaded.trace, QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));

    ReplayRun replay(std::move(loaded.trace), loaded.metadata);
    const qint64 steps = replay.runToEnd();
    if (replay.trace().size() != replay.recording().size() || steps > replay.recording().size() + 1)
        std::abort();
    return 0;
}
