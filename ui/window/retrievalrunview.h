#pragma once

#include "net/retrieval.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QProgressBar;

namespace Loopscope {

class CounterChart;
class Trace;

/*!
 * How a retrieval run goes and how it went, under the retrieval panel's form: a busy or progress
 * bar, the progress line, the adaptive limit chart, the outcome and where the items land. The
 * panel drives it through a run's stages (starting, started, progress, finished or failed to
 * start, idle when another run takes over). Nothing it shows holds a secret of the run's settings.
 */
class RetrievalRunView : public QWidget
{
    Q_OBJECT
public:
    explicit RetrievalRunView(QWidget *parent = nullptr);

    //! The progress line, or why the settings were refused.
    QString progressText() const { return m_statusText; }
    //! How the last retrieval ended, in words (empty while one runs or after another run took over).
    QString outcomeText() const;
    //! The adaptive limit over the current or last retrieval.
    const CounterChart &limitChart() const { return *m_limitChart; }
    //! Where the items of the current or last retrieval land.
    QString outputPath() const { return m_landing; }
    //! The labels a scrolling parent brings into view when they say something new.
    QWidget *statusLabel() const;
    QWidget *outcomeLabel() const;

    //! Replaces the progress line, as with why the settings were refused.
    void showStatus(const QString &text);
    //! A run with `settings` is about to start: busy, with nothing of an earlier run left.
    void showStarting(const RetrievalSettings &settings);
    void showStarted(const TaskHandle<FetchSummary> &task, const QString &outputPath);
    void showStartFailure(const QString &message);
    void showProgress(const FetchProgress &progress);
    //! The run ended: its outcome (the connector's summary, else its trace) and its final progress
    //! replace the busy bar.
    void showFinished(const Trace &trace);
    //! Another run took the window's place: nothing here is in progress any more.
    void showIdle();
    //! Charts the adaptive limit of `trace` (of a retrieval run here, or opened).
    void followTrace(const Trace *trace);

private:
    void showProgressLine(const FetchProgress &progress);

    QProgressBar *m_bar;
    QLabel *m_status;
    QLabel *m_outcome;
    QLabel *m_where;
    CounterChart *m_limitChart;
    QString m_statusText;
    QString m_landing;
    QElapsedTimer m_sinceRedraw;
    //! The retrieval on show: its task (read once it is done), settings and latest progress.
    TaskHandle<FetchSummary> m_task;
    RetrievalSettings m_runSettings;
    std::optional<FetchProgress> m_lastProgress;
};

} // namespace Loopscope
