#pragma once

#include "run/runsession.h"

#include "net/retrieval.h"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace Loopscope {

class CounterChart;
class Trace;

/*!
 * The HTTP retrieval panel: where to fetch from (by default the built-in demo API, started in
 * this process), page size, concurrency, strategy and output, a Fetch button and live progress.
 * It only describes the retrieval: runFactory() makes the runs that the window's session plays,
 * so the retrieval is drawn, stepped and exported like any scenario.
 */
class RetrievalPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RetrievalPanel(QWidget *parent = nullptr);

    //! The settings as the form says; `problem` receives why a field cannot be read (a pointer, a
    //! rate, an unset environment variable), or stays empty.
    RetrievalSettings settings(QString *problem = nullptr) const;
    //! Why the current settings are unusable, or an empty string.
    QString problem() const;
    //! Starts a fresh retrieval with the settings as they are when called; reports progress here.
    RunSession::RunFactory runFactory();
    QString title() const;
    QString progressText() const;
    //! How the last retrieval ended, in words (empty while one runs or after another run took over).
    QString outcomeText() const;
    //! The adaptive limit over the current or last retrieval.
    const CounterChart &limitChart() const { return *m_limitChart; }
    //! Where the items of the current or last retrieval land.
    QString outputPath() const { return m_landing; }

signals:
    //! The user asked to fetch (the settings are valid).
    void fetchRequested();

public slots:
    void showProgress(const Loopscope::FetchProgress &progress);
    //! The retrieval's run ended: its outcome (from its trace) replaces the busy bar.
    void showFinished(const Loopscope::Trace &trace);
    //! Another run took the window's place: nothing here is in progress any more.
    void showIdle();
    //! Charts the adaptive limit of the trace the window shows (of a retrieval run here, or opened).
    void followTrace(const Loopscope::Trace *trace);

private:
    void remember() const;
    void recall();
    void updateStyleFields();
    void requestFetch();
    void updateDemoFields();

    QLineEdit *m_url;
    QSpinBox *m_demoItems;
    QSpinBox *m_demoLatency;
    QSpinBox *m_pageSize;
    QSpinBox *m_concurrency;
    QComboBox *m_strategy;
    QComboBox *m_style;
    QLineEdit *m_itemsPath;
    QLineEdit *m_cursorPath;
    QLineEdit *m_cursorParam;
    QLineEdit *m_headerEnv;
    QLineEdit *m_rate;
    QLineEdit *m_caFile;
    QLineEdit *m_output;
    QPushButton *m_fetch;
    QProgressBar *m_bar;
    QLabel *m_status;
    QLabel *m_outcome;
    QLabel *m_where;
    CounterChart *m_limitChart;
    QString m_landing;
    QElapsedTimer m_sinceRedraw;
};

} // namespace Loopscope
