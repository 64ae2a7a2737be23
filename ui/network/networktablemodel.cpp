#include "network/networktablemodel.h"

#include <QColor>

namespace Loopscope {

NetworkTableModel::NetworkTableModel(const NetworkLog &log, QObject *parent)
    : QAbstractTableModel(parent)
    , m_log(log)
{ }

int NetworkTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int NetworkTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void NetworkTableModel::refresh()
{
    const int rows = static_cast<int>(m_log.requests().size());
    if (rows < m_rows) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
        return;
    }
    // Only the requests that changed are said to have (a whole table of them would be sorted again).
    const std::vector<qsizetype> &changed = m_log.changedRequests();
    for (std::size_t i = 0; i < changed.size();) {
        std::size_t j = i;
        while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1)
            ++j;
        const int first = static_cast<int>(changed[i]);
        const int last = std::min(static_cast<int>(changed[j]), m_rows - 1);
        if (first < m_rows)
            emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
        i = j + 1;
    }
    if (rows > m_rows) {
        beginInsertRows({}, m_rows, rows - 1);
        m_rows = rows;
        endInsertRows();
    }
}

QVariant NetworkTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows)
        return {};
    const NetworkRequest &request = m_log.requests()[std::size_t(index.row())];
    if (role == RequestRole)
        return index.row();
    const std::int64_t duration = request.durationNs(m_log.nowNs());
    if (role == SortRole) {
        switch (index.column()) {
        case NumberColumn:
        case WaterfallColumn:
            return qlonglong(request.beganNs);
        case StatusColumn:
            return request.status;
        case AttemptsColumn:
            return int(request.attempts.size());
        case SizeColumn:
            return qlonglong(request.bytes);
        case TimeColumn:
            return qlonglong(duration);
        case ConnectionColumn:
            return request.connections.empty() ? 0 : request.connections.front();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == UrlColumn)
        return request.url;
    if (role == Qt::ToolTipRole && index.column() == WaterfallColumn)
        return m_log.describe(std::size_t(index.row()));
    if (role == Qt::ForegroundRole && index.column() == StatusColumn && request.failed)
        return QColor(0xc6, 0x28, 0x28);
    if (role == Qt::TextAlignmentRole && index.column() != UrlColumn && index.column() != MethodColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NumberColumn:
        return request.number;
    case MethodColumn:
        return request.method;
    case UrlColumn:
        return request.path();
    case StatusColumn:
        return request.statusText();
    case AttemptsColumn:
        return int(request.attempts.size());
    case SizeColumn:
        return request.endNs >= 0 ? formatBytes(request.bytes) : QString();
    case TimeColumn:
        return formatDuration(duration);
    case ConnectionColumn: {
        QStringList numbers;
        for (const int connection : request.connections)
            numbers << QStringLiteral("#%1").arg(connection);
        return numbers.join(u' ');
    }
    default:
        return {};
    }
}

QVariant NetworkTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[ColumnCount]
        = { "#", "Method", "URL", "Status", "Tries", "Size", "Time", "Connection", "Waterfall" };
    return tr(names[section]);
}

NetworkFilterModel::NetworkFilterModel(const NetworkLog &log, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_log(log)
{
    setSortRole(NetworkTableModel::SortRole);
    setDynamicSortFilter(true);
}

void NetworkFilterModel::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

void NetworkFilterModel::setFailedOnly(bool on)
{
    m_failedOnly = on;
    invalidateRowsFilter();
}

void NetworkFilterModel::setRetriedOnly(bool on)
{
    m_retriedOnly = on;
    invalidateRowsFilter();
}

bool NetworkFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (sourceRow < 0 || std::size_t(sourceRow) >= m_log.requests().size())
        return false;
    const NetworkRequest &request = m_log.requests()[std::size_t(sourceRow)];
    if (m_failedOnly && !request.failed)
        return false;
    if (m_retriedOnly && !request.isRetried())
        return false;
    if (m_text.isEmpty())
        return true;
    return request.url.contains(m_text, Qt::CaseInsensitive)
        || request.method.contains(m_text, Qt::CaseInsensitive) || request.statusText().startsWith(m_text);
}

} // namespace Loopscope
