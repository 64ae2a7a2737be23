// Golden traces: a small run of every built-in scenario under the virtual clock, compared line by
// line with the full Trace::describe() text it must produce. A change in any scenario, or in the
// scheduling it demonstrates, shows up here as a readable difference.
#include "scenarios/scenarioregistry.h"
#include "testlib/tracetext.h"

#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;

namespace {

struct Golden
{
    const char *id;
    QStringList params;
    const char *text;
};

// clang-format off
const QList<Golden> &goldens()
{
    static const QList<Golden> all{
        {"two-coroutines", {}, R"(
#0 t=0 s C1 created
#1 t=0 s C2 created
#2 t=0 s loop started
#3 t=0 s loop starts C1
#4 t=0 s C1 submits I/O #1 read a
#5 t=0 s C1 awaits read a
#6 t=0 s loop starts C2
#7 t=0 s C2 submits I/O #2 read b
#8 t=0 s C2 awaits read b
#9 t=0 s loop waits on I/O and timers for 2.000 s
#10 t=2.000 s I/O #1 complete done -> C1
#11 t=2.000 s I/O #2 complete done -> C2
#12 t=2.000 s loop resumes C1
#13 t=2.000 s C1 completes, returning 1
#14 t=2.000 s loop resumes C2
#15 t=2.000 s C2 completes, returning 1
#16 t=2.000 s loop stopped (idle))"},
        {"generators", {"n=2"}, R"(
#0 t=0 s consumer created
#1 t=0 s loop started
#2 t=0 s loop starts consumer
#3 t=0 s consumer: next(iterator) -> 1
#4 t=0 s consumer: next(iterator) -> 2
#5 t=0 s consumer: next(iterator) -> 3
#6 t=0 s consumer: StopIteration: list exhausted
#7 t=0 s numbers created by consumer
#8 t=0 s consumer: next(numbers)
#9 t=0 s numbers yields 0
#10 t=0 s consumer: got 0
#11 t=0 s consumer arms timer #1 for 500 ms
#12 t=0 s consumer awaits sleep
#13 t=0 s loop waits on I/O and timers for 500 ms
#14 t=500 ms timer #1 fires -> consumer
#15 t=500 ms loop resumes consumer
#16 t=500 ms consumer: next(numbers)
#17 t=500 ms numbers yields 1
#18 t=500 ms consumer: got 1
#19 t=500 ms consumer arms timer #2 for 500 ms
#20 t=500 ms consumer awaits sleep
#21 t=500 ms loop waits on I/O and timers for 500 ms
#22 t=1.000 s timer #2 fires -> consumer
#23 t=1.000 s loop resumes consumer
#24 t=1.000 s consumer: next(numbers)
#25 t=1.000 s numbers completes
#26 t=1.000 s consumer: StopIteration: numbers is exhausted
#27 t=1.000 s consumer: next(numbers): nothing left, numbers is exhausted
#28 t=1.000 s consumer: second pass over numbers: 0 values
#29 t=1.000 s consumer completes
#30 t=1.000 s loop stopped (idle))"},
        {"send", {}, R"(
#0 t=0 s feeder created
#1 t=0 s loop started
#2 t=0 s loop starts feeder
#3 t=0 s squarer created by feeder
#4 t=0 s feeder: send(2) to squarer
#5 t=0 s feeder: error: can't send a value to a just-started generator
#6 t=0 s feeder: next(squarer)
#7 t=0 s squarer awaits a sent value
#8 t=0 s feeder: send(2) to squarer
#9 t=0 s squarer yields 4
#10 t=0 s feeder: 2 squared is 4
#11 t=0 s feeder arms timer #1 for 500 ms
#12 t=0 s feeder awaits sleep
#13 t=0 s loop waits on I/O and timers for 500 ms
#14 t=500 ms timer #1 fires -> feeder
#15 t=500 ms loop resumes feeder
#16 t=500 ms feeder: send(3) to squarer
#17 t=500 ms squarer yields 9
#18 t=500 ms feeder: 3 squared is 9
#19 t=500 ms feeder arms timer #2 for 500 ms
#20 t=500 ms feeder awaits sleep
#21 t=500 ms loop waits on I/O and timers for 500 ms
#22 t=1.000 s timer #2 fires -> feeder
#23 t=1.000 s loop resumes feeder
#24 t=1.000 s feeder: close(squarer)
#25 t=1.000 s squarer: cleanup: the squarer shuts down
#26 t=1.000 s squarer cancelled
#27 t=1.000 s feeder completes
#28 t=1.000 s loop stopped (idle))"},
        {"delegation", {"n=2"}, R"(
#0 t=0 s outer created
#1 t=0 s loop started
#2 t=0 s loop starts outer
#3 t=0 s level 2 created by outer
#4 t=0 s outer delegates to level 2
#5 t=0 s loop starts level 2
#6 t=0 s level 1 created by level 2
#7 t=0 s level 2 delegates to level 1
#8 t=0 s loop starts level 1
#9 t=0 s level 1 submits I/O #1 read part 1
#10 t=0 s level 1 awaits read part 1
#11 t=0 s loop waits on I/O and timers for 500 ms
#12 t=500 ms I/O #1 complete done -> level 1
#13 t=500 ms loop resumes level 1
#14 t=500 ms level 1 submits I/O #2 read part 2
#15 t=500 ms level 1 awaits read part 2
#16 t=500 ms loop waits on I/O and timers for 500 ms
#17 t=1.000 s I/O #2 complete done -> level 1
#18 t=1.000 s loop resumes level 1
#19 t=1.000 s level 1 completes, returning 42
#20 t=1.000 s level 2 completes, returning 42
#21 t=1.000 s outer: outer got 42
#22 t=1.000 s outer completes
#23 t=1.000 s loop stopped (idle))"},
        {"polling-loop", {"interval_ms=1000"}, R"(
#0 t=0 s C1 created
#1 t=0 s C2 created
#2 t=0 s loop started
#3 t=0 s loop starts C1
#4 t=0 s C1 submits I/O #1 GET /data (polled)
#5 t=0 s C1 awaits the next poll
#6 t=0 s loop starts C2
#7 t=0 s C2 submits I/O #2 GET /data (polled)
#8 t=0 s C2 awaits the next poll
#9 t=1.000 s loop polls C1: not ready
#10 t=1.000 s loop polls C2: not ready
#11 t=2.000 s loop polls C1: not ready
#12 t=2.000 s loop polls C2: not ready
#13 t=3.000 s I/O #1 complete 200 -> C1
#14 t=3.000 s loop resumes C1
#15 t=3.000 s C1 completes, returning 200
#16 t=3.000 s I/O #2 complete 200 -> C2
#17 t=3.000 s loop resumes C2
#18 t=3.000 s C2 completes, returning 200
#19 t=3.000 s loop: all 2 coroutines done after 3.000 s, 4 polls wasted
#20 t=3.000 s loop stopped (idle))"},
        {"callback-queue", {"turns=2"}, R"(
#0 t=0 s hello created
#1 t=0 s loop started
#2 t=0 s loop starts hello
#3 t=0 s hello: Hello
#4 t=0 s world created by hello
#5 t=0 s hello completes
#6 t=0 s loop starts world
#7 t=0 s world: world
#8 t=0 s world completes
#9 t=0 s loop stopped (idle))"},
        {"callback-blocking", {"turns=2", "tick_ms=600"}, R"(
#0 t=0 s hello created
#1 t=0 s tick created
#2 t=0 s loop arms timer #1 for 600 ms
#3 t=0 s loop started
#4 t=0 s loop starts hello
#5 t=0 s hello: Hello
#6 t=1.000 s world created by hello
#7 t=1.000 s hello completes
#8 t=1.000 s SLOW STEP: hello ran 1.000 s without yielding
#9 t=1.000 s timer #1 fires -> tick
#10 t=1.000 s loop starts world
#11 t=1.000 s world: world
#12 t=2.000 s world completes
#13 t=2.000 s SLOW STEP: world ran 1.000 s without yielding
#14 t=2.000 s loop starts tick
#15 t=2.000 s tick: tick, 1.400 s late
#16 t=2.000 s tick completes
#17 t=2.000 s loop stopped (idle))"},
        {"callback-timer", {"turns=2", "pause_ms=500", "tick_ms=300"}, R"(
#0 t=0 s hello created
#1 t=0 s tick created
#2 t=0 s loop arms timer #1 for 300 ms
#3 t=0 s loop started
#4 t=0 s loop starts hello
#5 t=0 s hello: Hello
#6 t=0 s world created by hello
#7 t=0 s hello arms timer #2 for 500 ms
#8 t=0 s hello completes
#9 t=0 s loop waits on I/O and timers for 300 ms
#10 t=300 ms timer #1 fires -> tick
#11 t=300 ms loop starts tick
#12 t=300 ms tick: tick, on time
#13 t=300 ms tick created by tick
#14 t=300 ms tick arms timer #3 for 300 ms
#15 t=300 ms tick completes
#16 t=300 ms loop waits on I/O and timers for 200 ms
#17 t=500 ms timer #2 fires -> world
#18 t=500 ms loop starts world
#19 t=500 ms world: world
#20 t=500 ms world completes
#21 t=500 ms loop waits on I/O and timers for 100 ms
#22 t=600 ms timer #3 fires -> tick
#23 t=600 ms loop starts tick
#24 t=600 ms tick: tick, on time
#25 t=600 ms tick completes
#26 t=600 ms loop stopped (idle))"},
        {"sequential-vs-concurrent", {"n=2"}, R"(
#0 t=0 s sequential created
#1 t=0 s concurrent created
#2 t=0 s loop started
#3 t=0 s loop starts sequential
#4 t=0 s sequential submits I/O #1 request
#5 t=0 s sequential awaits request
#6 t=0 s loop starts concurrent
#7 t=0 s op 1 created by concurrent
#8 t=0 s op 2 created by concurrent
#9 t=0 s gather created by concurrent
#10 t=0 s concurrent delegates to gather
#11 t=0 s loop starts gather
#12 t=0 s gather awaits task op 1
#13 t=0 s loop starts op 1
#14 t=0 s op 1 submits I/O #2 request
#15 t=0 s op 1 awaits request
#16 t=0 s loop starts op 2
#17 t=0 s op 2 submits I/O #3 request
#18 t=0 s op 2 awaits request
#19 t=0 s loop waits on I/O and timers for 2.000 s
#20 t=2.000 s I/O #1 complete done -> sequential
#21 t=2.000 s I/O #2 complete done -> op 1
#22 t=2.000 s I/O #3 complete done -> op 2
#23 t=2.000 s loop resumes sequential
#24 t=2.000 s sequential submits I/O #4 request
#25 t=2.000 s sequential awaits request
#26 t=2.000 s loop resumes op 1
#27 t=2.000 s op 1 completes
#28 t=2.000 s loop resumes op 2
#29 t=2.000 s op 2 completes
#30 t=2.000 s loop resumes gather
#31 t=2.000 s gather completes
#32 t=2.000 s concurrent: 2 operations took 2.000 s
#33 t=2.000 s concurrent completes
#34 t=2.000 s loop waits on I/O and timers for 2.000 s
#35 t=4.000 s I/O #4 complete done -> sequential
#36 t=4.000 s loop resumes sequential
#37 t=4.000 s sequential: 2 operations took 4.000 s
#38 t=4.000 s sequential completes
#39 t=4.000 s loop stopped (idle))"},
        {"producer-consumer", {"quotes=3", "capacity=1"}, R"(
#0 t=0 s producer created
#1 t=0 s consumer created
#2 t=0 s loop started
#3 t=0 s loop starts producer
#4 t=0 s producer submits I/O #1 read quote 1
#5 t=0 s producer awaits read quote 1
#6 t=0 s loop starts consumer
#7 t=0 s consumer awaits quotes empty (get)
#8 t=0 s loop waits on I/O and timers for 10 ms
#9 t=10 ms I/O #1 complete done -> producer
#10 t=10 ms loop resumes producer
#11 t=10 ms producer submits I/O #2 read quote 2
#12 t=10 ms producer awaits read quote 2
#13 t=10 ms loop resumes consumer
#14 t=10 ms consumer: 2024-01-02 LSCP 101.25  SMA(1) 101.25
#15 t=10 ms consumer arms timer #1 for 50 ms
#16 t=10 ms consumer awaits sleep
#17 t=10 ms loop waits on I/O and timers for 10 ms
#18 t=20 ms I/O #2 complete done -> producer
#19 t=20 ms loop resumes producer
#20 t=20 ms producer submits I/O #3 read quote 3
#21 t=20 ms producer awaits read quote 3
#22 t=20 ms loop waits on I/O and timers for 10 ms
#23 t=30 ms I/O #3 complete done -> producer
#24 t=30 ms loop resumes producer
#25 t=30 ms producer awaits quotes full (put)
#26 t=30 ms loop waits on I/O and timers for 30 ms
#27 t=60 ms timer #1 fires -> consumer
#28 t=60 ms loop resumes consumer
#29 t=60 ms consumer: 2024-01-03 LSCP 99.61  SMA(2) 100.43
#30 t=60 ms consumer arms timer #2 for 50 ms
#31 t=60 ms consumer awaits sleep
#32 t=60 ms loop resumes producer
#33 t=60 ms producer: no more quotes: queue closed
#34 t=60 ms producer completes
#35 t=60 ms loop waits on I/O and timers for 50 ms
#36 t=110 ms timer #2 fires -> consumer
#37 t=110 ms loop resumes consumer
#38 t=110 ms consumer: 2024-01-04 LSCP 99.93  SMA(3) 100.26
#39 t=110 ms consumer arms timer #3 for 50 ms
#40 t=110 ms consumer awaits sleep
#41 t=110 ms loop waits on I/O and timers for 50 ms
#42 t=160 ms timer #3 fires -> consumer
#43 t=160 ms loop resumes consumer
#44 t=160 ms consumer: queue closed and empty after 3 quotes: done
#45 t=160 ms consumer completes
#46 t=160 ms loop stopped (idle))"},
        {"nested-loop", {}, R"(
#0 t=0 s impatient created
#1 t=0 s bystander created
#2 t=0 s loop started
#3 t=0 s loop starts impatient
#4 t=0 s impatient submits I/O #1 fetch settings
#5 t=0 s impatient awaits fetch settings
#6 t=0 s loop starts bystander
#7 t=0 s bystander submits I/O #2 fetch news
#8 t=0 s bystander awaits fetch news
#9 t=0 s loop waits on I/O and timers for 1.000 s
#10 t=1.000 s I/O #1 complete done -> impatient
#11 t=1.000 s loop resumes impatient
#12 t=1.000 s impatient: error: the event loop is already running; carrying on
#13 t=1.000 s impatient submits I/O #3 fetch data
#14 t=1.000 s impatient awaits fetch data
#15 t=1.000 s loop waits on I/O and timers for 1.000 s
#16 t=2.000 s I/O #3 complete done -> impatient
#17 t=2.000 s loop resumes impatient
#18 t=2.000 s impatient completes
#19 t=2.000 s loop waits on I/O and timers for 1.000 s
#20 t=3.000 s I/O #2 complete done -> bystander
#21 t=3.000 s loop resumes bystander
#22 t=3.000 s bystander: news arrived
#23 t=3.000 s bystander completes
#24 t=3.000 s loop stopped (idle))"},
        {"threads", {"loops=2"}, R"(
#0 t=0 s L0 crunch created
#1 t=0 s L0 fetch a created
#2 t=0 s L0 fetch b created
#3 t=0 s loop started
#4 t=0 s loop starts L0 crunch
#5 t=0 s L1 fetch a created
#6 t=0 s L1 fetch b created
#7 t=0 s loop started
#8 t=0 s loop starts L1 fetch a
#9 t=0 s L1 fetch a submits I/O #3 fetch a
#10 t=0 s L1 fetch a awaits fetch a
#11 t=0 s loop starts L1 fetch b
#12 t=0 s L1 fetch b submits I/O #4 fetch b
#13 t=0 s L1 fetch b awaits fetch b
#14 t=0 s loop waits on I/O and timers for 2.000 s
#15 t=1.500 s L0 crunch: numbers crunched
#16 t=1.500 s L0 crunch completes
#17 t=1.500 s SLOW STEP: L0 crunch ran 1.500 s without yielding
#18 t=1.500 s loop starts L0 fetch a
#19 t=1.500 s L0 fetch a submits I/O #1 fetch a
#20 t=1.500 s L0 fetch a awaits fetch a
#21 t=1.500 s loop starts L0 fetch b
#22 t=1.500 s L0 fetch b submits I/O #2 fetch b
#23 t=1.500 s L0 fetch b awaits fetch b
#24 t=1.500 s loop waits on I/O and timers for 2.000 s
#25 t=2.000 s I/O #3 complete done -> L1 fetch a
#26 t=2.000 s I/O #4 complete done -> L1 fetch b
#27 t=2.000 s loop resumes L1 fetch a
#28 t=2.000 s L1 fetch a completes
#29 t=2.000 s loop resumes L1 fetch b
#30 t=2.000 s L1 fetch b completes
#31 t=2.000 s loop stopped (idle)
#32 t=3.500 s I/O #1 complete done -> L0 fetch a
#33 t=3.500 s I/O #2 complete done -> L0 fetch b
#34 t=3.500 s loop resumes L0 fetch a
#35 t=3.500 s L0 fetch a completes
#36 t=3.500 s loop resumes L0 fetch b
#37 t=3.500 s L0 fetch b completes
#38 t=3.500 s loop stopped (idle))"},
        {"paginated", {"pages=2", "concurrency=1"}, R"(
#0 t=0 s sequential created
#1 t=0 s unbounded created
#2 t=0 s bounded created
#3 t=0 s loop started
#4 t=0 s loop starts sequential
#5 t=0 s sequential submits I/O #1 GET /items?from=0
#6 t=0 s sequential awaits GET /items?from=0
#7 t=0 s loop starts unbounded
#8 t=0 s unbounded p1 created by unbounded
#9 t=0 s unbounded p2 created by unbounded
#10 t=0 s unbounded gather created by unbounded
#11 t=0 s unbounded delegates to unbounded gather
#12 t=0 s loop starts unbounded gather
#13 t=0 s unbounded gather awaits task unbounded p1
#14 t=0 s loop starts bounded
#15 t=0 s bounded p1 created by bounded
#16 t=0 s bounded p2 created by bounded
#17 t=0 s bounded gather created by bounded
#18 t=0 s bounded delegates to bounded gather
#19 t=0 s loop starts bounded gather
#20 t=0 s bounded gather awaits task bounded p1
#21 t=0 s loop starts unbounded p1
#22 t=0 s unbounded p1 submits I/O #2 GET /items?from=0
#23 t=0 s unbounded p1 awaits GET /items?from=0
#24 t=0 s loop starts unbounded p2
#25 t=0 s unbounded p2 submits I/O #3 GET /items?from=50
#26 t=0 s unbounded p2 awaits GET /items?from=50
#27 t=0 s loop starts bounded p1
#28 t=0 s bounded p1 submits I/O #4 GET /items?from=0
#29 t=0 s bounded p1 awaits GET /items?from=0
#30 t=0 s loop starts bounded p2
#31 t=0 s bounded p2 awaits semaphore limit
#32 t=0 s loop waits on I/O and timers for 500 ms
#33 t=500 ms I/O #1 complete 50 items -> sequential
#34 t=500 ms I/O #2 complete 50 items -> unbounded p1
#35 t=500 ms I/O #3 complete 50 items -> unbounded p2
#36 t=500 ms I/O #4 complete 50 items -> bounded p1
#37 t=500 ms loop resumes sequential
#38 t=500 ms sequential submits I/O #5 GET /items?from=50
#39 t=500 ms sequential awaits GET /items?from=50
#40 t=500 ms loop resumes unbounded p1
#41 t=500 ms unbounded p1 completes, returning 50
#42 t=500 ms loop resumes unbounded p2
#43 t=500 ms unbounded p2 completes, returning 50
#44 t=500 ms loop resumes bounded p1
#45 t=500 ms bounded p1 completes, returning 50
#46 t=500 ms loop resumes unbounded gather
#47 t=500 ms unbounded gather completes, returning std::vector(50, 50)
#48 t=500 ms unbounded: 2 pages, 100 items in 500 ms
#49 t=500 ms unbounded completes
#50 t=500 ms loop resumes bounded p2
#51 t=500 ms bounded p2 submits I/O #6 GET /items?from=50
#52 t=500 ms bounded p2 awaits GET /items?from=50
#53 t=500 ms loop resumes bounded gather
#54 t=500 ms bounded gather awaits task bounded p2
#55 t=500 ms loop waits on I/O and timers for 500 ms
#56 t=1.000 s I/O #5 complete 50 items -> sequential
#57 t=1.000 s I/O #6 complete 50 items -> bounded p2
#58 t=1.000 s loop resumes sequential
#59 t=1.000 s sequential: 2 pages, 100 items in 1.000 s
#60 t=1.000 s sequential completes
#61 t=1.000 s loop resumes bounded p2
#62 t=1.000 s bounded p2 completes, returning 50
#63 t=1.000 s loop resumes bounded gather
#64 t=1.000 s bounded gather completes, returning std::vector(50, 50)
#65 t=1.000 s bounded: 2 pages, 100 items in 1.000 s, at most 1 in flight
#66 t=1.000 s bounded completes
#67 t=1.000 s loop stopped (idle))"},
    };
    return all;
}
// clang-format on

} // namespace

class TestScenarioGoldens : public QObject
{
    Q_OBJECT
private slots:
    void everyScenarioHasAGoldenTrace()
    {
        QStringList covered;
        for (const Golden &golden : goldens())
            covered << QString::fromUtf8(golden.id);
        QStringList deterministic;
        for (const ScenarioInfo &info : ScenarioRegistry().list()) {
            if (info.clock == ClockMode::Virtual)
                deterministic << info.id;
        }
        QCOMPARE(covered, deterministic); // real-clock scenarios cannot have one
    }

    void goldenTrace_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("params");
        QTest::addColumn<QString>("expected");
        for (const Golden &golden : goldens())
            QTest::newRow(golden.id) << QString::fromUtf8(golden.id) << golden.params
                                     << QString::fromUtf8(golden.text).trimmed();
    }
    void goldenTrace()
    {
        QFETCH(QString, id);
        QFETCH(QStringList, params);
        QFETCH(QString, expected);
        const ScenarioRegistry registry;
        const auto run = registry.get(id).start(registry.parseParams(id, params));
        run->runToEnd();
        QVERIFY(run->isFinished());
        const QStringList actual = fullText(run->trace()).split(u'\n');
        const QStringList golden = expected.split(u'\n');
        for (qsizetype i = 0; i < std::min(actual.size(), golden.size()); ++i)
            QCOMPARE(actual[i], golden[i]); // reports the first line that differs
        QCOMPARE(actual.size(), golden.size());
    }
};

QTEST_GUILESS_MAIN(TestScenarioGoldens)
#include "tst_scenariogoldens.moc"
