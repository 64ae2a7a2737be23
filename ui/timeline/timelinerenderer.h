#pragma once

#include "style/viewpalette.h"
#include "timeline/timelinelayout.h"

#include <memory>
#include <QFont>
#include <utility>
#include <vector>

class QPainter;

namespace Loopscope {

class NetworkLog;
class NetworkRenderer;
class Trace;
class TraceDigest;
struct TaskStateSpan;

/*!
 * Paints the timeline onto any QPainter: one swimlane per task coloured by state over time, the
 * task names in a pinned label column, a pinned time axis, a pinned legend of the state colours
 * along the bottom, and markers for the selected event and the newest time. Cost is O(visible lanes x visible
 * pixels x log spans): states shorter than a pixel are merged into one pixel column, where the state
 * that held most of its time wins and zero-length runs are marks (notches where they crowd). The
 * axis is time, or the events in order when no time passed (TimelineLayout::Axis).
 *
 * `visibleArea` is in the layout's coordinates: x in viewport pixels, y in content pixels; the
 * caller translates the painter by -visibleArea.top() vertically.
 */
class TimelineRenderer
{
public:
    TimelineRenderer(const Trace &trace, const TraceDigest &digest, const TimelineLayout &layout);
    ~TimelineRenderer();

    void setPalette(const ViewPalette &palette);
    void setFont(const QFont &font);
    //! Marks the time of the selected event and its task's lane (task 0: no lane).
    void setSelection(std::int64_t timeNs, TaskId task);
    void clearSelection() { m_hasSelection = false; }
    //! Warning signs where problems were found: (event, task) pairs, on the task's lane (task 0: on
    //! the axis, a problem of the loop's).
    void setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks);
    //! The HTTP side of the run, drawn below the tasks on the same time axis: a lane of attempts in
    //! flight, then one lane per connection (lanes from networkLaneCount() on). Null: none.
    void setNetwork(const NetworkLog *log);
    //! How many lanes the network adds below the tasks (0 without connections, or without time).
    static int networkLaneCount(const NetworkLog *log, const TimelineLayout &layout);
    //! Lanes for `digest`'s tasks and, below them, `log`'s network.
    static int laneCount(const TraceDigest &digest, const NetworkLog *log, const TimelineLayout &layout);

    void paint(QPainter &painter, const QRectF &visibleArea) const;

private:
    //! Where a state span begins and where the run ends, on the layout's axis (time or events).
    double position(const TaskStateSpan &span) const;
    double endPosition() const;
    void paintLane(QPainter &p, int lane, double left, double right) const;
    void paintLabels(QPainter &p, const QRectF &area, int firstLane, int lastLane) const;
    void paintAxis(QPainter &p, const QRectF &area) const;
    void paintLegend(QPainter &p, const QRectF &area) const;
    //! Where event `seq` is on the axis, in viewport pixels; NaN if the trace no longer holds it.
    double markX(SeqNo seq) const;
    void paintProblemMarks(QPainter &p, const QRectF &area, int firstLane, int lastLane) const;
    void paintLoopProblemMarks(QPainter &p, const QRectF &area) const;
    void paintWarningSign(QPainter &p, double x, double bottom) const;
    void paintNetworkLane(QPainter &p, int lane, double left, double right) const;
    int taskLaneCount() const;

    const Trace &m_trace;
    const TraceDigest &m_digest;
    const TimelineLayout &m_layout;
    const NetworkLog *m_networkLog = nullptr;
    std::unique_ptr<NetworkRenderer> m_network;
    ViewPalette m_palette;
    QFont m_font;
    QFont m_smallFont;
    std::int64_t m_selectedTime = 0;
    TaskId m_selectedTask = NoTask;
    bool m_hasSelection = false;
    std::vector<std::pair<TaskId, SeqNo>> m_problemMarks; //!< sorted by task, then event
};

} // namespace Loopscope
