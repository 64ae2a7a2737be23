#include "window/retrievalrunview.h"

#include "net/adaptivelimiter.h"
#include "panes/counterchart.h"
#include "window/formfields.h"
#include "window/retrievaltext.h"

#include <QDir>
#include <QLabel>
#include <QProgressBar>
#include <QUrl>
#include <QVBoxLayout>

#include <climits>

namespace Loopscope {

using FormFields::textLabel;

RetrievalRunView::RetrievalRunView(QWidget *parent)
    : QWidget(parent)
    , m_bar(new QProgressBar)
    , m_status(textLabel("status"))
    , m_outcome(textLabel("outcome"))
    , m_where(textLabel("where", Qt::TextBrowserInteraction))
    , m_limitChart(new CounterChart(AdaptiveLimiter::CounterName))
{
    m_limitChart->setObjectName(QStringLiteral("limitChart"));
    m_limitChart->setVisible(false); // until a trace with an adaptive limit is shown
    // Its own height, whatever it charts: the panel scrolls instead of the window growing.
    m_limitChart->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    connect(m_limitChart, &CounterChart::pointsChanged, this,
        [this] { m_limitChart->setVisible(!m_limitChart->points().empty()); });
    m_bar->setTextVisible(true);
    m_where->setOpenExternalLinks(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar);
    layout->addWidget(m_status);
    layout->addWidget(m_limitChart);
    layout->addWidget(m_outcome);
    layout->addWidget(m_where);
}

QString RetrievalRunView::outcomeText() const
{
    return m_outcome->text();
}

QWidget *RetrievalRunView::statusLabel() const
{
    return m_status;
}

QWidget *RetrievalRunView::outcomeLabel() const
{
    return m_outcome;
}

void RetrievalRunView::showStatus(const QString &text)
{
    m_statusText = text;
    m_status->setText(text);
}

void RetrievalRunView::showProgressLine(const FetchProgress &progress)
{
    m_statusText = progress.describe();
    m_status->setText(RetrievalText::breakableBetweenParts(m_statusText));
}

void RetrievalRunView::showStarting(const RetrievalSettings &settings)
{
    m_runSettings = settings;
    m_task = {};
    m_lastProgress.reset();
    m_sinceRedraw.invalidate();
    m_bar->setRange(0, 0);
    showStatus(tr("starting…"));
    m_outcome->clear();
    m_where->clear();
}

void RetrievalRunView::showStarted(const TaskHandle<FetchSummary> &task, const QString &outputPath)
{
    m_task = task;
    m_landing = outputPath;
    m_where->setText(tr("Items land in <a href=\"%1\">%2</a>")
                         .arg(QUrl::fromLocalFile(outputPath).toString(),
                             QDir::toNativeSeparators(outputPath).toHtmlEscaped()));
}

void RetrievalRunView::showStartFailure(const QString &message)
{
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    showStatus(QString());
    m_outcome->setText(tr("Could not start: %1").arg(RetrievalText::withoutSecrets(message, m_runSettings)));
}

void RetrievalRunView::showFinished(const Trace &trace)
{
    QString result;
    std::optional<FetchProgress> final = m_lastProgress;
    if (m_task.isDone()) {
        try {
            const FetchSummary summary = m_task.result();
            result = RetrievalText::outcome(summary);
            final = summary.progress;
        } catch (const std::exception &error) {
            result = tr("Failed: %1.").arg(QString::fromUtf8(error.what()));
        }
    } else {
        result = RetrievalText::outcome(trace);
    }
    // The last progress drawn may be one skipped by the redraw limit, or one before the end.
    if (final)
        showProgressLine(*final);
    m_bar->setRange(0, 1);
    m_bar->setValue(1);
    m_outcome->setText(RetrievalText::withoutSecrets(result, m_runSettings));
}

void RetrievalRunView::followTrace(const Trace *trace)
{
    m_limitChart->follow(trace);
}

void RetrievalRunView::showIdle()
{
    m_task = {};
    m_lastProgress.reset();
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    showStatus(QString());
    m_outcome->clear();
}

void RetrievalRunView::showProgress(const FetchProgress &p)
{
    m_lastProgress = p;
    const bool done = p.pagesTotal >= 0 && p.pagesLanded + p.pagesFailed >= p.pagesTotal && p.inFlight == 0;
    // A page can land every few microseconds: redraw at most 20 times a second, and at the end.
    if (!done && m_sinceRedraw.isValid() && m_sinceRedraw.elapsed() < 50)
        return;
    m_sinceRedraw.start();
    if (p.pagesTotal >= 0) {
        m_bar->setRange(0, int(std::min<qint64>(p.pagesTotal, INT_MAX)));
        m_bar->setValue(int(std::min<qint64>(p.pagesLanded + p.pagesFailed, INT_MAX)));
    }
    showProgressLine(p);
}

} // namespace Loopscope
