#include "io/tracefilereader.h"

#include "io/binarytrace.h"
#include "io/mappedfile.h"
#include "io/recorderstream.h"
#include "io/tracefieldreader.h"
#include "io/traceformaterror.h"
#include "io/tracejsonparts.h"
#include "io/tracerecordreader.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>
#include <QScopeGuard>

#include <limits>

namespace Loopscope {

namespace {

using detail::TraceFieldReader;

//! Hands out the file's lines one by one with their numbers, never more than the line limit.
class LineSource
{
public:
    LineSource(QIODevice &device, qsizetype maxLineBytes)
        : m_device(device)
        , m_max(maxLineBytes)
    { }

    //! The next line without its line ending; false at the end of the file.
    bool next(QByteArray &line)
    {
        if (m_device.atEnd())
            return false;
        ++m_number;
        // Two bytes more than the limit: room for "\r\n", and a sign that the line goes on.
        line = m_device.readLine(m_max + 2);
        if (line.isEmpty() && !m_device.atEnd())
            throw TraceFormatError(
                m_number, QStringLiteral("cannot read the file: %1").arg(m_device.errorString()));
        const bool ended = line.endsWith('\n');
        if (ended)
            line.chop(line.endsWith("\r\n") ? 2 : 1);
        if (line.size() > m_max || (!ended && !m_device.atEnd()))
            throw TraceFormatError(
                m_number, QStringLiteral("the line is longer than the limit of %1 bytes").arg(m_max));
        return true;
    }

    qint64 number() const { return m_number; }

private:
    QIODevice &m_device;
    qsizetype m_max;
    qint64 m_number = 0;
};

} // namespace

namespace {

LoadedTrace readBinary(QIODevice &device, const TraceFileLimits &limits)
{
    LoadedTrace loaded { {}, std::make_unique<Trace>() };
    BinaryTraceDecoder decoder(*loaded.trace, limits);
    auto *file = qobject_cast<QFile *>(&device);
    // A file is read in place where it can be mapped, and its events stay there (the trace keeps
    // the mapping while it uses them); anything else is read in blocks.
    if (auto mapping = file && file->pos() == 0 ? MappedFile::open(file->fileName()) : nullptr) {
        const QByteArrayView bytes = mapping->bytes();
        decoder.feedMapped(bytes, std::move(mapping));
    } else {
        while (!device.atEnd()) {
            const QByteArray block = device.read(8 << 20);
            if (block.isEmpty())
                throw TraceFormatError(QStringLiteral("cannot read the file: %1").arg(device.errorString()));
            decoder.feed(block);
        }
    }
    decoder.finish();
    loaded.metadata = decoder.metadata();
    return loaded;
}

// What the Python recorder wrote to a file (LOOPSCOPE_TRACE, LOOPSCOPE_RECORD_FILE).
LoadedTrace readRecorded(QIODevice &device, const TraceFileLimits &limits)
{
    LoadedTrace loaded { {}, std::make_unique<Trace>() };
    RecorderStreamReader reader(*loaded.trace);
    const auto failed = [&reader] {
        throw TraceFormatError(QStringLiteral("the Python recording cannot be read: %1").arg(reader.error()));
    };
    while (!device.atEnd()) {
        const QByteArray block = device.read(1 << 20);
        if (block.isEmpty())
            throw TraceFormatError(QStringLiteral("cannot read the file: %1").arg(device.errorString()));
        if (!reader.feed(block))
            failed();
        if (reader.eventCount() > limits.maxEvents)
            throw TraceFormatError(
                QStringLiteral("the recording holds more than %1 events, the limit").arg(limits.maxEvents));
    }
    if (!reader.finish())
        failed();
    loaded.metadata = reader.metadata();
    if (reader.openLoops() > 0) {
        // The program was killed while its loop ran: what it recorded stays, and says so.
        const Trace &trace = *loaded.trace;
        const std::int64_t end = trace.isEmpty() ? 0 : trace.last().timeNs;
        loaded.trace->append(EventKind::Message, end, NoTask, 0,
            loaded.trace->intern(QStringLiteral("the recording ends while the program's event loop ran")));
        loaded.trace->publish();
    }
    return loaded;
}

} // namespace

LoadedTrace TraceFileReader::read(QIODevice &device, const TraceFileLimits &limits)
{
    const QByteArray opening
        = device.peek(std::max(BinaryTrace::MagicSize, RecorderStreamReader::Magic.size()));
    if (BinaryTrace::looksBinary(opening))
        return readBinary(device, limits);
    if (opening.size() >= RecorderStreamReader::Magic.size() && RecorderStreamReader::looksRecorded(opening))
        return readRecorded(device, limits);
    LineSource lines(device, std::max<qsizetype>(limits.maxLineBytes, 64));
    QByteArray line;
    if (!lines.next(line))
        throw TraceFormatError(
            1, QStringLiteral("the file is empty: a Loopscope trace starts with a header line"));
    const QJsonObject first = [&] {
        try {
            return detail::parseTraceRecord(line, 1);
        } catch (const TraceFormatError &error) {
            throw TraceFormatError(1, QStringLiteral("not a Loopscope trace: %1").arg(error.problem()));
        }
    }();
    const detail::TraceHeader header = detail::readTraceHeader(first, limits, TraceFormatVersion, 1);

    LoadedTrace loaded { header.metadata, std::make_unique<Trace>() };
    Trace &trace = *loaded.trace;
    trace.setDroppedCount(header.dropped);
    std::int64_t lastTime = 0;

    struct Section
    {
        QLatin1StringView type;
        const char *plural;
        qint64 count;
    };
    const Section sections[] = { { QLatin1StringView("task"), "task records", header.tasks },
        { QLatin1StringView("io"), "I/O records", header.io },
        { QLatin1StringView("event"), "events", header.events } };
    for (const Section &section : sections) {
        for (qint64 i = 0; i < section.count; ++i) {
            if (!lines.next(line)) {
                throw TraceFormatError(lines.number() + 1,
                    QStringLiteral("the file ends after %1 of %2 %3: it is truncated")
                        .arg(i)
                        .arg(section.count)
                        .arg(QLatin1StringView(section.plural)));
            }
            const QJsonObject object = detail::parseTraceRecord(line, lines.number());
            const QJsonValue type = object.value(QLatin1StringView("type"));
            if (!type.isString())
                throw TraceFormatError(lines.number(), QStringLiteral("the record has no 'type' string"));
            if (type.toString() != section.type) {
                throw TraceFormatError(lines.number(),
                    QStringLiteral("expected record %1 of %2 %3, found a '%4' record")
                        .arg(i + 1)
                        .arg(section.count)
                        .arg(QLatin1StringView(section.plural), type.toString().left(64)));
            }
            if (section.type == QLatin1StringView("task")) {
                detail::readTaskRecord(
                    TraceFieldReader(object, lines.number(), QLatin1StringView("the task record")), trace,
                    static_cast<TaskId>(i + 1));
            } else if (section.type == QLatin1StringView("io")) {
                detail::readIoRecord(
                    TraceFieldReader(object, lines.number(), QLatin1StringView("the I/O record")), trace);
            } else {
                detail::readEventRecord(
                    TraceFieldReader(object, lines.number(), QLatin1StringView("the event")), trace,
                    lastTime);
            }
        }
    }
    if (lines.next(line)) {
        throw TraceFormatError(lines.number(),
            QStringLiteral("unexpected line after the last of the %1 declared events").arg(header.events));
    }
    return loaded;
}

LoadedTrace TraceFileReader::open(const QString &path, const TraceFileLimits &limits)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw TraceFormatError(QStringLiteral("cannot open '%1': %2").arg(path, file.errorString()));
    return read(file, limits);
}

LoadedTrace TraceFileReader::fromBytes(const QByteArray &bytes, const TraceFileLimits &limits)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return read(buffer, limits);
}

} // namespace Loopscope
