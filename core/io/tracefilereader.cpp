#include "io/tracefilereader.h"

#include "io/tracefieldreader.h"
#include "io/traceformaterror.h"
#include "io/tracerecordreader.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>

#include <limits>

namespace Loopscope {

namespace {

using detail::TraceFieldReader;

constexpr std::int64_t MaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t MaxI64 = std::numeric_limits<std::int64_t>::max();
// Sequence numbers and times beyond 2^53 would not survive tools that read JSON numbers as doubles.
constexpr std::int64_t MaxExact = std::int64_t(1) << 53;

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

QJsonObject parseRecord(const QByteArray &line, qint64 number)
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

struct Header
{
    TraceMetadata metadata;
    std::uint64_t dropped = 0;
    qint64 tasks = 0;
    qint64 io = 0;
    qint64 events = 0;
};

Header readHeader(const QJsonObject &object, const TraceFileLimits &limits)
{
    const TraceFieldReader fields(object, 1, QLatin1StringView("the header"));
    if (!object.contains(QLatin1StringView("format"))) {
        if (object.contains(QLatin1StringView("type")))
            fields.fail(QStringLiteral("the header line is missing: the file starts with a record"));
        fields.fail(QStringLiteral("not a Loopscope trace: the first line has no 'format' field"));
    }
    const QString format = fields.string(QLatin1StringView("format"));
    if (format != TraceFormatName)
        fields.fail(QStringLiteral("not a Loopscope trace: format '%1' instead of '%2'")
                        .arg(format.left(64), TraceFormatName));
    const std::int64_t version = fields.integer(QLatin1StringView("version"), 0, MaxI64);
    if (version != TraceFormatVersion) {
        fields.fail(QStringLiteral("unsupported trace format version %1 (this Loopscope reads version %2)")
                        .arg(version)
                        .arg(TraceFormatVersion));
    }
    fields.allowOnly(
        { QLatin1StringView("format"), QLatin1StringView("version"), QLatin1StringView("scenario"),
            QLatin1StringView("params"), QLatin1StringView("clock"), QLatin1StringView("dropped"),
            QLatin1StringView("tasks"), QLatin1StringView("io"), QLatin1StringView("events"),
            QLatin1StringView("created"), QLatin1StringView("program"), QLatin1StringView("source") });
    Header header;
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
    const TraceFieldReader creation(created, 1, QLatin1StringView("the header's 'created'"));
    creation.allowOnly({ QLatin1StringView("by"), QLatin1StringView("at") });
    header.metadata.createdBy = creation.string(QLatin1StringView("by"));
    header.metadata.createdAt = creation.string(QLatin1StringView("at"));
    if (fields.has(QLatin1StringView("program")))
        header.metadata.program = fields.string(QLatin1StringView("program"));
    if (fields.has(QLatin1StringView("source")))
        header.metadata.sourceFile = fields.string(QLatin1StringView("source"));
    return header;
}

} // namespace

LoadedTrace TraceFileReader::read(QIODevice &device, const TraceFileLimits &limits)
{
    LineSource lines(device, std::max<qsizetype>(limits.maxLineBytes, 64));
    QByteArray line;
    if (!lines.next(line))
        throw TraceFormatError(
            1, QStringLiteral("the file is empty: a Loopscope trace starts with a header line"));
    const QJsonObject first = [&] {
        try {
            return parseRecord(line, 1);
        } catch (const TraceFormatError &error) {
            throw TraceFormatError(1, QStringLiteral("not a Loopscope trace: %1").arg(error.problem()));
        }
    }();
    const Header header = readHeader(first, limits);

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
            const QJsonObject object = parseRecord(line, lines.number());
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
