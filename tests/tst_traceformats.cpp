#include "formatcheckers.h"

#include "io/atomicfile.h"
#include "io/binarytrace.h"
#include "io/chrometraceexport.h"
#include "io/harexport.h"
#include "io/mermaidexport.h"
#include "io/textexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "io/traceformaterror.h"
#include "run/replayrun.h"
#include "scheduler/awaitables.h"
#include "trace/requestphases.h"
#include "tracefixtures.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

using Fixtures::metadata;

QString mermaid(const Trace &trace)
{
    return MermaidExport::toText(trace, EventRange::all(trace));
}

QList<QByteArray> savedLines(const Trace &trace)
{
    QList<QByteArray> lines
        = TraceFileWriter::toBytes(trace, metadata(), TraceFileFormat::JsonLines).split('\n');
    lines.removeLast(); // after the final newline
    return lines;
}

QByteArray joined(const QList<QByteArray> &lines)
{
    return lines.join('\n') + '\n';
}

//! `lines` with `from` replaced by `to` on 1-based line `number` (which must contain it).
QByteArray replaced(QList<QByteArray> lines, int number, const QByteArray &from, const QByteArray &to)
{
    QByteArray &line = lines[number - 1];
    if (!line.contains(from))
        qFatal("test data: line %d does not contain %s", number, from.constData());
    line.replace(from, to);
    return joined(lines);
}

//! Saved in `format`, opened and saved again: the same trace, and the same bytes.
void checkRoundTrip(const Trace &trace, TraceFileFormat format)
{
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first.loopscope"));
    TraceFileWriter::save(trace, metadata(), first, format);
    const LoadedTrace loaded = TraceFileReader::open(first);
    QCOMPARE(loaded.metadata, metadata());
    QCOMPARE(loaded.trace->size(), trace.size());
    QCOMPARE(loaded.trace->droppedCount(), trace.droppedCount());
    QCOMPARE(loaded.trace->firstSeq(), trace.firstSeq());
    QCOMPARE(loaded.trace->taskCount(), trace.taskCount());
    for (TaskId id = 1; id < trace.taskCount(); ++id)
        QCOMPARE(loaded.trace->taskName(id), trace.taskName(id));
    for (qsizetype i = 0; i < trace.size(); ++i)
        QCOMPARE(loaded.trace->describe(loaded.trace->at(i)), trace.describe(trace.at(i)));
    QCOMPARE(loaded.trace->ioRecords().size(), trace.ioRecords().size());
    for (const IoRecord &io : trace.ioRecords()) {
        const IoRecord *back = loaded.trace->io(io.id);
        QVERIFY(back);
        QCOMPARE(back->requestHeaders, io.requestHeaders);
        QCOMPARE(back->url, io.url);
        QCOMPARE(back->error, io.error);
    }

    const QString second = dir.filePath(QStringLiteral("second.loopscope"));
    TraceFileWriter::save(*loaded.trace, loaded.metadata, second, format);
    QFile a(first), b(second);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QCOMPARE(b.readAll(), a.readAll());
}

} // namespace

class TestTraceFormats : public QObject
{
    Q_OBJECT
private slots:
    void mermaidOfTwoCoroutinesIsTheReferencePicture()
    {
        const auto s = Fixtures::twoCoroutines();
        QCOMPARE(mermaid(s->trace()), QString::fromUtf8(R"(sequenceDiagram
    participant L as Event Loop
    participant T1 as Coroutine 1
    participant T2 as Coroutine 2
    participant IO as IO Operation
    %% #0 t=0 s Coroutine 1 created
    %% #1 t=0 s Coroutine 2 created
    %% #2 t=0 s loop started
    %% #3 t=0 s loop starts Coroutine 1
    L->>+T1: Start Coroutine 1
    %% #4 t=0 s Coroutine 1 submits I/O #1 read a
    %% #5 t=0 s Coroutine 1 awaits read a
    T1-->>-L: Await IO Operation
    %% #6 t=0 s loop starts Coroutine 2
    L->>+T2: Start Coroutine 2
    %% #7 t=0 s Coroutine 2 submits I/O #2 read b
    %% #8 t=0 s Coroutine 2 awaits read b
    T2-->>-L: Await IO Operation
    %% #9 t=0 s loop waits on I/O and timers for 2.000 s
    L->>IO: Monitor IO Events
    %% #10 t=2.000 s I/O #1 complete done -> Coroutine 1
    IO-->>L: IO Operation Complete
    %% #11 t=2.000 s I/O #2 complete done -> Coroutine 2
    %% #12 t=2.000 s loop resumes Coroutine 1
    L->>+T1: Resume Coroutine 1
    %% #13 t=2.000 s Coroutine 1 completes, returning 1
    T1-->>-L: Complete
    %% #14 t=2.000 s loop resumes Coroutine 2
    L->>+T2: Resume Coroutine 2
    %% #15 t=2.000 s Coroutine 2 completes, returning 1
    T2-->>-L: Complete
    %% #16 t=2.000 s loop stopped (idle)
)"));
        MermaidExport::Options plain;
        plain.comments = false;
        plain.activations = false;
        QCOMPARE(MermaidExport::toText(s->trace(), EventRange::all(s->trace()), plain),
            QString::fromUtf8(R"(sequenceDiagram
    participant L as Event Loop
    participant T1 as Coroutine 1
    participant T2 as Coroutine 2
    participant IO as IO Operation
    L->>T1: Start Coroutine 1
    T1-->>L: Await IO Operation
    L->>T2: Start Coroutine 2
    T2-->>L: Await IO Operation
    L->>IO: Monitor IO Events
    IO-->>L: IO Operation Complete
    L->>T1: Resume Coroutine 1
    T1-->>L: Complete
    L->>T2: Resume Coroutine 2
    T2-->>L: Complete
)"));
    }

    void mermaidRangeReopensActivations()
    {
        const auto s = Fixtures::twoCoroutines();
        MermaidExport::Options options;
        options.comments = false;
        // From "loop starts Coroutine 2" (seq 6) to "Coroutine 1 completes" (seq 13).
        const QString text
            = MermaidExport::toText(s->trace(), EventRange::ofSeqs(s->trace(), 6, 13), options);
        QCOMPARE(text, QStringLiteral(R"(sequenceDiagram
    participant L as Event Loop
    participant T1 as Coroutine 1
    participant T2 as Coroutine 2
    participant IO as IO Operation
    L->>+T2: Start Coroutine 2
    T2-->>-L: Await IO Operation
    L->>IO: Monitor IO Events
    IO-->>L: IO Operation Complete
    L->>+T1: Resume Coroutine 1
    T1-->>-L: Complete
)"));
    }

    void mermaidKeepsRichTracesRenderable()
    {
        const auto s = Fixtures::richTrace();
        const QString text = mermaid(s->trace());
        // Every message and note is one line without Mermaid's statement separators.
        for (const QString &line : text.split(u'\n', Qt::SkipEmptyParts)) {
            if (line.trimmed().startsWith(QStringLiteral("%%")))
                continue;
            QVERIFY2(!line.contains(u';') || line.contains(QStringLiteral("#59;")), qPrintable(line));
        }
        QVERIFY(text.contains(QStringLiteral("participant T2 as sleeper \"quoted\" second line")));
        QVERIFY(text.contains(QStringLiteral("Note over T3: failed: disk on fire")));
        QVERIFY(text.contains(QStringLiteral("Note over T3: child#59; #35;1 #60;done#62;")));
        QVERIFY(text.contains(QStringLiteral("Note over T2: cancelled")));
        QVERIFY(text.contains(QStringLiteral("Note over T1: slow step: ran 150 ms without yielding")));
        QVERIFY(text.contains(QStringLiteral("T1->>+T3: Start child")));
        QVERIFY(text.contains(QStringLiteral("T3-->>-T1: Failed")));
        // Activations balance: every + has its -, or an explicit deactivate.
        const qsizetype opened
            = text.count(QStringLiteral("->>+")) + text.count(QStringLiteral("\n    activate "));
        const qsizetype closed
            = text.count(QStringLiteral("-->>-")) + text.count(QStringLiteral("\n    deactivate "));
        QCOMPARE(opened, closed);
    }

    void savedFileStartsWithItsHeader()
    {
        const auto s = Fixtures::twoCoroutines();
        const QList<QByteArray> lines = savedLines(s->trace());
        QCOMPARE(lines.size(), 1 + 2 + 17);
        QCOMPARE(lines.first(),
            QByteArray(
                R"({"format":"loopscope-trace","version":1,"scenario":"two-coroutines","params":{"latency_ms":2000,"ratio":0.1},"clock":"virtual","dropped":0,"tasks":2,"io":0,"events":17,"created":{"by":"Loopscope 0.1.0","at":"2025-01-31T12:00:00Z"}})"));
        QCOMPARE(lines.at(1), QByteArray(R"({"type":"task","id":1,"name":"Coroutine 1","parent":0})"));
        QVERIFY(lines.at(7).startsWith(
            R"({"type":"event","seq":4,"t":0,"kind":"io_submitted","task":1,"other":1,"detail":"read a","line":)"));
        QCOMPARE(lines.at(12),
            QByteArray(
                R"({"type":"event","seq":9,"t":0,"kind":"loop_waiting","task":0,"other":0,"detail":2000000})"));
    }

    void roundTripIsByteIdentical_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("two coroutines") << 0;
        QTest::newRow("delegation, failure, cancellation, HTTP records") << 1;
        QTest::newRow("dropped events") << 2;
        QTest::newRow("odd text: controls, quotes, lone surrogate, emoji") << 3;
    }
    void roundTripIsByteIdentical()
    {
        QFETCH(int, which);
        std::unique_ptr<Scheduler> scheduler;
        std::unique_ptr<Trace> capped;
        if (which == 2) {
            capped = Fixtures::droppedTrace();
        } else if (which == 3) {
            capped = std::make_unique<Trace>();
            const QString odd = QStringLiteral("a\"b\\c\td\ne\r") + QChar(0) + QChar(1) + QChar(0x7f)
                + QChar(0xd800) + QStringLiteral("é😀") + QChar(0x2028) + QChar(0xdc00)
                + QStringLiteral("end");
            capped->registerTask(1, capped->intern(odd), NoTask);
            capped->append(EventKind::TaskCreated, 0, 1, 0, capped->intern(odd));
            capped->append(EventKind::Message, 5, 1, 0, capped->intern(odd + odd), 65535);
            QCOMPARE(MermaidExport::escape(odd).count(u'\n'), 0);
        } else {
            scheduler = which == 0 ? Fixtures::twoCoroutines() : Fixtures::richTrace();
        }
        const Trace &trace = capped ? *capped : scheduler->trace();

        for (const TraceFileFormat format : { TraceFileFormat::Binary, TraceFileFormat::JsonLines }) {
            checkRoundTrip(trace, format);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void loaderNamesLineAndProblem_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<qint64>("line");
        QTest::addColumn<QString>("problem");
        const auto s = Fixtures::twoCoroutines();
        const QList<QByteArray> lines = savedLines(s->trace()); // 1 header, 2 tasks, events from line 4
        const QByteArray whole = joined(lines);

        QTest::newRow("empty file") << QByteArray() << 1LL
                                    << "the file is empty: a Loopscope trace starts with a header line";
        QTest::newRow("garbage bytes") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            16) << 1LL << "not a Loopscope trace: not valid JSON (illegal value near column 2)";
        QTest::newRow("other JSON") << QByteArray("{\"hello\":1}\n") << 1LL
                                    << "not a Loopscope trace: the first line has no 'format' field";
        QTest::newRow("missing header")
            << joined(lines.mid(1)) << 1LL << "the header line is missing: the file starts with a record";
        QTest::newRow("wrong format")
            << replaced(lines, 1, "loopscope-trace", "chrome-trace") << 1LL
            << "not a Loopscope trace: format 'chrome-trace' instead of 'loopscope-trace'";
        QTest::newRow("wrong version") << replaced(lines, 1, "\"version\":1", "\"version\":2") << 1LL
                                       << "unsupported trace format version 2 (this Loopscope reads version "
                                          "1 as JSON Lines and version 2 "
                                          "as binary)";
        QTest::newRow("wrong type in header") << replaced(lines, 1, "\"events\":17",
            "\"events\":\"17\"") << 1LL << "field 'events' of the header must be an integer, not a string";
        QTest::newRow("too many events declared")
            << replaced(lines, 1, "\"events\":17", "\"events\":1000000000000") << 1LL
            << "the trace declares 1000000000000 events; this Loopscope opens at most 20000000";
        QTest::newRow("wrong type in task") << replaced(lines, 2, "\"parent\":0",
            "\"parent\":null") << 2LL << "field 'parent' of the task record must be an integer, not null";
        QTest::newRow("wrong type in event") << replaced(lines, 6, "\"task\":0", "\"task\":\"loop\"") << 6LL
                                             << "field 'task' of the event must be an integer, not a string";
        QTest::newRow("fractional number") << replaced(lines, 6, "\"t\":0", "\"t\":0.5") << 6LL
                                           << "field 't' of the event must be an integer, not the number 0.5";
        QTest::newRow("unknown kind") << replaced(lines, 17, "\"task_returned\"", "\"task_exploded\"") << 17LL
                                      << "unknown event kind 'task_exploded'";
        QTest::newRow("unknown wait") << replaced(lines, 9, "\"wait\":\"io\"", "\"wait\":\"socket\"") << 9LL
                                      << "unknown wait kind 'socket'";
        QTest::newRow("thread lane out of range")
            << replaced(lines, 9, "\"wait\"", "\"thread\":32,\"wait\"") << 9LL
            << "field 'thread' of the event must be an integer from 0 to 31, not 32";
        QTest::newRow("unknown field")
            << replaced(lines, 8, "\"type\":\"event\"", "\"type\":\"event\",\"colour\":1") << 8LL
            << "unknown field 'colour' in the event";
        QTest::newRow("unknown task") << replaced(lines, 10, "\"task\":2", "\"task\":9") << 10LL
                                      << "field 'task' refers to task 9, which the file does not declare";
        QTest::newRow("seq gap") << replaced(lines, 10, "\"seq\":6", "\"seq\":60") << 10LL
                                 << "expected event seq 6, found 60 (events must be consecutive)";
        QTest::newRow("negative time")
            << replaced(lines, 15, "\"t\":2000000000", "\"t\":-1") << 15LL
            << "field 't' of the event must be an integer from 0 to 9007199254740992, not -1";
        QTest::newRow("time backwards") << replaced(lines, 15, "\"t\":2000000000", "\"t\":1") << 15LL
                                        << "time goes backwards: 1 ns after 2000000000 ns";
        QTest::newRow("section out of order") << replaced(lines, 3,
            "{\"type\":\"task\",\"id\":2,\"name\":\"Coroutine 2\",\"parent\":0}",
            lines.at(4)) << 3LL << "expected record 2 of 2 task records, found a 'event' record";
        QTest::newRow("truncated inside a line") << whole.left(whole.indexOf(lines.at(9)) + 30) << 10LL
                                                 << "not valid JSON (unterminated object near column 31)";
        QTest::newRow("truncated at a line end")
            << joined(lines.mid(0, 17)) << 18LL << "the file ends after 14 of 17 events: it is truncated";
        QTest::newRow("line after the end") << whole + lines.last()
                + '\n' << 21LL << "unexpected line after the last of the 17 declared events";
        QTest::newRow("empty line") << replaced(lines, 4, lines.at(3), QByteArray()) << 4LL << "empty line";
        QTest::newRow("invalid UTF-8") << replaced(lines, 8, "read a", "read \xff") << 8LL
                                       << "not valid JSON (invalid UTF8 string near column 87)";
        QTest::newRow("huge line") << replaced(
            lines, 6, "\"detail\":\"\"", "\"detail\":\"" + QByteArray(2 << 20, 'x') + '"')
                                   << 6LL << "the line is longer than the limit of 1048576 bytes";
    }
    void loaderNamesLineAndProblem()
    {
        QFETCH(QByteArray, file);
        QFETCH(qint64, line);
        QFETCH(QString, problem);
        try {
            TraceFileReader::fromBytes(file);
            QFAIL("the file was accepted");
        } catch (const TraceFormatError &error) {
            QCOMPARE(error.problem(), problem);
            QCOMPARE(error.line(), line);
            QCOMPARE(error.message(), QStringLiteral("line %1: %2").arg(line).arg(problem));
        }
    }

    void suspensionsSayWhatTheyWaitFor()
    {
        const auto s = Fixtures::twoCoroutines();
        const QList<QByteArray> lines = savedLines(s->trace());
        QVERIFY(lines.at(8).contains(R"("kind":"task_suspended")"));
        QVERIFY(lines.at(8).endsWith(R"("wait":"io"})"));
        const LoadedTrace loaded = TraceFileReader::fromBytes(joined(lines));
        QCOMPARE(loaded.trace->at(5).wait(), WaitKind::Io);
        QCOMPARE(loaded.trace->at(12).wait(), WaitKind::Io); // the resumption that ends it
    }

    void filesOfLoopscope010AreReadWithTheirWaits()
    {
        // Loopscope 0.1.0 wrote no "wait" field and called a generator's value task_yielded: its
        // files still open with every suspension's kind of wait.
        Scheduler s;
        auto sleeper = s.spawn(
            []() -> Task<void> { co_await sleep(std::chrono::seconds(1)); }(), QStringLiteral("sleeper"));
        s.spawn(
            [](TaskHandle<void> other) -> Task<void> {
                co_await yieldNow();
                co_await other;
                co_await io(QStringLiteral("read"), std::chrono::seconds(1));
            }(sleeper),
            QStringLiteral("main"));
        s.runUntilIdle();
        QByteArray old = TraceFileWriter::toBytes(s.trace(), metadata(), TraceFileFormat::JsonLines);
        old.replace(R"(,"wait":"timer")", "")
            .replace(R"(,"wait":"yield")", "")
            .replace(R"(,"wait":"task")", "");
        old.replace(R"(,"wait":"io")", "");
        QVERIFY(!old.contains("\"wait\""));
        const LoadedTrace loaded = TraceFileReader::fromBytes(old);
        QStringList waits;
        for (qsizetype i = 0; i < loaded.trace->size(); ++i) {
            const TraceEvent e = loaded.trace->at(i);
            if (e.kind == EventKind::TaskSuspended)
                waits << QStringLiteral("%1 %2").arg(loaded.trace->taskName(e.task), waitKindName(e.wait()));
        }
        QCOMPARE(waits, QStringList({ "sleeper timer", "main yield", "main task", "main io" }));

        EventKind kind {};
        QVERIFY(eventKindFromName(QLatin1StringView("task_yielded"), kind));
        QCOMPARE(kind, EventKind::ValueYielded);
        QCOMPARE(eventKindName(kind), QLatin1StringView("value_yielded"));
    }

    void loaderReportsMissingFile()
    {
        QVERIFY_THROWS_EXCEPTION(
            TraceFormatError, TraceFileReader::open(QStringLiteral("/nonexistent/x.loopscope")));
        try {
            TraceFileReader::open(QStringLiteral("/nonexistent/x.loopscope"));
        } catch (const TraceFormatError &error) {
            QCOMPARE(error.line(), 0);
            QCOMPARE(error.message(),
                QStringLiteral("cannot open '/nonexistent/x.loopscope': No such file or directory"));
        }
    }

    void loaderCapsWhatItReads()
    {
        const auto s = Fixtures::twoCoroutines();
        const QByteArray file = TraceFileWriter::toBytes(s->trace(), metadata(), TraceFileFormat::JsonLines);
        TraceFileLimits limits;
        limits.maxEvents = 16;
        QVERIFY_THROWS_EXCEPTION(TraceFormatError, TraceFileReader::fromBytes(file, limits));
        try {
            TraceFileReader::fromBytes(TraceFileWriter::toBytes(s->trace(), metadata()), limits);
            QFAIL("a binary trace over the limit was accepted");
        } catch (const TraceFormatError &error) {
            QVERIFY2(error.message().contains(
                         QStringLiteral("the trace declares 17 events; this Loopscope opens at "
                                        "most 16")),
                qPrintable(error.message()));
        }
        limits = {};
        limits.maxLineBytes = 100;
        try {
            TraceFileReader::fromBytes(file, limits);
            QFAIL("the long header was accepted");
        } catch (const TraceFormatError &error) {
            QCOMPARE(
                error.message(), QStringLiteral("line 1: the line is longer than the limit of 100 bytes"));
        }
        // A line of 100 MB without a newline is refused after reading 1 MB of it, not buffered whole.
        QByteArray huge(100 << 20, ' ');
        QVERIFY_THROWS_EXCEPTION(TraceFormatError, TraceFileReader::fromBytes(huge));
    }

    void replayStepsThroughTheRecordedSchedulingActions()
    {
        const auto s = Fixtures::twoCoroutines();
        const Trace &live = s->trace();
        LoadedTrace loaded = TraceFileReader::fromBytes(TraceFileWriter::toBytes(live, metadata()));
        ReplayRun replay(std::move(loaded.trace), loaded.metadata);
        QCOMPARE(replay.metadata(), metadata());
        QVERIFY(replay.trace().isEmpty());
        QCOMPARE(replay.trace().taskName(2), QStringLiteral("Coroutine 2"));
        QSignalSpy appended(&replay.trace(), &Trace::eventsAppended);
        // The steps of the live run: start C1, start C2, wait, two completions, resume C1 and C2,
        // and the loop stopping.
        const QList<QPair<StepAction, TaskId>> expected {
            { StepAction::StartedTask, 1 },
            { StepAction::StartedTask, 2 },
            { StepAction::Waited, NoTask },
            { StepAction::CompletedIo, 1 },
            { StepAction::CompletedIo, 2 },
            { StepAction::ResumedTask, 1 },
            { StepAction::ResumedTask, 2 },
            { StepAction::Idle, NoTask },
        };
        SeqNo next = 0;
        for (const auto &[action, task] : expected) {
            QVERIFY(!replay.isFinished());
            const StepResult r = replay.step();
            QCOMPARE(stepActionName(r.action), stepActionName(action));
            QCOMPARE(r.task, task);
            QCOMPARE(r.firstSeq, next);
            QVERIFY(r.endSeq > r.firstSeq);
            next = r.endSeq;
            QCOMPARE(replay.trace().nextSeq(), next);
        }
        QCOMPARE(appended.count(), expected.size());
        QVERIFY(replay.isFinished());
        QCOMPARE(stepActionName(replay.step().action), stepActionName(StepAction::Idle));
        QCOMPARE(replay.trace().size(), live.size());
        for (qsizetype i = 0; i < live.size(); ++i)
            QCOMPARE(replay.trace().describe(replay.trace().at(i)), live.describe(live.at(i)));
        QCOMPARE(mermaid(replay.trace()), mermaid(live));
    }

    void chromeTraceIsValid_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::newRow("two coroutines") << 0 << -1LL << -1LL;
        QTest::newRow("two coroutines, middle") << 0 << 5LL << 12LL;
        QTest::newRow("rich trace") << 1 << -1LL << -1LL;
        QTest::newRow("rich trace, middle") << 1 << 8LL << 20LL;
    }
    void chromeTraceIsValid()
    {
        QFETCH(int, which);
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        const auto s = which == 0 ? Fixtures::twoCoroutines() : Fixtures::richTrace();
        const EventRange range
            = EventRange::ofSeqs(s->trace(), from < 0 ? std::nullopt : std::optional<SeqNo>(from),
                to < 0 ? std::nullopt : std::optional<SeqNo>(to));
        const QByteArray json
            = ChromeTraceExport::toJson(s->trace(), range, QStringLiteral("Loopscope: test"));
        const QStringList problems = FormatCheck::chromeTrace(json);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }

    void chromeTraceHasTracksSpansAndFlows()
    {
        const auto s = Fixtures::twoCoroutines();
        const QByteArray json = ChromeTraceExport::toJson(
            s->trace(), EventRange::all(s->trace()), QStringLiteral("Loopscope: two-coroutines"));
        QMap<QString, int> phases;
        QStringList threads;
        const QJsonArray events
            = QJsonDocument::fromJson(json).object().value(QStringLiteral("traceEvents")).toArray();
        for (const QJsonValue &value : events) {
            const QJsonObject e = value.toObject();
            ++phases[e.value(QStringLiteral("ph")).toString()];
            if (e.value(QStringLiteral("name")).toString() == u"thread_name")
                threads
                    << e.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
            if (e.value(QStringLiteral("name")).toString() == u"waiting for I/O and timers")
                QCOMPARE(e.value(QStringLiteral("dur")).toDouble(), 2e6); // µs
        }
        QCOMPARE(threads,
            (QStringList { QStringLiteral("Event loop"), QStringLiteral("Coroutine 1"),
                QStringLiteral("Coroutine 2") }));
        QCOMPARE(
            phases.value(QStringLiteral("X")), 4 + 1 + 1 + 2); // 2 runs per task, loop, wait, 2 completions
        QCOMPARE(phases.value(QStringLiteral("b")), 2);        // one await per task
        QCOMPARE(phases.value(QStringLiteral("e")), 2);
        QCOMPARE(phases.value(QStringLiteral("s")), 2); // completion -> resumption
        QCOMPARE(phases.value(QStringLiteral("f")), 2);
    }

    void harIsValid()
    {
        const auto s = Fixtures::richTrace();
        const HarExport::Result har
            = HarExport::toJson(s->trace(), QDateTime(QDate(2025, 1, 31), QTime(12, 0), Qt::UTC));
        QCOMPARE(har.entryCount, 2);
        const QStringList problems = FormatCheck::har(har.json);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        const QJsonArray entries = QJsonDocument::fromJson(har.json)
                                       .object()[QStringLiteral("log")][QStringLiteral("entries")]
                                       .toArray();
        const QJsonObject failed = entries.at(0).toObject(); // started first
        QCOMPARE(
            failed[QStringLiteral("startedDateTime")].toString(), QStringLiteral("2025-01-31T12:00:00.010Z"));
        QCOMPARE(failed[QStringLiteral("response")][QStringLiteral("status")].toInt(), 0);
        QCOMPARE(failed[QStringLiteral("_error")].toString(), QStringLiteral("connection refused"));
        const QJsonObject ok = entries.at(1).toObject();
        QCOMPARE(ok[QStringLiteral("time")].toDouble(), 50.0);
        QCOMPARE(ok[QStringLiteral("timings")][QStringLiteral("wait")].toDouble(), 40.0);
        QCOMPARE(ok[QStringLiteral("timings")][QStringLiteral("receive")].toDouble(), 10.0);
        QCOMPARE(ok[QStringLiteral("timings")][QStringLiteral("dns")].toDouble(), -1.0);
        QCOMPARE(
            ok[QStringLiteral("response")][QStringLiteral("content")][QStringLiteral("mimeType")].toString(),
            QStringLiteral("application/json"));
        QCOMPARE(ok[QStringLiteral("request")][QStringLiteral("queryString")]
                     .toArray()
                     .at(1)[QStringLiteral("value")]
                     .toString(),
            QStringLiteral("a b"));
        QCOMPARE(ok[QStringLiteral("_task")].toString(), QStringLiteral("parent"));
        // The checker itself catches what it promises to.
        QByteArray broken = har.json;
        broken.replace("\"wait\":40", "\"wait\":-5");
        QVERIFY(!FormatCheck::har(broken).isEmpty());
    }

    void harTimingsAreTheRecordedPhasesAndFilesKeepThem()
    {
        const auto s = Fixtures::richTrace();
        IoRecord io = *s->trace().io(7);
        io.id = 11;
        const auto ms = [](std::int64_t n) { return n * 1'000'000; };
        io.queuedNs = ms(100);
        io.startNs = ms(105);
        io.connectNs = ms(105);
        io.dnsEndNs = ms(106);
        io.connectEndNs = ms(108);
        io.tlsEndNs = ms(111);
        io.sentNs = ms(112);
        io.firstByteNs = ms(142);
        io.endNs = ms(151);
        io.url = QStringLiteral("https://example.org/api?page=2");
        io.connection = 4;
        io.request = 2;
        s->trace().recordIo(io);

        // Each phase once, in order, end to end.
        QStringList phases;
        std::int64_t total = 0;
        for (const RequestPhaseSpan &span : requestPhases(io, io.endNs)) {
            phases
                << QStringLiteral("%1 %2").arg(requestPhaseName(span.phase)).arg(span.durationNs() / ms(1));
            total += span.durationNs();
        }
        QCOMPARE(phases.join(QStringLiteral(", ")),
            QStringLiteral("queued 5, DNS 1, connect 2, TLS 3, send 1, wait 30, receive 9"));
        QCOMPARE(total, io.endNs - io.queuedNs);

        // HAR says the same: its "connect" holds the handshake, which "ssl" repeats.
        const HarExport::Result har
            = HarExport::toJson(s->trace(), QDateTime(QDate(2025, 1, 31), QTime(12, 0), Qt::UTC));
        const QStringList problems = FormatCheck::har(har.json);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QJsonObject entry;
        for (const QJsonValue value : QJsonDocument::fromJson(har.json)
                                          .object()[QStringLiteral("log")][QStringLiteral("entries")]
                                          .toArray()) {
            if (value[QStringLiteral("_ioId")].toInt() == 11)
                entry = value.toObject();
        }
        QCOMPARE(
            entry[QStringLiteral("startedDateTime")].toString(), QStringLiteral("2025-01-31T12:00:00.100Z"));
        QCOMPARE(entry[QStringLiteral("time")].toDouble(), 51.0);
        const QJsonObject timings = entry[QStringLiteral("timings")].toObject();
        QCOMPARE(timings[QStringLiteral("blocked")].toDouble(), 5.0);
        QCOMPARE(timings[QStringLiteral("dns")].toDouble(), 1.0);
        QCOMPARE(timings[QStringLiteral("connect")].toDouble(), 5.0);
        QCOMPARE(timings[QStringLiteral("ssl")].toDouble(), 3.0);
        QCOMPARE(timings[QStringLiteral("send")].toDouble(), 1.0);
        QCOMPARE(timings[QStringLiteral("wait")].toDouble(), 30.0);
        QCOMPARE(timings[QStringLiteral("receive")].toDouble(), 9.0);
        QCOMPARE(entry[QStringLiteral("connection")].toString(), QStringLiteral("4"));

        // Both file forms keep every moment, byte for byte again when saved again.
        for (const TraceFileFormat format : { TraceFileFormat::Binary, TraceFileFormat::JsonLines }) {
            checkRoundTrip(s->trace(), format);
            const LoadedTrace loaded
                = TraceFileReader::fromBytes(TraceFileWriter::toBytes(s->trace(), metadata(), format));
            const IoRecord *back = loaded.trace->io(11);
            QVERIFY(back);
            QCOMPARE(requestPhases(*back, 0).size(), std::size_t(7));
            QCOMPARE(back->queuedNs, io.queuedNs);
            QCOMPARE(back->dnsEndNs, io.dnsEndNs);
            QCOMPARE(back->tlsEndNs, io.tlsEndNs);
            QCOMPARE(back->sentNs, io.sentNs);
            QCOMPARE(back->connection, 4);
            QCOMPARE(back->request, std::uint32_t(2));
        }
    }

    void harWithoutHttpRecordsIsEmpty()
    {
        const auto s = Fixtures::twoCoroutines();
        const HarExport::Result har
            = HarExport::toJson(s->trace(), QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
        QCOMPARE(har.entryCount, 0);
        QVERIFY(FormatCheck::har(har.json).isEmpty());
        QCOMPARE(QJsonDocument::fromJson(har.json)
                     .object()[QStringLiteral("log")][QStringLiteral("entries")]
                     .toArray()
                     .size(),
            0);
    }

    void oneTableNamesEveryTextFormat()
    {
        QStringList names;
        for (const TextFormatInfo &info : textFormats()) {
            names << QString(info.name);
            QCOMPARE(&textFormatInfo(info.format), &info);
            QCOMPARE(textFormatNamed(QString(info.name)), &info);
            QCOMPARE(textFormatOfFile(QStringLiteral("/tmp/run.%1").arg(info.suffix)), &info);
        }
        QCOMPARE(names, QStringList({ "mermaid", "perfetto", "har", "loopscope", "loopscope-json" }));
        QCOMPARE(textFormatNamed(u"png"), nullptr);
        QCOMPARE(textFormatOfFile(u"run.txt"), nullptr);
        QVERIFY(textFormatInfo(TextFormat::Mermaid).ranged && !textFormatInfo(TextFormat::Har).ranged);

        // Every format of the table exports the same trace, and says what it holds.
        const auto s = Fixtures::twoCoroutines();
        const TextExportSource source { s->trace(), metadata(), QStringLiteral("Loopscope: test"), {},
            std::nullopt };
        QVERIFY(exportText(TextFormat::Mermaid, source).bytes.startsWith("sequenceDiagram"));
        QVERIFY(exportText(TextFormat::Perfetto, source).bytes.startsWith("{\"traceEvents\""));
        const TextExport har = exportText(TextFormat::Har, source);
        QCOMPARE(har.summary, QStringLiteral("0 HTTP entries"));
        QVERIFY(har.note.contains(QStringLiteral("made no HTTP requests")));
        QCOMPARE(exportText(TextFormat::Loopscope, source).bytes,
            TraceFileWriter::toBytes(s->trace(), metadata()));
        QCOMPARE(exportText(TextFormat::LoopscopeJson, source).bytes,
            TraceFileWriter::toBytes(s->trace(), metadata(), TraceFileFormat::JsonLines));
    }

    void binaryLoaderNamesByteAndProblem_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("problem");
        const auto s = Fixtures::twoCoroutines();
        const QByteArray whole = TraceFileWriter::toBytes(s->trace(), metadata());
        const qsizetype meta = BinaryTrace::MagicSize;
        // Chunk offsets, found by walking the file as a reader does.
        QList<qsizetype> chunks;
        for (qsizetype at = meta; at < whole.size();) {
            chunks << at;
            at += BinaryTrace::ChunkHeaderSize
                + ((qFromLittleEndian<quint64>(whole.constData() + at + 8) + 7) & ~7);
        }
        QCOMPARE(chunks.size(), 5); // META, LABL, TASK, EVTS, END
        const qsizetype labels = chunks[1], tasks = chunks[2], events = chunks[3], end = chunks[4];
        const auto patched = [&whole](qsizetype at, QByteArrayView bytes) {
            QByteArray file = whole;
            file.replace(at, bytes.size(), bytes.toByteArray());
            return file;
        };
        const auto u32 = [](quint32 value) {
            QByteArray bytes(4, '\0');
            qToLittleEndian(value, bytes.data());
            return bytes;
        };
        const qsizetype firstEvent = events + BinaryTrace::ChunkHeaderSize + 8;

        QTest::newRow("another version")
            << patched(14, QByteArray("\x07\x00", 2))
            << "unsupported binary trace version 7 (this Loopscope reads version 2)";
        QTest::newRow("cut in the magic")
            << whole.left(10) << "the trace stops inside a chunk: it is truncated";
        QTest::newRow("no header first") << whole.left(meta) + whole.mid(labels)
                                         << "the trace starts with a 'LABL' chunk instead of its header";
        QTest::newRow("unknown chunk") << patched(tasks, "ZZZZ") << "unknown chunk 'ZZZZ'";
        QTest::newRow("huge chunk") << patched(tasks + 8,
            QByteArray("\0\0\0\0\0\0\0\x40",
                8)) << "a 'TASK' chunk of 4611686018427387904 bytes (at most 67108864 are allowed)";
        QTest::newRow("label out of order") << patched(labels + BinaryTrace::ChunkHeaderSize, u32(5))
                                            << "labels from id 5 where id 1 was due";
        QTest::newRow("task from the future")
            << patched(tasks + BinaryTrace::ChunkHeaderSize, u32(9)) << "tasks from id 9, after 0 tasks";
        QTest::newRow("task named by no label") << patched(tasks + BinaryTrace::ChunkHeaderSize + 8, u32(999))
                                                << "task 1 is named by label 999, which does not exist";
        QTest::newRow("unknown kind")
            << patched(firstEvent + 20, QByteArray("\xee", 1)) << "event 0 has unknown kind 238";
        QTest::newRow("unknown task") << patched(firstEvent + 8, u32(77))
                                      << "event 0 refers to task 77, which the trace does not declare";
        QTest::newRow("seq gap") << patched(events + BinaryTrace::ChunkHeaderSize, u32(3))
                                 << "expected event seq 0, found 3 (events must be consecutive)";
        QTest::newRow("time backwards") << patched(firstEvent + BinaryTrace::EventBytes * 16,
            QByteArray(8, '\0')) << "event 16: time goes backwards, 0 ns after 2000000000 ns";
        QTest::newRow("counts that do not match")
            << patched(end + BinaryTrace::ChunkHeaderSize + 16, u32(99))
            << "the end marker counts 2 tasks, 0 I/O records and 99 events; "
               "the trace has 2, 0 and 17";
        QTest::newRow("no end marker") << whole.left(end)
                                       << "the trace stops before its end marker: it is truncated, or its "
                                          "program stopped in the middle";
        QTest::newRow("cut inside a chunk")
            << whole.left(events + 100) << "the trace stops inside a chunk: it is truncated";
        QTest::newRow("after the end")
            << whole + whole.mid(labels, tasks - labels) << "a 'LABL' chunk after the end marker";
    }
    void binaryLoaderNamesByteAndProblem()
    {
        QFETCH(QByteArray, file);
        QFETCH(QString, problem);
        try {
            TraceFileReader::fromBytes(file);
            QFAIL("the file was accepted");
        } catch (const TraceFormatError &error) {
            QVERIFY2(error.message().startsWith(QStringLiteral("at byte ")), qPrintable(error.message()));
            QVERIFY2(error.message().endsWith(problem), qPrintable(error.message()));
        }
    }

    void aGrowingTraceStreamsInPiecesOfAnySize()
    {
        // A live program sends what is new now and then: tasks it renames and requests that end
        // after they started are sent again; a reader fed any pieces ends with the same trace.
        Trace live;
        BinaryTraceEncoder encoder(live);
        QByteArray stream;
        TraceMetadata meta = metadata();
        encoder.start(stream, meta);
        live.registerTask(1, live.intern(QStringLiteral("fetch")), NoTask);
        live.append(EventKind::TaskCreated, 10, 1, 0, live.intern(QStringLiteral("fetch")));
        IoRecord io;
        io.id = 1;
        io.task = 1;
        io.method = QStringLiteral("GET");
        io.url = QStringLiteral("http://127.0.0.1/page/1");
        io.startNs = 20;
        live.recordIo(io);
        live.append(EventKind::IoSubmitted, 20, 1, 1, live.intern(QStringLiteral("GET /page/1")));
        encoder.writeNew(stream);
        live.registerTask(1, live.intern(QStringLiteral("fetch page 1")), NoTask); // renamed
        live.registerTask(2, live.intern(QStringLiteral("writer")), 1);
        io.endNs = 120;
        io.status = 200;
        live.recordIo(io);
        live.append(EventKind::IoCompleted, 120, 1, 1, live.intern(QStringLiteral("200")));
        live.append(EventKind::TaskCreated, 130, 2, 1, live.intern(QStringLiteral("writer")));
        encoder.writeNew(stream);
        encoder.end(stream);

        auto *random = QRandomGenerator::global();
        for (int round = 0; round < 20; ++round) {
            Trace read;
            BinaryTraceDecoder decoder(read);
            for (qsizetype at = 0; at < stream.size();) {
                const qsizetype piece = std::min<qsizetype>(stream.size() - at, 1 + random->bounded(64));
                decoder.feed(QByteArrayView(stream).sliced(at, piece));
                at += piece;
            }
            decoder.finish();
            QCOMPARE(decoder.metadata(), meta);
            QCOMPARE(read.size(), live.size());
            for (qsizetype i = 0; i < live.size(); ++i)
                QCOMPARE(read.describe(read.at(i)), live.describe(live.at(i)));
            QCOMPARE(read.taskName(1), QStringLiteral("fetch page 1"));
            QCOMPARE(read.task(2).parent, 1u);
            QCOMPARE(read.ioRecords().size(), std::size_t(1));
            QCOMPARE(read.io(1)->status, 200);
            QCOMPARE(read.io(1)->endNs, 120);
        }
        // Cut anywhere, the reader keeps what came whole and says the stream stopped early.
        Trace cut;
        BinaryTraceDecoder partial(cut);
        partial.feed(QByteArrayView(stream).first(stream.size() - 30));
        QVERIFY_THROWS_EXCEPTION(TraceFormatError, partial.finish());
        QVERIFY(cut.size() > 0);
    }

    void garbageNeverCrashesTheBinaryReader()
    {
        // Mutated and random bytes end in an error or a valid trace, never a crash or a hang.
        const auto s = Fixtures::richTrace();
        const QByteArray whole = TraceFileWriter::toBytes(s->trace(), metadata());
        QRandomGenerator random(7);
        int errors = 0;
        for (int round = 0; round < 3000; ++round) {
            QByteArray file = whole;
            const int flips = 1 + int(random.bounded(8));
            for (int i = 0; i < flips; ++i)
                file[random.bounded(file.size())] = char(random.bounded(256));
            if (round % 10 == 0)
                file.truncate(random.bounded(file.size()));
            try {
                const LoadedTrace loaded = TraceFileReader::fromBytes(file);
                QVERIFY(loaded.trace->size() <= s->trace().size());
            } catch (const TraceFormatError &) {
                ++errors;
            }
        }
        QVERIFY(errors > 1000);
    }

    void aMappedFilesEventsAreUsedWhereTheyLie()
    {
        // Two whole chunks of the trace's memory and a part: the whole ones are checked and used in
        // the mapped file, the rest copied; either way the same trace, saved again byte for byte.
        Trace trace;
        trace.registerTask(1, trace.intern(QStringLiteral("worker")), NoTask);
        const qsizetype events = 2 * Trace::ChunkSize + 1234;
        for (qsizetype i = 0; i < events; ++i)
            trace.append(i % 3 ? EventKind::TaskResumed : EventKind::Message, i * 10, i % 3 ? 1 : NoTask, 0,
                0, std::uint16_t(i % 500));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.loopscope"));
        TraceFileWriter::save(trace, metadata(), path);
        const QByteArray saved = [&] {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }();
        std::shared_ptr<const Trace> loaded = TraceFileReader::open(path).trace;
        QCOMPARE(loaded->size(), events);
        for (const qsizetype i : { qsizetype(0), Trace::ChunkSize - 1, Trace::ChunkSize, events - 1 })
            QCOMPARE(loaded->at(i), trace.at(i));
        QCOMPARE(TraceFileWriter::toBytes(*loaded, metadata()), saved);
        // Chunks the trace allocates start on a 2 MiB boundary; the events of the whole chunks
        // start inside the mapped file, after its header, so they are not copies.
        const auto start = [&](qsizetype index) {
            return reinterpret_cast<quintptr>(loaded->storedRun(index, 1).data()) % (2 << 20);
        };
        QVERIFY(start(0) != 0);
        QVERIFY(start(Trace::ChunkSize) != 0);
        QCOMPARE(start(2 * Trace::ChunkSize), quintptr(0)); // the part: copied
        // The file may go (the mapping keeps what the trace uses), and a replay shares the chunks.
        QVERIFY(QFile::remove(path));
        ReplayRun replay(loaded, metadata());
        std::vector<SeqNo> starts;
        QVERIFY(replay.skipToEnd(starts));
        QCOMPARE(replay.trace().size(), events);
        QCOMPARE(replay.trace().at(events - 1), trace.at(events - 1));
        QCOMPARE(replay.trace().at(Trace::ChunkSize + 7), trace.at(Trace::ChunkSize + 7));

        // A bad event inside a chunk used in place is found as in any other.
        QByteArray broken = saved;
        const qsizetype firstEvents = broken.indexOf("EVTS");
        QVERIFY(firstEvents > 0);
        const qsizetype record = firstEvents + 16 + 8 + 5 * BinaryTrace::EventBytes; // event 5
        broken[record + 20] = char(200);                                             // its kind
        QFile bad(path);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(broken);
        bad.close();
        try {
            TraceFileReader::open(path);
            QFAIL("a bad kind in a mapped chunk was read");
        } catch (const TraceFormatError &error) {
            QVERIFY2(error.message().contains(QStringLiteral("event 5 has unknown kind 200")),
                qPrintable(error.message()));
        }
    }

    void aMappedFileThatAnotherProgramEmptiesKeepsItsEvents()
    {
        // The trace reads its events in the mapped file; another program then empties the file
        // (then rewrites it). Reading them afterwards must neither crash (SIGBUS) nor change them.
        Trace trace;
        trace.registerTask(1, trace.intern(QStringLiteral("worker")), NoTask);
        const qsizetype events = 2 * Trace::ChunkSize + 99;
        for (qsizetype i = 0; i < events; ++i)
            trace.append(EventKind::TaskResumed, i * 10, 1, 0, 0, std::uint16_t(i % 500));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("shared.loopscope"));
        TraceFileWriter::save(trace, metadata(), path);
        const QByteArray saved = TraceFileWriter::toBytes(trace, metadata());
        const std::shared_ptr<const Trace> loaded = TraceFileReader::open(path).trace;
        QVERIFY(reinterpret_cast<quintptr>(loaded->storedRun(0, 1).data()) % (2 << 20) != 0); // in place
        // (A shell's redirection waits while the kernel asks the lease holder; `truncate` would
        // not wait: it is told to try again.)
        for (const char *script : { ": > \"$0\"", "printf 'something else' > \"$0\"" }) {
            QProcess other;
            other.start(QStringLiteral("sh"), { QStringLiteral("-c"), QString::fromLatin1(script), path });
            QVERIFY2(other.waitForFinished(30'000), script);
            QVERIFY2(other.exitCode() == 0, other.readAllStandardError().constData());
        }
        QCOMPARE(QFileInfo(path).size(), qint64(14));
        QCOMPARE(loaded->size(), events);
        QCOMPARE(loaded->at(Trace::ChunkSize + 5), trace.at(Trace::ChunkSize + 5));
        QCOMPARE(TraceFileWriter::toBytes(*loaded, metadata()), saved);
    }

    void filesAreWrittenWholeOrNotAtAll()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kept.txt"));
        writeFileAtomically(path, QByteArray("the first version\n"));
        // A writer that fails half way leaves the earlier file as it was, and no stray file.
        QVERIFY_THROWS_EXCEPTION(Error, writeFileAtomically(path, [](QIODevice &device) {
            device.write("half of the sec");
            throw Error(QStringLiteral("the disk is full"));
        }));
        QFile kept(path);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("the first version\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({ "kept.txt" }));
        // A file that cannot be created is an error that names it.
        try {
            writeFileAtomically(QStringLiteral("/nonexistent/dir/x.json"), QByteArray("{}"));
            QFAIL("the write was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().startsWith(QStringLiteral("cannot write '/nonexistent/dir/x.json': ")),
                qPrintable(error.message()));
        }
        // Saving a trace goes the same way.
        const auto s = Fixtures::twoCoroutines();
        QVERIFY_THROWS_EXCEPTION(
            Error, TraceFileWriter::save(s->trace(), metadata(), QStringLiteral("/nonexistent/t.loopscope")));
    }

    void eventRangeRejectsBadBounds_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<QString>("message");
        QTest::newRow("reversed") << 9LL << 3LL << "the range starts at event 9, after its end at event 3";
        QTest::newRow("past the end")
            << 0LL << 17LL << "the last event 17 is not in the trace, which holds events 0 to 16";
        QTest::newRow("start past the end")
            << 40LL << -1LL << "the first event 40 is not in the trace, which holds events 0 to 16";
    }
    void eventRangeRejectsBadBounds()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(QString, message);
        const auto s = Fixtures::twoCoroutines();
        try {
            EventRange::ofSeqs(s->trace(), SeqNo(from), to < 0 ? std::nullopt : std::optional<SeqNo>(to));
            QFAIL("the range was accepted");
        } catch (const ExportError &error) {
            QCOMPARE(error.message(), message);
        }
        Trace empty;
        QVERIFY_THROWS_EXCEPTION(ExportError, EventRange::all(empty));
    }
};

QTEST_GUILESS_MAIN(TestTraceFormats)
#include "tst_traceformats.moc"
