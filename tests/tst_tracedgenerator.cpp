// TracedGenerator: a lazy generator driven by a task, with its own lane in the trace.
#include "scenarios/tracedgenerator.h"

#include <QtTest>

using namespace Loopscope;

namespace {

QStringList events(const Trace &trace)
{
    QStringList out;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent &e = trace.at(i);
        if (e.kind != EventKind::LoopStarted && e.kind != EventKind::LoopStopped
            && e.kind != EventKind::TaskStarted)
            out << QStringLiteral("%1 %2 %3")
                       .arg(eventKindName(e.kind), trace.taskName(e.task),
                           e.kind == EventKind::TaskCreated ? QString() : trace.detailText(e))
                       .trimmed();
    }
    return out;
}

constexpr int YieldLine = __LINE__ + 6; // the co_yield below

TracedGenerator<int> counted(int n, int *made)
{
    for (int i = 0; i < n; ++i) {
        ++*made;
        co_yield i * 10;
    }
}

TracedGenerator<int> failing()
{
    co_yield 1;
    throw std::runtime_error("sensor unplugged");
}

TracedGenerator<int, int> echo()
{
    const auto cleanup = co_await onClose(QStringLiteral("echo cleaned up"));
    int value = co_yield received;
    for (;;)
        value = co_yield value;
}

} // namespace

class TestTracedGenerator : public QObject
{
    Q_OBJECT
private slots:
    void runsOnlyWhenAskedAndTracesEachValue()
    {
        Scheduler s;
        int made = 0;
        QList<int> got;
        QList<int> madeWhenGot;
        auto consumer = [](int *madeCount, QList<int> *values, QList<int> *progress) -> Task<bool> {
            auto gen = counted(3, madeCount).named(QStringLiteral("tens"));
            while (const auto value = co_await gen.next()) {
                *values << *value;
                *progress << *madeCount;
            }
            const bool again = (co_await gen.next()).has_value();
            co_return gen.isExhausted() && !again;
        };
        QVERIFY(s.runUntilComplete(consumer(&made, &got, &madeWhenGot), QStringLiteral("main")));
        QCOMPARE(got, (QList<int> { 0, 10, 20 }));
        QCOMPARE(madeWhenGot, (QList<int> { 1, 2, 3 })); // never one ahead of the consumer
        QCOMPARE(events(s.trace()),
            (QStringList {
                "task_created main",
                "task_created tens",
                "message main next(tens)",
                "value_yielded tens 0",
                "message main next(tens)",
                "value_yielded tens 10",
                "message main next(tens)",
                "value_yielded tens 20",
                "message main next(tens)",
                "task_returned tens",
                "message main next(tens): nothing left, tens is exhausted",
                "task_returned main true",
            }));
        for (qsizetype i = 0; i < s.trace().size(); ++i) {
            const TraceEvent &e = s.trace().at(i);
            if (e.kind == EventKind::ValueYielded) {
                QCOMPARE(int(e.line), YieldLine);
                QCOMPARE(s.trace().taskName(e.other), QStringLiteral("main")); // who received it
            }
        }
    }

    void errorsInTheBodyReachTheConsumer()
    {
        Scheduler s;
        auto consumer = []() -> Task<QString> {
            auto gen = failing().named(QStringLiteral("sensor"));
            co_await gen.next();
            try {
                co_await gen.next();
            } catch (const std::runtime_error &error) {
                co_return QString::fromUtf8(error.what())
                    + (gen.isExhausted() ? QStringLiteral(", exhausted") : QString());
            }
            co_return QStringLiteral("no error");
        };
        QCOMPARE(s.runUntilComplete(consumer()), QStringLiteral("sensor unplugged, exhausted"));
        QVERIFY(events(s.trace()).contains(QStringLiteral("task_failed sensor sensor unplugged")));
    }

    void sendingRequiresPrimingAndAValue()
    {
        Scheduler s;
        auto consumer = []() -> Task<QStringList> {
            QStringList seen;
            auto gen = echo().named(QStringLiteral("echo"));
            try {
                co_await gen.send(5);
            } catch (const InvalidStateError &error) {
                seen << error.message();
            }
            seen << (gen.isStarted() ? QStringLiteral("started") : QStringLiteral("not started"));
            co_await gen.next();
            seen << QString::number((co_await gen.send(7)).value_or(-1));
            try {
                co_await gen.next(); // the pending co_yield wants a value
            } catch (const InvalidStateError &error) {
                seen << error.message();
            }
            seen << (gen.isExhausted() ? QStringLiteral("exhausted") : QStringLiteral("alive"));
            co_return seen;
        };
        QCOMPARE(s.runUntilComplete(consumer()),
            (QStringList { "can't send a value to a just-started generator", "not started", "7",
                "echo expects a value: resume it with send(), not next()", "exhausted" }));
        QVERIFY(events(s.trace()).contains(QStringLiteral("task_suspended echo a sent value")));
    }

    void closingRunsCleanupOnlyForASuspendedBody()
    {
        Scheduler s;
        auto consumer = []() -> Task<void> {
            auto unstarted = echo().named(QStringLiteral("never run"));
            co_await unstarted.close();
            co_await unstarted.next();
            auto suspended = echo().named(QStringLiteral("echo"));
            co_await suspended.next();
            co_await suspended.close();
            co_await suspended.close(); // closing twice is harmless
            auto dropped = echo().named(QStringLiteral("dropped"));
            co_await dropped.next(); // destroyed without close(): nothing is traced
        };
        s.runUntilComplete(consumer(), QStringLiteral("main"));
        const QStringList seen = events(s.trace());
        QCOMPARE(seen.count(QStringLiteral("message echo echo cleaned up")), 1);
        QVERIFY(!seen.contains(QStringLiteral("message never run echo cleaned up")));
        QVERIFY(!seen.contains(QStringLiteral("message dropped echo cleaned up")));
        QVERIFY(seen.contains(QStringLiteral("task_cancelled never run closed")));
        QVERIFY(seen.contains(QStringLiteral("task_cancelled echo closed")));
        QVERIFY(seen.contains(QStringLiteral("message main next(never run): never run is closed")));
        QCOMPARE(seen.count(QStringLiteral("message main close(echo)")), 1);
    }

    void aGeneratorBelongsToOneLoop()
    {
        Scheduler first;
        Scheduler second;
        int made = 0;
        auto gen = std::make_shared<TracedGenerator<int>>(counted(2, &made));
        auto pull = [](std::shared_ptr<TracedGenerator<int>> g) -> Task<int> {
            co_return (co_await g->next()).value_or(-1);
        };
        QCOMPARE(first.runUntilComplete(pull(gen)), 0);
        QVERIFY_THROWS_EXCEPTION(InvalidStateError, second.runUntilComplete(pull(gen)));
    }
};

QTEST_GUILESS_MAIN(TestTracedGenerator)
#include "tst_tracedgenerator.moc"
