#include "model/eventlistmodel.h"

#include "model/tracefeed.h"

#include <limits>
#include <QColor>

namespace Loopscope {

namespace {

// QAbstractItemModel counts rows in int: a longer trace shows its first 2^31 - 1 events.
int clampRows(qsizetype rows)
{
    return static_cast<int>(std::min<qsizetype>(rows, std::numeric_limits<int>::max()));
}

} // namespace

EventListModel::EventListModel(TraceFeed *feed, QObject *parent)
    : QAbstractTableModel(parent)
    , m_feed(feed)
{
    connect(feed, &TraceFeed::traceReset, this, &EventListModel::resetRows);
    connect(feed, &TraceFeed::updated, this, &EventListModel::appendRows);
    m_rows = clampRows(feed->rowCount());
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void EventListModel::resetRows()
{
    beginResetModel();
    m_rows = 0;
    endResetModel();
}

void EventListModel::appendRows(qsizetype, qsizetype count)
{
    const int rows = clampRows(count);
    if (rows <= m_rows)
        return;
    if (m_rows == 0) {
        // The first rows of a trace, maybe millions of an opened file: a reset lets the views size
        // them all at once, where an insertion would go through them one by one.
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    beginInsertRows({}, m_rows, rows - 1);
    m_rows = rows;
    endInsertRows();
}

int EventListModel::rowOfSeq(quint64 seq) const
{
    if (!m_feed || !m_feed->trace())
        return -1;
    const qsizetype index = m_feed->trace()->indexOfSeq(seq);
    return index >= 0 && index < m_rows ? static_cast<int>(index) : -1;
}

QString EventListModel::kindText(const TraceEvent &event)
{
    return QString(eventKindName(event.kind)).replace(u'_', u' ');
}

QString EventListModel::descriptionText(const Trace &trace, const TraceEvent &event)
{
    QString text = trace.describe(event);
    const QString prefix = QStringLiteral("#%1 t=%2 ").arg(event.seq).arg(formatDuration(event.timeNs));
    if (text.startsWith(prefix))
        text.remove(0, prefix.size());
    return text;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_feed
        || !m_feed->trace())
        return {};
    const Trace &trace = *m_feed->trace();
    const TraceEvent &e = trace.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeqColumn:
            return QVariant::fromValue<quint64>(e.seq);
        case TimeColumn:
            return formatDuration(e.timeNs);
        case TaskColumn:
            return trace.taskName(e.task);
        case KindColumn:
            return kindText(e);
        case DescriptionColumn:
            return descriptionText(trace, e);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return trace.describe(e);
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn || index.column() == TimeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        if (e.kind == EventKind::TaskFailed || e.kind == EventKind::IoFailed)
            return QColor(0xc6, 0x28, 0x28);
        if (e.kind == EventKind::SlowStep)
            return QColor(0xb2, 0x6a, 0x00);
        return {};
    case SeqRole:
        return QVariant::fromValue<quint64>(e.seq);
    case TaskRole:
        return QVariant::fromValue<uint>(e.task);
    case TimeRole:
        return QVariant::fromValue<qint64>(e.timeNs);
    case LineRole:
        return int(e.line);
    default:
        return {};
    }
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SeqColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case TaskColumn:
        return tr("Task");
    case KindColumn:
        return tr("Event");
    case DescriptionColumn:
        return tr("What happened");
    default:
        return {};
    }
}

} // namespace Loopscope
