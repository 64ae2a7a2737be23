#include "io/tracefilewriter.h"

#include "io/atomicfile.h"
#include "io/jsonwriter.h"
#include "io/traceformaterror.h"

#include <QBuffer>

#include <cmath>

namespace Loopscope {

namespace {

constexpr qsizetype FlushBytes = 1 << 20;

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

void writeHeader(JsonWriter &json, const Trace &trace, const TraceMetadata &metadata)
{
    json.beginObject()
        .member(QLatin1StringView("format"), TraceFormatName)
        .member(QLatin1StringView("version"), TraceFormatVersion)
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

void writeIo(JsonWriter &json, const IoRecord &io)
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
    writeHeaderPairs(json, QLatin1StringView("requestHeaders"), io.requestHeaders);
    writeHeaderPairs(json, QLatin1StringView("responseHeaders"), io.responseHeaders);
    json.endObject().raw(QLatin1StringView("\n"));
}

void writeEvent(JsonWriter &json, const Trace &trace, const TraceEvent &event)
{
    json.beginObject()
        .member(QLatin1StringView("type"), "event")
        .member(QLatin1StringView("seq"), std::uint64_t(event.seq))
        .member(QLatin1StringView("t"), std::int64_t(event.timeNs))
        .member(QLatin1StringView("kind"), eventKindName(event.kind))
        .member(QLatin1StringView("task"), event.task)
        .member(QLatin1StringView("other"), event.other);
    if (eventKindHasLabel(event.kind))
        json.member(QLatin1StringView("detail"), trace.labels().text(event.detail));
    else
        json.member(QLatin1StringView("detail"), event.detail);
    if (event.line != 0)
        json.member(QLatin1StringView("line"), std::uint32_t(event.line));
    if (event.thread != 0)
        json.member(QLatin1StringView("thread"), std::uint32_t(event.thread));
    if (event.wait() != WaitKind::Other)
        json.member(QLatin1StringView("wait"), waitKindName(event.wait()));
    json.endObject().raw(QLatin1StringView("\n"));
}

void flush(QByteArray &buffer, QIODevice &device)
{
    if (device.write(buffer) != buffer.size())
        throw TraceFormatError(QStringLiteral("cannot write the trace: %1").arg(device.errorString()));
    buffer.clear();
}

} // namespace

void TraceFileWriter::write(const Trace &trace, const TraceMetadata &metadata, QIODevice &device)
{
    QByteArray buffer;
    buffer.reserve(FlushBytes + 4096);
    JsonWriter json(buffer);
    writeHeader(json, trace, metadata);
    for (TaskId id = 1; id < trace.taskCount(); ++id) {
        const TaskRecord &task = trace.task(id);
        json.beginObject()
            .member(QLatin1StringView("type"), "task")
            .member(QLatin1StringView("id"), id)
            .member(QLatin1StringView("name"), trace.labels().text(task.name))
            .member(QLatin1StringView("parent"), task.parent)
            .endObject()
            .raw(QLatin1StringView("\n"));
        if (buffer.size() >= FlushBytes)
            flush(buffer, device);
    }
    for (const IoRecord &io : trace.ioRecords()) {
        writeIo(json, io);
        if (buffer.size() >= FlushBytes)
            flush(buffer, device);
    }
    for (qsizetype i = 0; i < trace.size(); ++i) {
        writeEvent(json, trace, trace.at(i));
        if (buffer.size() >= FlushBytes)
            flush(buffer, device);
    }
    flush(buffer, device);
}

void TraceFileWriter::save(const Trace &trace, const TraceMetadata &metadata, const QString &path)
{
    writeFileAtomically(path, [&](QIODevice &device) { write(trace, metadata, device); });
}

QByteArray TraceFileWriter::toBytes(const Trace &trace, const TraceMetadata &metadata)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    write(trace, metadata, buffer);
    return bytes;
}

} // namespace Loopscope
