#pragma once

#include "trace/traceevent.h"

#include <QWidget>

class QLineEdit;
class QTableView;

namespace Loopscope {

class EventListModel;
class TraceFeed;

/*!
 * The event list with its find field: every event of the trace as a row (EventListModel, lazily
 * formatted), and Ctrl+F search over tasks, kinds and labels (EventSearch). Enter finds the next
 * match after the current row, Shift+Enter the previous one; a match is reported with found(), the
 * main window makes it the shared selection.
 */
class EventsPane : public QWidget
{
    Q_OBJECT
public:
    explicit EventsPane(TraceFeed *feed, QWidget *parent = nullptr);

    EventListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QLineEdit *findField() const { return m_find; }
    //! Puts the cursor in the find field with its text selected.
    void focusFind();

public slots:
    //! Looks for the find field's text after (or before) the current row, wrapping around.
    void findNext(bool forward = true);

signals:
    void found(Loopscope::SeqNo seq);
    void notFound(const QString &text);

private:
    TraceFeed *m_feed;
    EventListModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_find = nullptr;
};

} // namespace Loopscope
