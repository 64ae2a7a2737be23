// The scenario registry and parameter validation: what the CLI and the UI rely on to turn text
// typed by people into a complete, in-range set of parameters, or into a message they understand.
#include "scenarios/scenarioparams.h"
#include "scenarios/scenarioregistry.h"
#include "scheduler/errors.h"

#include <QtTest>

using namespace Loopscope;

namespace {

//! The message of the Error `fn` throws, or "" if it throws none.
template<typename Fn>
QString errorOf(Fn fn)
{
    try {
        fn();
    } catch (const Error &error) {
        return error.message();
    }
    return {};
}

} // namespace

class TestScenarioRegistry : public QObject
{
    Q_OBJECT
private slots:
    void listsTheBuiltInScenariosInOrder()
    {
        const ScenarioRegistry registry;
        const QStringList expected {
            "two-coroutines",
            "generators",
            "send",
            "delegation",
            "polling-loop",
            "callback-queue",
            "callback-blocking",
            "callback-timer",
            "sequential-vs-concurrent",
            "producer-consumer",
            "nested-loop",
            "threads",
            "paginated",
            "paginated-http",
        };
        QCOMPARE(registry.ids(), expected);
        QCOMPARE(registry.ids().first(), ScenarioRegistry::defaultScenarioId());
        const QList<ScenarioInfo> infos = registry.list();
        QCOMPARE(infos.size(), expected.size());
        for (const ScenarioInfo &info : infos) {
            QCOMPARE(registry.find(info.id)->info().id, info.id);
            QVERIFY(info.sourcePath.startsWith(QStringLiteral(":/scenarios/")));
        }
        QCOMPARE(registry.find(QStringLiteral("nope")), nullptr);
    }

    void parseParamsFillsDefaults_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("assignments");
        QTest::addColumn<ScenarioParams>("expected");
        QTest::newRow("all defaults")
            << "paginated" << QStringList {}
            << ScenarioParams { { "pages", 6 }, { "latency_ms", 500 }, { "concurrency", 2 }, { "mode", 0 } };
        QTest::newRow("one given") << "paginated" << QStringList { "pages=10" }
                                   << ScenarioParams { { "pages", 10 }, { "latency_ms", 500 },
                                          { "concurrency", 2 }, { "mode", 0 } };
        QTest::newRow("spaces and bounds")
            << "sequential-vs-concurrent"
            << QStringList { " n = 1000000 ", "seed=2147483647", "latency_ms=2" }
            << ScenarioParams { { "n", 1e6 }, { "latency_ms", 2 }, { "seed", 2147483647 }, { "mode", 0 } };
        QTest::newRow("negative") << "send" << QStringList { "first=-1000" }
                                  << ScenarioParams { { "first", -1000 }, { "count", 2 },
                                         { "pause_ms", 500 } };
        QTest::newRow("zero allowed") << "generators" << QStringList { "n=0", "pause_ms=0" }
                                      << ScenarioParams { { "n", 0 }, { "pause_ms", 0 } };
        QTest::newRow("whole number as decimal") << "delegation" << QStringList { "n=3.0" }
                                                 << ScenarioParams { { "n", 3 }, { "latency_ms", 500 } };
        QTest::newRow("a choice by its name")
            << "sequential-vs-concurrent" << QStringList { "mode=concurrent" }
            << ScenarioParams { { "n", 3 }, { "latency_ms", 2000 }, { "seed", 0 }, { "mode", 2 } };
        QTest::newRow("a choice by its number")
            << "polling-loop" << QStringList { "readiness=1" }
            << ScenarioParams { { "coroutines", 2 }, { "latency_ms", 3000 }, { "interval_ms", 100 },
                   { "readiness", 1 } };
    }
    void parseParamsFillsDefaults()
    {
        QFETCH(QString, id);
        QFETCH(QStringList, assignments);
        QFETCH(ScenarioParams, expected);
        QCOMPARE(ScenarioRegistry().parseParams(id, assignments), expected);
    }

    void parseParamsRejectsBadInput_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("assignments");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown scenario")
            << "nope" << QStringList {} << "no scenario named 'nope'; try 'loopscope list'";
        QTest::newRow("below range") << "sequential-vs-concurrent" << QStringList { "n=0" }
                                     << "n must be between 1 and 1000000, got 0";
        QTest::newRow("above range") << "sequential-vs-concurrent" << QStringList { "n=1000001" }
                                     << "n must be between 1 and 1000000, got 1000001";
        QTest::newRow("not a number")
            << "sequential-vs-concurrent" << QStringList { "n=abc" } << "n must be a number, got 'abc'";
        QTest::newRow("empty value") << "sequential-vs-concurrent" << QStringList { "n=" }
                                     << "n must be a number, got ''";
        QTest::newRow("infinite") << "sequential-vs-concurrent" << QStringList { "n=inf" }
                                  << "n must be a number, got 'inf'";
        QTest::newRow("fraction") << "delegation" << QStringList { "n=2.5" }
                                  << "n must be a whole number, got 2.5";
        QTest::newRow("unknown key") << "callback-queue" << QStringList { "pause_ms=5" }
                                     << "callback-queue has no parameter 'pause_ms'; it takes: turns";
        QTest::newRow("no equals sign")
            << "delegation" << QStringList { "n" } << "expected key=value, got 'n'";
        QTest::newRow("no key") << "delegation" << QStringList { "=3" } << "expected key=value, got '=3'";
        QTest::newRow("given twice") << "delegation" << QStringList { "n=2", "n=3" } << "n is given twice";
        QTest::newRow("zero latency") << "nested-loop" << QStringList { "latency_ms=0" }
                                      << "latency_ms must be between 1 and 600000, got 0";
        QTest::newRow("too many loops")
            << "threads" << QStringList { "loops=9" } << "loops must be between 1 and 8, got 9";
        QTest::newRow("bad mode") << "paginated" << QStringList { "mode=4" }
                                  << "mode must be between 0 and 3, got 4";
        QTest::newRow("unknown choice")
            << "paginated" << QStringList { "mode=fastest" }
            << "mode is one of all, sequential, unbounded, bounded, got 'fastest'";
    }
    void parseParamsRejectsBadInput()
    {
        QFETCH(QString, id);
        QFETCH(QStringList, assignments);
        QFETCH(QString, message);
        const ScenarioRegistry registry;
        QCOMPARE(errorOf([&] { registry.parseParams(id, assignments); }), message);
    }

    void startValidatesParametersItself()
    {
        // The UI passes numbers straight to start(): it gets the same checks as typed text.
        const ScenarioRegistry registry;
        const Scenario &delegation = registry.get(QStringLiteral("delegation"));
        QCOMPARE(errorOf([&] {
            delegation.start({ { QStringLiteral("n"), 51 } });
        }),
            QStringLiteral("n must be between 1 and 50, got 51"));
        QCOMPARE(errorOf([&] {
            delegation.start({ { QStringLiteral("depth"), 2 } });
        }),
            QStringLiteral("delegation has no parameter 'depth'; it takes: n, latency_ms"));
        QCOMPARE(errorOf([&] { registry.get(QStringLiteral("x")); }),
            QStringLiteral("no scenario named 'x'; try 'loopscope list'"));
        const auto run = delegation.start({ { QStringLiteral("n"), 2 } });
        QCOMPARE(run->runToEnd() > 0, true);
        QVERIFY(run->isFinished());
    }

    void resolveParametersHelpers()
    {
        ScenarioInfo info;
        info.id = QStringLiteral("probe");
        QCOMPARE(resolveParameters(info, {}), ScenarioParams {});
        QCOMPARE(errorOf([&] {
            resolveParameters(info, { { QStringLiteral("k"), 1 } });
        }),
            QStringLiteral("probe has no parameter 'k'; it takes no parameters"));
        info.parameters = { { QStringLiteral("ratio"), QStringLiteral("a fraction"), 0.5, 0, 1, false } };
        QCOMPARE(
            resolveParameters(info, { { QStringLiteral("ratio"), 0.25 } }).value(QStringLiteral("ratio")),
            0.25);
        QCOMPARE(formatParameterValue(1e6), QStringLiteral("1000000"));
        QCOMPARE(formatParameterValue(-2.5), QStringLiteral("-2.5"));
        QCOMPARE(integerParameter({ { QStringLiteral("n"), 7 } }, QStringLiteral("n")), 7);
        QCOMPARE(errorOf([] { integerParameter({}, QStringLiteral("n")); }),
            QStringLiteral("the parameter 'n' is missing"));
    }
};

QTEST_GUILESS_MAIN(TestScenarioRegistry)
#include "tst_scenarioregistry.moc"
