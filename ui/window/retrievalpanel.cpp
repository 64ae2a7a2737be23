#include "window/retrievalpanel.h"

#include "window/formfields.h"
#include "window/retrievalmoreoptions.h"
#include "window/retrievalrunview.h"
#include "window/retrievaltext.h"
#include "window/savedfields.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Loopscope {

using FormFields::lineEdit;
using FormFields::spinBox;
using FormFields::textLabel;

namespace {

//! Why the items cannot land at `path` as far as its folder tells, or an empty string.
QString outputProblem(const QString &path)
{
    if (path.isEmpty())
        return {};
    const QFileInfo file(path);
    if (file.isDir())
        return QObject::tr("Output: %1 is a folder; name a file in it, as %2")
            .arg(QDir::toNativeSeparators(path),
                QDir::toNativeSeparators(QDir(path).filePath(QStringLiteral("items.jsonl"))));
    const QFileInfo folder(file.absolutePath());
    if (!folder.isDir())
        return QObject::tr("Output: the folder %1 does not exist")
            .arg(QDir::toNativeSeparators(folder.filePath()));
    if (!folder.isWritable())
        return QObject::tr("Output: the folder %1 is not writable")
            .arg(QDir::toNativeSeparators(folder.filePath()));
    return {};
}

int defaultConcurrency()
{
    return FetchOptions {}.concurrency;
}

} // namespace

RetrievalPanel::RetrievalPanel(QWidget *parent)
    : QWidget(parent)
    , m_url(lineEdit("url", {}, tr("built-in demo API (started here)"),
          tr("The collection's address, e.g. http://127.0.0.1:8080/api/items. Leave empty to fetch "
             "from the built-in demo API.")))
    , m_urlNote(textLabel("urlNote"))
    , m_demoItems(spinBox("demoItems", 0, 10'000'000, 5'000))
    , m_demoLatency(spinBox("demoLatency", 0, 60'000, 100, {}, QStringLiteral(" ms")))
    , m_output(lineEdit("output", {}, tr("a temporary file"),
          tr("JSON Lines file to land the items in; fetching into the same file again resumes")))
    , m_pageSize(spinBox("pageSize", 1, 100'000, FetchOptions {}.pageSize))
    , m_concurrency(spinBox("concurrency", 1, 10'000, defaultConcurrency()))
    , m_strategy(new QComboBox)
    , m_style(new QComboBox)
    , m_itemsPath(lineEdit("itemsPath", {}, tr("found: items, data, results…"),
          tr("JSON Pointer to the items array, as /data or /hits/hits")))
    , m_rate(lineEdit("rate", {}, tr("no limit (e.g. 10/s)"),
          tr("At most this many requests a second, all together (10/s, 600/min, 3600/h)")))
    , m_moreToggle(new QToolButton)
    , m_more(new RetrievalMoreOptions)
    , m_fetch(new QPushButton(tr("Fetch")))
    , m_run(new RetrievalRunView)
    , m_scroll(new QScrollArea)
{
    m_urlNote->setVisible(false);
    m_concurrency->setToolTip(
        tr("Requests in flight (default %1); adaptive: the most it may try (default %2)")
            .arg(defaultConcurrency())
            .arg(FetchOptions::AdaptiveCeiling));
    m_strategy->setObjectName(QStringLiteral("strategy"));
    for (FetchStrategy strategy : { FetchStrategy::Bounded, FetchStrategy::Sequential,
             FetchStrategy::Unbounded, FetchStrategy::Adaptive })
        m_strategy->addItem(fetchStrategyName(strategy), fetchStrategyName(strategy));
    m_style->setObjectName(QStringLiteral("style"));
    for (PaginationStyle style : { PaginationStyle::Offset, PaginationStyle::Page, PaginationStyle::NextLink,
             PaginationStyle::Cursor })
        m_style->addItem(paginationStyleName(style), paginationStyleName(style));
    m_style->setToolTip(
        tr("offset: ?from=N; page: ?page=N; next: a link in the page or the Link header; cursor: "
           "a cursor from the page. Their parameters are under More options."));
    m_moreToggle->setObjectName(QStringLiteral("moreOptions"));
    m_moreToggle->setCheckable(true);
    m_moreToggle->setAutoRaise(true);
    m_moreToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_more->setObjectName(QStringLiteral("moreOptionsFields"));
    m_fetch->setObjectName(QStringLiteral("fetch"));

    m_scroll->setWidget(makeForm());
    alignLabelColumns();
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);

    connect(m_fetch, &QPushButton::clicked, this, &RetrievalPanel::requestFetch);
    connect(m_url, &QLineEdit::textChanged, this, &RetrievalPanel::updateDemoFields);
    connect(m_url, &QLineEdit::textChanged, this, &RetrievalPanel::updateUrlNote);
    connect(m_style, &QComboBox::currentIndexChanged, this, &RetrievalPanel::updateStyleFields);
    connect(m_style, &QComboBox::activated, this, [this] {
        if (style() == PaginationStyle::Cursor)
            m_moreToggle->setChecked(true); // it needs its cursor's parameter and pointer
    });
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &RetrievalPanel::updateConcurrencyDefault);
    connect(m_concurrency, &QSpinBox::valueChanged, this,
        [this] { m_concurrencySet = m_concurrencySet || !m_settingDefaultConcurrency; });
    connect(m_moreToggle, &QToolButton::toggled, this, &RetrievalPanel::updateMoreToggle);
    connect(m_more, &RetrievalMoreOptions::edited, this, &RetrievalPanel::updateMoreToggle);
    recall();
    updateDemoFields();
    updateStyleFields();
    updateUrlNote();
    updateMoreToggle();
}

RetrievalPanel::~RetrievalPanel()
{
    remember(); // edits made since the last fetch are not lost on quitting
}

QWidget *RetrievalPanel::makeForm()
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("URL"), m_url);
    form->addRow(QString(), m_urlNote);
    form->addRow(tr("Demo items"), m_demoItems);
    form->addRow(tr("Demo latency"), m_demoLatency);
    form->addRow(tr("Output"), m_output);
    form->addRow(tr("Page size"), m_pageSize);
    form->addRow(tr("Strategy"), m_strategy);
    form->addRow(tr("Concurrency"), m_concurrency);
    m_concurrencyLabel = qobject_cast<QLabel *>(form->labelForField(m_concurrency));
    form->addRow(tr("Pagination"), m_style);
    form->addRow(tr("Items path"), m_itemsPath);
    form->addRow(tr("Rate"), m_rate);

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->addLayout(form);
    layout->addWidget(m_moreToggle);
    layout->addWidget(m_more);
    layout->addWidget(m_fetch);
    layout->addWidget(m_run);
    layout->addStretch();
    return content;
}

void RetrievalPanel::alignLabelColumns()
{
    // The basic form and More options are two forms: one label width makes them read as one.
    const QList<QFormLayout *> forms = m_scroll->widget()->findChildren<QFormLayout *>();
    QList<QWidget *> labels;
    int width = 0;
    for (const QFormLayout *form : forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole); item && item->widget()) {
                labels.append(item->widget());
                width = std::max(width, item->widget()->sizeHint().width());
            }
        }
    }
    for (QWidget *label : labels)
        label->setMinimumWidth(width);
}

FetchStrategy RetrievalPanel::strategy() const
{
    return fetchStrategyFromName(m_strategy->currentData().toString()).value_or(FetchStrategy::Bounded);
}

PaginationStyle RetrievalPanel::style() const
{
    return paginationStyleFromName(m_style->currentData().toString()).value_or(PaginationStyle::Offset);
}

void RetrievalPanel::updateStyleFields()
{
    m_more->showStyle(style());
}

void RetrievalPanel::updateDemoFields()
{
    const bool demo = m_url->text().trimmed().isEmpty();
    m_demoItems->setEnabled(demo);
    m_demoLatency->setEnabled(demo);
}

void RetrievalPanel::updateUrlNote()
{
    const bool secret = RetrievalText::savableUrl(m_url->text()) != m_url->text().trimmed();
    m_urlNote->setText(secret ? tr("This address holds a password or key: it is used, but remembered and "
                                   "shown as %1.")
                                    .arg(QLatin1StringView(RedactedValue))
                              : QString());
    m_urlNote->setVisible(secret);
}

void RetrievalPanel::updateConcurrencyDefault()
{
    const bool adaptive = strategy() == FetchStrategy::Adaptive;
    if (m_concurrencyLabel)
        m_concurrencyLabel->setText(adaptive ? tr("Most in flight") : tr("Concurrency"));
    if (m_concurrencySet)
        return;
    // As `loopscope fetch`: adaptive tries up to its own ceiling unless a concurrency was given.
    m_settingDefaultConcurrency = true;
    m_concurrency->setValue(adaptive ? FetchOptions::AdaptiveCeiling : defaultConcurrency());
    m_settingDefaultConcurrency = false;
}

void RetrievalPanel::updateMoreToggle()
{
    const bool shown = m_moreToggle->isChecked();
    m_more->setVisible(shown);
    m_moreToggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    const int changed = m_more->changedCount();
    m_moreToggle->setText(
        shown || changed == 0 ? tr("More options") : tr("More options (%n set)", nullptr, changed));
}

void RetrievalPanel::remember() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("retrieval"));
    SavedFields::save(settings, m_url, RetrievalText::savableUrl(m_url->text()));
    for (const QLineEdit *edit : { m_output, m_itemsPath, m_rate })
        SavedFields::save(settings, edit, edit->text());
    for (const QSpinBox *box : { m_demoItems, m_demoLatency, m_pageSize })
        SavedFields::save(settings, box);
    // Saved only once chosen: otherwise it follows the strategy, as the CLI's default does.
    if (m_concurrencySet)
        SavedFields::save(settings, m_concurrency);
    else
        settings.remove(m_concurrency->objectName());
    SavedFields::saveChoice(settings, m_strategy);
    SavedFields::saveChoice(settings, m_style);
    settings.setValue(QStringLiteral("moreOptionsShown"), m_moreToggle->isChecked());
    m_more->save(settings);
}

void RetrievalPanel::recall()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("retrieval"));
    for (QLineEdit *edit : { m_url, m_output, m_itemsPath, m_rate })
        SavedFields::restore(settings, edit);
    for (QSpinBox *box : { m_demoItems, m_demoLatency, m_pageSize })
        SavedFields::restore(settings, box);
    // Earlier versions saved the enums' numbers.
    SavedFields::restoreChoice(settings, m_strategy, [](int number) -> std::optional<QString> {
        if (number < int(FetchStrategy::Sequential) || number > int(FetchStrategy::Adaptive))
            return std::nullopt;
        return fetchStrategyName(FetchStrategy(number));
    });
    SavedFields::restoreChoice(settings, m_style, [](int number) -> std::optional<QString> {
        if (number < int(PaginationStyle::Offset) || number > int(PaginationStyle::Cursor))
            return std::nullopt;
        return paginationStyleName(PaginationStyle(number));
    });
    SavedFields::restore(settings, m_concurrency); // after the strategy, whose default it overrides
    m_moreToggle->setChecked(settings.value(QStringLiteral("moreOptionsShown")).toString() == u"true");
    m_more->restore(settings);
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
    settings.outputPath = m_output->text().trimmed();
    FetchOptions &fetch = settings.fetch;
    fetch.pageSize = m_pageSize->value();
    fetch.strategy = strategy();
    fetch.style = style();
    fetch.format.items = RetrievalMoreOptions::readPointer(m_itemsPath, tr("Items path"), why);
    if (const QString text = m_rate->text().trimmed(); !text.isEmpty()) {
        const double rate = parseRate(text);
        settings.http.maxRequestsPerSecond = std::max(0.0, rate);
        if (rate <= 0 && why.isEmpty())
            why = tr("Rate: write requests per second or minute, as 10/s or 600/min, got \"%1\"").arg(text);
    }
    m_more->apply(settings, why);
    if (fetch.strategy == FetchStrategy::Adaptive) {
        fetch.makeAdaptive(m_concurrency->value()); // the most it may try; it starts lower
    } else {
        fetch.concurrency = m_concurrency->value();
        fetch.maxConcurrency = std::max(fetch.maxConcurrency, fetch.concurrency);
    }
    if (problem)
        *problem = why;
    return settings;
}

QString RetrievalPanel::problem() const
{
    QString why;
    const RetrievalSettings settings = this->settings(&why);
    if (why.isEmpty() && holdsRedactedValues(settings.url))
        why = tr("URL: type the password or key again in place of %1 (secrets are not remembered)")
                  .arg(QLatin1StringView(RedactedValue));
    if (why.isEmpty())
        why = settings.validate();
    if (why.isEmpty())
        why = settings.http.validate();
    if (why.isEmpty())
        why = outputProblem(settings.outputPath);
    return RetrievalText::withoutSecrets(why, settings);
}

QString RetrievalPanel::title() const
{
    const RetrievalSettings s = settings();
    return tr("HTTP retrieval from %1 (%2, concurrency %3)")
        .arg(s.url.isEmpty() ? tr("the demo API") : redactedUrl(s.url).toString(),
            fetchStrategyName(s.fetch.strategy))
        .arg(s.fetch.concurrency);
}

RunSession::RunFactory RetrievalPanel::runFactory()
{
    const RetrievalSettings settings = this->settings();
    QPointer<RetrievalPanel> panel(this);
    return [settings, panel]() -> std::unique_ptr<Run> {
        if (panel)
            panel->m_run->showStarting(settings);
        auto run = std::make_unique<SchedulerRun>(SchedulerOptions { ClockMode::Real });
        try {
            Retrieval wired = wireRetrieval(*run, settings);
            wired.connector.progressChanged = [panel](const FetchProgress &progress) {
                if (panel)
                    panel->showProgress(progress);
            };
            if (panel)
                panel->m_run->showStarted(wired.task, wired.outputPath);
        } catch (const std::exception &error) {
            // The session reports it too, in the status bar; this panel must not stay busy.
            if (panel)
                panel->showStartFailure(QString::fromUtf8(error.what()));
            throw;
        }
        return run;
    };
}

void RetrievalPanel::showStartFailure(const QString &message)
{
    m_run->showStartFailure(message);
    m_scroll->ensureWidgetVisible(m_run->outcomeLabel());
}

void RetrievalPanel::requestFetch()
{
    remember();
    const QString why = problem();
    if (!why.isEmpty()) {
        m_run->showStatus(why);
        m_scroll->ensureWidgetVisible(m_run->statusLabel());
        return;
    }
    emit fetchRequested();
}

QString RetrievalPanel::progressText() const
{
    return m_run->progressText();
}

QString RetrievalPanel::outcomeText() const
{
    return m_run->outcomeText();
}

const CounterChart &RetrievalPanel::limitChart() const
{
    return m_run->limitChart();
}

QString RetrievalPanel::outputPath() const
{
    return m_run->outputPath();
}

void RetrievalPanel::showProgress(const FetchProgress &progress)
{
    m_run->showProgress(progress);
}

void RetrievalPanel::showFinished(const Trace &trace)
{
    m_run->showFinished(trace);
}

void RetrievalPanel::showIdle()
{
    m_run->showIdle();
}

void RetrievalPanel::followTrace(const Trace *trace)
{
    m_run->followTrace(trace);
}

} // namespace Loopscope
