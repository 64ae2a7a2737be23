#include "scheduler/errors.h"
#include "window/launchoptions.h"

#include <QtTest>

using namespace Loopscope;

class TestLaunchOptions : public QObject
{
    Q_OBJECT
private slots:
    void parsesWhatPeopleType_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("parameters");
        QTest::addColumn<qint64>("steps");
        QTest::addColumn<QString>("screenshot");
        QTest::addColumn<QString>("traceFile");
        QTest::newRow("nothing") << QStringList {} << "" << QStringList {} << qint64(0) << ""
                                 << "";
        QTest::newRow("scenario and steps")
            << QStringList { "--scenario", "two-coroutines", "--steps", "12", "--screenshot", "out.png" }
            << "two-coroutines" << QStringList {} << qint64(12) << "out.png"
            << "";
        QTest::newRow("with equals signs")
            << QStringList { "--scenario=delegation", "--param=n=4", "--steps=3" } << "delegation"
            << QStringList { "n=4" } << qint64(3) << ""
            << "";
        QTest::newRow("several parameters") << QStringList { "--param", "n=10", "--param", "latency_ms=5" }
                                            << "" << QStringList { "n=10", "latency_ms=5" } << qint64(0) << ""
                                            << "";
        QTest::newRow("a trace file")
            << QStringList { "run.loopscope" } << "" << QStringList {} << qint64(0) << ""
            << "run.loopscope";
    }
    void parsesWhatPeopleType()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, scenario);
        QFETCH(QStringList, parameters);
        QFETCH(qint64, steps);
        QFETCH(QString, screenshot);
        QFETCH(QString, traceFile);
        const LaunchOptions options = LaunchOptions::parse(arguments);
        QCOMPARE(options.scenarioId, scenario);
        QCOMPARE(options.parameters, parameters);
        QCOMPARE(options.steps, steps);
        QCOMPARE(options.screenshot, screenshot);
        QCOMPARE(options.traceFile, traceFile);
        QVERIFY(!options.help);
    }

    void rejectsWhatItCannotUse_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown option") << QStringList { "--frobnicate" } << "unknown option '--frobnicate'";
        QTest::newRow("missing value") << QStringList { "--scenario" } << "--scenario needs a value";
        QTest::newRow("negative steps")
            << QStringList { "--steps", "-3" } << "--steps expects a whole number";
        QTest::newRow("steps not a number") << QStringList { "--steps", "many" } << "got 'many'";
        QTest::newRow("parameter without value")
            << QStringList { "--param", "n" } << "--param expects KEY=VALUE";
        QTest::newRow("two files") << QStringList { "a.loopscope", "b.loopscope" }
                                   << "one trace file at a time";
        QTest::newRow("file and scenario") << QStringList { "a.loopscope", "--scenario", "x" } << "not both";
    }
    void rejectsWhatItCannotUse()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        try {
            LaunchOptions::parse(arguments);
            QFAIL("parse() accepted bad arguments");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
    }

    void qtsOwnOptionsAreLeftToTheApplication()
    {
        const LaunchOptions options
            = LaunchOptions::parse({ QStringLiteral("-platform"), QStringLiteral("offscreen"),
                QStringLiteral("--scenario"), QStringLiteral("delegation"), QStringLiteral("--style=fusion"),
                QStringLiteral("-reverse"), QStringLiteral("--steps"), QStringLiteral("3") });
        QCOMPARE(options.scenarioId, QStringLiteral("delegation"));
        QCOMPARE(options.steps, 3);
        QVERIFY(options.traceFile.isEmpty()); // "offscreen" went to Qt, not taken for a trace file
        QVERIFY_THROWS_EXCEPTION(Error, LaunchOptions::parse({ QStringLiteral("-platformz") }));
    }

    void helpIsRecognised()
    {
        QVERIFY(LaunchOptions::parse({ QStringLiteral("--help") }).help);
        QVERIFY(LaunchOptions::parse({ QStringLiteral("-h") }).help);
        QVERIFY(LaunchOptions::usage().contains(QStringLiteral("--screenshot")));
        QVERIFY(!LaunchOptions::parse({}).version);
    }

    void versionIsRecognised()
    {
        const LaunchOptions options = LaunchOptions::parse({ QStringLiteral("--version") });
        QVERIFY(options.version);
        QVERIFY(!options.help);
        QVERIFY(LaunchOptions::usage().contains(QStringLiteral("--version")));
    }
};

QTEST_GUILESS_MAIN(TestLaunchOptions)
#include "tst_launchoptions.moc"
