#include "io/recorderstream.h"
#include "io/tracefilereader.h"
#include "io/traceformaterror.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Loopscope;

namespace {

//! Writes a recorder stream as loopscope_record.py does (see its docstring).
class StreamWriter
{
public:
    StreamWriter() { m_bytes.append(RecorderStreamReader::Magic.data(), RecorderStreamReader::Magic.size()); }

    StreamWriter &record(std::uint8_t kind, std::uint8_t waitAndLane, std::uint16_t line, std::uint32_t task,
        std::uint32_t other, std::uint32_t detail, std::int64_t time)
    {
        char record[24];
        record[0] = static_cast<char>(kind);
        record[1] = static_cast<char>(waitAndLane);
        std::memcpy(record + 2, &line, 2);
        std::memcpy(record + 4, &task, 4);
        std::memcpy(record + 8, &other, 4);
        std::memcpy(record + 12, &detail, 4);
        std::memcpy(record + 16, &time, 8);
        m_bytes.append(record, 24);
        return *this;
    }
    StreamWriter &label(std::uint32_t id, const QByteArray &text)
    {
        record(200, 0, 0, 0, static_cast<std::uint32_t>(text.size()), id, 0);
        m_bytes.append(text);
        return *this;
    }
    StreamWriter &info(const QByteArray &json)
    {
        record(202, 0, 0, 0, static_cast<std::uint32_t>(json.size()), 0, 0);
        m_bytes.append(json);
        return *this;
    }
    StreamWriter &task(std::uint32_t id, std::uint32_t parent, std::uint32_t name, std::int64_t number = 0)
    {
        return record(201, 0, 0, id, parent, name, number);
    }
    StreamWriter &event(EventKind kind, std::uint32_t task, std::uint32_t other = 0, std::uint32_t detail = 0,
        std::uint16_t line = 0, WaitKind wait = WaitKind::Other, std::int64_t time = 0)
    {
        return record(static_cast<std::uint8_t>(kind), static_cast<std::uint8_t>(wait), line, task, other,
            detail, time);
    }
    //! A whole step in one record (kind 203): started or resumed, then a yield at `line` or a return.
    StreamWriter &step(std::uint32_t task, bool resumed, bool returned, std::uint16_t line,
        std::int64_t start, std::int64_t end, std::uint8_t lane = 0)
    {
        char record[24];
        record[0] = static_cast<char>(203);
        record[1] = static_cast<char>((lane << 3) | (resumed ? 1 : 0) | (returned ? 2 : 0));
        std::memcpy(record + 2, &line, 2);
        std::memcpy(record + 4, &task, 4);
        std::memcpy(record + 8, &start, 8);
        std::memcpy(record + 16, &end, 8);
        m_bytes.append(record, 24);
        return *this;
    }
    const QByteArray &bytes() const { return m_bytes; }

private:
    QByteArray m_bytes;
};

//! Two tasks: one sleeps, the other waits for it; the loop waits for the timer.
StreamWriter twoTasks()
{
    StreamWriter w;
    w.label(1, "main").label(2, "worker").label(3, "sleep 0.1 s").label(4, "task worker 5");
    w.task(1, 0, 1, 1).event(EventKind::TaskCreated, 1, 0, 1, 0, WaitKind::Other, 1000);
    w.event(EventKind::LoopStarted, 0, 0, 0, 0, WaitKind::Other, 2000);
    w.event(EventKind::TaskStarted, 1, 0, 0, 0, WaitKind::Other, 3000);
    w.task(2, 1, 2, 5).event(EventKind::TaskCreated, 2, 1, 2, 0, WaitKind::Other, 3500);
    w.event(EventKind::TaskSuspended, 1, 2, 4, 12, WaitKind::Task, 4000);
    w.event(EventKind::TaskStarted, 2, 0, 0, 0, WaitKind::Other, 5000);
    w.event(EventKind::TimerArmed, 2, 1, 100000, 0, WaitKind::Other, 5500);
    w.event(EventKind::TaskSuspended, 2, 1, 3, 7, WaitKind::Timer, 6000);
    w.event(EventKind::LoopWaiting, 0, 0, 100000, 0, WaitKind::Other, 7000);
    w.event(EventKind::TimerFired, 2, 1, 0, 0, WaitKind::Other, 100'007'000);
    w.event(EventKind::TaskResumed, 2, 0, 0, 0, WaitKind::Other, 100'008'000);
    w.event(EventKind::TaskReturned, 2, 0, 0, 0, WaitKind::Other, 100'009'000);
    w.event(EventKind::TaskResumed, 1, 0, 0, 0, WaitKind::Other, 100'010'000);
    w.event(EventKind::TaskReturned, 1, 0, 0, 0, WaitKind::Other, 100'011'000);
    w.label(5, "closed").event(EventKind::LoopStopped, 0, 0, 5, 0, WaitKind::Other, 100'012'000);
    return w;
}

QStringList described(const Trace &trace)
{
    QStringList lines;
    for (qsizetype i = 0; i < trace.size(); ++i)
        lines << trace.describe(trace.at(i));
    return lines;
}

} // namespace

class TestRecorderStream : public QObject
{
    Q_OBJECT
private slots:
    void aWholeStreamBecomesTheTrace()
    {
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(reader.feed(twoTasks().bytes()));
        QVERIFY(reader.finish());
        QCOMPARE(reader.eventCount(), 15);
        QCOMPARE(trace.size(), 15);
        QCOMPARE(reader.openLoops(), 0);
        // asyncio's "Task-1" and "Task-5" come as the coroutine's name and the number.
        QCOMPARE(trace.taskName(1), QStringLiteral("main 1"));
        QCOMPARE(trace.taskName(2), QStringLiteral("worker 5"));
        QCOMPARE(trace.task(2).parent, 1u);
        const TraceEvent sleep = trace.at(7);
        QCOMPARE(sleep.kind, EventKind::TaskSuspended);
        QCOMPARE(sleep.wait(), WaitKind::Timer);
        QCOMPARE(sleep.line, 7);
        QCOMPARE(trace.labels().text(sleep.detail), QStringLiteral("sleep 0.1 s"));
        QCOMPARE(trace.at(8).detail, 100000u); // a number, not a label
        QCOMPARE(trace.last().timeNs, 100'012'000);
    }

    void piecesOfAnySizeGiveTheSameTrace_data()
    {
        QTest::addColumn<int>("piece");
        for (const int piece : { 1, 7, 23, 24, 25, 100 })
            QTest::newRow(qPrintable(QStringLiteral("%1 bytes").arg(piece))) << piece;
    }

    void piecesOfAnySizeGiveTheSameTrace()
    {
        QFETCH(int, piece);
        Trace whole;
        RecorderStreamReader wholeReader(whole);
        QVERIFY(wholeReader.feed(twoTasks().bytes()));
        Trace pieces;
        RecorderStreamReader reader(pieces);
        const QByteArray bytes = twoTasks().bytes();
        for (qsizetype at = 0; at < bytes.size(); at += piece)
            QVERIFY2(reader.feed(bytes.mid(at, piece)), qPrintable(reader.error()));
        QVERIFY(reader.finish());
        QCOMPARE(described(pieces), described(whole));
        QCOMPARE(reader.bytesRead(), bytes.size());
    }

    void aBareResumptionEndsTheTasksLastSuspension()
    {
        // The recorder sends resumptions bare; the reader gives them the wait they end, as
        // Loopscope's own scheduler records it.
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(reader.feed(twoTasks().bytes()));
        const TraceEvent workerResumed = trace.at(10);
        QCOMPARE(workerResumed.kind, EventKind::TaskResumed);
        QCOMPARE(workerResumed.task, 2u);
        QCOMPARE(workerResumed.wait(), WaitKind::Timer);
        QCOMPARE(workerResumed.other, 1u);
        QCOMPARE(workerResumed.line, 7);
        QCOMPARE(trace.labels().text(workerResumed.detail), QStringLiteral("sleep 0.1 s"));
        const TraceEvent mainResumed = trace.at(12);
        QCOMPARE(mainResumed.task, 1u);
        QCOMPARE(mainResumed.wait(), WaitKind::Task);
        QCOMPARE(mainResumed.other, 2u);
        QCOMPARE(mainResumed.line, 12);
        // A start ends no wait.
        QCOMPARE(trace.at(2).kind, EventKind::TaskStarted);
        QCOMPARE(trace.at(2).wait(), WaitKind::Other);
        QCOMPARE(trace.at(2).line, 0);
    }

    void aStepRecordIsItsStartAndItsEnd()
    {
        // The recorder's hot path sends a step that yields or returns None as one record.
        StreamWriter w;
        w.label(1, "worker").task(1, 0, 1, 3).event(EventKind::TaskCreated, 1, 0, 1, 0, WaitKind::Other, 100);
        w.event(EventKind::LoopStarted, 0, 0, 0, 0, WaitKind::Other, 150);
        w.step(1, false, false, 4, 200, 260)
            .step(1, true, false, 4, 300, 330)
            .step(1, true, true, 0, 400, 420);
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY2(reader.feed(w.bytes()), qPrintable(reader.error()));
        QVERIFY(reader.finish());
        QCOMPARE(trace.size(), 8);
        QCOMPARE(reader.eventCount(), 8);
        const std::vector<std::pair<EventKind, std::int64_t>> expected { { EventKind::TaskCreated, 100 },
            { EventKind::LoopStarted, 150 }, { EventKind::TaskStarted, 200 },
            { EventKind::TaskSuspended, 260 }, { EventKind::TaskResumed, 300 },
            { EventKind::TaskSuspended, 330 }, { EventKind::TaskResumed, 400 },
            { EventKind::TaskReturned, 420 } };
        for (int i = 0; i < trace.size(); ++i) {
            QCOMPARE(trace.at(i).kind, expected[i].first);
            QCOMPARE(trace.at(i).timeNs, expected[i].second);
            QCOMPARE(trace.at(i).task, i == 1 ? NoTask : 1u);
        }
        const TraceEvent yielded = trace.at(3);
        QCOMPARE(yielded.wait(), WaitKind::Yield);
        QCOMPARE(yielded.line, 4);
        QCOMPARE(trace.labels().text(yielded.detail), QStringLiteral("sleep(0)"));
        // A resumption ends the yield before it, as a bare one does.
        QCOMPARE(trace.at(4).wait(), WaitKind::Yield);
        QCOMPARE(trace.at(4).line, 4);
        QCOMPARE(trace.at(7).detail, NoLabel);
        QCOMPARE(trace.at(7).line, 0);
    }

    void timesCountFromTheProgramsOrigin()
    {
        // The recorder sends its clock as it reads it; INFO says when the recording began.
        StreamWriter w;
        w.info(R"({"program": "p.py --n 2", "script": "/tmp/p.py", "python": "3.11.2", "pid": 42,
                   "origin_ns": 5000000000000})");
        w.label(1, "main")
            .task(1, 0, 1, 1)
            .event(EventKind::TaskCreated, 1, 0, 1, 0, WaitKind::Other, 5000000000100);
        w.step(1, false, true, 0, 5000000000200, 5000000000250);
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY2(reader.feed(w.bytes()), qPrintable(reader.error()));
        QCOMPARE(reader.info().program, QStringLiteral("p.py --n 2"));
        QCOMPARE(reader.info().pid, 42);
        QCOMPARE(reader.info().originNs, 5000000000000);
        QCOMPARE(trace.size(), 3);
        QCOMPARE(trace.at(0).timeNs, 100);
        QCOMPARE(trace.at(1).timeNs, 200);
        QCOMPARE(trace.at(2).timeNs, 250);
        // An event from before the origin is a broken stream.
        QVERIFY(!reader.feed(StreamWriter()
                                 .event(EventKind::LoopStarted, 0, 0, 0, 0, WaitKind::Other, 4)
                                 .bytes()
                                 .mid(RecorderStreamReader::Magic.size())));
        QVERIFY2(reader.error().contains(QStringLiteral("before the recording began")),
            qPrintable(reader.error()));
    }

    void aRenamedTaskKeepsItsIdAndTakesItsNewName()
    {
        // asyncio.create_task(coro, name="fetch") names the task after creating it.
        StreamWriter w;
        w.label(1, "fetch_page").label(2, "fetch 3");
        w.task(1, 0, 1, 2).event(EventKind::TaskCreated, 1, 0, 1);
        w.task(1, 0, 2).event(EventKind::TaskStarted, 1);
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(reader.feed(w.bytes()));
        QCOMPARE(trace.taskName(1), QStringLiteral("fetch 3"));
        QCOMPARE(trace.size(), 2);
    }

    void malformedStreamsStopWithAReason_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("eventsKept");
        const QByteArray valid = twoTasks().bytes();
        QTest::newRow("not a stream")
            << QByteArray("HTTP/1.1 200 OK\r\n\r\n") << "not a Loopscope recorder stream" << 0;
        QTest::newRow("another version")
            << QByteArray("LOOPSCOPE-PY 9\n") << "not a Loopscope recorder stream" << 0;
        QTest::newRow("unknown record")
            << StreamWriter().record(150, 0, 0, 0, 0, 0, 0).bytes() << "unknown record kind 150" << 0;
        QTest::newRow("label out of order")
            << StreamWriter().label(2, "x").bytes() << "label 2 declared where label 1" << 0;
        QTest::newRow("label never declared")
            << StreamWriter().task(1, 0, 4).bytes() << "label 4 used before" << 0;
        QTest::newRow("task never declared") << StreamWriter().event(EventKind::TaskStarted, 3).bytes()
                                             << "task 3, which was never declared" << 0;
        QTest::newRow("awaits a task never declared")
            << StreamWriter()
                   .label(1, "a")
                   .task(1, 0, 1)
                   .event(EventKind::TaskSuspended, 1, 9, 0, 0, WaitKind::Task)
                   .bytes()
            << "names task 9" << 0;
        QTest::newRow("huge task id") << StreamWriter().label(1, "a").task(4'000'000'000u, 0, 1).bytes()
                                      << "task id 4000000000 out of order" << 0;
        QTest::newRow("parent from the future") << StreamWriter().label(1, "a").task(1, 5, 1).bytes()
                                                << "parent 5, which does not exist yet" << 0;
        QTest::newRow("huge text") << StreamWriter().record(200, 0, 0, 0, 1u << 30, 1, 0).bytes()
                                   << "a text of 1073741824 bytes" << 0;
        QTest::newRow("timer ids skip")
            << StreamWriter().label(1, "a").task(1, 0, 1).event(EventKind::TimerArmed, 1, 7, 10).bytes()
            << "I/O or timer id 7 out of order" << 0;
        QTest::newRow("step of a task never declared")
            << StreamWriter().step(2, false, false, 1, 10, 20).bytes() << "task 2, which was never declared"
            << 0;
        QTest::newRow("step of no task")
            << StreamWriter().step(0, false, false, 1, 10, 20).bytes() << "a step of no task" << 0;
        QTest::newRow("step ending before the start")
            << StreamWriter().label(1, "a").task(1, 0, 1).step(1, false, true, 0, 10, -20).bytes()
            << "before the recording began" << 1;
        QTest::newRow("time before the start")
            << StreamWriter().event(EventKind::LoopStarted, 0, 0, 0, 0, WaitKind::Other, -5).bytes()
            << "before the recording began" << 0;
        // Garbage after good events: what came before stays.
        QByteArray tail = valid;
        tail.append(QByteArray(24, '\xee'));
        QTest::newRow("garbage after events") << tail << "unknown record kind 238" << 15;
    }

    void malformedStreamsStopWithAReason()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QFETCH(int, eventsKept);
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(!reader.feed(bytes));
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(reason), qPrintable(reader.error()));
        QVERIFY2(reader.error().contains(QStringLiteral("at byte")), qPrintable(reader.error()));
        QCOMPARE(trace.size(), eventsKept);
        // Once broken, the reader reads nothing more.
        QVERIFY(!reader.feed(twoTasks().bytes()));
        QCOMPARE(trace.size(), eventsKept);
    }

    void aStreamCutInsideARecordIsReportedAtTheEnd()
    {
        const QByteArray bytes = twoTasks().bytes();
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(reader.feed(bytes.left(bytes.size() - 10)));
        QCOMPARE(trace.size(), 14);
        QVERIFY(!reader.finish());
        QVERIFY(reader.error().contains(QStringLiteral("in the middle of a record")));
        Trace empty;
        RecorderStreamReader nothing(empty);
        QVERIFY(nothing.finish()); // a program that never started its loop sends nothing: not an error
    }

    void aRecordingFileOpensAsATrace()
    {
        // What the recorder writes to LOOPSCOPE_TRACE opens as any saved trace does.
        const QByteArray program = R"({"program": "two.py --fast", "script": "/home/me/two.py", )"
                                   R"("python": "3.11.2", "pid": 42, "origin_ns": 0})";
        const QByteArray bytes = StreamWriter().info(program).bytes()
            + twoTasks().bytes().sliced(RecorderStreamReader::Magic.size());
        Trace direct;
        RecorderStreamReader reader(direct);
        QVERIFY(reader.feed(bytes));
        const LoadedTrace loaded = TraceFileReader::fromBytes(bytes);
        QCOMPARE(described(*loaded.trace), described(direct));
        QCOMPARE(loaded.metadata.program, QStringLiteral("two.py --fast (pid 42)"));
        QCOMPARE(loaded.metadata.sourceFile, QStringLiteral("/home/me/two.py"));
        QCOMPARE(loaded.metadata.clock, ClockMode::Real);

        // Cut between records while the loop ran (the program was killed): kept, and it says so.
        const LoadedTrace killed = TraceFileReader::fromBytes(bytes.left(bytes.size() - 24));
        QCOMPARE(killed.trace->size(), direct.size());
        QCOMPARE(killed.trace->last().kind, EventKind::Message);
        QCOMPARE(killed.trace->labels().text(killed.trace->last().detail),
            QStringLiteral("the recording ends while the program's event loop ran"));

        // Cut inside a record, or broken: an error that says where.
        try {
            TraceFileReader::fromBytes(bytes.left(bytes.size() - 10));
            QFAIL("a recording cut inside a record was read");
        } catch (const TraceFormatError &error) {
            QVERIFY2(
                error.message().contains(QStringLiteral("the Python recording cannot be read: the stream "
                                                        "stopped in the middle of a record")),
                qPrintable(error.message()));
        }
        QByteArray broken = bytes;
        broken[RecorderStreamReader::Magic.size() + 24 + program.size()] = char(199);
        try {
            TraceFileReader::fromBytes(broken);
            QFAIL("a recording with an unknown record was read");
        } catch (const TraceFormatError &error) {
            QVERIFY2(
                error.message().contains(QStringLiteral("at byte %1 of the recorder's stream")
                                             .arg(RecorderStreamReader::Magic.size() + 24 + program.size())),
                qPrintable(error.message()));
        }
    }

    void aClockThatGoesBackIsHeld()
    {
        StreamWriter w;
        w.event(EventKind::LoopStarted, 0, 0, 0, 0, WaitKind::Other, 5000);
        w.event(EventKind::LoopWaiting, 0, 0, 10, 0, WaitKind::Other, 4000);
        Trace trace;
        RecorderStreamReader reader(trace);
        QVERIFY(reader.feed(w.bytes()));
        QCOMPARE(trace.at(1).timeNs, 5000);
        QCOMPARE(reader.openLoops(), 1);
    }

    void garbageNeverCrashesTheReader()
    {
        // Mutations of a valid stream and plain noise: the reader either reads them or says why,
        // never crashes, never keeps more events than were sent.
        QRandomGenerator random(20261129);
        const QByteArray valid = twoTasks().bytes();
        int rejected = 0;
        for (int round = 0; round < 3000; ++round) {
            QByteArray bytes = valid;
            const int flips = 1 + static_cast<int>(random.bounded(8));
            for (int i = 0; i < flips; ++i) {
                const auto at = static_cast<qsizetype>(random.bounded(static_cast<quint32>(bytes.size())));
                bytes[at] = static_cast<char>(random.bounded(256));
            }
            if (round % 10 == 0)
                bytes = RecorderStreamReader::Magic.toByteArray()
                    + QByteArray(512, '\0'); // loops starting, over and over
            if (round % 10 == 1) {
                bytes = RecorderStreamReader::Magic.toByteArray();
                for (int i = 0; i < 64; ++i)
                    bytes.append(static_cast<char>(random.bounded(256)));
            }
            Trace trace;
            RecorderStreamReader reader(trace);
            const bool read = reader.feed(bytes) && reader.finish();
            QVERIFY(trace.size() <= bytes.size() / RecorderStreamReader::RecordBytes);
            if (!read) {
                ++rejected;
                QVERIFY(!reader.error().isEmpty());
            }
        }
        QVERIFY(rejected > 100);
    }
};

QTEST_GUILESS_MAIN(TestRecorderStream)
#include "tst_recorderstream.moc"
