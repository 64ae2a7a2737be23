#pragma once

#include "run/tracemetadata.h"
#include "trace/trace.h"

#include <QByteArray>
#include <QString>
#include <vector>

namespace Loopscope {

//! What a recorded program says about itself at the start of its stream.
struct RecordedProgramInfo
{
    QString program; //!< the command as the recorder saw it ("connector.py --pages 20")
    QString script;  //!< absolute path of the program's main file (empty for -m)
    QString python;  //!< "3.11.2"
    qint64 pid = 0;
    qint64 originNs = 0; //!< the program's clock when the recording began: events' time 0
};

/*!
 * Reads the stream of a program recorder (resources/python/loopscope_record.py documents it):
 * "LOOPSCOPE-PY 1\n", then 24-byte records: events in Loopscope's event model, whole steps of the
 * common shapes (a yield to the loop, a return of None), and the labels, task names and program
 * information they refer to. Bytes arrive in any pieces (feed()); every
 * whole record is appended to the trace at once. A bare resumption (the recorder keeps its hot
 * path short) gets the wait, id, label and line of the task's last suspension, as Loopscope's own
 * scheduler records them.
 *
 * A malformed stream (another header, an unknown record, a label or task it never declared, an
 * id out of bounds, a text longer than MaxTextBytes) stops the reading with error() saying what
 * and where; what came before stays in the trace. Nothing in the stream can make the reader
 * allocate more than its bounds allow.
 */
class RecorderStreamReader
{
public:
    static constexpr QByteArrayView Magic { "LOOPSCOPE-PY 1\n" };
    static constexpr qsizetype RecordBytes = 24;
    static constexpr qsizetype MaxTextBytes = 1 << 20;
    static constexpr std::uint32_t MaxTasks = 10'000'000;

    explicit RecorderStreamReader(Trace &trace);

    //! Whether `firstBytes` (any prefix of a stream or a file, not empty) begin as the stream does.
    static bool looksRecorded(QByteArrayView firstBytes);

    //! Reads the records `bytes` completes; false once the stream is found malformed.
    bool feed(QByteArrayView bytes);
    //! The stream ended: false (with error()) if it stopped inside a record.
    bool finish();
    bool hasError() const { return !m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    const RecordedProgramInfo &info() const { return m_info; }
    //! Whether the stream has said what program it records (its INFO record arrived).
    bool hasInfo() const { return m_infoRead; }
    //! The program as a trace's metadata: real clock, "connector.py --pages 20 (pid 42)", its main file.
    TraceMetadata metadata() const;
    qint64 eventCount() const { return m_events; }
    //! Loops that started and have not stopped yet.
    int openLoops() const { return m_openLoops; }
    qint64 bytesRead() const { return m_offset; }

private:
    bool fail(const QString &why);
    //! Reads the record at `at` (whole, with any text it carries); false with an error when bad.
    bool readRecord(const char *at, qsizetype available, qsizetype &used);
    bool readEvent(const unsigned char *record);
    //! A whole step in one record: its start, and its yield to the loop or its return.
    bool readStep(const unsigned char *record);
    bool acceptEvent(StoredEvent event);
    LabelId label(std::uint32_t streamId, bool &ok);

    Trace &m_trace;
    QByteArray m_pending;
    bool m_headerRead = false;
    bool m_infoRead = false;
    QString m_error;
    RecordedProgramInfo m_info;
    std::vector<LabelId> m_labels { NoLabel }; //!< stream label id -> trace label id
    LabelId m_yieldLabel = NoLabel;            //!< "sleep(0)", for the steps that yield
    std::vector<bool> m_tasks;                 //!< declared task ids
    struct Suspension
    {
        std::uint32_t other = 0;
        std::uint32_t detail = 0;
        std::uint16_t line = 0;
        std::uint8_t wait = 0;
    };
    std::vector<Suspension> m_suspensions; //!< by task id: its last suspension
    std::uint32_t m_ioIds = 0;
    std::uint32_t m_timerIds = 0;
    std::int64_t m_lastTime[MaxThreadLanes] = {};
    qint64 m_events = 0;
    int m_openLoops = 0;
    qint64 m_offset = 0; //!< bytes of the stream consumed, for error messages
};

} // namespace Loopscope
