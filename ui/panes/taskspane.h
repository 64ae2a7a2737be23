#pragma once

#include "trace/traceevent.h"

#include <QWidget>

class QSortFilterProxyModel;
class QTableView;

namespace Loopscope {

class TaskTableModel;
class TraceFeed;

/*!
 * The task table (TaskTableModel behind a numeric sort proxy, sortable by any column). It reports
 * the task a person picks with taskPicked() and shows the task of the shared selection with
 * showTask(), whatever the sort order.
 */
class TasksPane : public QWidget
{
    Q_OBJECT
public:
    explicit TasksPane(TraceFeed *feed, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    //! Makes task `id` the current row (NoTask clears it) without emitting taskPicked().
    void showTask(TaskId id);

signals:
    void taskPicked(Loopscope::TaskId id);

private:
    TaskTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_table = nullptr;
    bool m_showing = false;
};

} // namespace Loopscope
