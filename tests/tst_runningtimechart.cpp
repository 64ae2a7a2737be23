#include "export/exportcommand.h"
#include "export/runningtimechart.h"

#include "scheduler/errors.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

class TestRunningTimeChart : public QObject
{
    Q_OBJECT
private slots:
    void bothAxesAreLogarithmic()
    {
        const RunningTimeChart chart(RunningTimeTable::build(2s, 1000));
        const QRectF plot(100, 50, 900, 500);
        const QPointF one = chart.pointFor(1, 2, plot);
        const QPointF billion = chart.pointFor(1e9, 2, plot);
        const QPointF thousand = chart.pointFor(1e3, 2, plot);
        QCOMPARE(one.x(), plot.left());
        QCOMPARE(billion.x(), plot.right());
        QVERIFY(qAbs(thousand.x() - (plot.left() + plot.width() / 3)) < 1e-6); // 3 of 9 decades
        // Equal ratios of time are equal distances: 2 s -> 20 s as far as 20 s -> 200 s.
        const double a = chart.pointFor(1, 2, plot).y() - chart.pointFor(1, 20, plot).y();
        const double b = chart.pointFor(1, 20, plot).y() - chart.pointFor(1, 200, plot).y();
        QVERIFY(qAbs(a - b) < 1e-6);
        QVERIFY(a > 0); // longer is higher
    }

    void writesPictures_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("png") << "chart.png";
        QTest::newRow("svg") << "chart.svg";
        QTest::newRow("pdf") << "chart.pdf";
    }
    void writesPictures()
    {
        QFETCH(QString, file);
        QTemporaryDir dir;
        const QString path = dir.filePath(file);
        RunningTimeChart(RunningTimeTable::build(2s, 1000)).write(path);
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray bytes = written.readAll();
        QVERIFY(bytes.size() > 1000);
        if (file.endsWith(QLatin1String(".svg"))) {
            // Text stays text: the labels people read are in the SVG.
            QVERIFY(bytes.contains("63 years"));
            QVERIFY(bytes.contains("33 min"));
            QVERIFY(bytes.contains("sequential: n"));
        }
    }

    void refusesOtherFormats()
    {
        QVERIFY_THROWS_EXCEPTION(
            Error, RunningTimeChart(RunningTimeTable::build(2s, 10)).write(QStringLiteral("chart.gif")));
    }

    void exportCommandDrawsTheChart()
    {
        QTemporaryDir dir;
        QString outText, errText;
        QTextStream out(&outText), err(&errText);
        const QString path = dir.filePath(QStringLiteral("chart.svg"));
        QCOMPARE(runExportCommand(
                     { QStringLiteral("--scenario"), QStringLiteral("sequential-vs-concurrent"),
                         QStringLiteral("--param"), QStringLiteral("n=1000"), QStringLiteral("--view"),
                         QStringLiteral("chart"), QStringLiteral("--format"), QStringLiteral("svg"),
                         QStringLiteral("--out"), path },
                     out, err),
            0);
        QVERIFY(QFile::exists(path));
        QCOMPARE(runExportCommand(
                     { QStringLiteral("--scenario"), QStringLiteral("two-coroutines"),
                         QStringLiteral("--view"), QStringLiteral("chart"), QStringLiteral("--format"),
                         QStringLiteral("svg"), QStringLiteral("--out"), path },
                     out, err),
            2);
        err.flush();
        QVERIFY(errText.contains(
            QStringLiteral("--view chart draws the running-time chart of sequential-vs-concurrent")));
    }
};

QTEST_MAIN(TestRunningTimeChart)
#include "tst_runningtimechart.moc"
