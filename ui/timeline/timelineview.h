#pragma once

#include "analysis/tracedigest.h"
#include "network/networklog.h"
#include "timeline/timelinelayout.h"
#include "timeline/timelinerenderer.h"

#include <memory>
#include <QAbstractScrollArea>
#include <QPointer>

namespace Loopscope {

class TraceFeed;

/*!
 * The live timeline: one swimlane per task, coloured by state, on a time axis. Ctrl+wheel (or
 * zoomIn/zoomOut) zooms around the pointer, Shift+wheel, dragging and the horizontal scroll bar pan,
 * the wheel scrolls lanes. While it shows the whole run (fitted, the default) it keeps fitting as the
 * run grows. Clicking a lane selects the event that put the task in the state under the pointer.
 */
class TimelineView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TimelineView(TraceFeed *feed, QWidget *parent = nullptr);
    ~TimelineView() override;

    const TimelineLayout &layout() const { return m_layout; }
    void zoomIn();
    void zoomOut();
    //! Shows the whole run again (and keeps following it).
    void fit();
    //! Marks an event's time and task (shared selection).
    //! Marks the event `seq` of `task` at `timeNs` (its seq places it when no time passed).
    void setSelection(std::int64_t timeNs, TaskId task, SeqNo seq);
    void clearSelection();
    //! Warning signs where problems were found: (event, task) pairs.
    void setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks);
    bool hasSelection() const { return m_hasSelection; }
    TaskId selectedTask() const { return m_selectedTask; }
    std::int64_t selectedTime() const { return m_selectedTime; }
    //! Event a click at viewport position `pos` selects, or -1.
    qint64 eventAt(QPoint pos) const;

signals:
    void eventClicked(Loopscope::SeqNo seq);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    //! The selection on the layout's axis: its time, or its seq when no time passed.
    std::int64_t selectionPosition() const;
    //! The state span of `task` under viewport x.
    const TaskStateSpan &spanUnder(const TaskSummary &task, double x) const;
    void rebuild();
    void onUpdated();
    void syncRange();
    void updateScrollBars();
    void applyHorizontalScroll(int value);

    QPointer<TraceFeed> m_feed;
    TimelineLayout m_layout;
    std::unique_ptr<TimelineRenderer> m_renderer;
    NetworkLog m_network; //!< the HTTP requests, drawn as lanes below the tasks
    std::int64_t m_selectedTime = 0;
    SeqNo m_selectedSeq = 0;
    TaskId m_selectedTask = NoTask;
    bool m_hasSelection = false;
    bool m_updatingScrollBars = false;
    QPoint m_pressPos;
    double m_dragLastX = 0;
    bool m_dragging = false;
};

} // namespace Loopscope
