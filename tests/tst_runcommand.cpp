// `loopscope run` and `loopscope list`: their output, their exit codes and their error messages,
// called as functions with text streams on strings.
#include "cli/listcommand.h"
#include "cli/runcommand.h"
#include "scenarios/runningtimetable.h"
#include "scheduler/errors.h"

#include <QTextStream>
#include <QtTest>

using namespace Loopscope;

namespace {

struct Outcome
{
    int code = -1;
    QString out;
    QString err;
};

template<typename Command>
Outcome call(Command command, const QStringList &args)
{
    Outcome outcome;
    QTextStream out(&outcome.out);
    QTextStream err(&outcome.err);
    outcome.code = command(args, out, err);
    out.flush();
    err.flush();
    return outcome;
}

Outcome run(const QStringList &args)
{
    return call(runRunCommand, args);
}

} // namespace

class TestRunCommand : public QObject
{
    Q_OBJECT
private slots:
    void runPrintsOneLinePerEventAndASummary()
    {
        const Outcome o = run({ QStringLiteral("two-coroutines") });
        QCOMPARE(o.code, 0);
        QCOMPARE(o.err, QString());
        const QStringList lines = o.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 18);
        QCOMPARE(lines.first(), QStringLiteral("#0 t=0 s C1 created"));
        QCOMPARE(lines.at(9), QStringLiteral("#9 t=0 s loop waits on I/O and timers for 2.000 s"));
        QCOMPARE(lines.at(16), QStringLiteral("#16 t=2.000 s loop stopped (idle)"));
        QCOMPARE(lines.last(),
            QStringLiteral("two-coroutines: finished after 8 steps, 17 events, 2.000 s of virtual time"));
    }

    void runSummarisesEveryTaskFromTheDigest()
    {
        // The same digest as the window's task table: states, time running, ready and waiting, outcome.
        const Outcome o = run({ QStringLiteral("two-coroutines"), QStringLiteral("--tasks") });
        QCOMPARE(o.code, 0);
        const QStringList lines = o.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 18 + 3 + 1);
        QCOMPARE(
            lines.at(18).simplified(), QStringLiteral("id task state busy ready waiting resumes outcome"));
        QCOMPARE(lines.at(19).simplified(), QStringLiteral("1 C1 done 0 s 0 s 2.000 s 1 1"));
        QCOMPARE(lines.at(20).simplified(), QStringLiteral("2 C2 done 0 s 0 s 2.000 s 1 1"));
        QCOMPARE(lines.at(19).indexOf(QStringLiteral("done")), lines.at(18).indexOf(QStringLiteral("state")));
        // Both reads are in flight while the loop waits its two seconds.
        QCOMPARE(lines.at(21),
            QStringLiteral("loop 0 (2.000 s): running tasks 0.0%, waiting for I/O 100.0%, idle 0.0%, its own "
                           "work 0.0%"));
    }

    void runTakesParametersAndAStepLimit()
    {
        const Outcome o = run({ QStringLiteral("two-coroutines"), QStringLiteral("--param"),
            QStringLiteral("latency_ms=500"), QStringLiteral("--steps"), QStringLiteral("2") });
        QCOMPARE(o.code, 0);
        const QStringList lines = o.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 10); // two created, a step of four events, one of three, the summary
        QCOMPARE(lines.at(8), QStringLiteral("#8 t=0 s C2 awaits read b"));
        QCOMPARE(lines.last(),
            QStringLiteral("two-coroutines: stopped, not finished after 2 steps, 9 events, 0 s of "
                           "virtual time"));
        const Outcome full
            = run({ QStringLiteral("two-coroutines"), QStringLiteral("--param=latency_ms=500") });
        QVERIFY(full.out.endsWith(QStringLiteral("17 events, 500 ms of virtual time\n")));
    }

    void runShowsTheLoopOfEachEventWhenThereAreSeveral()
    {
        const Outcome o
            = run({ QStringLiteral("threads"), QStringLiteral("--param"), QStringLiteral("loops=2") });
        QCOMPARE(o.code, 0);
        QVERIFY(o.out.startsWith(QStringLiteral("[loop 0] #0 t=0 s L0 crunch created\n")));
        QVERIFY(o.out.contains(QStringLiteral("[loop 1] #5 t=0 s L1 fetch a created\n")));
        QVERIFY(!run({ QStringLiteral("nested-loop") }).out.contains(QStringLiteral("[loop")));
    }

    void runPrintsTheRunningTimeTable()
    {
        const Outcome md = run({ QStringLiteral("sequential-vs-concurrent"), QStringLiteral("--table"),
            QStringLiteral("--param"), QStringLiteral("n=1000") });
        QCOMPARE(md.code, 0);
        QCOMPARE(md.err, QString());
        const QStringList lines = md.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 12); // header, rule, 1 .. 1,000,000,000
        QCOMPARE(lines.at(0), QStringLiteral("| I/O operations | sequential | concurrent | how |"));
        QCOMPARE(lines.at(5), QStringLiteral("| 1,000 | ≈ 33 min | ≈ 2 s | simulated |"));
        QCOMPARE(lines.at(6), QStringLiteral("| 10,000 | ≈ 5.6 h | ≈ 2 s | computed |"));
        QCOMPARE(lines.at(8), QStringLiteral("| 1,000,000 | ≈ 23 days | ≈ 2 s | computed |"));
        QCOMPARE(lines.at(11), QStringLiteral("| 1,000,000,000 | ≈ 63 years | ≈ 2 s | computed |"));

        const Outcome csv = run({ QStringLiteral("sequential-vs-concurrent"), QStringLiteral("--table"),
            QStringLiteral("--csv"), QStringLiteral("--param"), QStringLiteral("n=10"),
            QStringLiteral("--param"), QStringLiteral("latency_ms=1000") });
        QCOMPARE(csv.code, 0);
        QVERIFY(csv.out.startsWith(
            QStringLiteral("operations,sequential_s,concurrent_s,simulated\n"
                           "1,1.000,1.000,true\n10,10.000,1.000,true\n100,100.000,1.000,false\n")));
        QVERIFY(csv.out.endsWith(QStringLiteral("1000000000,1000000000.000,1.000,false\n")));
    }

    void runningTimeTableIsSimulatedThenComputed()
    {
        const RunningTimeTable table = RunningTimeTable::build(std::chrono::seconds(2), 10'000);
        QCOMPARE(table.rows.size(), 10);
        for (const RunningTimeRow &row : table.rows) {
            QCOMPARE(row.simulated, row.operations <= 10'000);
            QCOMPARE(row.sequentialSeconds, 2.0 * static_cast<double>(row.operations)); // simulated or not
            QCOMPARE(row.concurrentSeconds, 2.0);
        }
        QCOMPARE(RunningTimeTable::build(std::chrono::seconds(2), 0, 1000).rows.size(), 4);
        QVERIFY_THROWS_EXCEPTION(Error, RunningTimeTable::build(std::chrono::microseconds(10)));
    }

    void approximateDurations_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("2 s") << 2.0 << "≈ 2 s";
        QTest::newRow("half") << 0.5 << "≈ 0.5 s";
        QTest::newRow("minutes") << 200.0 << "≈ 3.3 min";
        QTest::newRow("1,000 ops") << 2000.0 << "≈ 33 min";
        QTest::newRow("10,000 ops") << 20000.0 << "≈ 5.6 h";
        QTest::newRow("100,000 ops") << 2e5 << "≈ 2.3 days";
        QTest::newRow("1,000,000 ops") << 2e6 << "≈ 23 days";
        QTest::newRow("1,000,000,000 ops") << 2e9 << "≈ 63 years";
    }
    void approximateDurations()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(approximateDuration(seconds), text);
    }

    void runRejectsBadUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("nothing") << QStringList {} << "loopscope run: which scenario? Give its name";
        QTest::newRow("unknown scenario")
            << QStringList { "nope" } << "loopscope run: no scenario named 'nope'; try 'loopscope list'";
        QTest::newRow("two scenarios") << QStringList { "send", "threads" }
                                       << "loopscope run: one scenario at a time, got 'send threads'";
        QTest::newRow("out of range") << QStringList { "sequential-vs-concurrent", "--param", "n=0" }
                                      << "loopscope run: n must be between 1 and 1000000, got 0";
        QTest::newRow("unknown parameter") << QStringList { "send", "--param",
            "x=1" } << "loopscope run: send has no parameter 'x'; it takes: first, count, pause_ms";
        QTest::newRow("zero steps") << QStringList { "send", "--steps", "0" }
                                    << "loopscope run: --steps needs a whole number of at least 1, got '0'";
        QTest::newRow("steps not a number") << QStringList { "send", "--steps",
            "many" } << "loopscope run: --steps needs a whole number of at least 1, got 'many'";
        QTest::newRow("unknown option")
            << QStringList { "send", "--bogus" } << "loopscope run: Unknown option 'bogus'.";
        QTest::newRow("missing value")
            << QStringList { "send", "--param" } << "loopscope run: Missing value after '--param'.";
        QTest::newRow("table elsewhere") << QStringList { "send",
            "--table" } << "loopscope run: --table belongs to sequential-vs-concurrent, not send";
        QTest::newRow("csv alone") << QStringList { "sequential-vs-concurrent", "--csv" }
                                   << "loopscope run: --csv only goes with --table";
    }
    void runRejectsBadUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Outcome o = run(args);
        QCOMPARE(o.code, 2);
        QCOMPARE(o.out, QString());
        QCOMPARE(o.err.section(u'\n', 0, 0), message);
        QVERIFY(o.err.contains(QStringLiteral("usage: loopscope run <scenario>")));
    }

    void listShowsEveryScenarioWithItsParameters()
    {
        const Outcome o = call(runListCommand, {});
        QCOMPARE(o.code, 0);
        QCOMPARE(o.err, QString());
        QVERIFY(o.out.startsWith(
            QStringLiteral("two-coroutines            Event loop and two coroutines awaiting I/O "
                           "(default)\n    Two coroutines wait for slow I/O at the same time on "
                           "one thread\n    --param latency_ms=2000  (1..600000) how long each "
                           "read takes, in milliseconds\n")));
        QVERIFY(
            o.out.contains(QStringLiteral("\nsequential-vs-concurrent  Sequential versus concurrent I/O\n")));
        QVERIFY(o.out.contains(QStringLiteral("    --param n=3  (1..1000000) how many operations\n")));
        QVERIFY(o.out.contains(QStringLiteral("\ncallback-queue            ")));
        QVERIFY(o.out.endsWith(QStringLiteral(
            "14 scenarios; play one with: loopscope run <scenario> [--param key=value]...\n")));
    }

    void listRejectsArguments()
    {
        const Outcome o = call(runListCommand, { QStringLiteral("--all") });
        QCOMPARE(o.code, 2);
        QCOMPARE(o.out, QString());
        QCOMPARE(
            o.err, QStringLiteral("loopscope list: unexpected argument '--all'\nusage: loopscope list\n"));
    }
};

QTEST_GUILESS_MAIN(TestRunCommand)
#include "tst_runcommand.moc"
