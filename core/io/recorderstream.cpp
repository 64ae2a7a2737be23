#include "io/recorderstream.h"

#include <cstring>
#include <QJsonDocument>
#include <QJsonObject>

namespace Loopscope {

namespace {

// Records that declare what events refer to (beyond Loopscope's event kinds).
enum class Declaration : std::uint8_t { Label = 200, Task = 201, Info = 202, Step = 203 };

// The flags of a Step record, beside its thread lane (bits 3 to 7).
constexpr std::uint8_t StepResumed = 1;
constexpr std::uint8_t StepReturned = 2;

template<typename T>
T readLittleEndian(const unsigned char *at)
{
    T value;
    std::memcpy(&value, at, sizeof value);
    return value; // the platforms Loopscope builds for are little-endian, as the stream is
}

bool isEventKind(std::uint8_t kind)
{
    return kind < static_cast<std::uint8_t>(EventKindCount);
}

// Events whose `other` names a task (the parent of a created task, the task a suspension awaits).
bool otherIsTask(EventKind kind, WaitKind wait)
{
    return kind == EventKind::TaskCreated || (kind == EventKind::TaskSuspended && wait == WaitKind::Task);
}

} // namespace

static_assert(std::endian::native == std::endian::little, "the recorder stream is little-endian");

RecorderStreamReader::RecorderStreamReader(Trace &trace)
    : m_trace(trace)
{ }

bool RecorderStreamReader::looksRecorded(QByteArrayView firstBytes)
{
    return !firstBytes.isEmpty()
        && Magic.startsWith(firstBytes.first(std::min(firstBytes.size(), Magic.size())));
}

TraceMetadata RecorderStreamReader::metadata() const
{
    TraceMetadata metadata = TraceMetadata::recordedNow(QString(), {}, ClockMode::Real);
    metadata.program
        = m_info.pid > 0 ? QStringLiteral("%1 (pid %2)").arg(m_info.program).arg(m_info.pid) : m_info.program;
    metadata.sourceFile = m_info.script;
    return metadata;
}

bool RecorderStreamReader::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = QStringLiteral("%1 (at byte %2 of the recorder's stream)").arg(why).arg(m_offset);
    return false;
}

bool RecorderStreamReader::feed(QByteArrayView bytes)
{
    if (hasError())
        return false;
    m_pending.append(bytes);
    qsizetype at = 0;
    if (!m_headerRead) {
        if (m_pending.size() < Magic.size()) {
            if (!Magic.startsWith(m_pending))
                return fail(QStringLiteral("not a Loopscope recorder stream"));
            return true;
        }
        if (!m_pending.startsWith(Magic)) {
            return fail(QStringLiteral("not a Loopscope recorder stream (it begins with \"%1\")")
                            .arg(QString::fromLatin1(m_pending.left(16)).toHtmlEscaped()));
        }
        m_headerRead = true;
        at = Magic.size();
        m_offset += at;
    }
    const qsizetype eventsBefore = m_events;
    while (m_pending.size() - at >= RecordBytes) {
        qsizetype used = 0;
        if (!readRecord(m_pending.constData() + at, m_pending.size() - at, used))
            break;
        if (used == 0)
            break; // a record whose text has not fully arrived
        at += used;
        m_offset += used;
    }
    m_pending.remove(0, at);
    if (m_events != eventsBefore)
        m_trace.publish();
    return !hasError();
}

bool RecorderStreamReader::finish()
{
    if (hasError())
        return false;
    if (!m_headerRead)
        return m_pending.isEmpty() ? true : fail(QStringLiteral("the stream ended inside its header"));
    if (!m_pending.isEmpty())
        return fail(QStringLiteral("the stream stopped in the middle of a record"));
    return true;
}

bool RecorderStreamReader::readRecord(const char *at, qsizetype available, qsizetype &used)
{
    const auto *record = reinterpret_cast<const unsigned char *>(at);
    const std::uint8_t kind = record[0];
    if (isEventKind(kind)) {
        used = RecordBytes;
        return readEvent(record);
    }
    if (static_cast<Declaration>(kind) == Declaration::Step) {
        used = RecordBytes;
        return readStep(record);
    }
    const auto task = readLittleEndian<std::uint32_t>(record + 4);
    const auto other = readLittleEndian<std::uint32_t>(record + 8);
    const auto detail = readLittleEndian<std::uint32_t>(record + 12);
    const auto time = readLittleEndian<std::int64_t>(record + 16);
    switch (static_cast<Declaration>(kind)) {
    case Declaration::Label:
    case Declaration::Info: {
        if (other > MaxTextBytes)
            return fail(
                QStringLiteral("a text of %1 bytes (at most %2 are allowed)").arg(other).arg(MaxTextBytes));
        if (available < RecordBytes + other) {
            used = 0;
            return true;
        }
        const QString text = QString::fromUtf8(at + RecordBytes, other);
        used = RecordBytes + other;
        if (static_cast<Declaration>(kind) == Declaration::Info) {
            const QJsonObject info = QJsonDocument::fromJson(QByteArray(at + RecordBytes, other)).object();
            m_info.program = info.value(QStringLiteral("program")).toString();
            m_info.script = info.value(QStringLiteral("script")).toString();
            m_info.python = info.value(QStringLiteral("python")).toString();
            m_info.pid = info.value(QStringLiteral("pid")).toInteger();
            m_info.originNs = info.value(QStringLiteral("origin_ns")).toInteger();
            m_infoRead = true;
            return true;
        }
        if (detail != m_labels.size())
            return fail(
                QStringLiteral("label %1 declared where label %2 was due").arg(detail).arg(m_labels.size()));
        m_labels.push_back(m_trace.intern(text));
        return true;
    }
    case Declaration::Step:
        break; // read above: it has a layout of its own
    case Declaration::Task: {
        used = RecordBytes;
        if (task == NoTask || task > MaxTasks || task > m_tasks.size() + 1)
            return fail(QStringLiteral("task id %1 out of order").arg(task));
        if (other >= task)
            return fail(QStringLiteral("task %1 declared with parent %2, which does not exist yet")
                            .arg(task)
                            .arg(other));
        bool ok = true;
        const LabelId name = label(detail, ok);
        if (!ok)
            return false;
        if (time < 0 || time > std::numeric_limits<std::uint32_t>::max())
            return fail(QStringLiteral("task %1 has a name number out of range").arg(task));
        const QString text = m_trace.labels().text(name);
        const LabelId fullName
            = time == 0 ? name : m_trace.intern(QStringLiteral("%1 %2").arg(text).arg(time));
        if (task > m_tasks.size())
            m_tasks.resize(task, false);
        m_tasks[task - 1] = true;
        m_trace.registerTask(task, fullName, other);
        return true;
    }
    }
    used = RecordBytes;
    return fail(QStringLiteral("unknown record kind %1").arg(kind));
}

LabelId RecorderStreamReader::label(std::uint32_t streamId, bool &ok)
{
    if (streamId < m_labels.size())
        return m_labels[streamId];
    ok = false;
    fail(QStringLiteral("label %1 used before it was declared").arg(streamId));
    return NoLabel;
}

bool RecorderStreamReader::readEvent(const unsigned char *record)
{
    StoredEvent event {};
    event.kind = static_cast<EventKind>(record[0]);
    event.waitCode = record[1] & 0x7;
    event.thread = record[1] >> 3;
    event.line = readLittleEndian<std::uint16_t>(record + 2);
    event.task = readLittleEndian<std::uint32_t>(record + 4);
    event.other = readLittleEndian<std::uint32_t>(record + 8);
    event.detail = readLittleEndian<std::uint32_t>(record + 12);
    event.timeNs = readLittleEndian<std::int64_t>(record + 16) - m_info.originNs;
    if (eventKindHasLabel(event.kind)) {
        bool ok = true;
        event.detail = label(event.detail, ok);
        if (!ok)
            return false;
    }
    return acceptEvent(event);
}

bool RecorderStreamReader::readStep(const unsigned char *record)
{
    const std::uint8_t flags = record[1];
    StoredEvent start {};
    start.kind = (flags & StepResumed) ? EventKind::TaskResumed : EventKind::TaskStarted;
    start.thread = flags >> 3;
    start.task = readLittleEndian<std::uint32_t>(record + 4);
    start.timeNs = readLittleEndian<std::int64_t>(record + 8) - m_info.originNs;
    if (start.task == NoTask)
        return fail(QStringLiteral("a step of no task"));
    if (!acceptEvent(start))
        return false;
    StoredEvent end {};
    end.thread = start.thread;
    end.task = start.task;
    end.timeNs = readLittleEndian<std::int64_t>(record + 16) - m_info.originNs;
    if (flags & StepReturned) {
        end.kind = EventKind::TaskReturned;
        end.detail = NoLabel;
    } else {
        if (m_yieldLabel == NoLabel)
            m_yieldLabel = m_trace.intern(QStringLiteral("sleep(0)"));
        end.kind = EventKind::TaskSuspended;
        end.waitCode = static_cast<std::uint8_t>(WaitKind::Yield);
        end.line = readLittleEndian<std::uint16_t>(record + 2);
        end.detail = m_yieldLabel;
    }
    return acceptEvent(end);
}

bool RecorderStreamReader::acceptEvent(StoredEvent event)
{
    const auto declared
        = [this](TaskId id) { return id == NoTask || (id <= m_tasks.size() && m_tasks[id - 1]); };
    if (!declared(event.task))
        return fail(QStringLiteral("an event of task %1, which was never declared").arg(event.task));
    if (otherIsTask(event.kind, event.wait()) && !declared(event.other))
        return fail(QStringLiteral("an event that names task %1, which was never declared").arg(event.other));
    // I/O and timer ids count up from 1, as the recorder hands them out.
    if (event.kind == EventKind::IoSubmitted || event.kind == EventKind::TimerArmed) {
        std::uint32_t &seen = event.kind == EventKind::IoSubmitted ? m_ioIds : m_timerIds;
        if (event.other == 0 || event.other > seen + 1)
            return fail(QStringLiteral("I/O or timer id %1 out of order").arg(event.other));
        seen = std::max(seen, event.other);
    }
    if (event.timeNs < 0)
        return fail(QStringLiteral("an event before the recording began (time %1 ns)").arg(event.timeNs));
    if (event.task != NoTask
        && (event.kind == EventKind::TaskSuspended || event.kind == EventKind::TaskResumed)) {
        if (event.task >= m_suspensions.size())
            m_suspensions.resize(std::max<std::size_t>(event.task + 1, m_suspensions.size() * 2));
        Suspension &last = m_suspensions[event.task];
        if (event.kind == EventKind::TaskSuspended) {
            last = Suspension { event.other, event.detail, event.line, event.waitCode };
        } else if (event.other == 0 && event.detail == NoLabel && event.line == 0 && event.waitCode == 0) {
            event.other = last.other;
            event.detail = last.detail;
            event.line = last.line;
            event.waitCode = last.wait;
        }
    }
    // Loopscope's views expect a lane's clock never to go back; the recorder's clock is monotonic,
    // so only a broken stream would: its time is held where it was.
    std::int64_t &last = m_lastTime[event.thread];
    event.timeNs = std::max(event.timeNs, last);
    last = event.timeNs;
    m_trace.appendEvent(event);
    ++m_events;
    if (event.kind == EventKind::LoopStarted)
        ++m_openLoops;
    else if (event.kind == EventKind::LoopStopped && m_openLoops > 0)
        --m_openLoops;
    return true;
}

} // namespace Loopscope
