#include "io/binarytrace.h"

#include "io/jsonwriter.h"
#include "io/tracefieldreader.h"
#include "io/traceformaterror.h"
#include "io/tracejsonparts.h"
#include "io/tracerecordreader.h"

#include <QScopeGuard>
#include <QtEndian>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <optional>

namespace Loopscope {

namespace {

// An event record is a StoredEvent as it lies in memory (the wait and lane byte: lane in the low 5
// bits, as GCC and Clang lay out the bit-fields on little-endian machines; the round-trip tests
// read every field back): the encoder copies the trace's events whole.
static_assert(std::endian::native == std::endian::little);
static_assert(sizeof(StoredEvent) == BinaryTrace::EventBytes);
static_assert(offsetof(StoredEvent, timeNs) == 0 && offsetof(StoredEvent, task) == 8
    && offsetof(StoredEvent, other) == 12 && offsetof(StoredEvent, detail) == 16
    && offsetof(StoredEvent, kind) == 20 && offsetof(StoredEvent, line) == 22);

constexpr char MagicText[] = "\x89LOOPSCOPE\r\n\x1a\n";
constexpr qsizetype MagicTextSize = sizeof MagicText - 1; // 14, then the version

enum class Tag : quint32 {};

constexpr Tag tag(const char (&name)[5])
{
    return Tag { quint32(quint8(name[0])) | quint32(quint8(name[1])) << 8 | quint32(quint8(name[2])) << 16
        | quint32(quint8(name[3])) << 24 };
}

constexpr Tag MetaTag = tag("META");
constexpr Tag LabelsTag = tag("LABL");
constexpr Tag TasksTag = tag("TASK");
constexpr Tag IoTag = tag("IOJS");
constexpr Tag EventsTag = tag("EVTS");
constexpr Tag EndTag = tag("END\0");

qsizetype paddedSize(quint64 bytes)
{
    return static_cast<qsizetype>((bytes + 7) & ~quint64(7));
}

template<typename T>
void put(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToLittleEndian(value, bytes);
    out.append(bytes, sizeof(T));
}

template<typename T>
T get(const char *at)
{
    return qFromLittleEndian<T>(at);
}

//! Opens a chunk whose payload follows; close it with ChunkWriter::close().
class ChunkWriter
{
public:
    ChunkWriter(QByteArray &out, Tag tag)
        : m_out(out)
        , m_start(out.size())
    {
        put(out, static_cast<quint32>(tag));
        put(out, quint32(0));
        put(out, quint64(0));
    }
    void close(quint32 items)
    {
        const quint64 payload = quint64(m_out.size() - m_start - BinaryTrace::ChunkHeaderSize);
        qToLittleEndian(items, m_out.data() + m_start + 4);
        qToLittleEndian(payload, m_out.data() + m_start + 8);
        m_out.append(paddedSize(payload) - qsizetype(payload), '\0');
    }

private:
    QByteArray &m_out;
    qsizetype m_start;
};

QString tagName(quint32 value)
{
    QString name;
    for (int i = 0; i < 4; ++i) {
        const char c = char((value >> (8 * i)) & 0xff);
        name += (c >= 0x20 && c < 0x7f) ? QChar(c) : QChar(u'?');
    }
    return name;
}

} // namespace

QByteArray BinaryTrace::magic()
{
    QByteArray bytes(MagicText, MagicTextSize);
    put(bytes, quint16(BinaryTraceFormatVersion));
    return bytes;
}

bool BinaryTrace::looksBinary(QByteArrayView start)
{
    // A file cut inside its magic is a binary trace cut short, not text.
    const QByteArrayView magic(MagicText, MagicTextSize);
    return !start.isEmpty() && magic.startsWith(start.first(std::min(start.size(), magic.size())));
}

// ---- writing ----

BinaryTraceEncoder::BinaryTraceEncoder(const Trace &trace)
    : m_trace(trace)
    , m_nextSeq(trace.firstSeq())
{ }

void BinaryTraceEncoder::start(QByteArray &out, const TraceMetadata &metadata)
{
    out += BinaryTrace::magic();
    ChunkWriter chunk(out, MetaTag);
    JsonWriter json(out);
    detail::writeTraceHeader(json, m_trace, metadata, BinaryTraceFormatVersion);
    chunk.close(1);
}

bool BinaryTraceEncoder::writeNew(QByteArray &out, qsizetype maxEvents, qsizetype eventsPerChunk)
{
    writeLabels(out);
    writeTasks(out);
    writeIoRecords(out);
    const qsizetype limit = maxEvents > 0 ? maxEvents : std::numeric_limits<qsizetype>::max();
    qsizetype written = 0;
    while (written < limit) {
        const qsizetype chunk = writeEvents(out, std::min(limit - written, eventsPerChunk));
        if (chunk == 0)
            break;
        written += chunk;
    }
    return m_nextSeq < m_trace.nextSeq();
}

void BinaryTraceEncoder::writeNewPieces(std::vector<BinaryTracePiece> &pieces)
{
    QByteArray bytes;
    writeLabels(bytes);
    writeTasks(bytes);
    writeIoRecords(bytes);
    std::vector<std::span<const StoredEvent>> runs;
    while (takeEvents(bytes, BinaryTrace::EventsPerChunk, runs) > 0) {
        pieces.push_back({ std::exchange(bytes, {}), {} });
        for (const std::span<const StoredEvent> run : runs)
            pieces.push_back({ {}, run });
    }
    if (!bytes.isEmpty())
        pieces.push_back({ std::move(bytes), {} });
}

void BinaryTraceEncoder::end(QByteArray &out)
{
    writeNew(out);
    ChunkWriter chunk(out, EndTag);
    put(out, quint64(m_trace.taskCount() > 0 ? m_trace.taskCount() - 1 : 0));
    put(out, quint64(m_trace.ioRecords().size()));
    put(out, quint64(m_trace.size()));
    chunk.close(0);
}

void BinaryTraceEncoder::writeLabels(QByteArray &out)
{
    const LabelTable &labels = m_trace.labels();
    if (m_labelsWritten >= labels.size())
        return;
    ChunkWriter chunk(out, LabelsTag);
    put(out, quint32(m_labelsWritten));
    put(out, quint32(0));
    const qsizetype first = m_labelsWritten;
    for (; m_labelsWritten < labels.size(); ++m_labelsWritten) {
        // UTF-16, as Qt holds it: any text survives, lone surrogates included.
        const QString &text = labels.text(static_cast<LabelId>(m_labelsWritten));
        put(out, quint32(text.size()));
        for (const QChar c : text)
            put(out, quint16(c.unicode()));
    }
    chunk.close(static_cast<quint32>(m_labelsWritten - first));
}

void BinaryTraceEncoder::writeTasks(QByteArray &out)
{
    // Runs of consecutive tasks that are new (named or not: the reader must know them before their
    // events) or renamed since the last call, one chunk each. Only those are looked at: a stream
    // of a program with 100,000 tasks is not scanned whole at every flush.
    const TaskId count = m_trace.taskCount();
    std::vector<TaskId> changed;
    const std::vector<TaskId> &renamed = m_trace.renamedTasks();
    for (; m_renamesSeen < renamed.size(); ++m_renamesSeen) {
        const TaskId id = renamed[m_renamesSeen];
        if (id < m_taskNames.size() && m_taskNames[id] != m_trace.task(id).name)
            changed.push_back(id);
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    const auto firstNew = static_cast<TaskId>(m_taskNames.size());
    if (count > firstNew)
        m_taskNames.resize(count, NoLabel);
    for (TaskId id = firstNew; id < count; ++id)
        changed.push_back(id);
    for (std::size_t at = 0; at < changed.size();) {
        ChunkWriter chunk(out, TasksTag);
        put(out, quint32(changed[at]));
        put(out, quint32(0));
        const std::size_t first = at;
        do {
            const TaskRecord &task = m_trace.task(changed[at]);
            put(out, quint32(task.name));
            put(out, quint32(task.parent));
            m_taskNames[changed[at]] = task.name;
            ++at;
        } while (at < changed.size() && changed[at] == changed[at - 1] + 1);
        chunk.close(static_cast<quint32>(at - first));
    }
}

void BinaryTraceEncoder::writeIoRecords(QByteArray &out)
{
    const std::vector<IoRecord> &records = m_trace.ioRecords();
    const auto snapshot = [](const IoRecord &io) {
        return IoSent { io.firstByteNs, io.endNs, io.responseBytes, io.status, io.attempt, io.error.size() };
    };
    const auto same = [](const IoSent &a, const IoSent &b) {
        return a.firstByteNs == b.firstByteNs && a.endNs == b.endNs && a.responseBytes == b.responseBytes
            && a.status == b.status && a.attempt == b.attempt && a.errorSize == b.errorSize;
    };
    quint32 items = 0;
    std::optional<ChunkWriter> chunk;
    JsonWriter json(out);
    for (std::size_t i = 0; i < records.size(); ++i) {
        const IoSent now = snapshot(records[i]);
        if (i < m_ioSent.size() && same(m_ioSent[i], now))
            continue;
        if (!chunk)
            chunk.emplace(out, IoTag);
        detail::writeIoRecord(json, records[i]);
        ++items;
        if (i >= m_ioSent.size())
            m_ioSent.resize(i + 1);
        m_ioSent[i] = now;
    }
    if (chunk)
        chunk->close(items);
}

qsizetype BinaryTraceEncoder::takeEvents(
    QByteArray &out, qsizetype maxEvents, std::vector<std::span<const StoredEvent>> &runs)
{
    runs.clear();
    // Events the trace dropped (a capacity) before they were written are gone: the next chunk
    // says where it starts.
    m_nextSeq = std::max(m_nextSeq, m_trace.firstSeq());
    const qsizetype first = m_trace.indexOfSeq(m_nextSeq);
    if (first < 0)
        return 0;
    const qsizetype count = std::min(maxEvents, m_trace.size() - first);
    // The chunk's header and first seq; its records (8 + 24 n bytes: no padding) are the runs.
    put(out, static_cast<quint32>(EventsTag));
    put(out, quint32(count));
    put(out, quint64(8 + count * BinaryTrace::EventBytes));
    put(out, quint64(m_nextSeq));
    for (qsizetype done = 0; done < count;) {
        runs.push_back(m_trace.storedRun(first + done, count - done));
        done += static_cast<qsizetype>(runs.back().size());
    }
    m_nextSeq += static_cast<SeqNo>(count);
    return count;
}

qsizetype BinaryTraceEncoder::writeEvents(QByteArray &out, qsizetype maxEvents)
{
    // The stored events are the format's records (checked above), so whole runs are copied.
    std::vector<std::span<const StoredEvent>> runs;
    const qsizetype count = takeEvents(out, maxEvents, runs);
    for (const std::span<const StoredEvent> run : runs)
        out.append(reinterpret_cast<const char *>(run.data()), static_cast<qsizetype>(run.size_bytes()));
    return count;
}

// ---- reading ----

BinaryTraceDecoder::BinaryTraceDecoder(Trace &trace, const TraceFileLimits &limits)
    : m_trace(trace)
    , m_limits(limits)
{ }

void BinaryTraceDecoder::fail(const QString &problem) const
{
    throw TraceFormatError(QStringLiteral("at byte %1: %2").arg(m_chunkOffset).arg(problem));
}

void BinaryTraceDecoder::feedMapped(QByteArrayView bytes, std::shared_ptr<const void> owner)
{
    m_mapping = std::move(owner);
    m_mapped = bytes;
    const auto forget = qScopeGuard([this] {
        m_mapping.reset();
        m_mapped = {};
    });
    feed(bytes);
}

void BinaryTraceDecoder::feed(QByteArrayView bytes)
{
    const qsizetype eventsBefore = m_trace.size();
    if (!m_pending.isEmpty())
        m_pending.append(bytes);
    const QByteArrayView data = m_pending.isEmpty() ? bytes : QByteArrayView(m_pending);
    qsizetype at = 0;
    m_chunkOffset = m_offset;
    if (!m_magicRead) {
        const QByteArray expected = BinaryTrace::magic();
        const qsizetype seen = std::min(data.size(), expected.size());
        if (data.first(std::min(seen, MagicTextSize)) != expected.first(std::min(seen, MagicTextSize)))
            fail(QStringLiteral("not a binary Loopscope trace"));
        if (seen < expected.size()) {
            if (m_pending.isEmpty())
                m_pending = data.toByteArray();
            return;
        }
        const auto version = get<quint16>(data.data() + MagicTextSize);
        if (version != BinaryTraceFormatVersion) {
            fail(QStringLiteral("unsupported binary trace version %1 (this Loopscope reads version %2)")
                     .arg(version)
                     .arg(BinaryTraceFormatVersion));
        }
        m_magicRead = true;
        at = BinaryTrace::MagicSize;
    }
    try {
        while (at < data.size()) {
            m_chunkOffset = m_offset + at;
            const qsizetype used = readChunk(data.data() + at, data.size() - at);
            if (used == 0)
                break;
            at += used;
        }
    } catch (...) {
        m_offset += at;
        m_pending.clear();
        if (m_trace.size() != eventsBefore)
            m_trace.publish();
        throw;
    }
    m_offset += at;
    // What is left is the start of a chunk still on its way (it may alias m_pending: copy first).
    QByteArray rest = data.sliced(at).toByteArray();
    m_pending = std::move(rest);
    if (m_trace.size() != eventsBefore)
        m_trace.publish();
}

void BinaryTraceDecoder::finish() const
{
    if (!m_pending.isEmpty() || !m_magicRead) {
        throw TraceFormatError(
            QStringLiteral("at byte %1: the trace stops inside a chunk: it is truncated").arg(m_offset));
    }
    if (!m_ended) {
        throw TraceFormatError(QStringLiteral("at byte %1: the trace stops before its end marker: it is "
                                              "truncated, or its program stopped in the middle")
                                   .arg(m_offset));
    }
}

qsizetype BinaryTraceDecoder::readChunk(const char *at, qsizetype available)
{
    if (available < BinaryTrace::ChunkHeaderSize)
        return 0;
    const auto tagValue = get<quint32>(at);
    const auto items = get<quint32>(at + 4);
    const auto payloadBytes = get<quint64>(at + 8);
    if (payloadBytes > BinaryTrace::MaxChunkBytes) {
        fail(QStringLiteral("a '%1' chunk of %2 bytes (at most %3 are allowed)")
                 .arg(tagName(tagValue))
                 .arg(payloadBytes)
                 .arg(BinaryTrace::MaxChunkBytes));
    }
    const qsizetype size = BinaryTrace::ChunkHeaderSize + paddedSize(payloadBytes);
    if (available < size)
        return 0;
    const QByteArrayView payload(at + BinaryTrace::ChunkHeaderSize, static_cast<qsizetype>(payloadBytes));
    const Tag chunkTag { tagValue };
    if (m_ended)
        fail(QStringLiteral("a '%1' chunk after the end marker").arg(tagName(tagValue)));
    if (!m_metaRead && chunkTag != MetaTag)
        fail(QStringLiteral("the trace starts with a '%1' chunk instead of its header")
                 .arg(tagName(tagValue)));
    if (chunkTag == MetaTag)
        readMeta(payload);
    else if (chunkTag == LabelsTag)
        readLabels(payload, items);
    else if (chunkTag == TasksTag)
        readTasks(payload, items);
    else if (chunkTag == IoTag)
        readIoRecords(payload, items);
    else if (chunkTag == EventsTag)
        readEvents(payload, items);
    else if (chunkTag == EndTag)
        readEnd(payload);
    else
        fail(QStringLiteral("unknown chunk '%1'").arg(tagName(tagValue)));
    return size;
}

void BinaryTraceDecoder::readMeta(QByteArrayView payload)
{
    if (m_metaRead)
        fail(QStringLiteral("a second header"));
    try {
        const QJsonObject object = detail::parseTraceRecord(payload.toByteArray().trimmed(), 1);
        const detail::TraceHeader header
            = detail::readTraceHeader(object, m_limits, BinaryTraceFormatVersion, 1);
        m_metadata = header.metadata;
        if (!m_trace.isEmpty() || m_trace.droppedCount() != 0)
            fail(QStringLiteral("a header for a trace that is not empty"));
        m_trace.setDroppedCount(header.dropped);
    } catch (const TraceFormatError &error) {
        fail(QStringLiteral("the header: %1").arg(error.problem()));
    }
    m_metaRead = true;
}

void BinaryTraceDecoder::readLabels(QByteArrayView payload, quint32 items)
{
    if (payload.size() < 8)
        fail(QStringLiteral("a label chunk too short for its first id"));
    const auto first = get<quint32>(payload.data());
    if (first != quint32(m_trace.labels().size()))
        fail(QStringLiteral("labels from id %1 where id %2 was due").arg(first).arg(m_trace.labels().size()));
    qsizetype at = 8;
    for (quint32 i = 0; i < items; ++i) {
        if (payload.size() - at < 4)
            fail(QStringLiteral("label %1 of %2 is cut short").arg(i + 1).arg(items));
        const auto length = get<quint32>(payload.data() + at);
        at += 4;
        if (2 * quint64(length) > quint64(payload.size() - at))
            fail(QStringLiteral("label %1 of %2 is longer than its chunk").arg(i + 1).arg(items));
        QString text(static_cast<qsizetype>(length), Qt::Uninitialized);
        for (quint32 c = 0; c < length; ++c)
            text[c] = QChar(get<quint16>(payload.data() + at + 2 * c));
        at += 2 * qsizetype(length);
        const qsizetype expected = m_trace.labels().size();
        LabelId existing = NoLabel;
        if (m_trace.labels().find(text, existing))
            fail(QStringLiteral("label %1 repeats label %2").arg(expected).arg(existing));
        m_trace.intern(text);
    }
    if (at != payload.size())
        fail(QStringLiteral("a label chunk with %1 bytes after its %2 labels")
                 .arg(payload.size() - at)
                 .arg(items));
}

void BinaryTraceDecoder::readTasks(QByteArrayView payload, quint32 items)
{
    if (payload.size() != 8 + qsizetype(items) * 8)
        fail(QStringLiteral("a task chunk of %1 bytes for %2 tasks").arg(payload.size()).arg(items));
    const auto first = get<quint32>(payload.data());
    const TaskId known = std::max<TaskId>(m_trace.taskCount(), 1);
    if (first == NoTask || first > known)
        fail(QStringLiteral("tasks from id %1, after %2 tasks").arg(first).arg(known - 1));
    if (quint64(first) + items - 1 > quint64(m_limits.maxTasks))
        fail(QStringLiteral("more than %1 tasks, the most this Loopscope opens").arg(m_limits.maxTasks));
    const qsizetype labels = m_trace.labels().size();
    for (quint32 i = 0; i < items; ++i) {
        const TaskId id = first + i;
        const auto name = get<quint32>(payload.data() + 8 + 8 * i);
        const auto parent = get<quint32>(payload.data() + 12 + 8 * i);
        if (name >= quint64(labels))
            fail(QStringLiteral("task %1 is named by label %2, which does not exist").arg(id).arg(name));
        if (parent >= id)
            fail(QStringLiteral("task %1 names task %2 as its parent, which is not declared before it")
                     .arg(id)
                     .arg(parent));
        m_trace.registerTask(id, name, parent);
    }
}

void BinaryTraceDecoder::readIoRecords(QByteArrayView payload, quint32 items)
{
    const QList<QByteArray> lines = payload.toByteArray().split('\n');
    // The writer ends every record with a line ending: the last piece is empty.
    if (lines.size() != qsizetype(items) + 1 || !lines.last().isEmpty())
        fail(QStringLiteral("an I/O chunk whose records do not match its count of %1").arg(items));
    for (quint32 i = 0; i < items; ++i) {
        if (m_trace.ioRecords().size() >= std::size_t(m_limits.maxIoRecords))
            fail(QStringLiteral("more than %1 I/O records, the most this Loopscope opens")
                     .arg(m_limits.maxIoRecords));
        try {
            const QJsonObject object = detail::parseTraceRecord(lines[i], i + 1);
            detail::readIoRecord(detail::TraceFieldReader(object, i + 1, QLatin1StringView("the I/O record")),
                m_trace, detail::IoRecordRepeat::Replaces);
        } catch (const TraceFormatError &error) {
            fail(QStringLiteral("I/O record %1 of its chunk: %2").arg(i + 1).arg(error.problem()));
        }
    }
}

void BinaryTraceDecoder::readEvents(QByteArrayView payload, quint32 items)
{
    if (payload.size() != 8 + qsizetype(items) * BinaryTrace::EventBytes)
        fail(QStringLiteral("an event chunk of %1 bytes for %2 events").arg(payload.size()).arg(items));
    const auto firstSeq = get<quint64>(payload.data());
    if (firstSeq != m_trace.nextSeq()) {
        fail(QStringLiteral("expected event seq %1, found %2 (events must be consecutive)")
                 .arg(m_trace.nextSeq())
                 .arg(firstSeq));
    }
    if (m_trace.size() + qint64(items) > m_limits.maxEvents)
        fail(QStringLiteral("more than %1 events, the most this Loopscope opens").arg(m_limits.maxEvents));
    const TaskId tasks = m_trace.taskCount();
    const auto labels = static_cast<std::uint32_t>(m_trace.labels().size());
    const char *record = payload.data() + 8;
    // A whole chunk of the trace's memory that lies in a mapped file is checked and used there.
    const auto *events = reinterpret_cast<const StoredEvent *>(record);
    const bool inPlace = m_mapping && items == Trace::ChunkSize && record >= m_mapped.data()
        && record + qsizetype(items) * BinaryTrace::EventBytes <= m_mapped.data() + m_mapped.size()
        && m_trace.canAdoptChunk(events);
    for (quint32 i = 0; i < items; ++i, record += BinaryTrace::EventBytes) {
        StoredEvent event {};
        event.timeNs = get<std::int64_t>(record);
        event.task = get<quint32>(record + 8);
        event.other = get<quint32>(record + 12);
        event.detail = get<quint32>(record + 16);
        const auto kind = quint8(record[20]);
        const auto laneAndWait = quint8(record[21]);
        event.line = get<quint16>(record + 22);
        event.thread = laneAndWait & 0x1f;
        event.waitCode = laneAndWait >> 5;
        const auto where = [&] { return QStringLiteral("event %1").arg(firstSeq + i); };
        if (kind >= EventKindCount)
            fail(QStringLiteral("%1 has unknown kind %2").arg(where()).arg(kind));
        event.kind = static_cast<EventKind>(kind);
        if (event.waitCode >= WaitKindCount)
            fail(QStringLiteral("%1 has unknown wait %2").arg(where()).arg(event.waitCode));
        if (event.task != NoTask && event.task >= tasks)
            fail(QStringLiteral("%1 refers to task %2, which the trace does not declare")
                     .arg(where())
                     .arg(event.task));
        if (detail::otherIsTask(event.kind) && event.other != NoTask && event.other >= tasks)
            fail(QStringLiteral("%1 refers to task %2, which the trace does not declare")
                     .arg(where())
                     .arg(event.other));
        if (eventKindHasLabel(event.kind) && event.detail >= labels)
            fail(QStringLiteral("%1 has label %2, which the trace does not declare")
                     .arg(where())
                     .arg(event.detail));
        std::int64_t &last = m_lastTime[event.thread];
        if (event.timeNs < last)
            fail(QStringLiteral("%1: time goes backwards, %2 ns after %3 ns")
                     .arg(where())
                     .arg(event.timeNs)
                     .arg(last));
        last = event.timeNs;
        if (!inPlace)
            m_trace.appendEvent(event);
    }
    if (inPlace)
        m_trace.adoptChunk(events, m_mapping);
}

void BinaryTraceDecoder::readEnd(QByteArrayView payload)
{
    if (payload.size() != 24)
        fail(QStringLiteral("an end marker of %1 bytes instead of 24").arg(payload.size()));
    const auto tasks = get<quint64>(payload.data());
    const auto io = get<quint64>(payload.data() + 8);
    const auto events = get<quint64>(payload.data() + 16);
    const quint64 readTasks = m_trace.taskCount() > 0 ? m_trace.taskCount() - 1 : 0;
    if (tasks != readTasks || io != m_trace.ioRecords().size() || events != quint64(m_trace.size())) {
        fail(QStringLiteral(
            "the end marker counts %1 tasks, %2 I/O records and %3 events; the trace has %4, %5 "
            "and %6")
                 .arg(tasks)
                 .arg(io)
                 .arg(events)
                 .arg(readTasks)
                 .arg(m_trace.ioRecords().size())
                 .arg(m_trace.size()));
    }
    m_ended = true;
}

} // namespace Loopscope
