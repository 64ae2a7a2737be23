#include "panes/codeview.h"
#include "window/mainwindow.h"
#include "window/retrievalpanel.h"

#include "trace/tracestats.h"

#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace Loopscope;

class TestRetrievalPanel : public QObject
{
    Q_OBJECT
private slots:
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
};

QTEST_MAIN(TestRetrievalPanel)
#include "tst_retrievalpanel.moc"
