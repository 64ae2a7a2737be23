#include "window/retrievalpanel.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
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
    , m_output(new QLineEdit)
    , m_fetch(new QPushButton(tr("Fetch")))
    , m_bar(new QProgressBar)
    , m_status(new QLabel)
    , m_outcome(new QLabel)
    , m_where(new QLabel)
{
    m_url->setObjectName(QStringLiteral("url"));
    m_demoItems->setObjectName(QStringLiteral("demoItems"));
    m_demoLatency->setObjectName(QStringLiteral("demoLatency"));
    m_pageSize->setObjectName(QStringLiteral("pageSize"));
    m_concurrency->setObjectName(QStringLiteral("concurrency"));
    m_strategy->setObjectName(QStringLiteral("strategy"));
    m_output->setObjectName(QStringLiteral("output"));
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
    form->addRow(tr("Output"), m_output);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_fetch);
    layout->addWidget(m_bar);
    layout->addWidget(m_status);
    layout->addWidget(m_outcome);
    layout->addWidget(m_where);
    layout->addStretch();

    connect(m_fetch, &QPushButton::clicked, this, &RetrievalPanel::requestFetch);
    connect(m_url, &QLineEdit::textChanged, this, &RetrievalPanel::updateDemoFields);
    updateDemoFields();
}

void RetrievalPanel::updateDemoFields()
{
    const bool demo = m_url->text().trimmed().isEmpty();
    m_demoItems->setEnabled(demo);
    m_demoLatency->setEnabled(demo);
}

RetrievalSettings RetrievalPanel::settings() const
{
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
    settings.outputPath = m_output->text().trimmed();
    return settings;
}

QString RetrievalPanel::problem() const
{
    return settings().validate();
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
