#pragma once

#include "network/networklog.h"
#include "network/networkrenderer.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace Loopscope {

class NetworkFilterModel;
class NetworkTableModel;
class TraceFeed;

//! The in-flight chart and one lane per connection, on the same time axis as the waterfall.
class ConnectionsView : public QWidget
{
    Q_OBJECT
public:
    ConnectionsView(const NetworkRenderer &renderer, QWidget *parent = nullptr);
    //! Where the waterfall's axis lies across this widget.
    void setAxis(const NetworkAxis &axis);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const NetworkRenderer &m_renderer;
    NetworkAxis m_axis;
};

/*!
 * The Network view: one row per HTTP request in start order with its status, tries, size, time,
 * connection and a waterfall of its attempts' phases; filters for text, failed and retried
 * requests; the connections and the in-flight count below. Picking a request picks the event that
 * submitted its last attempt (and so its task) in the other views; showEvent() does the reverse.
 */
class NetworkPane : public QWidget
{
    Q_OBJECT
public:
    explicit NetworkPane(TraceFeed *feed, QWidget *parent = nullptr);
    ~NetworkPane() override;

    const NetworkLog &log() const { return m_log; }
    QTableView *table() const { return m_table; }
    ConnectionsView *connections() const { return m_connections; }
    void setFilterText(const QString &text);
    void setFailedOnly(bool on);
    void setRetriedOnly(bool on);
    //! Makes the request `event` is about the current row, without emitting eventPicked(): an I/O
    //! event's request, or the one its task had in flight then.
    void showTraceEvent(const TraceEvent &event);
    //! The request at proxy row `row` (-1 if none), for tests.
    qsizetype requestAtRow(int row) const;

signals:
    //! The user picked a request: the event that submitted its last attempt.
    void eventPicked(Loopscope::SeqNo seq);

protected:
    //! Hidden (behind another tab), the pane does not follow the trace; shown, it catches up.
    void showEvent(QShowEvent *event) override;

private:
    void refresh();
    void syncAxis();
    void pickRow(int row);
    QString summary() const;

    TraceFeed *m_feed;
    NetworkLog m_log;
    NetworkRenderer m_renderer;
    NetworkTableModel *m_model = nullptr;
    NetworkFilterModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    ConnectionsView *m_connections = nullptr;
    QLineEdit *m_filter = nullptr;
    QCheckBox *m_failedOnly = nullptr;
    QCheckBox *m_retriedOnly = nullptr;
    QLabel *m_summary = nullptr;
    bool m_showing = false;
};

} // namespace Loopscope
