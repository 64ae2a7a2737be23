#pragma once

#include <QAbstractTableModel>
#include <QPointer>

namespace Loopscope {

class TraceFeed;
struct TraceEvent;

/*!
 * The trace as a flat table, one row per event (row = index in the trace). Rows are announced in
 * batches as the TraceFeed delivers them; cells are formatted only when a view asks for them, so a
 * million events cost nothing until they are scrolled into view.
 */
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { SeqColumn, TimeColumn, TaskColumn, KindColumn, DescriptionColumn, ColumnCount };
    enum Roles {
        SeqRole = Qt::UserRole, //!< the event's sequence number (quint64)
        TaskRole,               //!< the task id (uint)
        TimeRole,               //!< scheduler time in ns (qint64)
        LineRole,               //!< source line (int, 0 if unknown)
    };

    explicit EventListModel(TraceFeed *feed, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    //! Row of the event with sequence number `seq`, or -1.
    int rowOfSeq(quint64 seq) const;

    //! "task resumed" for people.
    static QString kindText(const TraceEvent &event);
    //! What happened, without the "#seq t=…" prefix of Trace::describe().
    static QString descriptionText(const class Trace &trace, const TraceEvent &event);

private:
    void resetRows();
    void appendRows(qsizetype first, qsizetype count);

    QPointer<TraceFeed> m_feed;
    int m_rows = 0;
};

} // namespace Loopscope
