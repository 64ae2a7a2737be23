#include "window/retrievalpanel.h"

#include "net/adaptivelimiter.h"
#include "panes/counterchart.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

QSpinBox *spinBox(int minimum, int maximum, int value, const QString &suffix = {})
{
    auto *box = new QSpinBox;
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setGroupSeparatorShown(true);
    return box;
}

} // namespace

RetrievalPanel::RetrievalPanel(QWidget *parent)
    : QWidget(parent)
    , m_url(new QLineEdit)
    , m_demoItems(spinBox(0, 10'000'000, 5'000))
    , m_demoLatency(spinBox(0, 60'000, 100, QStringLiteral(" ms")))
    , m_pageSize(spinBox(1, 100'000, 50))
    , m_concurrency(spinBox(1, 10'000, 8))
    , m_strategy(new QComboBox)
    , m_style(new QComboBox)
    , m_itemsPath(new QLineEdit)
    , m_cursorPath(new QLineEdit)
    , m_cursorParam(new QLineEdit)
    , m_headerEnv(new QLineEdit)
    , m_rate(new QLineEdit)
    , m_caFile(new QLineEdit)
    , m_output(new QLineEdit)
    , m_fetch(new QPushButton(tr("Fetch")))
    , m_bar(new QProgressBar)
    , m_status(new QLabel)
    , m_outcome(new QLabel)
    , m_where(new QLabel)
    , m_limitChart(new CounterChart(AdaptiveLimiter::CounterName))
{
    m_limitChart->setObjectName(QStringLiteral("limitChart"));
    m_limitChart->setVisible(false); // until a trace with an adaptive limit is shown
    connect(m_limitChart, &CounterChart::pointsChanged, this,
        [this] { m_limitChart->setVisible(!m_limitChart->points().empty()); });
    m_url->setObjectName(QStringLiteral("url"));
    m_demoItems->setObjectName(QStringLiteral("demoItems"));
    m_demoLatency->setObjectName(QStringLiteral("demoLatency"));
    m_pageSize->setObjectName(QStringLiteral("pageSize"));
    m_concurrency->setObjectName(QStringLiteral("concurrency"));
    m_strategy->setObjectName(QStringLiteral("strategy"));
    m_output->setObjectName(QStringLiteral("output"));
    m_style->setObjectName(QStringLiteral("style"));
    m_itemsPath->setObjectName(QStringLiteral("itemsPath"));
    m_cursorPath->setObjectName(QStringLiteral("cursorPath"));
    m_cursorParam->setObjectName(QStringLiteral("cursorParam"));
    m_headerEnv->setObjectName(QStringLiteral("headerEnv"));
    m_rate->setObjectName(QStringLiteral("rate"));
    m_caFile->setObjectName(QStringLiteral("caFile"));
    for (PaginationStyle style : { PaginationStyle::Offset, PaginationStyle::Page, PaginationStyle::NextLink,
             PaginationStyle::Cursor })
        m_style->addItem(paginationStyleName(style), int(style));
    m_style->setToolTip(
        tr("offset: ?from=N; page: ?page=N; next: a link in the page or the Link header; cursor: "
           "a cursor from the page"));
    m_itemsPath->setPlaceholderText(tr("found: items, data, results…"));
    m_itemsPath->setToolTip(tr("JSON Pointer to the items array, as /data or /hits/hits"));
    m_cursorPath->setPlaceholderText(tr("/meta/next_cursor"));
    m_cursorParam->setPlaceholderText(tr("cursor"));
    m_headerEnv->setPlaceholderText(tr("Authorization=API_TOKEN"));
    m_headerEnv->setToolTip(
        tr("A header whose value is read from an environment variable (NAME=VAR), so that a "
           "token is never typed here, shown, saved or traced"));
    m_rate->setPlaceholderText(tr("no limit (e.g. 10/s)"));
    m_caFile->setPlaceholderText(tr("the system's CAs"));
    m_caFile->setToolTip(tr("https: a PEM file of CAs to trust besides the system's"));
    m_fetch->setObjectName(QStringLiteral("fetch"));
    m_url->setPlaceholderText(tr("built-in demo API (started here)"));
    m_url->setToolTip(tr("The collection's address, e.g. http://127.0.0.1:8080/api/items. "
                         "Leave empty to fetch from the built-in demo API."));
    for (FetchStrategy strategy : { FetchStrategy::Bounded, FetchStrategy::Sequential,
             FetchStrategy::Unbounded, FetchStrategy::Adaptive })
        m_strategy->addItem(fetchStrategyName(strategy), int(strategy));
    m_output->setPlaceholderText(tr("a temporary file"));
    m_output->setToolTip(
        tr("JSON Lines file to land the items in; fetching into the same file again resumes"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setTextVisible(true);
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_outcome->setObjectName(QStringLiteral("outcome"));
    m_where->setWordWrap(true);
    m_where->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_where->setOpenExternalLinks(true);
    m_where->setObjectName(QStringLiteral("where"));

    auto *form = new QFormLayout;
    form->addRow(tr("URL"), m_url);
    form->addRow(tr("Demo items"), m_demoItems);
    form->addRow(tr("Demo latency"), m_demoLatency);
    form->addRow(tr("Page size"), m_pageSize);
    form->addRow(tr("Concurrency"), m_concurrency);
    form->addRow(tr("Strategy"), m_strategy);
    form->addRow(tr("Pagination"), m_style);
    form->addRow(tr("Items path"), m_itemsPath);
    form->addRow(tr("Cursor path"), m_cursorPath);
    form->addRow(tr("Cursor parameter"), m_cursorParam);
    form->addRow(tr("Header from env"), m_headerEnv);
    form->addRow(tr("Rate"), m_rate);
    form->addRow(tr("CA file"), m_caFile);
    form->addRow(tr("Output"), m_output);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_fetch);
    layout->addWidget(m_bar);
    layout->addWidget(m_status);
    layout->addWidget(m_limitChart);
    layout->addWidget(m_outcome);
    layout->addWidget(m_where);
    layout->addStretch();

    connect(m_fetch, &QPushButton::clicked, this, &RetrievalPanel::requestFetch);
    connect(m_url, &QLineEdit::textChanged, this, &RetrievalPanel::updateDemoFields);
    connect(m_style, &QComboBox::currentIndexChanged, this, &RetrievalPanel::updateStyleFields);
    recall();
    updateDemoFields();
    updateStyleFields();
}

void RetrievalPanel::updateStyleFields()
{
    const bool cursor = PaginationStyle(m_style->currentData().toInt()) == PaginationStyle::Cursor;
    m_cursorPath->setEnabled(cursor);
    m_cursorParam->setEnabled(cursor);
}

void RetrievalPanel::remember() const
{
    // Names of environment variables, never their values: nothing secret is saved.
    QSettings settings;
    settings.beginGroup(QStringLiteral("retrieval"));
    for (const QLineEdit *edit :
        { m_url, m_itemsPath, m_cursorPath, m_cursorParam, m_headerEnv, m_rate, m_caFile, m_output })
        settings.setValue(edit->objectName(), edit->text());
    for (const QSpinBox *box : { m_demoItems, m_demoLatency, m_pageSize, m_concurrency })
        settings.setValue(box->objectName(), box->value());
    for (const QComboBox *combo : { m_strategy, m_style })
        settings.setValue(combo->objectName(), combo->currentData());
}

void RetrievalPanel::recall()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("retrieval"));
    for (QLineEdit *edit :
        { m_url, m_itemsPath, m_cursorPath, m_cursorParam, m_headerEnv, m_rate, m_caFile, m_output })
        edit->setText(settings.value(edit->objectName(), edit->text()).toString());
    for (QSpinBox *box : { m_demoItems, m_demoLatency, m_pageSize, m_concurrency })
        box->setValue(settings.value(box->objectName(), box->value()).toInt());
    for (QComboBox *combo : { m_strategy, m_style }) {
        const int index = combo->findData(settings.value(combo->objectName(), combo->currentData()));
        if (index >= 0)
            combo->setCurrentIndex(index);
    }
}

void RetrievalPanel::updateDemoFields()
{
    const bool demo = m_url->text().trimmed().isEmpty();
    m_demoItems->setEnabled(demo);
    m_demoLatency->setEnabled(demo);
}

RetrievalSettings RetrievalPanel::settings(QString *problem) const
{
    QString why;
    RetrievalSettings settings;
    const QString url = m_url->text().trimmed();
    if (!url.isEmpty())
        settings.url = QUrl::fromUserInput(url);
    settings.demoItems = m_demoItems->value();
    settings.demoLatencyMs = m_demoLatency->value();
    settings.fetch.pageSize = m_pageSize->value();
    settings.fetch.concurrency = m_concurrency->value();
    settings.fetch.maxConcurrency = std::max(settings.fetch.maxConcurrency, settings.fetch.concurrency);
    settings.fetch.strategy = FetchStrategy(m_strategy->currentData().toInt());
    if (settings.fetch.strategy == FetchStrategy::Adaptive)
        settings.fetch.makeAdaptive(m_concurrency->value()); // the concurrency is its ceiling
    settings.outputPath = m_output->text().trimmed();
    FetchOptions &fetch = settings.fetch;
    fetch.style = PaginationStyle(m_style->currentData().toInt());
    const auto pointer = [&why](const QLineEdit *edit, const QString &field) -> std::optional<JsonPointer> {
        const QString text = edit->text().trimmed();
        if (text.isEmpty())
            return std::nullopt;
        QString error;
        auto parsed = parseJsonPointer(text, &error);
        if (!parsed && why.isEmpty())
            why = QStringLiteral("%1: %2").arg(field, error);
        return parsed;
    };
    fetch.format.items = pointer(m_itemsPath, tr("Items path"));
    if (fetch.style == PaginationStyle::Cursor) {
        fetch.format.cursor = pointer(m_cursorPath, tr("Cursor path"));
        fetch.cursorParam = m_cursorParam->text().trimmed();
    }
    if (const QString text = m_headerEnv->text().trimmed(); !text.isEmpty()) {
        QString error;
        if (const auto header = headerFromEnvironment(text, &error)) {
            fetch.headers.append(*header);
            settings.http.secretHeaders.append(header->first);
        } else if (why.isEmpty()) {
            why = tr("Header from env: %1").arg(error);
        }
    }
    if (const QString text = m_rate->text().trimmed(); !text.isEmpty()) {
        const double rate = parseRate(text);
        settings.http.maxRequestsPerSecond = std::max(0.0, rate);
        if (rate <= 0 && why.isEmpty())
            why = tr("Rate: write requests per second or minute, as 10/s or 600/min");
    }
    settings.http.caFile = m_caFile->text().trimmed();
    if (problem)
        *problem = why;
    return settings;
}

QString RetrievalPanel::problem() const
{
    QString why;
    const RetrievalSettings settings = this->settings(&why);
    if (why.isEmpty())
        why = settings.validate();
    if (why.isEmpty())
        why = settings.http.validate();
    return why;
}

QString RetrievalPanel::title() const
{
    const RetrievalSettings s = settings();
    return tr("HTTP retrieval from %1 (%2, concurrency %3)")
        .arg(s.url.isEmpty() ? tr("the demo API") : s.url.toString(), fetchStrategyName(s.fetch.strategy))
        .arg(s.fetch.concurrency);
}

RunSession::RunFactory RetrievalPanel::runFactory()
{
    const RetrievalSettings settings = this->settings();
    QPointer<RetrievalPanel> panel(this);
    return [settings, panel]() -> std::unique_ptr<Run> {
        if (panel) {
            panel->m_bar->setRange(0, 0);
            panel->m_status->setText(tr("starting…"));
            panel->m_outcome->clear();
        }
        QString output;
        auto run = startRetrieval(
            settings,
            [panel](const FetchProgress &progress) {
                if (panel)
                    panel->showProgress(progress);
            },
            &output);
        if (panel) {
            panel->m_landing = output;
            panel->m_where->setText(tr("Items land in <a href=\"%1\">%2</a>")
                                        .arg(QUrl::fromLocalFile(output).toString(),
                                            QDir::toNativeSeparators(output).toHtmlEscaped()));
        }
        return run;
    };
}

void RetrievalPanel::requestFetch()
{
    const QString why = problem();
    if (!why.isEmpty()) {
        m_status->setText(why);
        return;
    }
    remember();
    emit fetchRequested();
}

QString RetrievalPanel::progressText() const
{
    return m_status->text();
}

QString RetrievalPanel::outcomeText() const
{
    return m_outcome->text();
}

void RetrievalPanel::showFinished(const Trace &trace)
{
    // The connector's task ends with what it did ("13 pages, 640 items, 0 failed, 0 retries") or
    // why it could not; a failed request says why in its own event.
    QString result;
    QString lastError;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.kind == EventKind::IoFailed)
            lastError = trace.detailText(e);
        else if ((e.kind == EventKind::TaskReturned || e.kind == EventKind::TaskFailed) && e.other == NoTask
            && trace.taskName(e.task) == u"fetch")
            result = e.kind == EventKind::TaskReturned ? tr("Done: %1.").arg(trace.detailText(e))
                                                       : tr("Failed: %1.").arg(trace.detailText(e));
    }
    if (result.isEmpty())
        result = tr("Stopped before the end.");
    if (!lastError.isEmpty())
        result += u' ' + tr("Last error: %1.").arg(lastError);
    m_bar->setRange(0, 1);
    m_bar->setValue(1);
    m_outcome->setText(result);
}

void RetrievalPanel::followTrace(const Trace *trace)
{
    m_limitChart->follow(trace);
}

void RetrievalPanel::showIdle()
{
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_status->clear();
    m_outcome->clear();
}

void RetrievalPanel::showProgress(const FetchProgress &p)
{
    const bool done = p.pagesTotal >= 0 && p.pagesLanded + p.pagesFailed >= p.pagesTotal && p.inFlight == 0;
    // A page can land every few microseconds: redraw at most 20 times a second, and at the end.
    if (!done && m_sinceRedraw.isValid() && m_sinceRedraw.elapsed() < 50)
        return;
    m_sinceRedraw.start();
    if (p.pagesTotal >= 0) {
        m_bar->setRange(0, int(std::min<qint64>(p.pagesTotal, INT_MAX)));
        m_bar->setValue(int(std::min<qint64>(p.pagesLanded + p.pagesFailed, INT_MAX)));
    }
    m_status->setText(p.describe());
}

} // namespace Loopscope
