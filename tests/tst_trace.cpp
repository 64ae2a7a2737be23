#include "trace/trace.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Loopscope;

class TestTrace : public QObject
{
    Q_OBJECT
private slots:
    void eventsAreCompact() { QCOMPARE(sizeof(StoredEvent), std::size_t(24)); }

    void appendsAcrossChunks()
    {
        Trace trace;
        const qsizetype n = Trace::ChunkSize * 3 + 17;
        for (qsizetype i = 0; i < n; ++i)
            trace.append(EventKind::TaskResumed, i * 10, static_cast<TaskId>(i % 7 + 1), 0, 0, 0);
        QCOMPARE(trace.size(), n);
        for (qsizetype i : { qsizetype(0), Trace::ChunkSize - 1, Trace::ChunkSize, n - 1 }) {
            QCOMPARE(trace.at(i).seq, SeqNo(i));
            QCOMPARE(trace.at(i).timeNs, i * 10);
        }
        QCOMPARE(trace.storageBytes(), std::size_t(4) * Trace::ChunkSize * sizeof(StoredEvent));
    }

    void capacityKeepsTheNewestAndCountsDrops()
    {
        Trace trace;
        trace.setCapacity(Trace::ChunkSize * 2);
        const qsizetype n = Trace::ChunkSize * 10 + 5;
        for (qsizetype i = 0; i < n; ++i)
            trace.append(EventKind::Poll, i, 1);
        QVERIFY(trace.size() >= Trace::ChunkSize * 2);
        QVERIFY(trace.size() <= Trace::ChunkSize * 3 + 5);
        QCOMPARE(trace.droppedCount() + std::uint64_t(trace.size()), std::uint64_t(n));
        QCOMPARE(trace.last().seq, SeqNo(n - 1));
        QCOMPARE(trace.at(0).seq, trace.firstSeq());
        QCOMPARE(trace.indexOfSeq(0), -1);
        QCOMPARE(trace.indexOfSeq(n - 1), trace.size() - 1);
        // Recycled chunks: storage stays bounded however long the run.
        QVERIFY(trace.storageBytes() <= std::size_t(4) * Trace::ChunkSize * sizeof(StoredEvent));
    }

    void publishBatchesNotifications()
    {
        Trace trace;
        QSignalSpy spy(&trace, &Trace::eventsAppended);
        trace.publish();
        QCOMPARE(spy.count(), 0);
        for (int i = 0; i < 1000; ++i)
            trace.append(EventKind::Poll, i, 1);
        trace.publish();
        trace.publish();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<SeqNo>(), SeqNo(0));
        QCOMPARE(spy.at(0).at(1).value<SeqNo>(), SeqNo(999));
        trace.append(EventKind::Poll, 1000, 1);
        trace.publish();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).value<SeqNo>(), SeqNo(1000));
    }

    void labelsAreInternedOnce()
    {
        Trace trace;
        const LabelId a = trace.intern(QStringLiteral("GET /a"));
        QCOMPARE(trace.intern(QStringLiteral("GET /a")), a);
        QVERIFY(trace.intern(QStringLiteral("GET /b")) != a);
        QCOMPARE(trace.intern(QString()), NoLabel);
        QCOMPARE(trace.labels().text(a), QStringLiteral("GET /a"));
        QCOMPARE(trace.labels().text(9999), QString());
    }

    void labelIdsStayStableWhileTheRecentCacheCycles()
    {
        LabelTable labels;
        QList<LabelId> ids;
        for (int i = 0; i < 9; ++i)
            ids.append(labels.intern(QStringLiteral("label %1").arg(i)));
        for (int round = 0; round < 3; ++round) {
            for (int i = 8; i >= 0; --i)
                QCOMPARE(labels.intern(QStringLiteral("label %1").arg(i)), ids[i]);
        }
        QCOMPARE(labels.size(), 10);
        labels.clear();
        QCOMPARE(labels.intern(QStringLiteral("label 5")), LabelId(1)); // the cache was cleared too
    }

    void describesEventsForPeople()
    {
        Trace trace;
        trace.registerTask(1, trace.intern(QStringLiteral("C1")), NoTask);
        trace.append(EventKind::TaskSuspended, 1'500'000'000, 1, 3, trace.intern(QStringLiteral("GET /a")));
        trace.append(EventKind::SlowStep, 2'000'000'000, 1, 0, 250'000);
        QCOMPARE(trace.describe(trace.at(0)), QStringLiteral("#0 t=1.500 s C1 awaits GET /a"));
        QCOMPARE(trace.describe(trace.at(1)),
            QStringLiteral("#1 t=2.000 s SLOW STEP: C1 ran 250 ms without yielding"));
        QCOMPARE(trace.taskName(42), QStringLiteral("task 42"));
        QCOMPARE(trace.taskName(NoTask), QStringLiteral("loop"));
    }

    void kindNamesRoundTrip()
    {
        for (int i = 0; i < EventKindCount; ++i) {
            const auto kind = static_cast<EventKind>(i);
            EventKind parsed {};
            QVERIFY(eventKindFromName(eventKindName(kind), parsed));
            QCOMPARE(parsed, kind);
        }
        EventKind parsed {};
        QVERIFY(!eventKindFromName(QLatin1StringView("no_such_kind"), parsed));
    }

    void clearEmptiesEverything()
    {
        Trace trace;
        QSignalSpy cleared(&trace, &Trace::cleared);
        trace.append(EventKind::Poll, 0, 1);
        trace.intern(QStringLiteral("x"));
        trace.clear();
        QCOMPARE(trace.size(), 0);
        QCOMPARE(trace.nextSeq(), SeqNo(0));
        QCOMPARE(trace.labels().size(), 1);
        QCOMPARE(cleared.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
