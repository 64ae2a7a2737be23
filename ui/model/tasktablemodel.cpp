#include "model/tasktablemodel.h"

#include "model/tracefeed.h"

#include <QColor>

namespace Loopscope {

TaskTableModel::TaskTableModel(TraceFeed *feed, QObject *parent)
    : QAbstractTableModel(parent)
    , m_feed(feed)
{
    connect(feed, &TraceFeed::traceReset, this, &TaskTableModel::resetRows);
    connect(feed, &TraceFeed::updated, this, &TaskTableModel::update);
    m_rows = static_cast<int>(feed->digest().taskCount());
}

int TaskTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void TaskTableModel::resetRows()
{
    beginResetModel();
    m_rows = 0;
    m_lastEndNs = 0;
    endResetModel();
}

void TaskTableModel::update(qsizetype firstRow)
{
    const Trace *trace = m_feed->trace();
    const TraceDigest &digest = m_feed->digest();
    const int before = m_rows;
    const int after = static_cast<int>(digest.taskCount());
    if (after > before) {
        beginInsertRows({}, before, after - 1);
        m_rows = after;
        endInsertRows();
    }
    if (!trace || before == 0 || firstRow >= trace->size())
        return;
    // The rows that changed: tasks with new events, and, when the clock moved, every unfinished
    // task (the time in its current state grew) — only those. Saying that all rows changed would
    // have a sorting proxy look at every task, every frame, and a retrieval has thousands that are
    // done. Rows a few apart go in one announcement.
    const SeqNo firstNew = trace->at(firstRow).seq;
    const bool clockMoved = digest.endTimeNs() != m_lastEndNs;
    m_lastEndNs = digest.endTimeNs();
    constexpr int Gap = 16;
    int first = -1, last = -1;
    const auto announce = [&] {
        if (first >= 0)
            emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
    };
    for (int row = 0; row < before; ++row) {
        const TaskSummary &task = digest.task(static_cast<TaskId>(row + 1));
        if (task.lastSeq < firstNew && !(clockMoved && !isFinished(task.state)))
            continue;
        if (first >= 0 && row - last > Gap) {
            announce();
            first = -1;
        }
        if (first < 0)
            first = row;
        last = row;
    }
    announce();
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_feed
        || !m_feed->trace())
        return {};
    const Trace &trace = *m_feed->trace();
    const TraceDigest &digest = m_feed->digest();
    const TaskSummary &task = digest.task(static_cast<TaskId>(index.row() + 1));
    const int column = index.column();
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
        case IdColumn:
            return task.id;
        case NameColumn:
            return trace.taskName(task.id);
        case StateColumn:
            return taskRunStateName(task.state);
        case ResumesColumn:
            return task.resumes;
        case BusyColumn:
            return formatDuration(digest.busyNs(task));
        case ReadyColumn:
            return formatDuration(digest.readyNs(task));
        case WaitingColumn:
            return formatDuration(digest.waitingNs(task));
        case AwaitingColumn:
            return digest.awaitingText(trace, task);
        case ResultColumn:
            return isFinished(task.state) ? trace.labels().text(task.outcome) : QString();
        default:
            return {};
        }
    }
    switch (role) {
    case SortRole:
        switch (column) {
        case IdColumn:
            return task.id;
        case StateColumn:
            return int(task.state);
        case ResumesColumn:
            return task.resumes;
        case BusyColumn:
            return QVariant::fromValue<qint64>(digest.busyNs(task));
        case ReadyColumn:
            return QVariant::fromValue<qint64>(digest.readyNs(task));
        case WaitingColumn:
            return QVariant::fromValue<qint64>(digest.waitingNs(task));
        default:
            return data(index, Qt::DisplayRole);
        }
    case TaskIdRole:
        return task.id;
    case StateRole:
        return int(task.state);
    case Qt::TextAlignmentRole:
        if (column == IdColumn || column == ResumesColumn || column == BusyColumn || column == ReadyColumn
            || column == WaitingColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (task.state == TaskRunState::Failed && (column == StateColumn || column == ResultColumn))
            return QColor(0xc6, 0x28, 0x28);
        return {};
    default:
        return {};
    }
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ResumesColumn:
            return tr("How often the loop resumed the task after it awaited");
        case BusyColumn:
            return tr("Time the task held the thread");
        case ReadyColumn:
            return tr(
                "Time the task was ready to run but the loop ran something else: its scheduling latency");
        case WaitingColumn:
            return tr("Time the task spent awaiting I/O, timers, other tasks or events");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("ID");
    case NameColumn:
        return tr("Name");
    case StateColumn:
        return tr("State");
    case ResumesColumn:
        return tr("Resumes");
    case BusyColumn:
        return tr("Busy");
    case ReadyColumn:
        return tr("Ready");
    case WaitingColumn:
        return tr("Waiting");
    case AwaitingColumn:
        return tr("Awaiting");
    case ResultColumn:
        return tr("Result / error");
    default:
        return {};
    }
}

} // namespace Loopscope
