#include "io/tracejsonparts.h"

#include "io/tracefieldreader.h"
#include "io/traceformaterror.h"

#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace Loopscope::detail {

namespace {

constexpr std::int64_t MaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t MaxI64 = std::numeric_limits<std::int64_t>::max();
// Sequence numbers and times beyond 2^53 would not survive tools that read JSON numbers as doubles.
constexpr std::int64_t MaxExact = std::int64_t(1) << 53;

void writeHeaderPairs(
    JsonWriter &json, QLatin1StringView name, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    json.key(name).beginArray();
    for (const auto &[key, value] : headers) {
        // Header bytes go out as Latin-1 so that any byte value survives the trip through JSON.
        json.beginArray().value(QString::fromLatin1(key)).value(QString::fromLatin1(value)).endArray();
    }
    json.endArray();
}

} // namespace

void writeTraceHeader(JsonWriter &json, const Trace &trace, const TraceMetadata &metadata, int version)
{
    json.beginObject()
        .member(QLatin1StringView("format"), TraceFormatName)
        .member(QLatin1StringView("version"), version)
        .member(QLatin1StringView("scenario"), metadata.scenarioId);
    json.key(QLatin1StringView("params")).beginObject();
    for (auto it = metadata.params.cbegin(); it != metadata.params.cend(); ++it) {
        if (!std::isfinite(it.value()))
            throw TraceFormatError(QStringLiteral("parameter '%1' has no finite value").arg(it.key()));
        json.key(QStringView(it.key())).value(it.value());
    }
    json.endObject();
    const TaskId tasks = trace.taskCount() > 0 ? trace.taskCount() - 1 : 0;
    json.member(QLatin1StringView("clock"), clockModeName(metadata.clock))
        .member(QLatin1StringView("dropped"), std::uint64_t(trace.droppedCount()))
        .member(QLatin1StringView("tasks"), std::uint64_t(tasks))
        .member(QLatin1StringView("io"), std::uint64_t(trace.ioRecords().size()))
        .member(QLatin1StringView("events"), std::uint64_t(trace.size()));
    json.key(QLatin1StringView("created"))
        .beginObject()
        .member(QLatin1StringView("by"), metadata.createdBy)
        .member(QLatin1StringView("at"), metadata.createdAt)
        .endObject();
    // A recorded program's command and source: only in traces of programs, so that other files stay as they
    // were.
    if (!metadata.program.isEmpty())
        json.member(QLatin1StringView("program"), metadata.program);
    if (!metadata.sourceFile.isEmpty())
        json.member(QLatin1StringView("source"), metadata.sourceFile);
    json.endObject().raw(QLatin1StringView("\n"));
}

void writeIoRecord(JsonWriter &json, const IoRecord &io)
{
    json.beginObject()
        .member(QLatin1StringView("type"), "io")
        .member(QLatin1StringView("id"), io.id)
        .member(QLatin1StringView("task"), io.task)
        .member(QLatin1StringView("method"), io.method)
        .member(QLatin1StringView("url"), io.url)
        .member(QLatin1StringView("status"), io.status)
        .member(QLatin1StringView("statusText"), io.statusText)
        .member(QLatin1StringView("requestBytes"), io.requestBytes)
        .member(QLatin1StringView("responseBytes"), io.responseBytes)
        .member(QLatin1StringView("start"), io.startNs)
        .member(QLatin1StringView("firstByte"), io.firstByteNs)
        .member(QLatin1StringView("end"), io.endNs)
        .member(QLatin1StringView("attempt"), io.attempt)
        .member(QLatin1StringView("error"), io.error);
    // The phases of an HTTP attempt, when recorded (Loopscope 0.3 on).
    const std::pair<QLatin1StringView, std::int64_t> moments[]
        = { { QLatin1StringView("queued"), io.queuedNs }, { QLatin1StringView("connect"), io.connectNs },
              { QLatin1StringView("dnsEnd"), io.dnsEndNs },
              { QLatin1StringView("connectEnd"), io.connectEndNs },
              { QLatin1StringView("tlsEnd"), io.tlsEndNs }, { QLatin1StringView("sent"), io.sentNs } };
    for (const auto &[key, ns] : moments) {
        if (ns >= 0)
            json.member(key, ns);
    }
    if (io.connection > 0)
        json.member(QLatin1StringView("connection"), io.connection);
    if (io.request > 0)
        json.member(QLatin1StringView("request"), io.request);
    writeHeaderPairs(json, QLatin1StringView("requestHeaders"), io.requestHeaders);
    writeHeaderPairs(json, QLatin1StringView("responseHeaders"), io.responseHeaders);
    json.endObject().raw(QLatin1StringView("\n"));
}

QJsonObject parseTraceRecord(const QByteArray &line, qint64 number)
{
    if (line.isEmpty())
        throw TraceFormatError(number, QStringLiteral("empty line"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError) {
        // Qt's offset is at or just past the offending byte, depending on the error: "near".
        throw TraceFormatError(number,
            QStringLiteral("not valid JSON (%1 near column %2)")
                .arg(error.errorString())
                .arg(error.offset + 1));
    }
    if (!document.isObject())
        throw TraceFormatError(number, QStringLiteral("a record must be a JSON object"));
    return document.object();
}

TraceHeader readTraceHeader(
    const QJsonObject &object, const TraceFileLimits &limits, int version, qint64 line)
{
    const TraceFieldReader fields(object, line, QLatin1StringView("the header"));
    if (!object.contains(QLatin1StringView("format"))) {
        if (object.contains(QLatin1StringView("type")))
            fields.fail(QStringLiteral("the header line is missing: the file starts with a record"));
        fields.fail(QStringLiteral("not a Loopscope trace: the first line has no 'format' field"));
    }
    const QString format = fields.string(QLatin1StringView("format"));
    if (format != TraceFormatName)
        fields.fail(QStringLiteral("not a Loopscope trace: format '%1' instead of '%2'")
                        .arg(format.left(64), TraceFormatName));
    const std::int64_t found = fields.integer(QLatin1StringView("version"), 0, MaxI64);
    if (found != version) {
        fields.fail(QStringLiteral("unsupported trace format version %1 (this Loopscope reads version %2 "
                                   "as JSON Lines and version %3 as binary)")
                        .arg(found)
                        .arg(TraceFormatVersion)
                        .arg(BinaryTraceFormatVersion));
    }
    fields.allowOnly(
        { QLatin1StringView("format"), QLatin1StringView("version"), QLatin1StringView("scenario"),
            QLatin1StringView("params"), QLatin1StringView("clock"), QLatin1StringView("dropped"),
            QLatin1StringView("tasks"), QLatin1StringView("io"), QLatin1StringView("events"),
            QLatin1StringView("created"), QLatin1StringView("program"), QLatin1StringView("source") });
    TraceHeader header;
    header.metadata.scenarioId = fields.string(QLatin1StringView("scenario"));
    const QJsonObject params = fields.object(QLatin1StringView("params"));
    for (auto it = params.constBegin(); it != params.constEnd(); ++it) {
        if (!it.value().isDouble()) {
            fields.fail(QStringLiteral("parameter '%1' must be a number, not %2")
                            .arg(it.key().left(64), TraceFieldReader::describeType(it.value())));
        }
        header.metadata.params.insert(it.key(), it.value().toDouble());
    }
    const QString clock = fields.string(QLatin1StringView("clock"));
    if (!clockModeFromName(clock, header.metadata.clock))
        fields.fail(QStringLiteral("unknown clock '%1' (expected 'virtual' or 'real')").arg(clock.left(64)));
    header.dropped = static_cast<std::uint64_t>(fields.integer(QLatin1StringView("dropped"), 0, MaxExact));
    header.tasks = fields.integer(QLatin1StringView("tasks"), 0, MaxI64);
    header.io = fields.integer(QLatin1StringView("io"), 0, MaxI64);
    header.events = fields.integer(QLatin1StringView("events"), 0, MaxI64);
    auto checkLimit = [&fields](qint64 count, qint64 limit, const char *what) {
        if (count > limit) {
            fields.fail(QStringLiteral("the trace declares %1 %2; this Loopscope opens at most %3")
                            .arg(count)
                            .arg(QLatin1StringView(what))
                            .arg(limit));
        }
    };
    checkLimit(header.tasks, std::min<qint64>(limits.maxTasks, MaxU32 - 1), "tasks");
    checkLimit(header.io, limits.maxIoRecords, "I/O records");
    checkLimit(header.events, limits.maxEvents, "events");
    const QJsonObject created = fields.object(QLatin1StringView("created"));
    const TraceFieldReader creation(created, line, QLatin1StringView("the header's 'created'"));
    creation.allowOnly({ QLatin1StringView("by"), QLatin1StringView("at") });
    header.metadata.createdBy = creation.string(QLatin1StringView("by"));
    header.metadata.createdAt = creation.string(QLatin1StringView("at"));
    if (fields.has(QLatin1StringView("program")))
        header.metadata.program = fields.string(QLatin1StringView("program"));
    if (fields.has(QLatin1StringView("source")))
        header.metadata.sourceFile = fields.string(QLatin1StringView("source"));
    return header;
}

} // namespace Loopscope::detail
