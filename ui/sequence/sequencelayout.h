#pragma once

#include "trace/traceevent.h"

#include <functional>
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <utility>
#include <vector>

namespace Loopscope {

class TraceDigest;

/*!
 * The geometry of the sequence diagram, free of widgets and painting so that it can be tested
 * without a GUI and shared by the view, the renderer and exports.
 *
 * Coordinates are diagram coordinates: x = 0 is the left edge of the time gutter, y = 0 the top of
 * the lifeline headers. Rows are trace indices (one event per row) below the header; lanes are
 * lifelines, left to right: the event loop (one per thread lane when several loops ran), one per task (tasks
 * beyond maxTaskLanes() share a group lane), then the I/O side: one shared "I/O" lane (timers included) or,
 * in PerOperation mode, one lane per I/O operation (beyond maxIoLanes() grouped) plus a "timers" lane.
 *
 * Lanes only ever get added (update() from a TraceDigest), so a lane index is stable except that
 * I/O lanes move right when a new task lane appears. Tasks can be filtered (the others share the
 * group lane), pinned (their lanes come first, right of the loops) and a group expanded (its members
 * get lanes first). Lanes are as wide as laneWidth() except folded ones, which are FoldedLaneWidth
 * wide: a view folds the lanes that take no part in the rows it shows.
 */
class SequenceLayout
{
public:
    enum class IoLaneMode { Shared, PerOperation };
    enum class LaneKind { Loop, Task, TaskGroup, Io, IoGroup, Timers };
    //! How much a row can show at the current zoom.
    enum class Detail {
        Full,    //!< arrows with labels, notes
        Compact, //!< arrows without labels
        Density, //!< rows thinner than a few pixels: density bands per lane
    };

    struct Lane
    {
        LaneKind kind = LaneKind::Loop;
        std::uint32_t id = 0;      //!< task id (Task), I/O id (Io), first member (groups)
        std::uint32_t members = 1; //!< tasks or I/O operations in the lane
        std::uint32_t last = 0;    //!< groups: the last member
    };
    struct Hit
    {
        qsizetype row = -1; //!< -1 outside the rows (header, footer, beyond the last event)
        int lane = -1;      //!< lane whose column holds the point, or -1
    };

    static constexpr double GutterWidth = 88;
    static constexpr double HeaderHeight = 64;
    static constexpr double FooterHeight = 56;
    //! Lanes are all as wide; views fit them between these bounds (see setLaneWidth()).
    static constexpr double DefaultLaneWidth = 160;
    static constexpr double MinLaneWidth = 112;
    //! Narrowed by hand, lanes go down to a density view: columns too narrow for labels.
    static constexpr double NarrowestLaneWidth = 24;
    //! Below this width a lane shows no arrow labels or notes, whatever the zoom.
    static constexpr double LabelledLaneWidth = 80;
    static constexpr double MaxLaneWidth = 320;
    //! A folded lane: a lifeline and a tab, no labels; views narrow them further to fit the window.
    static constexpr double FoldedLaneWidth = 22;
    static constexpr double NarrowestFoldedLaneWidth = 6;
    //! How many lanes an expanded group may add to maxTaskLanes().
    static constexpr int MaxExpandedLanes = 1024;
    //! Room right of the last lane, in lanes.
    static constexpr double RightMarginLanes = 0.25;
    static constexpr double BaseRowHeight = 32;
    static constexpr double ActivationHalfWidth = 6;
    static constexpr double MinZoom = 1.0 / 8192;
    static constexpr double MaxZoom = 3.0;

    SequenceLayout();

    void setIoLaneMode(IoLaneMode mode);
    IoLaneMode ioLaneMode() const { return m_ioMode; }
    //! Lanes for tasks (group lane included) and I/O operations; at least 2.
    void setMaxTaskLanes(int lanes);
    int maxTaskLanes() const { return m_maxTaskLanes; }
    void setMaxIoLanes(int lanes);
    int maxIoLanes() const { return m_maxIoLanes; }
    //! Which tasks get a lane of their own (the others share the group lane); all when empty.
    void setTaskFilter(std::function<bool(TaskId)> shown);
    bool hasTaskFilter() const { return bool(m_shown); }
    //! Tasks whose lanes come first, right of the loops, in this order (whatever the filter says).
    void setPinnedTasks(std::vector<TaskId> pinned);
    const std::vector<TaskId> &pinnedTasks() const { return m_pinned; }
    //! Tasks [first, last] get lanes of their own (up to MaxExpandedLanes beyond the lane budget):
    //! a group lane opened in place. first > last expands nothing.
    void setExpandedTasks(TaskId first, TaskId last);
    std::pair<TaskId, TaskId> expandedTasks() const { return m_expanded; }
    bool hasExpandedTasks() const { return m_expanded.first <= m_expanded.second; }
    //! Folds the lanes whose flag is set (index = lane); lanes past the end stay open. Returns whether
    //! anything changed. Lanes are unfolded whenever they are rebuilt.
    bool setFoldedLanes(std::vector<bool> folded);
    //! Width of folded lanes, clamped to [NarrowestFoldedLaneWidth, FoldedLaneWidth]; returns
    //! whether it changed.
    bool setFoldedLaneWidth(double width);
    double foldedLaneWidth() const { return m_foldedWidth; }
    bool isFolded(int lane) const
    {
        return lane >= 0 && static_cast<std::size_t>(lane) < m_folded.size() && m_folded[lane];
    }
    int foldedLaneCount() const;
    //! Width of every lane, clamped to [NarrowestLaneWidth, MaxLaneWidth].
    void setLaneWidth(double width);
    double laneWidth() const { return m_laneWidth; }
    //! The lane width that shows every lane in `visibleWidth` (gutter included) without going past
    //! `preferred` (what the lane titles need) or below MinLaneWidth.
    double fittingLaneWidth(double visibleWidth, double preferred) const;
    //! Draw the lifeline headers again below the last row (exports do; the live view does not).
    void setFooter(bool footer) { m_footer = footer; }
    bool hasFooter() const { return m_footer; }

    //! Forgets all rows and lanes.
    void reset();
    //! Adds lanes for tasks and I/O the digest knows of and sets the row count.
    void update(const TraceDigest &digest, qsizetype rowCount);

    // ---- rows ----
    qsizetype rowCount() const { return m_rows; }
    //! Vertical zoom, clamped to [MinZoom, MaxZoom]; 1 is the readable default.
    void setZoom(double zoom);
    double zoom() const { return m_zoom; }
    double rowHeight() const { return BaseRowHeight * m_zoom; }
    Detail detail() const;
    double rowTop(qsizetype row) const { return HeaderHeight + static_cast<double>(row) * rowHeight(); }
    double rowCenter(qsizetype row) const { return rowTop(row) + rowHeight() / 2; }
    //! y of the arrow in `row` (slightly below the centre, leaving room for its label).
    double arrowY(qsizetype row) const;
    //! Row at `y`, or -1 above the first or below the last row.
    qsizetype rowAt(double y) const;
    //! Rows intersecting [top, bottom), clamped to the existing rows; first > last when none.
    std::pair<qsizetype, qsizetype> rowsBetween(double top, double bottom) const;
    double bodyBottom() const { return rowTop(m_rows); }
    //! Width and height of the whole diagram, header and footer included.
    QSizeF contentSize() const;

    // ---- lanes ----
    int laneCount() const { return static_cast<int>(m_lanes.size()); }
    const Lane &lane(int index) const { return m_lanes[static_cast<std::size_t>(index)]; }
    //! The first event loop's lane; loops on other threads follow it.
    static constexpr int LoopLane = 0;
    int loopCount() const { return m_loopCount; }
    //! Lane of the event loop of thread lane `thread` (the first loop's for an unknown lane).
    int loopLane(std::uint8_t thread) const { return thread < m_loopCount ? thread : LoopLane; }
    //! Lane of task `id`, or -1 if the task is not known yet.
    int laneOfTask(TaskId id) const;
    //! Lane of I/O operation `id` (the shared lane in Shared mode), or -1.
    int laneOfIo(std::uint32_t id) const;
    //! Lane of timers, or -1 if no timer and (Shared mode) no I/O was seen.
    int timerLane() const;
    //! The lane the loop "waits on" (the shared I/O lane or the last I/O-side lane), or -1.
    int waitLane() const;
    //! Left edge and width of lane `lane`'s column.
    double laneLeft(int lane) const;
    double laneWidthAt(int lane) const { return isFolded(lane) ? m_foldedWidth : m_laneWidth; }
    double laneCenter(int lane) const { return laneLeft(lane) + laneWidthAt(lane) / 2; }
    //! Lane whose column contains `x`, or -1.
    int laneAt(double x) const;
    //! Lanes whose columns intersect [left, right); first > last when none.
    std::pair<int, int> lanesBetween(double left, double right) const;

    // ---- shapes ----
    //! Arrow from lane `from` to lane `to` in `row`, ending at the activation bars' edges.
    QLineF arrowLine(qsizetype row, int from, int to) const;
    //! Activation bar of `lane` from the arrow of `firstRow` to the arrow of `lastRow`.
    QRectF activationRect(qsizetype firstRow, qsizetype lastRow, int lane, int depth) const;
    //! An arrow cut to the stretch [left, right] a view shows, and which of its ends were cut.
    struct ClippedArrow
    {
        QLineF line;
        bool startCut = false;
        bool endCut = false;
        bool isVisible() const { return line.length() > 0; }
    };
    //! `arrow` (horizontal) cut to [left, right]; a cut end is marked with where it goes.
    static ClippedArrow clipArrow(const QLineF &arrow, double left, double right);
    //! Header box of `lane` with its top at `top`.
    QRectF headerRect(int lane, double top = 0) const;
    Hit hitTest(QPointF point) const;

private:
    void rebuildLanes();
    void placeTaskLanes();
    void placeIoLanes();
    void measureLanes();

    IoLaneMode m_ioMode = IoLaneMode::Shared;
    int m_maxTaskLanes = 64;
    int m_maxIoLanes = 32;
    bool m_footer = false;
    double m_zoom = 1.0;
    double m_laneWidth = DefaultLaneWidth;
    double m_foldedWidth = FoldedLaneWidth;
    qsizetype m_rows = 0;
    std::vector<Lane> m_lanes;
    // Inputs, kept so that a mode change can rebuild the lanes.
    TaskId m_taskCount = 0;
    int m_loopCount = 1;
    std::vector<std::uint32_t> m_ioIds; // in submission order
    bool m_hasTimers = false;
    // Lookup: lane of task id (index = id), of I/O id (index = id).
    std::vector<int> m_taskLane;
    std::function<bool(TaskId)> m_shown;
    std::vector<TaskId> m_pinned;
    std::pair<TaskId, TaskId> m_expanded { 1, 0 };
    std::vector<bool> m_folded;
    std::vector<double> m_laneEdges; // left edge of each lane, then the right edge of the last
    std::vector<int> m_ioLane;
    int m_firstIoLane = -1;
    int m_timerLane = -1;
};

} // namespace Loopscope
