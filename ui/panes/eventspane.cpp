#include "panes/eventspane.h"

#include "model/eventlistmodel.h"
#include "model/eventsearch.h"
#include "model/tracefeed.h"
#include "panes/datatableview.h"

#include <QApplication>
#include <QLineEdit>
#include <QVBoxLayout>

namespace Loopscope {

EventsPane::EventsPane(TraceFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_feed(feed)
    , m_model(new EventListModel(feed, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_find = new QLineEdit(this);
    m_find->setPlaceholderText(tr("Find events: task, kind, label or #seq (Ctrl+F, Enter for next)"));
    m_find->setClearButtonEnabled(true);
    auto *table = new DataTableView(this);
    table->setModel(m_model);
    table->setColumnWidthsInDigits({ { EventListModel::SeqColumn, 7 }, { EventListModel::TimeColumn, 8 },
        { EventListModel::TaskColumn, 8 }, { EventListModel::KindColumn, 12 } });
    table->fitToText({ EventListModel::TimeColumn, EventListModel::TaskColumn }, 28);
    m_table = table;
    layout->addWidget(m_find);
    layout->addWidget(m_table);
    connect(m_find, &QLineEdit::returnPressed, this,
        [this] { findNext(!(QApplication::keyboardModifiers() & Qt::ShiftModifier)); });
}

void EventsPane::focusFind()
{
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

void EventsPane::findNext(bool forward)
{
    const Trace *trace = m_feed->trace();
    const QString text = m_find->text();
    if (!trace || text.trimmed().isEmpty())
        return;
    const qsizetype found = EventSearch::find(*trace, text, m_table->currentIndex().row(), forward);
    if (found < 0 || found >= m_feed->rowCount()) {
        emit notFound(text);
        return;
    }
    emit this->found(trace->at(found).seq);
}

} // namespace Loopscope
