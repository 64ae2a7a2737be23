#include "net/adaptivelimiter.h"
#include "net/demoserver.h"
#include "panes/codeview.h"
#include "panes/counterchart.h"
#include "window/mainwindow.h"
#include "window/retrievalpanel.h"
#include "window/retrievaltext.h"

#include "trace/tracestats.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextLayout>
#include <QToolButton>
#include <QtTest>
#include <QUrlQuery>

using namespace Loopscope;

namespace {

template<typename T>
T *field(QWidget *panel, const char *name)
{
    T *found = panel->findChild<T *>(QLatin1StringView(name));
    if (!found)
        qFatal("the panel has no field %s", name);
    return found;
}

void chooseText(QComboBox *combo, const char *text)
{
    const int index = combo->findText(QLatin1StringView(text));
    QVERIFY(index >= 0);
    combo->setCurrentIndex(index);
}

bool savedSettingsContain(const QString &text)
{
    QSettings saved;
    const QStringList keys = saved.allKeys();
    return std::any_of(keys.begin(), keys.end(), [&](const QString &key) {
        const QVariant value = saved.value(key);
        return value.toString().contains(text) || value.toStringList().join(u' ').contains(text)
            || QUrl::fromPercentEncoding(value.toString().toUtf8()).contains(text);
    });
}

bool containsASecret(const QString &text)
{
    return text.contains(QStringLiteral("s3cretPW")) || text.contains(QStringLiteral("K3YVALUE"));
}

//! LOOPSCOPE_PANEL_PICTURES=folder: pictures of the panel, for a person to look at.
void savePictureIfAsked(QWidget *widget, const char *name)
{
    const QString folder = qEnvironmentVariable("LOOPSCOPE_PANEL_PICTURES");
    if (!folder.isEmpty())
        QVERIFY(widget->grab().save(QDir(folder).filePath(QLatin1StringView(name) + QStringLiteral(".png"))));
}

} // namespace

class TestRetrievalPanel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // The panel remembers its fields: in a folder of this test's, never in the user's settings.
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_settingsFolder.isValid());
        for (const auto format : { QSettings::NativeFormat, QSettings::IniFormat })
            QSettings::setPath(format, QSettings::UserScope, m_settingsFolder.path());
        QVERIFY(QSettings().fileName().startsWith(m_settingsFolder.path()));
    }

    void init() { QSettings().clear(); }

    void fetchesTheDemoApiIntoTheViews()
    {
        QTemporaryDir dir; // outlives the window: its run unlocks the output as it goes
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
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
        QTemporaryDir dir; // outlives the window: its run unlocks the output as it goes
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
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
        QTemporaryDir dir; // outlives the window: its run unlocks the output as it goes
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
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
            panel->findChild<QPlainTextEdit *>(QStringLiteral("headerEnv"))
                ->setPlainText(QStringLiteral("Authorization=LOOPSCOPE_PANEL_TOKEN"));
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
        panel->findChild<QPlainTextEdit *>(QStringLiteral("headerEnv"))->clear();
        panel->findChild<QLineEdit *>(QStringLiteral("itemsPath"))->setText(QStringLiteral("data"));
        QVERIFY2(panel->problem().contains(QStringLiteral("Items path")), qPrintable(panel->problem()));
        panel->findChild<QLineEdit *>(QStringLiteral("itemsPath"))->clear();
        panel->findChild<QLineEdit *>(QStringLiteral("rate"))->setText(QStringLiteral("lots"));
        QVERIFY2(panel->problem().contains(QStringLiteral("Rate")), qPrintable(panel->problem()));
        QSettings().clear();
    }

    // --- A secret in the URL is used, never saved or shown ------------------------------------

    void aSecretInTheUrlIsUsedButNeverSavedOrShown()
    {
        const QString typed
            = QStringLiteral("http://alice:s3cretPW@127.0.0.1:1/api/items?api_key=K3YVALUE&x=1");
        {
            RetrievalPanel panel;
            field<QLineEdit>(&panel, "url")->setText(typed);
            // The field works for this session: the retrieval asks with the secrets.
            QCOMPARE(panel.settings().url.password(), QStringLiteral("s3cretPW"));
            QCOMPARE(QUrlQuery(panel.settings().url).queryItemValue(QStringLiteral("api_key")),
                QStringLiteral("K3YVALUE"));
            QVERIFY(field<QLabel>(&panel, "urlNote")->isVisibleTo(&panel));
            QVERIFY(panel.title().contains(QStringLiteral("[redacted]")));
            QVERIFY(!containsASecret(panel.title()));
            QCOMPARE(panel.problem(), QString());
        }
        QVERIFY(!savedSettingsContain(QStringLiteral("s3cretPW")));
        QVERIFY(!savedSettingsContain(QStringLiteral("K3YVALUE")));
        // What comes back says where the secrets go, and is not fetched as it is.
        RetrievalPanel again;
        const QString recalled = field<QLineEdit>(&again, "url")->text();
        QVERIFY2(recalled.contains(QStringLiteral("alice")) && recalled.contains(QStringLiteral("api_key")),
            qPrintable(recalled));
        QVERIFY2(again.problem().contains(QStringLiteral("type the password or key again")),
            qPrintable(again.problem()));
        // A refused address is explained without its secrets.
        field<QLineEdit>(&again, "url")
            ->setText(QStringLiteral("ftp://alice:s3cretPW@example.org/x?api_key=K3YVALUE"));
        QVERIFY2(again.problem().contains(QStringLiteral("not an http(s) URL")), qPrintable(again.problem()));
        QVERIFY2(!containsASecret(again.problem()), qPrintable(again.problem()));
    }

    void theSessionTitleOfARetrievalHasNoSecret()
    {
        QTemporaryDir dir; // outlives the window: its run unlocks the output as it goes
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        field<QLineEdit>(panel, "url")
            ->setText(QStringLiteral("http://alice:s3cretPW@127.0.0.1:1/api/items?api_key=K3YVALUE"));
        field<QLineEdit>(panel, "output")->setText(dir.filePath(QStringLiteral("items.jsonl")));
        field<QSpinBox>(panel, "attempts")->setValue(1);
        field<QPushButton>(panel, "fetch")->click();
        QVERIFY(!containsASecret(window.session().title()));
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(!panel->outcomeText().isEmpty());
        QVERIFY2(!containsASecret(panel->outcomeText()), qPrintable(panel->outcomeText()));
        QVERIFY(!containsASecret(panel->progressText()));
    }

    // --- Layout -----------------------------------------------------------------------------

    void theFormScrollsAndTheChartDoesNotGrowTheWindow()
    {
        QTemporaryDir dir;
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (QDockWidget *dock : window.findChildren<QDockWidget *>()) {
            if (dock->widget() == panel)
                dock->raise();
        }
        auto *scroll = panel->findChild<QScrollArea *>();
        QVERIFY(scroll);
        QVERIFY(scroll->widgetResizable());
        field<QToolButton>(panel, "moreOptions")->setChecked(true); // all of it: still scrolls
        QVERIFY2(panel->minimumSizeHint().height() < 200,
            qPrintable(QString::number(panel->minimumSizeHint().height())));
        QCOMPARE(window.size(), QSize(1024, 700));
        auto *fetch = field<QPushButton>(panel, "fetch");
        scroll->ensureWidgetVisible(fetch);
        QTRY_VERIFY(!fetch->visibleRegion().isEmpty());

        field<QSpinBox>(panel, "demoItems")->setValue(400);
        field<QSpinBox>(panel, "demoLatency")->setValue(5);
        field<QSpinBox>(panel, "pageSize")->setValue(10);
        chooseText(field<QComboBox>(panel, "strategy"), "adaptive");
        field<QLineEdit>(panel, "output")->setText(dir.filePath(QStringLiteral("i.jsonl")));
        fetch->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(panel->limitChart().isVisibleTo(panel));
        QCOMPARE(panel->limitChart().height(), panel->limitChart().sizeHint().height());
        QCOMPARE(window.size(), QSize(1024, 700));
        savePictureIfAsked(&window, "window-1024x700");
        field<QLineEdit>(panel, "url")
            ->setText(QStringLiteral("http://alice:s3cretPW@example.org/api/items"));
        field<QCheckBox>(panel, "insecure")->setChecked(true);
        // The dock alone, More options open, as tall as the whole form: for a reviewer's eyes.
        scroll->widget()->resize(scroll->widget()->sizeHint());
        savePictureIfAsked(scroll->widget(), "panel-more-options");
    }

    void theProgressLineWrapsOnlyBetweenItsParts()
    {
        FetchProgress p;
        p.pagesLanded = 12;
        p.pagesTotal = 40;
        p.items = 600;
        p.inFlight = 8;
        p.peakInFlight = 8;
        p.elapsedSeconds = 1;
        const QString plain = p.describe();
        const QString shown = RetrievalText::breakableBetweenParts(plain);
        QLabel label;
        for (int width = 40; width <= 500; width += 7) {
            QTextLayout layout(shown, label.font());
            layout.beginLayout();
            for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine())
                line.setLineWidth(width);
            layout.endLayout();
            for (int i = 0; i + 1 < layout.lineCount(); ++i) {
                const QTextLine line = layout.lineAt(i);
                const QString text = shown.mid(line.textStart(), line.textLength());
                QVERIFY2(text.endsWith(QStringLiteral("· ")) || text.endsWith(u' '),
                    qPrintable(QStringLiteral("width %1 breaks inside a part: \"%2\"").arg(width).arg(text)));
                QVERIFY2(!text.endsWith(QStringLiteral("/\u2060")) && !text.endsWith(u'/'), qPrintable(text));
            }
        }
        // What the panel reports stays the plain text.
        RetrievalPanel panel;
        panel.showProgress(p);
        QCOMPARE(panel.progressText(), plain);
        QCOMPARE(field<QLabel>(&panel, "status")->text(), shown);
    }

    // --- Output that cannot be opened -------------------------------------------------------

    void anOutputInAMissingFolderIsRefusedBeforeStarting()
    {
        QTemporaryDir dir; // outlives the window: its run unlocks the output as it goes
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        const QString before = window.session().title();
        field<QLineEdit>(panel, "output")
            ->setText(dir.filePath(QStringLiteral("no/such/folder/items.jsonl")));
        field<QPushButton>(panel, "fetch")->click();
        QVERIFY2(panel->progressText().contains(QStringLiteral("does not exist")),
            qPrintable(panel->progressText()));
        QCOMPARE(window.session().title(), before);
        QVERIFY(panel->findChild<QProgressBar *>()->maximum() > 0); // not busy
        field<QLineEdit>(panel, "output")->setText(dir.path());
        QVERIFY2(panel->problem().contains(QStringLiteral("is a folder")), qPrintable(panel->problem()));
    }

    void anOutputThatCannotBeOpenedEndsTheBusyStateWithTheReason()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        QFile foreign(out); // someone else's file: the landing zone refuses to write into it
        QVERIFY(foreign.open(QIODevice::WriteOnly));
        foreign.write("not ours\n");
        foreign.close();
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        field<QLineEdit>(panel, "output")->setText(out);
        QCOMPARE(panel->problem(), QString()); // its folder is fine: only opening it tells
        field<QPushButton>(panel, "fetch")->click();
        QVERIFY2(panel->outcomeText().startsWith(QStringLiteral("Could not start: ")),
            qPrintable(panel->outcomeText()));
        QVERIFY2(panel->outcomeText().contains(QStringLiteral("was not written by loopscope fetch")),
            qPrintable(panel->outcomeText()));
        auto *bar = panel->findChild<QProgressBar *>();
        QVERIFY(bar->maximum() > 0);
        QVERIFY(panel->progressText().isEmpty()); // no "starting…" left behind
    }

    // --- Failed pages say why ---------------------------------------------------------------

    void failedPagesAreReportedWithTheFirstReason()
    {
        QTemporaryDir dir;
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        field<QSpinBox>(panel, "demoItems")->setValue(100);
        field<QSpinBox>(panel, "demoLatency")->setValue(0);
        field<QLineEdit>(panel, "itemsPath")->setText(QStringLiteral("/nope"));
        field<QLineEdit>(panel, "output")->setText(dir.filePath(QStringLiteral("items.jsonl")));
        field<QPushButton>(panel, "fetch")->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(!panel->outcomeText().isEmpty());
        QVERIFY2(
            panel->outcomeText().startsWith(QStringLiteral("Finished with 1 failed page: page 0 failed after "
                                                           "1 attempt: the page has no array at /nope")),
            qPrintable(panel->outcomeText()));
        QVERIFY(!panel->outcomeText().contains(QStringLiteral("Done")));
    }

    // --- Remembered, without secrets, and read back with care --------------------------------

    void editsAreRememberedWhenThePanelGoes()
    {
        {
            RetrievalPanel panel;
            field<QLineEdit>(&panel, "itemsPath")->setText(QStringLiteral("/results"));
            field<QSpinBox>(&panel, "pageSize")->setValue(77);
            chooseText(field<QComboBox>(&panel, "style"), "page");
            field<QLineEdit>(&panel, "pageParam")->setText(QStringLiteral("p"));
            field<QSpinBox>(&panel, "maxPages")->setValue(3);
            field<QPlainTextEdit>(&panel, "headers")
                ->setPlainText(QStringLiteral(
                    "Accept: application/json\nX-Api-Key: hush-123\nAuthorization Bearer hush-456"));
            // A token pasted where a variable's name goes is not kept; a variable's name is.
            field<QPlainTextEdit>(&panel, "headerEnv")
                ->setPlainText(QStringLiteral("Authorization=Bearer hush-789\nX-Api-Key=API_KEY"));
        } // no Fetch pressed
        QSettings saved;
        QCOMPARE(saved.value(QStringLiteral("retrieval/style")).toString(), QStringLiteral("page"));
        QCOMPARE(saved.value(QStringLiteral("retrieval/strategy")).toString(), QStringLiteral("bounded"));
        QVERIFY(!savedSettingsContain(QStringLiteral("hush-")));
        RetrievalPanel again;
        QCOMPARE(field<QLineEdit>(&again, "itemsPath")->text(), QStringLiteral("/results"));
        QCOMPARE(again.settings().fetch.pageSize, 77);
        QCOMPARE(again.settings().fetch.style, PaginationStyle::Page);
        QCOMPARE(again.settings().fetch.pageParam, QStringLiteral("p"));
        QCOMPARE(again.settings().fetch.maxPages, 3);
        QCOMPARE(field<QPlainTextEdit>(&again, "headers")->toPlainText(),
            QStringLiteral("Accept: application/json"));
        QCOMPARE(
            field<QPlainTextEdit>(&again, "headerEnv")->toPlainText(), QStringLiteral("X-Api-Key=API_KEY"));
        // Folded away, the options that differ from their defaults are counted.
        QVERIFY(!field<QWidget>(&again, "moreOptionsFields")->isVisibleTo(&again));
        QCOMPARE(field<QToolButton>(&again, "moreOptions")->text(), QStringLiteral("More options (4 set)"));
    }

    void badSavedValuesFallBackToTheDefaults_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected"); // what settings() then says, in words
        QTest::newRow("page size not a number") << "pageSize"
                                                << "abc"
                                                << "pageSize 50";
        QTest::newRow("concurrency 0") << "concurrency"
                                       << "0"
                                       << "concurrency 8";
        QTest::newRow("negative demo items") << "demoItems"
                                             << "-3"
                                             << "demoItems 5000";
        QTest::newRow("style 7") << "style"
                                 << "7"
                                 << "style offset";
        QTest::newRow("unknown strategy") << "strategy"
                                          << "fastest"
                                          << "strategy bounded";
        QTest::newRow("timeout 0") << "timeoutMs"
                                   << "0"
                                   << "timeout 30000";
        QTest::newRow("attempts 1000") << "attempts"
                                       << "1000"
                                       << "attempts 4";
        QTest::newRow("first page -1") << "firstPage"
                                       << "-1"
                                       << "firstPage 1";
        QTest::newRow("old style number") << "style"
                                          << "2"
                                          << "style page";
        QTest::newRow("old strategy number") << "strategy"
                                             << "0"
                                             << "strategy sequential";
        QTest::newRow("style by name") << "style"
                                       << "cursor"
                                       << "style cursor";
    }

    void badSavedValuesFallBackToTheDefaults()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        QSettings().setValue(QStringLiteral("retrieval/") + key, value);
        RetrievalPanel panel;
        const RetrievalSettings s = panel.settings();
        const QMap<QString, QString> said {
            { QStringLiteral("pageSize"), QStringLiteral("pageSize %1").arg(s.fetch.pageSize) },
            { QStringLiteral("concurrency"), QStringLiteral("concurrency %1").arg(s.fetch.concurrency) },
            { QStringLiteral("demoItems"), QStringLiteral("demoItems %1").arg(s.demoItems) },
            { QStringLiteral("style"), QStringLiteral("style %1").arg(paginationStyleName(s.fetch.style)) },
            { QStringLiteral("strategy"),
                QStringLiteral("strategy %1").arg(fetchStrategyName(s.fetch.strategy)) },
            { QStringLiteral("timeoutMs"), QStringLiteral("timeout %1").arg(s.http.timeout.count()) },
            { QStringLiteral("attempts"), QStringLiteral("attempts %1").arg(s.http.maxAttempts) },
            { QStringLiteral("firstPage"), QStringLiteral("firstPage %1").arg(s.fetch.firstPage) },
        };
        QCOMPARE(said.value(key), expected);
    }

    // --- The CLI's options ------------------------------------------------------------------

    void moreOptionsMapAsTheCliDoes()
    {
        qputenv("LOOPSCOPE_PANEL_A", "alpha-value");
        qputenv("LOOPSCOPE_PANEL_B", "beta-value");
        RetrievalPanel panel;
        QVERIFY(!field<QWidget>(&panel, "moreOptionsFields")->isVisibleTo(&panel));
        field<QToolButton>(&panel, "moreOptions")->click();
        QVERIFY(field<QWidget>(&panel, "moreOptionsFields")->isVisibleTo(&panel));
        chooseText(field<QComboBox>(&panel, "style"), "page");
        QVERIFY(field<QLineEdit>(&panel, "pageParam")->isEnabled());
        QVERIFY(!field<QLineEdit>(&panel, "cursorFromItem")->isEnabled());
        field<QLineEdit>(&panel, "pageParam")->setText(QStringLiteral("pg"));
        field<QSpinBox>(&panel, "firstPage")->setValue(0);
        field<QLineEdit>(&panel, "limitParam")->clear(); // empty: no page size sent
        field<QLineEdit>(&panel, "totalPath")->setText(QStringLiteral("/meta/count"));
        field<QLineEdit>(&panel, "hasMorePath")->setText(QStringLiteral("/has_more"));
        field<QSpinBox>(&panel, "maxPages")->setValue(5);
        field<QSpinBox>(&panel, "timeoutMs")->setValue(1500);
        field<QSpinBox>(&panel, "attempts")->setValue(2);
        field<QPlainTextEdit>(&panel, "headers")
            ->setPlainText(QStringLiteral("Accept: application/json\n\nX-Trace: on"));
        field<QPlainTextEdit>(&panel, "headerEnv")
            ->setPlainText(
                QStringLiteral("Authorization=LOOPSCOPE_PANEL_A\nX-Other-Token=LOOPSCOPE_PANEL_B"));
        field<QCheckBox>(&panel, "insecure")->setChecked(true);
        QVERIFY(field<QLabel>(&panel, "insecureWarning")->isVisibleTo(&panel));
        field<QCheckBox>(&panel, "allowRepeatedPages")->setChecked(true);
        QCOMPARE(panel.problem(), QString());
        const RetrievalSettings s = panel.settings();
        QCOMPARE(s.fetch.style, PaginationStyle::Page);
        QCOMPARE(s.fetch.pageParam, QStringLiteral("pg"));
        QCOMPARE(s.fetch.firstPage, 0);
        QCOMPARE(s.fetch.limitParam, QString());
        QCOMPARE(s.fetch.offsetParam, QStringLiteral("from"));
        QCOMPARE(s.fetch.format.total, (JsonPointer { "meta", "count" }));
        QCOMPARE(s.fetch.format.next, PageFormat {}.next); // the default when not given
        QCOMPARE(s.fetch.format.hasMore, (JsonPointer { "has_more" }));
        QCOMPARE(s.fetch.maxPages, 5);
        QCOMPARE(s.http.timeout.count(), 1500);
        QCOMPARE(s.http.maxAttempts, 2);
        QCOMPARE(headerValue(s.fetch.headers, "Accept"), QByteArray("application/json"));
        QCOMPARE(headerValue(s.fetch.headers, "X-Trace"), QByteArray("on"));
        QCOMPARE(headerValue(s.fetch.headers, "Authorization"), QByteArray("alpha-value"));
        QCOMPARE(headerValue(s.fetch.headers, "X-Other-Token"), QByteArray("beta-value"));
        QCOMPARE(s.http.secretHeaders, (QList<QByteArray> { "Authorization", "X-Other-Token" }));
        QVERIFY(s.http.insecure);
        QVERIFY(s.fetch.allowRepeatedPages);

        // Each field is checked as the CLI checks its option, and no header value is shown.
        field<QLineEdit>(&panel, "totalPath")->setText(QStringLiteral("meta"));
        QVERIFY2(panel.problem().startsWith(QStringLiteral("Total path: ")), qPrintable(panel.problem()));
        field<QLineEdit>(&panel, "totalPath")->clear();
        field<QPlainTextEdit>(&panel, "headers")
            ->setPlainText(QStringLiteral("Accept: */*\nAuthorization Bearer hush-789"));
        QVERIFY2(panel.problem().startsWith(QStringLiteral("Headers, line 2: a header has no colon")),
            qPrintable(panel.problem()));
        QVERIFY(!panel.problem().contains(QStringLiteral("hush")));
        field<QPlainTextEdit>(&panel, "headers")
            ->setPlainText(QStringLiteral("Authorization: Bearer hush-789"));
        field<QLineEdit>(&panel, "url")->setText(QStringLiteral("ftp://example.org/hush-789"));
        QVERIFY2(!panel.problem().contains(QStringLiteral("hush-789")), qPrintable(panel.problem()));
        field<QLineEdit>(&panel, "url")->clear();
        field<QPlainTextEdit>(&panel, "headers")->clear();
        field<QPlainTextEdit>(&panel, "headerEnv")
            ->setPlainText(QStringLiteral("Authorization=LOOPSCOPE_PANEL_A\nX-Key=Bearer abc"));
        QVERIFY2(panel.problem().startsWith(QStringLiteral("Header from env, line 2: ")),
            qPrintable(panel.problem()));
        QVERIFY(!panel.problem().contains(QStringLiteral("abc")));
        field<QPlainTextEdit>(&panel, "headerEnv")->clear();
        chooseText(field<QComboBox>(&panel, "style"), "cursor");
        QVERIFY2(panel.problem().contains(QStringLiteral("needs the parameter the cursor is sent in")),
            qPrintable(panel.problem()));
        qunsetenv("LOOPSCOPE_PANEL_A");
        qunsetenv("LOOPSCOPE_PANEL_B");
    }

    void adaptiveTriesUpToTheCliCeilingUnlessAConcurrencyIsChosen()
    {
        RetrievalPanel panel;
        auto *strategy = field<QComboBox>(&panel, "strategy");
        chooseText(strategy, "adaptive");
        QCOMPARE(panel.settings().fetch.maxConcurrency, FetchOptions::AdaptiveCeiling);
        QCOMPARE(panel.settings().fetch.concurrency, FetchOptions::AdaptiveStart);
        chooseText(strategy, "bounded");
        QCOMPARE(panel.settings().fetch.concurrency, FetchOptions {}.concurrency);
        field<QSpinBox>(&panel, "concurrency")->setValue(40); // chosen: it stays
        chooseText(strategy, "adaptive");
        QCOMPARE(panel.settings().fetch.maxConcurrency, 40);
        chooseText(strategy, "bounded");
        QCOMPARE(panel.settings().fetch.concurrency, 40);
    }

    void aStripeStyleApiIsFetchedWithACursorFromItem()
    {
        DemoServer::Options options;
        options.items = 120;
        options.shape = DemoServer::Shape::Stripe;
        options.token = "hush-stripe";
        const std::unique_ptr<DemoServer> server = DemoServer::startLocal(options);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("items.jsonl"));
        {
            MainWindow window;
            RetrievalPanel *panel = window.retrieval();
            field<QLineEdit>(panel, "url")->setText(server->itemsUrl().toString());
            chooseText(field<QComboBox>(panel, "style"), "cursor");
            field<QLineEdit>(panel, "itemsPath")->setText(QStringLiteral("/data"));
            field<QLineEdit>(panel, "cursorParam")->setText(QStringLiteral("starting_after"));
            field<QLineEdit>(panel, "cursorFromItem")->setText(QStringLiteral("/id"));
            field<QLineEdit>(panel, "hasMorePath")->setText(QStringLiteral("/has_more"));
            field<QPlainTextEdit>(panel, "headers")
                ->setPlainText(QStringLiteral("Authorization: Bearer hush-stripe"));
            field<QLineEdit>(panel, "output")->setText(out);
            field<QPushButton>(panel, "fetch")->click();
            QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
            QTRY_VERIFY(!panel->outcomeText().isEmpty());
            QVERIFY2(panel->outcomeText().startsWith(QStringLiteral("Done: 3 pages, 120 items, 0 failed")),
                qPrintable(panel->outcomeText()));
        }
        QVERIFY(!savedSettingsContain(QStringLiteral("hush-stripe")));
        QFile landed(out);
        QVERIFY(landed.open(QIODevice::ReadOnly));
        QCOMPARE(landed.readAll().count('\n'), 120);
    }

    // --- The final progress ------------------------------------------------------------------

    void theFinalProgressIsShownWhenTheTotalIsUnknown()
    {
        DemoServer::Options options;
        options.items = 500;
        options.latencyMs = 5;
        options.shape = DemoServer::Shape::Page; // no total, no link: the end is an empty page
        const std::unique_ptr<DemoServer> server = DemoServer::startLocal(options);
        QTemporaryDir dir;
        MainWindow window;
        RetrievalPanel *panel = window.retrieval();
        field<QLineEdit>(panel, "url")->setText(server->itemsUrl().toString());
        chooseText(field<QComboBox>(panel, "style"), "page");
        field<QLineEdit>(panel, "limitParam")->setText(QStringLiteral("per_page"));
        field<QLineEdit>(panel, "output")->setText(dir.filePath(QStringLiteral("items.jsonl")));
        field<QPushButton>(panel, "fetch")->click();
        QTRY_VERIFY_WITH_TIMEOUT(window.session().isFinished(), 20000);
        QTRY_VERIFY(!panel->outcomeText().isEmpty());
        QVERIFY2(panel->outcomeText().startsWith(QStringLiteral("Done: 10 pages, 500 items")),
            qPrintable(panel->outcomeText()));
        QVERIFY2(
            panel->progressText().startsWith(QStringLiteral("pages 10/")), qPrintable(panel->progressText()));
        QVERIFY2(panel->progressText().contains(QStringLiteral("items 500 · in flight 0 ")),
            qPrintable(panel->progressText()));
    }

private:
    QTemporaryDir m_settingsFolder;
};

QTEST_MAIN(TestRetrievalPanel)
#include "tst_retrievalpanel.moc"
