#pragma once

#include "run/runsession.h"

#include "net/retrieval.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QToolButton;

namespace Loopscope {

class CounterChart;
class RetrievalMoreOptions;
class RetrievalRunView;
class Trace;

/*!
 * The HTTP retrieval panel: where to fetch from (by default the built-in demo API, started in
 * this process), page size, concurrency, strategy, pagination, items path, rate and output, the
 * rest of `loopscope fetch`'s options folded away under "More options", a Fetch button and live
 * progress. It only describes the retrieval: runFactory() makes the runs that the window's session
 * plays, so the retrieval is drawn, stepped and exported like any scenario.
 *
 * The fields are remembered (when fetching and when the panel goes) without any secret: a URL's
 * password and secret query values are saved as RedactedValue, credential headers not at all.
 * Nothing the panel shows (title, messages, outcome) holds a secret either.
 */
class RetrievalPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RetrievalPanel(QWidget *parent = nullptr);
    ~RetrievalPanel() override;

    //! The settings as the form says; `problem` receives why a field cannot be read (a pointer, a
    //! rate, an unset environment variable), or stays empty.
    RetrievalSettings settings(QString *problem = nullptr) const;
    //! Why the current settings are unusable (also an output folder that is missing or not
    //! writable), or an empty string. Never holds a secret.
    QString problem() const;
    //! Starts a fresh retrieval with the settings as they are when called; reports progress here,
    //! and also why it could not start.
    RunSession::RunFactory runFactory();
    //! Names the retrieval without its secrets.
    QString title() const;
    //! The progress line, or why the settings were refused.
    QString progressText() const;
    //! How the last retrieval ended, in words (empty while one runs or after another run took over).
    QString outcomeText() const;
    //! The adaptive limit over the current or last retrieval.
    const CounterChart &limitChart() const;
    //! Where the items of the current or last retrieval land.
    QString outputPath() const;
    //! Saves the fields (without secrets); also done when fetching and when the panel goes.
    void remember() const;

signals:
    //! The user asked to fetch (the settings are valid).
    void fetchRequested();

public slots:
    void showProgress(const Loopscope::FetchProgress &progress);
    //! The retrieval's run ended: its outcome (the connector's summary, else its trace) and its
    //! final progress replace the busy bar.
    void showFinished(const Loopscope::Trace &trace);
    //! Another run took the window's place: nothing here is in progress any more.
    void showIdle();
    //! Charts the adaptive limit of the trace the window shows (of a retrieval run here, or opened).
    void followTrace(const Loopscope::Trace *trace);

private:
    QWidget *makeForm();
    void alignLabelColumns();
    void recall();
    FetchStrategy strategy() const;
    PaginationStyle style() const;
    void updateStyleFields();
    void updateDemoFields();
    void updateUrlNote();
    void updateConcurrencyDefault();
    void updateMoreToggle();
    void requestFetch();
    void showStartFailure(const QString &message);

    QLineEdit *m_url;
    QLabel *m_urlNote;
    QSpinBox *m_demoItems;
    QSpinBox *m_demoLatency;
    QLineEdit *m_output;
    QSpinBox *m_pageSize;
    QSpinBox *m_concurrency;
    QComboBox *m_strategy;
    QComboBox *m_style;
    QLineEdit *m_itemsPath;
    QLineEdit *m_rate;
    QToolButton *m_moreToggle;
    RetrievalMoreOptions *m_more;
    QPushButton *m_fetch;
    RetrievalRunView *m_run;
    QScrollArea *m_scroll;
    QLabel *m_concurrencyLabel = nullptr;
    //! Whether the user chose the concurrency; if not, it follows the strategy's default.
    bool m_concurrencySet = false;
    bool m_settingDefaultConcurrency = false;
};

} // namespace Loopscope
