#include "panes/taskspane.h"

#include "model/tasktablemodel.h"
#include "panes/datatableview.h"

#include <QSortFilterProxyModel>
#include <QVBoxLayout>

namespace Loopscope {

TasksPane::TasksPane(TraceFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_model(new TaskTableModel(feed, this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TaskTableModel::SortRole);
    auto *table = new DataTableView(this);
    table->setModel(m_proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(TaskTableModel::IdColumn, Qt::AscendingOrder);
    table->setColumnWidthsInDigits({ { TaskTableModel::IdColumn, 3 }, { TaskTableModel::NameColumn, 8 },
        { TaskTableModel::StateColumn, 11 }, { TaskTableModel::ResumesColumn, 7 },
        { TaskTableModel::BusyColumn, 7 }, { TaskTableModel::WaitingColumn, 7 },
        { TaskTableModel::AwaitingColumn, 11 } });
    table->fitToText({ TaskTableModel::NameColumn, TaskTableModel::BusyColumn, TaskTableModel::WaitingColumn,
                         TaskTableModel::AwaitingColumn },
        36);
    m_table = table;
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) {
            if (!m_showing && current.isValid())
                emit taskPicked(current.data(TaskTableModel::TaskIdRole).toUInt());
        });
}

void TasksPane::showTask(TaskId id)
{
    m_showing = true;
    if (id != NoTask && static_cast<int>(id) <= m_model->rowCount()) {
        const QModelIndex row = m_proxy->mapFromSource(m_model->index(static_cast<int>(id) - 1, 0));
        m_table->selectionModel()->setCurrentIndex(
            row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_table->scrollTo(row);
    } else {
        m_table->selectionModel()->clearSelection();
    }
    m_showing = false;
}

} // namespace Loopscope
