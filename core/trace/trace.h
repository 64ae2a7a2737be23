#pragma once

#include "trace/labeltable.h"
#include "trace/traceevent.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

namespace Loopscope {

/*!
 * Details of one I/O operation that events only refer to by id: filled by the HTTP layer (method,
 * URL, status, sizes, timings) and read by exports such as HAR. Times are scheduler nanoseconds.
 */
struct IoRecord
{
    std::uint32_t id = 0;
    TaskId task = NoTask;
    QString method; //!< "GET", "POST"; empty for non-HTTP I/O
    QString url;
    int status = 0; //!< HTTP status, 0 if no response
    QString statusText;
    std::int64_t requestBytes = 0;
    std::int64_t responseBytes = 0;
    std::int64_t startNs = 0;      //!< submitted
    std::int64_t firstByteNs = -1; //!< first response byte, -1 if none
    std::int64_t endNs = -1;       //!< completed or failed, -1 while in flight
    // How an HTTP attempt spent its time (see requestPhases()); -1 where a step did not happen.
    std::int64_t queuedNs = -1;     //!< began waiting for its turn (request rate, concurrency limit)
    std::int64_t connectNs = -1;    //!< began opening a connection (-1: it reused one)
    std::int64_t dnsEndNs = -1;     //!< the host's address known
    std::int64_t connectEndNs = -1; //!< TCP connected
    std::int64_t tlsEndNs = -1;     //!< TLS handshake done (https)
    std::int64_t sentNs = -1;       //!< the request handed to the network
    int connection = 0;             //!< which of its client's connections carried it (1, 2, …; 0: none)
    std::uint32_t request = 0;      //!< the request it is an attempt of: retries and redirects share it
    int attempt = 1;
    QString error; //!< empty on success
    QList<QPair<QByteArray, QByteArray>> requestHeaders;
    QList<QPair<QByteArray, QByteArray>> responseHeaders;
};

//! What the trace knows about a task beyond its events: its name and its parent.
struct TaskRecord
{
    LabelId name = NoLabel;
    TaskId parent = NoTask;
};

/*!
 * The trace: an append-only log of TraceEvents, the model every view observes.
 *
 * Storage is a list of fixed-size chunks, so appending never moves or allocates per event.
 * With a capacity set, the oldest whole chunks are dropped (and recycled) once the trace holds
 * more than that many events; droppedCount() says how many were lost and seq numbers keep counting.
 *
 * Writers append freely and call publish() once per loop turn; publish() emits a single
 * eventsAppended() for everything appended since the previous one. A Trace belongs to one thread.
 */
class Trace : public QObject
{
    Q_OBJECT
public:
    //! Events per chunk: as many as fit in 2 MiB, the size of a huge page, so that a long trace
    //! costs few page faults.
    static constexpr qsizetype ChunkSize = (2 << 20) / sizeof(StoredEvent);

    explicit Trace(QObject *parent = nullptr);
    ~Trace() override;

    //! Keeps at least the newest `maxEvents` events (0: keep everything).
    void setCapacity(qsizetype maxEvents);
    qsizetype capacity() const { return m_capacity; }

    void append(EventKind kind, std::int64_t timeNs, TaskId task, std::uint32_t other = 0,
        std::uint32_t detail = 0, std::uint16_t line = 0, WaitKind wait = WaitKind::Other)
    {
        appendEvent(StoredEvent {
            timeNs, task, other, detail, kind, threadLane(), static_cast<std::uint8_t>(wait), line });
    }
    //! Appends an event as given, thread lane included (its seq, if any, is the trace's to give).
    void appendEvent(const StoredEvent &event)
    {
        if (!hasRoom()) [[unlikely]]
            startChunk();
        appendUnchecked(event);
    }
    //! Whether the next append fits in the current chunk.
    bool hasRoom() const { return m_cursor != m_chunkEnd; }
    //! appendEvent(), when hasRoom().
    void appendUnchecked(const StoredEvent &event) { *m_cursor++ = event; }

    //! Appends `count` events of `other` from its index `first` as they are (a replay catching up).
    //! Where both traces keep whole chunks of them at the same places (a replay from the start of
    //! a trace without a capacity), the chunks are shared, not copied.
    void appendRange(const Trace &other, qsizetype first, qsizetype count);
    //! Emits eventsAppended() for the events appended since the last call, if any.
    void publish();
    //! Whether adoptChunk() can take `events`: the trace ends at a chunk boundary, has no capacity,
    //! and `events` are aligned.
    bool canAdoptChunk(const StoredEvent *events) const;
    //! Takes ChunkSize events that lie in memory `owner` keeps (a mapped trace file) as the next
    //! chunk, in place (canAdoptChunk() must hold). The events must be valid, and must stay as they
    //! are while `owner` lives.
    void adoptChunk(const StoredEvent *events, const std::shared_ptr<const void> &owner);

    //! The lane of the events appended from now on; below MaxThreadLanes.
    void setThreadLane(std::uint8_t lane)
    {
        Q_ASSERT(lane < MaxThreadLanes);
        m_thread = lane;
    }
    std::uint8_t threadLane() const
    {
        // Lanes are below MaxThreadLanes (setThreadLane checks it): said here, so that storing the lane
        // in its 5 bits takes no masking on the scheduler's hottest path.
        if (m_thread >= MaxThreadLanes)
            __builtin_unreachable();
        return m_thread;
    }

    void registerTask(TaskId id, LabelId name, TaskId parent);
    //! Tasks registered again under another name (or named after a later id was), in the order it
    //! happened (ids may repeat).
    const std::vector<TaskId> &renamedTasks() const { return m_renamed; }
    const TaskRecord &task(TaskId id) const;
    QString taskName(TaskId id) const;
    TaskId taskCount() const { return static_cast<TaskId>(m_tasks.size()); }

    //! Adds or replaces the details of I/O operation `record.id`.
    void recordIo(const IoRecord &record);
    //! Details of I/O operation `id`, or nullptr if none were recorded.
    const IoRecord *io(std::uint32_t id) const;
    const std::vector<IoRecord> &ioRecords() const { return m_io; }

    qsizetype size() const
    {
        return m_chunks.empty() ? 0
                                : static_cast<qsizetype>(m_chunks.size() - 1) * ChunkSize
                + (m_cursor - m_chunks.back()->events.data());
    }
    bool isEmpty() const { return size() == 0; }
    //! The event at `index` (0 is the oldest kept), by value: the trace does not store its seq.
    TraceEvent at(qsizetype index) const
    {
        return TraceEvent { m_chunks[static_cast<std::size_t>(index / ChunkSize)]->events[index % ChunkSize],
            firstSeq() + static_cast<SeqNo>(index) };
    }
    TraceEvent last() const { return at(size() - 1); }
    //! The stored events from `index` on that lie in one chunk, at most `count` of them: a run to
    //! copy whole (seqs follow from `index`).
    std::span<const StoredEvent> storedRun(qsizetype index, qsizetype count) const
    {
        const qsizetype offset = index % ChunkSize;
        const qsizetype n = std::min({ count, ChunkSize - offset, size() - index });
        return { m_chunks[static_cast<std::size_t>(index / ChunkSize)]->events.data() + offset,
            static_cast<std::size_t>(std::max<qsizetype>(0, n)) };
    }
    //! Sequence number of at(0): events before it were dropped (or loaded as dropped).
    SeqNo firstSeq() const { return m_dropped; }
    SeqNo nextSeq() const { return m_dropped + static_cast<SeqNo>(size()); }
    //! Index of the event with sequence number `seq`, or -1 if it was dropped or not yet written.
    qsizetype indexOfSeq(SeqNo seq) const;
    std::uint64_t droppedCount() const { return m_dropped; }
    //! For loading a saved trace into an empty one: records `count` events as dropped before the
    //! first, so that the next appended event gets seq `count` (as it had when it was saved).
    void setDroppedCount(std::uint64_t count);
    //! Into an empty trace: the labels (with the same ids), task records and I/O records of
    //! `other`, and its numbering, so that its events can be appended unchanged.
    void copyRecordsFrom(const Trace &other);
    //! Brings labels, task and I/O records up to date with `other`, a recording that grows and of
    //! which this trace replays a prefix (after copyRecordsFrom()): new labels keep their ids,
    //! new and renamed tasks and new I/O records are copied.
    void syncRecordsFrom(const Trace &other);
    //! A copy of this trace that owns its own memory (events, labels and records).
    std::unique_ptr<Trace> copy() const;

    LabelTable &labels() { return m_labels; }
    const LabelTable &labels() const { return m_labels; }
    LabelId intern(const QString &text) { return m_labels.intern(text); }

    //! One readable line for an event, e.g. "t=2.000s  C1 resumed".
    QString describe(const TraceEvent &event) const;
    //! The event's detail as text (label, number or duration, by kind).
    QString detailText(const TraceEvent &event) const;

    void clear();
    //! Bytes held by event storage (whole chunks), for memory reports.
    std::size_t storageBytes() const;

signals:
    //! Events with sequence numbers [first, last] were appended (one signal per publish()).
    void eventsAppended(Loopscope::SeqNo first, Loopscope::SeqNo last);
    //! The trace is about to be emptied (its events' memory freed).
    void aboutToClear();
    //! The trace was emptied.
    void cleared();

private:
    struct Chunk
    {
        std::array<StoredEvent, ChunkSize> events;
    };
    struct ChunkDeleter
    {
        void operator()(Chunk *chunk) const;
    };
    //! Shared: a full chunk never changes again, so a replay of this trace holds the same chunk
    //! instead of a copy (appendRange()); only a chunk nobody else holds is written or recycled.
    using ChunkPtr = std::shared_ptr<Chunk>;

    void startChunk();
    static ChunkPtr allocateChunk();

    std::vector<ChunkPtr> m_chunks;
    StoredEvent *m_cursor = nullptr; //!< next free slot of the newest chunk
    StoredEvent *m_chunkEnd = nullptr;
    qsizetype m_capacity = 0;
    SeqNo m_publishedSeq = 0;
    std::uint64_t m_dropped = 0;
    std::uint8_t m_thread = 0;
    LabelTable m_labels;
    std::vector<TaskRecord> m_tasks;
    std::vector<TaskId> m_renamed;   //!< tasks registered again with another name, in order
    std::size_t m_renamesSynced = 0; //!< of the trace syncRecordsFrom() follows
    std::vector<IoRecord> m_io;
    std::unordered_map<std::uint32_t, std::size_t> m_ioIndex;
};

//! Formats nanoseconds for people: "2.000 s", "350 ms", "12 µs".
QString formatDuration(std::int64_t ns);
//! Formats a size for people: "512 B", "3.8 KB", "1.2 MB".
QString formatBytes(qint64 bytes);
//! Formats a count with its noun for people: "1 page", "2 pages", "0 failed pages".
QString formatCount(qint64 count, QStringView noun);

} // namespace Loopscope
