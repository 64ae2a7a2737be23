#include "timeline/timelinelayout.h"

#include <QtTest>

using namespace Loopscope;

class TestTimelineLayout : public QObject
{
    Q_OBJECT
private slots:
    void timeAndXAreInverses_data()
    {
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("end");
        QTest::addColumn<double>("width");
        QTest::newRow("two seconds") << qint64(0) << qint64(2'000'000'000) << 800.0;
        QTest::newRow("microseconds, offset") << qint64(5'000) << qint64(9'000) << 400.0;
        QTest::newRow("an hour") << qint64(0) << qint64(3'600'000'000'000) << 1600.0;
        QTest::newRow("one instant") << qint64(7) << qint64(7) << 300.0;
    }
    void timeAndXAreInverses()
    {
        QFETCH(qint64, start);
        QFETCH(qint64, end);
        QFETCH(double, width);
        TimelineLayout layout;
        layout.setWidth(width);
        layout.setTimeRange(start, end);
        QCOMPARE(layout.mapTimeToX(double(start)), TimelineLayout::LabelWidth);
        QVERIFY(layout.mapTimeToX(double(end)) <= width);
        for (const double x : { TimelineLayout::LabelWidth, 200.0, width - 1 }) {
            QCOMPARE(layout.mapTimeToX(layout.mapXToTime(x)), x);
        }
        const double t = start + (end - start) / 3.0;
        QVERIFY(
            qAbs(layout.mapXToTime(layout.mapTimeToX(t)) - t) < 1e-3 * std::max(1.0, layout.nsPerPixel()));
    }

    void zoomKeepsTheTimeUnderThePointer_data()
    {
        QTest::addColumn<double>("x");
        QTest::addColumn<double>("factor");
        QTest::newRow("in at the middle") << 500.0 << 4.0;
        QTest::newRow("in near the left") << 150.0 << 10.0;
        QTest::newRow("in, then out a bit") << 700.0 << 1.5;
    }
    void zoomKeepsTheTimeUnderThePointer()
    {
        QFETCH(double, x);
        QFETCH(double, factor);
        TimelineLayout layout;
        layout.setWidth(1000);
        layout.setTimeRange(0, 10'000'000'000);
        const double before = layout.mapXToTime(x);
        const double scale = layout.nsPerPixel();
        layout.zoomAround(x, factor);
        QVERIFY(!layout.isFitted());
        QCOMPARE(layout.nsPerPixel(), scale / factor);
        QVERIFY(qAbs(layout.mapXToTime(x) - before) < 1.0);
    }

    void zoomAndPanStayInsideTheRange()
    {
        TimelineLayout layout;
        layout.setWidth(1000);
        layout.setTimeRange(0, 1'000'000);
        layout.zoomAround(500, 1e-6); // far out: clamped to the whole range
        QVERIFY(layout.isFitted());
        QCOMPARE(layout.viewStart(), 0.0);
        layout.zoomAround(500, 1e12); // far in: clamped to the finest zoom
        QCOMPARE(layout.nsPerPixel(), TimelineLayout::MinNsPerPixel);
        layout.pan(-1e9);
        QCOMPARE(layout.viewStart(), 0.0);
        layout.pan(1e12);
        QVERIFY(layout.viewEnd() <= layout.rangeStart() + layout.scrollableSpan() + 1e-6);
        QVERIFY(layout.viewEnd() >= double(layout.rangeEnd()));
    }

    void fittedViewFollowsAGrowingRange()
    {
        TimelineLayout layout;
        layout.setWidth(600);
        layout.setTimeRange(0, 1000);
        layout.setTimeRange(0, 5'000'000);
        QVERIFY(layout.isFitted());
        QVERIFY(layout.mapTimeToX(5'000'000) <= 600);
        QVERIFY(layout.mapTimeToX(5'000'000) > 600 * 0.8);
        layout.zoomAround(300, 2);
        const double start = layout.viewStart();
        layout.setTimeRange(0, 6'000'000); // zoomed in: the window stays where the user put it
        QCOMPARE(layout.viewStart(), start);
    }

    void lanesStackBelowTheAxis()
    {
        TimelineLayout layout;
        layout.setLaneCount(100);
        QCOMPARE(layout.laneTop(0), TimelineLayout::AxisHeight + TimelineLayout::LaneGap);
        for (int lane : { 0, 1, 50, 99 }) {
            QCOMPARE(layout.laneAt(layout.laneTop(lane) + 1), lane);
            QCOMPARE(layout.laneAt(layout.laneTop(lane) + TimelineLayout::LaneHeight - 1), lane);
        }
        QCOMPARE(layout.laneAt(layout.laneTop(3) - 1), -1); // the gap between lanes
        QCOMPARE(layout.laneAt(layout.laneTop(100) + 1), -1);
        QCOMPARE(layout.laneAt(TimelineLayout::AxisHeight - 2), -1);
        const auto [first, last] = layout.lanesBetween(layout.laneTop(10), layout.laneTop(20));
        QCOMPARE(first, 10);
        QCOMPARE(last, 20);
        QCOMPARE(layout.contentHeight(),
            layout.laneTop(100) + TimelineLayout::LaneGap + TimelineLayout::LegendHeight);
        const QRectF bar = layout.spanRect(4, 0, 0, 3);
        QCOMPARE(bar.width(), 3.0);
        QCOMPARE(bar.top(), layout.laneTop(4));
    }

    void ticksAreRoundAndFarEnoughApart_data()
    {
        QTest::addColumn<qint64>("span");
        QTest::addColumn<double>("width");
        QTest::newRow("2 s in 800 px") << qint64(2'000'000'000) << 800.0;
        QTest::newRow("3 us in 500 px") << qint64(3'000) << 500.0;
        QTest::newRow("1 h in 1400 px") << qint64(3'600'000'000'000) << 1400.0;
    }
    void ticksAreRoundAndFarEnoughApart()
    {
        QFETCH(qint64, span);
        QFETCH(double, width);
        TimelineLayout layout;
        layout.setWidth(width);
        layout.setTimeRange(0, span);
        const double tick = layout.tickInterval(80);
        QVERIFY(tick / layout.nsPerPixel() >= 80);
        QVERIFY(tick / layout.nsPerPixel() < 80 * 5 + 1);
        const double mantissa = tick / std::pow(10.0, std::floor(std::log10(tick)));
        QVERIFY2(qFuzzyCompare(mantissa, 1.0) || qFuzzyCompare(mantissa, 2.0) || qFuzzyCompare(mantissa, 5.0),
            qPrintable(QString::number(tick)));
    }
};

QTEST_GUILESS_MAIN(TestTimelineLayout)
#include "tst_timelinelayout.moc"
