#pragma once

#include "trace/traceevent.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace Loopscope {

class TraceFeed;

/*!
 * The Await tree pane: who awaits whom after the selected event (core/analysis/awaittree.h), each
 * task under the task that awaits it, with what it is doing and the line where it waits. It
 * follows the selection (each step selects its newest event), rebuilt a moment after it settles
 * and only while the pane is visible.
 */
class AwaitTreePane : public QWidget
{
    Q_OBJECT
public:
    explicit AwaitTreePane(TraceFeed *feed, QWidget *parent = nullptr);

    //! Shows the tree after event `seq` (soon, or at once with `now`).
    void showAt(SeqNo seq, bool now = false);
    QTreeWidget *tree() const { return m_tree; }

private:
    void rebuild();

    QPointer<TraceFeed> m_feed;
    QTreeWidget *m_tree = nullptr;
    QLabel *m_caption = nullptr;
    QTimer m_rebuild;
    SeqNo m_seq = 0;
};

} // namespace Loopscope
