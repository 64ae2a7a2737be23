#include "net/adaptivelimiter.h"
#include "panes/codeview.h"
#include "panes/counterchart.h"
#include "window/mainwindow.h"
#include "window/retrievalpanel.h"

#include "trace/tracestats.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;

class TestRetrievalPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(
            true); // the panel remembers its fields: not in the user's settings
        QSettings().clear();
    }

    void fetchesTheDemoApiIntoTheViews()
    {
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        QTemporaryDir dir;
        panel->findChild<QSpinBox *>(QStringLiteral("demoItems"))->setValue(500);
        panel->findChild<QSpinBox *>(QStringLiteral("demoLatency"))->setValue(20);
        panel->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(3);
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        panel->findChild<QLineEdit *>(QStringLiteral("output"))->setText(out);
        QCOMPARE(panel->settings().fetch.concurrency, 3);
        QCOMPARE(panel->settings().demoItems, 500);

        panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click(); // the dock sits behind Details
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(panel->progressText().startsWith(QStringLiteral("pages 10/10 · items 500")));
        const Trace *trace = window.session().trace();
        QVERIFY(trace);
        QCOMPARE(trace->ioRecords().size(), std::size_t(10));
        QCOMPARE(peakIoInFlight(*trace), 3);
        QCOMPARE(window.session().title(), panel->title());
        QFile landed(out);
        QVERIFY(landed.open(QIODevice::ReadOnly));
        QCOMPARE(landed.readAll().count('\n'), 500);
    }

    void anAdaptiveFetchChartsItsLimit()
    {
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        QTemporaryDir dir;
        panel->findChild<QSpinBox *>(QStringLiteral("demoItems"))->setValue(3000);
        panel->findChild<QSpinBox *>(QStringLiteral("demoLatency"))->setValue(20);
        panel->findChild<QSpinBox *>(QStringLiteral("pageSize"))->setValue(10);
        panel->findChild<QSpinBox *>(QStringLiteral("concurrency"))->setValue(40);
        auto *strategy = panel->findChild<QComboBox *>(QStringLiteral("strategy"));
        strategy->setCurrentIndex(strategy->findText(QStringLiteral("adaptive")));
        panel->findChild<QLineEdit *>(QStringLiteral("output"))
            ->setText(dir.filePath(QStringLiteral("i.jsonl")));
        // The concurrency is adaptive's ceiling; it starts lower.
        QCOMPARE(panel->settings().fetch.maxConcurrency, 40);
        QCOMPARE(panel->settings().fetch.concurrency, FetchOptions::AdaptiveStart);

        panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        const CounterChart &chart = panel->limitChart();
        QVERIFY(chart.isVisibleTo(panel));
        // The chart holds what the trace says: every counter_set of the limit, in order.
        std::vector<std::uint32_t> traced;
        const Trace &trace = *window.session().trace();
        for (qsizetype i = 0; i < trace.size(); ++i) {
            const TraceEvent e = trace.at(i);
            if (e.kind == EventKind::CounterSet
                && trace.labels().text(e.detail) == AdaptiveLimiter::CounterName)
                traced.push_back(e.other);
        }
        QVERIFY(traced.size() > 2); // a source with no limit: it grows
        QCOMPARE(traced.front(), std::uint32_t(FetchOptions::AdaptiveStart));
        QCOMPARE(chart.points().size(), traced.size());
        QCOMPARE(chart.points().back().value, traced.back());
        QVERIFY2(chart.summary().startsWith(
                     QStringLiteral("adaptive limit %1 (from 16, peak ").arg(traced.back())),
            qPrintable(chart.summary()));
        QVERIFY(panel->progressText().contains(QStringLiteral(" · limit ")));
        const QImage picture = const_cast<CounterChart &>(chart).grab().toImage();
        QVERIFY(!picture.isNull());
    }

    void anUnreachableSourceEndsWithAMessageNotABusyBar()
    {
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        panel->findChild<QLineEdit *>(QStringLiteral("url"))
            ->setText(QStringLiteral("http://127.0.0.1:1/api/items"));
        panel->findChild<QLineEdit *>(QStringLiteral("output"))->setText(out);
        panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click();
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("where"))->text().contains(out));
        // The code pane says what runs instead of "not available".
        QVERIFY(window.code()->toPlainText().contains(QStringLiteral("connector")));
        QCOMPARE(panel->outputPath(), out);
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(!panel->outcomeText().isEmpty());
        QVERIFY2(panel->outcomeText().contains(QStringLiteral("1 failed")), qPrintable(panel->outcomeText()));
        QVERIFY2(panel->outcomeText().contains(QStringLiteral("cannot connect")),
            qPrintable(panel->outcomeText()));
        auto *bar = panel->findChild<QProgressBar *>();
        QVERIFY(bar->maximum() > 0); // not the busy bar of a retrieval in progress
        QCOMPARE(bar->value(), bar->maximum());

        // Another run takes the window: the tab no longer claims anything is going on.
        QVERIFY(window.openScenario(QStringLiteral("two-coroutines"), {}));
        QVERIFY(panel->outcomeText().isEmpty());
        QVERIFY(panel->progressText().isEmpty());
        QCOMPARE(bar->value(), 0);
    }

    void badSettingsAreExplainedNotRun()
    {
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        panel->findChild<QLineEdit *>(QStringLiteral("url"))
            ->setText(QStringLiteral("ftp://example.org/items"));
        const QString before = window.session().title();
        panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click(); // the dock sits behind Details
        QVERIFY2(panel->progressText().contains(QStringLiteral("not an http(s) URL")),
            qPrintable(panel->progressText()));
        QCOMPARE(window.session().title(), before);
    }

    void offersTheConnectorsOptionsRemembersThemAndKeepsSecretsOut()
    {
        qputenv("LOOPSCOPE_PANEL_TOKEN", "Bearer panel-secret");
        {
            MainWindow window;
            RetrievalPanel *panel = window.retrieval();
            const auto edit = [panel](const char *name) {
                return panel->findChild<QLineEdit *>(QLatin1StringView(name));
            };
            auto *style = panel->findChild<QComboBox *>(QStringLiteral("style"));
            style->setCurrentIndex(style->findText(QStringLiteral("cursor")));
            QVERIFY(edit("cursorPath")->isEnabled());
            edit("url")->setText(QStringLiteral("http://127.0.0.1:1/v1/things"));
            edit("itemsPath")->setText(QStringLiteral("/data"));
            edit("cursorPath")->setText(QStringLiteral("/meta/next_cursor"));
            edit("cursorParam")->setText(QStringLiteral("after"));
            edit("headerEnv")->setText(QStringLiteral("Authorization=LOOPSCOPE_PANEL_TOKEN"));
            edit("rate")->setText(QStringLiteral("120/min"));
            QCOMPARE(panel->problem(), QString());
            const RetrievalSettings settings = panel->settings();
            QCOMPARE(settings.fetch.style, PaginationStyle::Cursor);
            QCOMPARE(settings.fetch.format.items, (JsonPointer { "data" }));
            QCOMPARE(settings.fetch.format.cursor, (JsonPointer { "meta", "next_cursor" }));
            QCOMPARE(settings.fetch.cursorParam, QStringLiteral("after"));
            QCOMPARE(settings.http.maxRequestsPerSecond, 2.0);
            QCOMPARE(headerValue(settings.fetch.headers, "Authorization"), QByteArray("Bearer panel-secret"));
            QVERIFY(settings.http.secretHeaders.contains("Authorization"));
            panel->findChild<QPushButton *>(QStringLiteral("fetch"))->click(); // remembered when fetching
        }
        // A new window has them back; what was saved names the variable, never its value.
        MainWindow again;
        RetrievalPanel *panel = again.retrieval();
        QCOMPARE(panel->findChild<QLineEdit *>(QStringLiteral("itemsPath"))->text(), QStringLiteral("/data"));
        QCOMPARE(panel->findChild<QLineEdit *>(QStringLiteral("rate"))->text(), QStringLiteral("120/min"));
        QCOMPARE(panel->settings().fetch.style, PaginationStyle::Cursor);
        QSettings saved;
        for (const QString &key : saved.allKeys())
            QVERIFY2(!saved.value(key).toString().contains(QStringLiteral("panel-secret")), qPrintable(key));
        QVERIFY(!panel->findChild<QLabel *>(QStringLiteral("outcome"))
                     ->text()
                     .contains(QStringLiteral("panel-secret")));
        // Bad fields are explained, not run.
        qunsetenv("LOOPSCOPE_PANEL_TOKEN");
        QVERIFY2(panel->problem().contains(QStringLiteral("LOOPSCOPE_PANEL_TOKEN is not set")),
            qPrintable(panel->problem()));
        panel->findChild<QLineEdit *>(QStringLiteral("headerEnv"))->clear();
        panel->findChild<QLineEdit *>(QStringLiteral("itemsPath"))->setText(QStringLiteral("data"));
        QVERIFY2(panel->problem().contains(QStringLiteral("Items path")), qPrintable(panel->problem()));
        panel->findChild<QLineEdit *>(QStringLiteral("itemsPath"))->clear();
        panel->findChild<QLineEdit *>(QStringLiteral("rate"))->setText(QStringLiteral("lots"));
        QVERIFY2(panel->problem().contains(QStringLiteral("Rate")), qPrintable(panel->problem()));
        QSettings().clear();
    }
};

QTEST_MAIN(TestRetrievalPanel)
#include "tst_retrievalpanel.moc"
