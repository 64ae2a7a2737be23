#include "analysis/idindex.h"
#include "analysis/intervalindex.h"

#include <QRandomGenerator>
#include <QtTest>

using namespace Loopscope;

namespace {

//! What between() must return, by looking at every interval.
std::vector<qsizetype> bruteForce(const IntervalIndex &index, SeqNo first, SeqNo last)
{
    std::vector<qsizetype> out;
    for (qsizetype i = 0; i < index.size(); ++i) {
        if (index.start(i) <= last && index.end(i) >= first)
            out.push_back(i);
    }
    return out;
}

} // namespace

class TestIntervalIndex : public QObject
{
    Q_OBJECT
private slots:
    void findsOverlapsOfClosedIntervals()
    {
        IntervalIndex index;
        index.close(index.open(3), 5);
        index.close(index.open(6), 8);
        index.close(index.open(12), 13);
        QCOMPARE(index.between(0, 2), std::vector<qsizetype> {});
        QCOMPARE(index.between(5, 6), (std::vector<qsizetype> { 0, 1 }));
        QCOMPARE(index.between(9, 11), std::vector<qsizetype> {});
        QCOMPARE(index.between(13, 100), std::vector<qsizetype> { 2 });
    }

    void openIntervalsReachToTheEnd()
    {
        IntervalIndex index;
        const qsizetype longRunning = index.open(1);
        index.close(index.open(2), 3);
        QCOMPARE(index.between(1000, 2000), std::vector<qsizetype> { longRunning });
        index.close(longRunning, 10);
        QCOMPARE(index.between(1000, 2000), std::vector<qsizetype> {});
        QCOMPARE(index.between(9, 9), std::vector<qsizetype> { longRunning });
    }

    void agreesWithBruteForce_data()
    {
        QTest::addColumn<int>("intervals");
        QTest::addColumn<int>("maxLength");
        QTest::addColumn<int>("openFraction"); // percent left open until the end
        QTest::newRow("short, sequential") << 500 << 3 << 0;
        QTest::newRow("long, overlapping") << 500 << 200 << 0;
        QTest::newRow("some never closed") << 500 << 50 << 10;
        QTest::newRow("many concurrent") << 2000 << 5000 << 30;
    }
    void agreesWithBruteForce()
    {
        QFETCH(int, intervals);
        QFETCH(int, maxLength);
        QFETCH(int, openFraction);
        QRandomGenerator random(42);
        IntervalIndex index;
        std::vector<std::pair<qsizetype, SeqNo>> pending; // closed in a shuffled order later
        SeqNo seq = 0;
        for (int i = 0; i < intervals; ++i) {
            seq += random.bounded(3);
            const qsizetype id = index.open(seq);
            if (int(random.bounded(100)) >= openFraction)
                pending.emplace_back(id, seq + SeqNo(random.bounded(maxLength)));
        }
        std::shuffle(pending.begin(), pending.end(), std::mt19937(7));
        for (const auto &[id, end] : pending)
            index.close(id, end);
        for (int probe = 0; probe < 400; ++probe) {
            const SeqNo first = random.bounded(quint32(seq + 50));
            const SeqNo last = first + random.bounded(60);
            QCOMPARE(index.between(first, last), bruteForce(index, first, last));
        }
    }

    void idIndexFindsIdsHandedOutInOrderAndScatteredOnes()
    {
        IdIndex index;
        index.insert(50'000, 0); // far ahead of the count at first: kept aside
        for (std::uint32_t id = 1; id <= 30'000; ++id)
            index.insert(id, qsizetype(id) * 2); // in order: the array grows past 50,000
        index.insert(4'000'000'000u, 7);
        index.insert(123'456'789u, 8);
        index.insert(30'001, 9);
        QCOMPARE(index.find(50'000), qsizetype(0));
        QCOMPARE(index.find(1), qsizetype(2));
        QCOMPARE(index.find(30'000), qsizetype(60'000));
        QCOMPARE(index.find(30'001), qsizetype(9));
        QCOMPARE(index.find(4'000'000'000u), qsizetype(7));
        QCOMPARE(index.find(123'456'789u), qsizetype(8));
        for (const std::uint32_t unknown : { 0u, 30'002u, 49'999u, 3'999'999'999u, 0xffffffffu })
            QCOMPARE(index.find(unknown), qsizetype(-1));
        QVERIFY(index.contains(17));
        QVERIFY(!index.contains(40'000));
    }

    void reservingKeepsEveryInterval()
    {
        IntervalIndex index;
        index.close(index.open(1), 4);
        index.reserveMore(1000);
        const qsizetype open = index.open(2);
        index.reserveMore(10); // less than there is room for: nothing moves
        index.close(index.open(5), 6);
        QCOMPARE(index.size(), qsizetype(3));
        QCOMPARE(index.between(3, 5), (std::vector<qsizetype> { 0, 1, 2 }));
        QCOMPARE(index.end(open), IntervalIndex::OpenEnd);
    }
};

QTEST_GUILESS_MAIN(TestIntervalIndex)
#include "tst_intervalindex.moc"
