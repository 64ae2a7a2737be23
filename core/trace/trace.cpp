#include "trace/trace.h"

#include <algorithm>
#include <cstring>

#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace Loopscope {

Trace::Trace(QObject *parent)
    : QObject(parent)
{ }

Trace::~Trace() = default;

void Trace::setCapacity(qsizetype maxEvents)
{
    m_capacity = maxEvents < 0 ? 0 : maxEvents;
}

void Trace::startChunk()
{
    const bool overCapacity = m_capacity > 0 && size() >= m_capacity + ChunkSize && m_chunks.size() > 1;
    if (overCapacity && m_chunks.front().use_count() == 1
        && std::get_deleter<ChunkDeleter>(m_chunks.front())) {
        // Recycle the oldest chunk as the new tail: a capped trace allocates nothing once full.
        auto oldest = std::move(m_chunks.front());
        m_chunks.erase(m_chunks.begin());
        m_dropped += ChunkSize;
        m_chunks.push_back(std::move(oldest));
    } else {
        m_chunks.push_back(allocateChunk());
    }
    m_cursor = m_chunks.back()->events.data();
    m_chunkEnd = m_cursor + ChunkSize;
}

Trace::ChunkPtr Trace::allocateChunk()
{
    constexpr std::size_t bytes = sizeof(Chunk);
    constexpr std::size_t hugePage = 2 << 20;
    static_assert(bytes <= hugePage);
    void *memory = std::aligned_alloc(hugePage, hugePage);
    if (!memory)
        throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    // Best effort: one huge page per chunk instead of 512 small page faults.
    madvise(memory, hugePage, MADV_HUGEPAGE);
#endif
    return ChunkPtr(static_cast<Chunk *>(memory), ChunkDeleter {}); // trivially constructible: no zeroing
}

void Trace::ChunkDeleter::operator()(Chunk *chunk) const
{
    std::free(chunk);
}

bool Trace::canAdoptChunk(const StoredEvent *events) const
{
    return !hasRoom() && size() % ChunkSize == 0 && m_capacity == 0
        && reinterpret_cast<std::uintptr_t>(events) % alignof(StoredEvent) == 0;
}

void Trace::adoptChunk(const StoredEvent *events, const std::shared_ptr<const void> &owner)
{
    Q_ASSERT(canAdoptChunk(events));
    // Shares `owner`'s lifetime. A full chunk is never written; were it recycled (a capacity set
    // later), a private mapping copies the page it writes.
    m_chunks.push_back(ChunkPtr(owner, reinterpret_cast<Chunk *>(const_cast<StoredEvent *>(events))));
    m_cursor = m_chunkEnd = m_chunks.back()->events.data() + ChunkSize;
}

void Trace::appendRange(const Trace &other, qsizetype first, qsizetype count)
{
    const bool sharable = m_capacity == 0 && other.m_capacity == 0;
    while (count > 0) {
        const auto whole = static_cast<std::size_t>(first / ChunkSize);
        const bool aligned = !hasRoom() && first % ChunkSize == 0 && size() % ChunkSize == 0;
        if (sharable && aligned && count >= ChunkSize && first + ChunkSize <= other.size()) {
            m_chunks.push_back(other.m_chunks[whole]); // full: nobody writes it again
            m_cursor = m_chunkEnd = m_chunks.back()->events.data() + ChunkSize;
            first += ChunkSize;
            count -= ChunkSize;
            continue;
        }
        if (!hasRoom())
            startChunk();
        const auto chunk = static_cast<std::size_t>(first / ChunkSize);
        const qsizetype offset = first % ChunkSize;
        const qsizetype n = std::min({ count, ChunkSize - offset, qsizetype(m_chunkEnd - m_cursor) });
        std::memcpy(
            m_cursor, other.m_chunks[chunk]->events.data() + offset, std::size_t(n) * sizeof(StoredEvent));
        m_cursor += n;
        first += n;
        count -= n;
    }
}

void Trace::publish()
{
    const SeqNo next = nextSeq();
    if (next == m_publishedSeq)
        return;
    const SeqNo first = m_publishedSeq < firstSeq() ? firstSeq() : m_publishedSeq;
    m_publishedSeq = next;
    emit eventsAppended(first, next - 1);
}

void Trace::registerTask(TaskId id, LabelId name, TaskId parent)
{
    if (id >= m_tasks.size())
        m_tasks.resize(id + 1);
    else if (m_tasks[id].name != name)
        m_renamed.push_back(id); // renamed, or named after a later id was registered
    m_tasks[id] = TaskRecord { name, parent };
}

const TaskRecord &Trace::task(TaskId id) const
{
    static const TaskRecord none;
    return id < m_tasks.size() ? m_tasks[id] : none;
}

QString Trace::taskName(TaskId id) const
{
    if (id == NoTask)
        return QStringLiteral("loop");
    const QString &name = m_labels.text(task(id).name);
    return name.isEmpty() ? QStringLiteral("task %1").arg(id) : name;
}

void Trace::recordIo(const IoRecord &record)
{
    const auto it = m_ioIndex.find(record.id);
    if (it != m_ioIndex.end()) {
        m_io[it->second] = record;
        return;
    }
    m_ioIndex.emplace(record.id, m_io.size());
    m_io.push_back(record);
}

const IoRecord *Trace::io(std::uint32_t id) const
{
    const auto it = m_ioIndex.find(id);
    return it == m_ioIndex.end() ? nullptr : &m_io[it->second];
}

void Trace::setDroppedCount(std::uint64_t count)
{
    Q_ASSERT(isEmpty());
    m_dropped = count;
    m_publishedSeq = count;
}

void Trace::copyRecordsFrom(const Trace &other)
{
    Q_ASSERT(isEmpty() && m_labels.size() == 1);
    setDroppedCount(other.firstSeq());
    // Interning in the same order reproduces the same label ids.
    for (qsizetype id = 1; id < other.m_labels.size(); ++id)
        m_labels.intern(other.m_labels.text(static_cast<LabelId>(id)));
    m_tasks = other.m_tasks;
    m_renamesSynced = other.m_renamed.size();
    m_io = other.m_io;
    m_ioIndex = other.m_ioIndex;
}

void Trace::syncRecordsFrom(const Trace &other)
{
    for (qsizetype id = m_labels.size(); id < other.m_labels.size(); ++id)
        m_labels.intern(other.m_labels.text(static_cast<LabelId>(id)));
    if (other.m_tasks.size() > m_tasks.size())
        m_tasks.insert(m_tasks.end(), other.m_tasks.begin() + static_cast<std::ptrdiff_t>(m_tasks.size()),
            other.m_tasks.end());
    for (; m_renamesSynced < other.m_renamed.size(); ++m_renamesSynced) {
        const TaskId id = other.m_renamed[m_renamesSynced];
        m_tasks[id] = other.m_tasks[id];
    }
    for (std::size_t i = m_io.size(); i < other.m_io.size(); ++i)
        recordIo(other.m_io[i]);
}

std::unique_ptr<Trace> Trace::copy() const
{
    auto result = std::make_unique<Trace>();
    result->copyRecordsFrom(*this);
    result->setThreadLane(m_thread);
    result->appendRange(*this, 0, size());
    result->m_publishedSeq = result->nextSeq();
    return result;
}

qsizetype Trace::indexOfSeq(SeqNo seq) const
{
    if (seq < firstSeq() || seq >= nextSeq())
        return -1;
    return static_cast<qsizetype>(seq - firstSeq());
}

QString Trace::detailText(const TraceEvent &event) const
{
    switch (event.kind) {
    case EventKind::LoopWaiting:
    case EventKind::TimerArmed:
    case EventKind::SlowStep:
        return formatDuration(static_cast<std::int64_t>(event.detail) * 1000);
    default:
        return m_labels.text(event.detail);
    }
}

QString Trace::describe(const TraceEvent &event) const
{
    const QString who = taskName(event.task);
    const QString detail = detailText(event);
    const QString other = event.other ? taskName(event.other) : QString();
    QString what;
    switch (event.kind) {
    case EventKind::LoopStarted:
        what = QStringLiteral("loop started");
        break;
    case EventKind::LoopStopped:
        what = QStringLiteral("loop stopped (%1)").arg(detail);
        break;
    case EventKind::LoopWaiting:
        what = QStringLiteral("loop waits on I/O and timers for %1").arg(detail);
        break;
    case EventKind::Poll:
        what = QStringLiteral("loop polls %1: not ready").arg(other);
        break;
    case EventKind::TaskCreated:
        what = event.other ? QStringLiteral("%1 created by %2").arg(who, other)
                           : QStringLiteral("%1 created").arg(who);
        break;
    case EventKind::TaskStarted:
        what = QStringLiteral("loop starts %1").arg(who);
        break;
    case EventKind::TaskSuspended:
        what = QStringLiteral("%1 awaits %2").arg(who, detail);
        break;
    case EventKind::TaskResumed:
        what = QStringLiteral("loop resumes %1").arg(who);
        break;
    case EventKind::ValueYielded:
        what = QStringLiteral("%1 yields %2").arg(who, detail);
        break;
    case EventKind::TaskDelegated:
        what = QStringLiteral("%1 delegates to %2").arg(who, other);
        break;
    case EventKind::TaskReturned:
        what = detail.isEmpty() ? QStringLiteral("%1 completes").arg(who)
                                : QStringLiteral("%1 completes, returning %2").arg(who, detail);
        break;
    case EventKind::TaskFailed:
        what = QStringLiteral("%1 fails: %2").arg(who, detail);
        break;
    case EventKind::TaskCancelled:
        what = QStringLiteral("%1 cancelled").arg(who);
        break;
    case EventKind::IoSubmitted:
        what = QStringLiteral("%1 submits I/O #%2 %3").arg(who).arg(event.other).arg(detail);
        break;
    case EventKind::IoCompleted:
        what = QStringLiteral("I/O #%1 complete %2 -> %3").arg(event.other).arg(detail, who);
        break;
    case EventKind::IoFailed:
        what = QStringLiteral("I/O #%1 failed: %2 -> %3").arg(event.other).arg(detail, who);
        break;
    case EventKind::TimerArmed:
        what = QStringLiteral("%1 arms timer #%2 for %3").arg(who).arg(event.other).arg(detail);
        break;
    case EventKind::TimerFired:
        what = QStringLiteral("timer #%1 fires -> %2").arg(event.other).arg(who);
        break;
    case EventKind::SlowStep:
        what = QStringLiteral("SLOW STEP: %1 ran %2 without yielding").arg(who, detail);
        break;
    case EventKind::Message:
        what = QStringLiteral("%1: %2").arg(who, detail);
        break;
    case EventKind::CancelRequested:
        what = event.other ? QStringLiteral("%1 asks %2 to cancel").arg(other, who)
                           : QStringLiteral("%1 is asked to cancel").arg(who);
        break;
    case EventKind::CounterSet:
        what = QStringLiteral("%1 = %2").arg(detail).arg(event.other);
        break;
    }
    return QStringLiteral("#%1 t=%2 %3").arg(event.seq).arg(formatDuration(event.timeNs), what);
}

void Trace::clear()
{
    emit aboutToClear();
    m_chunks.clear();
    m_cursor = m_chunkEnd = nullptr;
    m_publishedSeq = 0;
    m_dropped = 0;
    m_labels.clear();
    m_tasks.clear();
    m_renamed.clear();
    m_renamesSynced = 0;
    m_io.clear();
    m_ioIndex.clear();
    emit cleared();
}

std::size_t Trace::storageBytes() const
{
    return m_chunks.size() * sizeof(Chunk);
}

QString formatBytes(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(double(bytes) / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
}

QString formatCount(qint64 count, QStringView noun)
{
    return QStringLiteral("%1 %2%3").arg(count).arg(noun).arg(count == 1 ? "" : "s");
}

QString formatDuration(std::int64_t ns)
{
    const double v = static_cast<double>(ns);
    if (ns == 0)
        return QStringLiteral("0 s");
    if (ns % 1'000'000'000 == 0 || ns >= 1'000'000'000)
        return QStringLiteral("%1 s").arg(v / 1e9, 0, 'f', 3);
    if (ns >= 1'000'000)
        return QStringLiteral("%1 ms").arg(v / 1e6, 0, 'f', ns % 1'000'000 == 0 ? 0 : 3);
    if (ns >= 1'000)
        return QStringLiteral("%1 µs").arg(v / 1e3, 0, 'f', ns % 1'000 == 0 ? 0 : 3);
    return QStringLiteral("%1 ns").arg(ns);
}

} // namespace Loopscope
