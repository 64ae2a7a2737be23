#pragma once

#include <QAbstractTableModel>
#include <QPointer>

namespace Loopscope {

class TraceFeed;

/*!
 * One row per task, tokio-console style: id, name, state, resumes, busy and waiting time, what it
 * awaits now, and its result or error. Row r is task id r + 1. Rows are inserted and updated from
 * the TraceFeed's digest as events arrive (never recomputed from the whole trace). SortRole gives
 * raw values (numbers, nanoseconds) so that a QSortFilterProxyModel sorts columns numerically.
 */
class TaskTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns {
        IdColumn,
        NameColumn,
        StateColumn,
        ResumesColumn,
        BusyColumn,
        ReadyColumn,
        WaitingColumn,
        AwaitingColumn,
        ResultColumn,
        ColumnCount
    };
    enum Roles {
        SortRole = Qt::UserRole, //!< raw value of the cell for sorting
        TaskIdRole,              //!< the task id (uint)
        StateRole,               //!< TaskRunState as int
    };

    explicit TaskTableModel(TraceFeed *feed, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void resetRows();
    void update(qsizetype firstRow);

    QPointer<TraceFeed> m_feed;
    int m_rows = 0;
    std::int64_t m_lastEndNs = 0;
};

} // namespace Loopscope
