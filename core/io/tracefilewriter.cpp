#include "io/tracefilewriter.h"

#include "io/atomicfile.h"
#include "io/binarytrace.h"
#include "io/jsonwriter.h"
#include "io/traceformaterror.h"
#include "io/tracejsonparts.h"

#include <QBuffer>

#include <cmath>

namespace Loopscope {

namespace {

constexpr qsizetype FlushBytes = 1 << 20;

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

void writeBinary(const Trace &trace, const TraceMetadata &metadata, QIODevice &device)
{
    QByteArray buffer;
    buffer.reserve(BinaryTrace::FileEventsPerChunk * BinaryTrace::EventBytes + 4096);
    BinaryTraceEncoder encoder(trace);
    encoder.start(buffer, metadata);
    while (encoder.writeNew(buffer, BinaryTrace::FileEventsPerChunk, BinaryTrace::FileEventsPerChunk))
        flush(buffer, device);
    encoder.end(buffer);
    flush(buffer, device);
}

} // namespace

void TraceFileWriter::write(
    const Trace &trace, const TraceMetadata &metadata, QIODevice &device, TraceFileFormat format)
{
    if (format == TraceFileFormat::Binary) {
        writeBinary(trace, metadata, device);
        return;
    }
    QByteArray buffer;
    buffer.reserve(FlushBytes + 4096);
    JsonWriter json(buffer);
    detail::writeTraceHeader(json, trace, metadata, TraceFormatVersion);
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
        detail::writeIoRecord(json, io);
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

void TraceFileWriter::save(
    const Trace &trace, const TraceMetadata &metadata, const QString &path, TraceFileFormat format)
{
    writeFileAtomically(path, [&](QIODevice &device) { write(trace, metadata, device, format); });
}

QByteArray TraceFileWriter::toBytes(const Trace &trace, const TraceMetadata &metadata, TraceFileFormat format)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    write(trace, metadata, buffer, format);
    return bytes;
}

} // namespace Loopscope
