#pragma once

#include "run/tracemetadata.h"

#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

//! Bounds that keep a hostile or broken file from exhausting memory (see TraceFileReader).
struct TraceFileLimits
{
    qsizetype maxLineBytes = 1 << 20; //!< a longer line is an error, not a huge allocation
    qint64 maxEvents = 20'000'000;    //!< 640 MB of events
    qint64 maxTasks = 5'000'000;
    qint64 maxIoRecords = 5'000'000;
};

//! A trace read from a file, ready to be stepped (a ReplayRun) or exported like a live one.
struct LoadedTrace
{
    TraceMetadata metadata;
    std::unique_ptr<Trace> trace;
};

/*!
 * Opens `.loopscope` files in either form: binary (io/binarytrace.h; what Loopscope saves, read in
 * place from a memory-mapped file) or JSON Lines (described at TraceFileWriter; what Loopscope 0.1
 * saved and `export --format loopscope-json` writes). The first bytes tell which.
 *
 * The reader streams the file line by line and validates every record before it touches the
 * trace: field names, types and ranges, the declared counts, consecutive seq numbers, time that
 * never goes backwards, task ids that exist. Anything else, from a truncated download to random
 * bytes, ends in a TraceFormatError naming the line and the problem
 * ("line 17: unknown event kind 'task_exploded'"). It never reads more than
 * TraceFileLimits::maxLineBytes at once and refuses headers that declare more than the limits.
 */
class TraceFileReader
{
public:
    static LoadedTrace read(QIODevice &device, const TraceFileLimits &limits = {});
    static LoadedTrace open(const QString &path, const TraceFileLimits &limits = {});
    static LoadedTrace fromBytes(const QByteArray &bytes, const TraceFileLimits &limits = {});
};

} // namespace Loopscope
