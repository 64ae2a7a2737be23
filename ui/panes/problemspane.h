#pragma once

#include "analysis/lints.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace Loopscope {

class TraceFeed;

/*!
 * The Problems pane: what the lints (core/analysis/lints.h) find in the trace on show, one row per
 * finding (kind, task, time, message), kept up to date while a run grows (at most a few times a
 * second: a million events lint in milliseconds). Activating a row reports its event, which the
 * window then selects in every view.
 */
class ProblemsPane : public QWidget
{
    Q_OBJECT
public:
    explicit ProblemsPane(TraceFeed *feed, QWidget *parent = nullptr);

    const std::vector<Finding> &findings() const { return m_findings; }
    QTableWidget *table() const { return m_table; }
    //! Lints what the trace gained since the last time, now (normally done shortly after it changes).
    void refresh();

signals:
    void findingPicked(Loopscope::SeqNo seq);
    void countChanged(int findings);

private:
    QPointer<TraceFeed> m_feed;
    QTableWidget *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QTimer m_refresh;
    std::unique_ptr<LintSession> m_session; //!< reads only what the run appended since the last time
    const Trace *m_lintedTrace = nullptr;
    std::vector<Finding> m_findings;
};

} // namespace Loopscope
