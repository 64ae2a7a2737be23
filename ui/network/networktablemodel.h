#pragma once

#include "network/networklog.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace Loopscope {

/*!
 * The Network view's rows: one per HTTP request of a NetworkLog, in start order, with its status,
 * attempts, size, duration and connections; the Waterfall column is drawn by NetworkRenderer.
 * refresh() follows the log as the trace grows.
 */
class NetworkTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NumberColumn,
        MethodColumn,
        UrlColumn,
        StatusColumn,
        AttemptsColumn,
        SizeColumn,
        TimeColumn,
        ConnectionColumn,
        WaterfallColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1, RequestRole };

    NetworkTableModel(const NetworkLog &log, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    //! The log changed: rows are added, the others told their values may have changed.
    void refresh();

private:
    const NetworkLog &m_log;
    int m_rows = 0;
};

//! Which requests show: those whose URL, method or status contains the text; failed or retried only.
class NetworkFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    NetworkFilterModel(const NetworkLog &log, QObject *parent = nullptr);

    void setText(const QString &text);
    void setFailedOnly(bool on);
    void setRetriedOnly(bool on);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    const NetworkLog &m_log;
    QString m_text;
    bool m_failedOnly = false;
    bool m_retriedOnly = false;
};

} // namespace Loopscope
