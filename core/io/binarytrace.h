#pragma once

#include "io/tracefilereader.h"
#include "run/tracemetadata.h"
#include "trace/trace.h"

#include <QByteArray>
#include <QByteArrayView>

#include <span>
#include <vector>

namespace Loopscope {

/*!
 * The binary trace format (version 2): what `.loopscope` files are saved as, and what a live
 * program streams to a listening window. Little-endian, in 8-byte-aligned chunks, so that a
 * stream is read chunk by chunk as it arrives and a file can be memory-mapped and read in place.
 *
 *   magic   16 bytes: "\x89LOOPSCOPE\r\n\x1a\n" and the version, u16 = 2
 *   chunks  each: tag (4 ASCII bytes), items u32, payload bytes u64, the payload, zero bytes up to
 *           the next multiple of 8
 *
 *   META  first, once: the header object of the JSON Lines form (UTF-8 JSON, "version": 2)
 *   LABL  labels: first id u32, 0 u32, then `items` × (length u32, UTF-16 code units u16 × length:
 *         any text survives). Ids count up from 1 (0 is the empty label) and each text is new.
 *   TASK  task records: first id u32, 0 u32, then `items` × (name label u32, parent task u32).
 *         A task sent again is renamed (a live program names its tasks as it goes).
 *   IOJS  `items` I/O records as JSON Lines (the objects of the JSON Lines form); a record sent again
 *         replaces the first (a live program's request ends after it started).
 *   EVTS  events: seq of the first u64, then `items` × 24 bytes: time ns i64, task u32, other u32,
 *         detail u32 (a label id for kinds with a label), kind u8, thread lane (bits 0-4) and wait
 *         (bits 5-7) u8, line u16.
 *   END   last, once: tasks u64, I/O records u64, events u64, which must match what came before.
 *         A stream that stops before END was cut short.
 *
 * 24 bytes per event; a 10-million-event trace is 240 MB and loads at memory speed.
 */
namespace BinaryTrace {
inline constexpr qsizetype MagicSize = 16;
inline constexpr qsizetype ChunkHeaderSize = 16;
inline constexpr qsizetype EventBytes = 24;
//! Events per EVTS chunk the writer makes (1.5 MB): small enough to stream, large enough to be cheap.
inline constexpr qsizetype EventsPerChunk = 65536;
//! Events per chunk in files: a chunk of the trace's memory, so that a mapped file's events are
//! used where they lie.
inline constexpr qsizetype FileEventsPerChunk = Trace::ChunkSize;
//! The largest chunk a reader accepts, so that a hostile length never becomes an allocation.
inline constexpr quint64 MaxChunkBytes = 64 << 20;

//! The 16 bytes a binary trace starts with.
QByteArray magic();
//! Whether `start` (the first bytes of a file) is a binary trace, of any version (or its start).
bool looksBinary(QByteArrayView start);
} // namespace BinaryTrace

//! A piece of a binary trace stream: bytes of its own, or a run of events left where the trace
//! keeps them (their records are the stored events as they are).
struct BinaryTracePiece
{
    QByteArray bytes;
    std::span<const StoredEvent> events;

    qsizetype size() const { return bytes.size() + static_cast<qsizetype>(events.size_bytes()); }
};

/*!
 * Writes a growing trace in the binary format: start() once, then writeNew() whenever the trace
 * has grown (each call sends what is new: labels, new or renamed tasks, new or changed I/O
 * records, events), then end(). A file is the same with one writeNew(). writeNewPieces() does
 * what writeNew() does without copying the events.
 */
class BinaryTraceEncoder
{
public:
    explicit BinaryTraceEncoder(const Trace &trace);

    void start(QByteArray &out, const TraceMetadata &metadata);
    //! Appends labels, tasks and I/O records that are new or changed, then up to `maxEvents` of the
    //! events not written yet (all of them when 0). Returns whether events remain to be written.
    bool writeNew(
        QByteArray &out, qsizetype maxEvents = 0, qsizetype eventsPerChunk = BinaryTrace::EventsPerChunk);
    //! writeNew() of every new event, with the events left in the trace: `pieces` gets the bytes
    //! and the runs of events in stream order. The runs stay valid while the trace keeps those
    //! events (it is not cleared, and has no capacity that drops old ones).
    void writeNewPieces(std::vector<BinaryTracePiece> &pieces);
    void end(QByteArray &out);
    //! The seq of the next event to write.
    SeqNo nextSeq() const { return m_nextSeq; }

private:
    void writeLabels(QByteArray &out);
    void writeTasks(QByteArray &out);
    void writeIoRecords(QByteArray &out);
    qsizetype writeEvents(QByteArray &out, qsizetype maxEvents);
    //! Appends the header of the next event chunk (at most `maxEvents`) to `out` and gives its
    //! records as runs of the trace's memory; returns how many events (0: none are new).
    qsizetype takeEvents(
        QByteArray &out, qsizetype maxEvents, std::vector<std::span<const StoredEvent>> &runs);

    struct IoSent
    {
        std::int64_t firstByteNs = 0;
        std::int64_t endNs = 0;
        std::int64_t responseBytes = 0;
        int status = 0;
        int attempt = 0;
        qsizetype errorSize = 0;
    };

    const Trace &m_trace;
    qsizetype m_labelsWritten = 1;                //!< label 0, the empty text, is never written
    std::vector<LabelId> m_taskNames { NoLabel }; //!< by task id: the name written (0, the loop, never is)
    std::vector<IoSent> m_ioSent;                 //!< by index of Trace::ioRecords()
    std::size_t m_renamesSeen = 0;                //!< of Trace::renamedTasks()
    SeqNo m_nextSeq = 0;
};

/*!
 * Reads the binary format into a Trace as the bytes arrive (a file at once, a stream in pieces):
 * every whole chunk is checked and applied, a chunk cut short waits for the rest. Every field is
 * checked before it touches the trace (known tags and kinds, ids that exist, labels that exist,
 * lengths within bounds and the limits, time that does not go back on a lane, consecutive seqs),
 * and anything else throws a TraceFormatError naming the byte and the problem; what was read
 * before stays in the trace.
 */
class BinaryTraceDecoder
{
public:
    explicit BinaryTraceDecoder(Trace &trace, const TraceFileLimits &limits = {});

    //! Reads what `bytes` completes. Throws TraceFormatError.
    void feed(QByteArrayView bytes);
    //! The source ended: throws TraceFormatError when it stopped before END.
    void finish() const;
    //! `bytes` are fed whole from memory that `owner` keeps (a mapped file): whole chunks of
    //! events are checked there and used in place (Trace::adoptChunk()) rather than copied.
    void feedMapped(QByteArrayView bytes, std::shared_ptr<const void> owner);

    bool hasMetadata() const { return m_metaRead; }
    const TraceMetadata &metadata() const { return m_metadata; }
    bool ended() const { return m_ended; }

private:
    //! Reads the chunk at `at` if it is whole: its size, or 0 when more bytes are needed.
    qsizetype readChunk(const char *at, qsizetype available);
    void readMeta(QByteArrayView payload);
    void readLabels(QByteArrayView payload, quint32 items);
    void readTasks(QByteArrayView payload, quint32 items);
    void readIoRecords(QByteArrayView payload, quint32 items);
    void readEvents(QByteArrayView payload, quint32 items);
    void readEnd(QByteArrayView payload);
    [[noreturn]] void fail(const QString &problem) const;

    Trace &m_trace;
    TraceFileLimits m_limits;
    std::shared_ptr<const void> m_mapping; //!< while feedMapped() reads in place
    QByteArrayView m_mapped;
    QByteArray m_pending;
    qint64 m_offset = 0; //!< stream bytes consumed before m_pending (for messages)
    qint64 m_chunkOffset = 0;
    bool m_magicRead = false;
    bool m_metaRead = false;
    bool m_ended = false;
    TraceMetadata m_metadata;
    std::int64_t m_lastTime[MaxThreadLanes] = {};
};

} // namespace Loopscope
