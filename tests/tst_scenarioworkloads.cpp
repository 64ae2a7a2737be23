// The claims of the workload scenarios, checked on their traces: sequential versus concurrent I/O
// (up to a million operations), producer and consumer, the nested loop, one loop per thread and
// paginated fetching.
#include "run/replayrun.h"
#include "scenarioplay.h"
#include "trace/tracestats.h"

#include <map>
#include <numeric>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>
#include <set>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace ScenarioTesting;

class TestScenarioWorkloads : public QObject
{
    Q_OBJECT
private slots:
    void sequentialAddsUpConcurrentOverlaps_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("40") << 40;
    }
    void sequentialAddsUpConcurrentOverlaps()
    {
        QFETCH(int, n);
        const Played played
            = play(QStringLiteral("sequential-vs-concurrent"), { QStringLiteral("n=%1").arg(n) });
        const QStringList said = messages(played.trace());
        QVERIFY(said.contains(QStringLiteral("concurrent: %1 operations took 2.000 s").arg(n)));
        QVERIFY(said.contains(QStringLiteral("sequential: %1 operations took %2.000 s").arg(n).arg(2 * n)));
    }

    void seededLatenciesVaryButAddUp()
    {
        const Played played = play(QStringLiteral("sequential-vs-concurrent"),
            { QStringLiteral("n=25"), QStringLiteral("seed=7"), QStringLiteral("latency_ms=1000") });
        const Trace &t = played.trace();
        std::map<std::uint32_t, std::int64_t> submitted;
        std::multiset<std::int64_t> sequential;
        std::multiset<std::int64_t> concurrent;
        for (qsizetype i = 0; i < t.size(); ++i) {
            const TraceEvent &e = t.at(i);
            if (e.kind == EventKind::IoSubmitted)
                submitted[e.other] = e.timeNs;
            if (e.kind == EventKind::IoCompleted) {
                const std::int64_t latency = e.timeNs - submitted.at(e.other);
                QVERIFY(latency >= 500 * Ms && latency <= 1500 * Ms);
                (t.taskName(e.task) == QStringLiteral("sequential") ? sequential : concurrent)
                    .insert(latency);
            }
        }
        QCOMPARE(sequential, concurrent); // the same operations, run two ways
        QVERIFY(*concurrent.begin() != *concurrent.rbegin());
        const std::int64_t sum = std::accumulate(sequential.begin(), sequential.end(), std::int64_t(0));
        QCOMPARE(timesOf(t, QStringLiteral("25 operations took %1").arg(formatDuration(sum))),
            QList<std::int64_t> { sum });
        const std::int64_t longest = *concurrent.rbegin();
        QCOMPARE(timesOf(t, QStringLiteral("25 operations took %1").arg(formatDuration(longest))),
            QList<std::int64_t> { longest });
    }

    void aMillionOperationsAreSimulatedInSeconds()
    {
        QElapsedTimer wall;
        wall.start();
        const Played concurrent = play(QStringLiteral("sequential-vs-concurrent"),
            { QStringLiteral("n=1000000"), QStringLiteral("mode=2") });
        const qint64 concurrentMs = wall.restart();
        QCOMPARE(concurrent.trace().last().timeNs, 2 * Second);
        QCOMPARE(messages(concurrent.trace()).last(),
            QStringLiteral("concurrent: 1000000 operations took 2.000 s"));
        const Played sequential = play(QStringLiteral("sequential-vs-concurrent"),
            { QStringLiteral("n=1000000"), QStringLiteral("mode=1") });
        const qint64 sequentialMs = wall.elapsed();
        QCOMPARE(sequential.trace().last().timeNs, 2'000'000 * Second); // 23 days of virtual time
        qInfo(
            "1,000,000 operations: concurrent %lld ms, sequential %lld ms of real time (%lld + %lld events)",
            concurrentMs, sequentialMs, static_cast<long long>(concurrent.trace().size()),
            static_cast<long long>(sequential.trace().size()));
    }

    void producerIsHeldBackByAFullQueue()
    {
        const Played played = play(QStringLiteral("producer-consumer"),
            { QStringLiteral("quotes=30"), QStringLiteral("capacity=2") });
        const Trace &t = played.trace();
        QVERIFY(fullText(t).contains(QStringLiteral("producer awaits quotes full (put)")));
        QCOMPARE(countKind(t, EventKind::TaskFailed), qsizetype(0));
        QCOMPARE(countKind(t, EventKind::TaskReturned), qsizetype(2));
        QFile csv(QStringLiteral(":/data/quotes.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList rows = QString::fromUtf8(csv.readAll()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 121);
        QCOMPARE(rows.first(), QStringLiteral("date,symbol,close"));
        QStringList expected;
        QList<double> closes;
        for (int i = 1; i <= 30; ++i) {
            const QStringList fields = rows[i].split(u',');
            closes << fields[2].toDouble();
            const QList<double> window = closes.mid(std::max<qsizetype>(0, closes.size() - 10));
            const double sma
                = std::accumulate(window.begin(), window.end(), 0.0) / static_cast<double>(window.size());
            expected << QStringLiteral("consumer: %1 %2 %3  SMA(%4) %5")
                            .arg(fields[0], fields[1], fields[2])
                            .arg(window.size())
                            .arg(QString::number(sma, 'f', 2));
        }
        expected << QStringLiteral("consumer: queue closed and empty after 30 quotes: done");
        QStringList said = messages(t);
        said.removeAll(QStringLiteral("producer: no more quotes: queue closed"));
        QCOMPARE(said, expected);
    }

    void aRoomyQueueNeverPushesBack()
    {
        const Played played = play(QStringLiteral("producer-consumer"), { QStringLiteral("capacity=1000") });
        QVERIFY(!fullText(played.trace()).contains(QStringLiteral("full (put)")));
        QCOMPARE(messages(played.trace()).last(),
            QStringLiteral("consumer: queue closed and empty after 120 quotes: done"));
    }

    void nestedRunIsRefusedAndTheProgramGoesOn()
    {
        const Played played = play(QStringLiteral("nested-loop"));
        const Trace &t = played.trace();
        QCOMPARE(messages(t),
            (QStringList { "impatient: error: the event loop is already running; carrying on",
                "bystander: news arrived" }));
        QCOMPARE(countKind(t, EventKind::TaskFailed), qsizetype(0));
        QCOMPARE(countKind(t, EventKind::TaskReturned), qsizetype(2));
        QCOMPARE(countKind(t, EventKind::LoopStarted), qsizetype(1));
        QCOMPARE(t.last().timeNs, 3 * Second);
    }

    void cpuWorkBlocksOnlyItsOwnLoop_data()
    {
        QTest::addColumn<int>("loops");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
        QTest::newRow("8") << 8;
    }
    void cpuWorkBlocksOnlyItsOwnLoop()
    {
        QFETCH(int, loops);
        const Played played = play(QStringLiteral("threads"), { QStringLiteral("loops=%1").arg(loops) });
        const Trace &t = played.trace();
        QCOMPARE(countKind(t, EventKind::SlowStep), qsizetype(1));
        QCOMPARE(countKind(t, EventKind::LoopStarted), qsizetype(loops));
        std::set<std::uint32_t> ioIds;
        std::int64_t previous = 0;
        for (qsizetype i = 0; i < t.size(); ++i) {
            const TraceEvent &e = t.at(i);
            QVERIFY(e.timeNs >= previous); // one timeline, ordered by time
            previous = e.timeNs;
            QVERIFY(e.thread < loops);
            if (e.task != NoTask)
                QVERIFY(t.taskName(e.task).startsWith(QStringLiteral("L%1 ").arg(e.thread)));
            if (e.kind == EventKind::SlowStep)
                QCOMPARE(e.thread, 0);
            if (e.kind == EventKind::IoSubmitted)
                QVERIFY(ioIds.insert(e.other).second); // I/O ids stay unique across loops
            if (e.kind == EventKind::IoCompleted) {
                // Loop 0's fetches queued behind 1.5 s of computation; the others did not wait.
                QCOMPARE(e.timeNs, (e.thread == 0 ? 3500 : 2000) * Ms);
            }
        }
        QCOMPARE(ioIds.size(), std::size_t(2 * loops));
        QCOMPARE(t.last().timeNs, 3500 * Ms);
    }

    void steppingReplaysTheMergedTrace()
    {
        const ScenarioRegistry registry;
        const auto run = registry.get(QStringLiteral("threads"))
                             .start(registry.parseParams(QStringLiteral("threads"), {}));
        const auto *replay = dynamic_cast<const ReplayRun *>(run.get());
        QVERIFY(replay);
        QCOMPARE(run->trace().size(), qsizetype(0));
        // Like the loop's own first step: what was created, the start, and the first task's run.
        const StepResult first = run->step();
        QCOMPARE(first.action, StepAction::StartedTask);
        QCOMPARE(run->trace().taskName(first.task), QStringLiteral("L0 crunch"));
        QCOMPARE(fullText(run->trace()),
            QStringLiteral("#0 t=0 s L0 crunch created\n#1 t=0 s L0 fetch a created\n"
                           "#2 t=0 s L0 fetch b created\n#3 t=0 s loop started\n"
                           "#4 t=0 s loop starts L0 crunch"));
        const StepResult second = run->step();
        QCOMPARE(run->trace().taskName(second.task), QStringLiteral("L1 fetch a"));
        QCOMPARE(second.endSeq - second.firstSeq, SeqNo(6)); // two created, started, run to its await
        qint64 steps = 2;
        SeqNo covered = second.endSeq;
        while (!run->isFinished()) {
            const StepResult r = run->step();
            QCOMPARE(r.firstSeq, covered); // steps follow one another without gaps
            QVERIFY(r.endSeq > r.firstSeq);
            const auto lane = run->trace().at(run->trace().indexOfSeq(r.firstSeq)).thread;
            for (SeqNo seq = r.firstSeq; seq < r.endSeq; ++seq) // one loop's events per step
                QCOMPARE(run->trace().at(run->trace().indexOfSeq(seq)).thread, lane);
            covered = r.endSeq;
            ++steps;
        }
        QVERIFY(steps > 10);
        QCOMPARE(covered, SeqNo(replay->recording().size()));
        QCOMPARE(fullText(run->trace()), fullText(replay->recording()));
        QCOMPARE(run->step().action, StepAction::Idle);
    }

    void paginationStrategiesSideBySide_data()
    {
        QTest::addColumn<int>("pages");
        QTest::addColumn<int>("concurrency");
        QTest::newRow("6 pages, 2 at a time") << 6 << 2;
        QTest::newRow("7 pages, 3 at a time") << 7 << 3;
        QTest::newRow("2 pages, 5 at a time") << 2 << 5;
    }
    void paginationStrategiesSideBySide()
    {
        QFETCH(int, pages);
        QFETCH(int, concurrency);
        const Played played = play(QStringLiteral("paginated"),
            { QStringLiteral("pages=%1").arg(pages), QStringLiteral("concurrency=%1").arg(concurrency),
                QStringLiteral("latency_ms=100") });
        const int rounds = (pages + concurrency - 1) / concurrency;
        const QString items = QStringLiteral("%1 pages, %2 items in ").arg(pages).arg(pages * 50);
        const QStringList said = messages(played.trace());
        QVERIFY(said.contains(QStringLiteral("sequential: ") + items + formatDuration(pages * 100 * Ms)));
        QVERIFY(said.contains(QStringLiteral("unbounded: ") + items + QStringLiteral("100 ms")));
        QVERIFY(said.contains(QStringLiteral("bounded: ") + items + formatDuration(rounds * 100 * Ms)
            + QStringLiteral(", at most %1 in flight").arg(std::min(pages, concurrency))));
    }

    void paginationOverRealHttp()
    {
        // The real thing, against the demo API in this process: wall-clock times, so only their order
        // and lower bounds are claimed.
        const Played played = play(QStringLiteral("paginated-http"),
            { QStringLiteral("pages=6"), QStringLiteral("concurrency=2"), QStringLiteral("latency_ms=80") });
        const Trace &trace = played.trace();
        QCOMPARE(trace.ioRecords().size(), std::size_t(18));
        for (const IoRecord &record : trace.ioRecords())
            QCOMPARE(record.status, 200);
        std::map<QString, std::int64_t> took;
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent &e = trace.at(i);
            if (e.kind == EventKind::Message)
                took[trace.taskName(e.task)] = e.timeNs;
        }
        QCOMPARE(took.size(), std::size_t(3));
        QVERIFY(took["sequential"] >= 6 * 80 * Ms); // one latency per page
        QVERIFY(took["bounded"] >= 3 * 80 * Ms);    // one per round of two
        QVERIFY(took["unbounded"] < took["sequential"]);
        QVERIFY(took["unbounded"] < took["bounded"]);
        QVERIFY(messages(trace)
                    .filter(QRegularExpression(QStringLiteral("^bounded: ")))
                    .first()
                    .contains(QStringLiteral("at most 2 in flight")));
        QVERIFY(peakIoInFlight(trace) >= 7); // 6 unbounded + the sequential one + bounded ones overlap
    }
};

QTEST_GUILESS_MAIN(TestScenarioWorkloads)
#include "tst_scenarioworkloads.moc"
