#include "sequence/sequencelayout.h"

#include "analysis/tracedigest.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

SequenceLayout::SequenceLayout()
{
    rebuildLanes();
}

void SequenceLayout::setIoLaneMode(IoLaneMode mode)
{
    m_ioMode = mode;
    rebuildLanes();
}

void SequenceLayout::setTaskFilter(std::function<bool(TaskId)> shown)
{
    m_shown = std::move(shown);
    rebuildLanes();
}

void SequenceLayout::setPinnedTasks(std::vector<TaskId> pinned)
{
    m_pinned = std::move(pinned);
    rebuildLanes();
}

void SequenceLayout::setExpandedTasks(TaskId first, TaskId last)
{
    m_expanded = { first, last };
    rebuildLanes();
}

bool SequenceLayout::setFoldedLanes(std::vector<bool> folded)
{
    folded.resize(m_lanes.size(), false);
    if (folded == m_folded)
        return false;
    m_folded = std::move(folded);
    measureLanes();
    return true;
}

bool SequenceLayout::setFoldedLaneWidth(double width)
{
    width = std::clamp(width, NarrowestFoldedLaneWidth, FoldedLaneWidth);
    if (width == m_foldedWidth)
        return false;
    m_foldedWidth = width;
    measureLanes();
    return true;
}

int SequenceLayout::foldedLaneCount() const
{
    return static_cast<int>(std::count(m_folded.begin(), m_folded.end(), true));
}

void SequenceLayout::measureLanes()
{
    m_folded.resize(m_lanes.size(), false);
    m_laneEdges.resize(m_lanes.size() + 1);
    double x = GutterWidth;
    for (std::size_t lane = 0; lane < m_lanes.size(); ++lane) {
        m_laneEdges[lane] = x;
        x += m_folded[lane] ? m_foldedWidth : m_laneWidth;
    }
    m_laneEdges.back() = x;
}

double SequenceLayout::laneLeft(int lane) const
{
    // Past either end (a view asking where a lane would be), lanes continue at the common width.
    if (lane < 0)
        return GutterWidth + lane * m_laneWidth;
    if (lane >= laneCount())
        return m_laneEdges.back() + (lane - laneCount()) * m_laneWidth;
    return m_laneEdges[static_cast<std::size_t>(lane)];
}

void SequenceLayout::setMaxTaskLanes(int lanes)
{
    m_maxTaskLanes = std::max(2, lanes);
    rebuildLanes();
}

void SequenceLayout::setMaxIoLanes(int lanes)
{
    m_maxIoLanes = std::max(2, lanes);
    rebuildLanes();
}

void SequenceLayout::setLaneWidth(double width)
{
    m_laneWidth = std::clamp(width, NarrowestLaneWidth, MaxLaneWidth);
    measureLanes();
}

double SequenceLayout::fittingLaneWidth(double visibleWidth, double preferred) const
{
    // Whole pixels, so that rounding never makes the lanes a pixel wider than the view.
    const double fits
        = std::floor((visibleWidth - GutterWidth) / (std::max(laneCount(), 1) + RightMarginLanes));
    return std::clamp(std::min(fits, preferred), MinLaneWidth, MaxLaneWidth);
}

void SequenceLayout::reset()
{
    m_rows = 0;
    m_taskCount = 0;
    m_loopCount = 1;
    m_ioIds.clear();
    m_hasTimers = false;
    rebuildLanes();
}

void SequenceLayout::update(const TraceDigest &digest, qsizetype rowCount)
{
    m_rows = rowCount;
    const auto &ops = digest.ioOperations();
    const bool changed = digest.taskCount() != m_taskCount || ops.size() != m_ioIds.size()
        || digest.hasTimers() != m_hasTimers || digest.loopCount() != m_loopCount;
    if (!changed)
        return;
    m_taskCount = digest.taskCount();
    m_loopCount = digest.loopCount();
    for (std::size_t i = m_ioIds.size(); i < ops.size(); ++i)
        m_ioIds.push_back(ops[i].id);
    m_hasTimers = digest.hasTimers();
    rebuildLanes();
}

void SequenceLayout::rebuildLanes()
{
    m_lanes.clear();
    for (int thread = 0; thread < m_loopCount; ++thread)
        m_lanes.push_back(Lane { LaneKind::Loop, static_cast<std::uint32_t>(thread), 1 });
    placeTaskLanes();
    placeIoLanes();
    m_folded.clear(); // lane indices moved: a view folds again from its visible rows
    measureLanes();
}

void SequenceLayout::placeTaskLanes()
{
    m_taskLane.assign(static_cast<std::size_t>(m_taskCount) + 1, -1);
    // Lanes go, as far as the budget allows, to pinned tasks, then to those of the expanded group
    // (which widens the budget by its size), then to the tasks the filter shows, in id order. Pinned
    // lanes come first, the others in id order, so that an expanded group opens where its lane was.
    // The rest shares one group lane.
    std::vector<TaskId> chosen;
    std::vector<bool> placed(static_cast<std::size_t>(m_taskCount) + 1, false);
    const auto choose = [&](TaskId id) {
        if (id >= 1 && id <= m_taskCount && !placed[id]) {
            chosen.push_back(id);
            placed[id] = true;
        }
    };
    for (const TaskId id : m_pinned)
        choose(id);
    const std::size_t pinnedCount = chosen.size();
    const std::size_t expandedLimit = pinnedCount + MaxExpandedLanes;
    for (TaskId id = m_expanded.first;
         id <= m_expanded.second && id <= m_taskCount && chosen.size() < expandedLimit; ++id)
        choose(id);
    const auto budget = static_cast<TaskId>(m_maxTaskLanes + chosen.size() - pinnedCount);
    for (TaskId id = 1; id <= m_taskCount; ++id) {
        if (!m_shown || m_shown(id))
            choose(id);
    }
    const std::size_t own
        = m_taskCount <= budget ? chosen.size() : std::min<std::size_t>(chosen.size(), budget - 1);
    chosen.resize(own);
    std::sort(chosen.begin() + static_cast<std::ptrdiff_t>(pinnedCount), chosen.end());
    std::fill(placed.begin(), placed.end(), false);
    for (const TaskId id : chosen) {
        placed[id] = true;
        m_taskLane[id] = laneCount();
        m_lanes.push_back(Lane { LaneKind::Task, id, 1 });
    }
    std::uint32_t members = 0;
    TaskId first = 0;
    TaskId last = 0;
    const int group = laneCount();
    for (TaskId id = 1; id <= m_taskCount; ++id) {
        if (placed[id])
            continue;
        first = members == 0 ? id : first;
        last = id;
        ++members;
        m_taskLane[id] = group;
    }
    if (members > 0)
        m_lanes.push_back(Lane { LaneKind::TaskGroup, first, members, last });
}

void SequenceLayout::placeIoLanes()
{
    m_firstIoLane = -1;
    m_timerLane = -1;
    std::uint32_t maxIo = 0;
    for (const std::uint32_t id : m_ioIds)
        maxIo = std::max(maxIo, id);
    m_ioLane.assign(static_cast<std::size_t>(maxIo) + 1, -1);
    if (m_ioMode == IoLaneMode::Shared) {
        if (!m_ioIds.empty() || m_hasTimers) {
            m_firstIoLane = m_timerLane = laneCount();
            m_lanes.push_back(Lane { LaneKind::Io, 0, static_cast<std::uint32_t>(m_ioIds.size()) });
            for (const std::uint32_t id : m_ioIds)
                m_ioLane[id] = m_firstIoLane;
        }
        return;
    }
    const std::size_t ownIo = m_ioIds.size() <= static_cast<std::size_t>(m_maxIoLanes)
        ? m_ioIds.size()
        : static_cast<std::size_t>(m_maxIoLanes - 1);
    for (std::size_t i = 0; i < m_ioIds.size(); ++i) {
        if (i < ownIo) {
            m_ioLane[m_ioIds[i]] = laneCount();
            m_lanes.push_back(Lane { LaneKind::Io, m_ioIds[i], 1 });
        } else {
            if (i == ownIo)
                m_lanes.push_back(Lane {
                    LaneKind::IoGroup, m_ioIds[i], static_cast<std::uint32_t>(m_ioIds.size() - ownIo) });
            m_ioLane[m_ioIds[i]] = laneCount() - 1;
        }
        if (m_firstIoLane < 0)
            m_firstIoLane = m_ioLane[m_ioIds[i]];
    }
    if (m_hasTimers) {
        m_timerLane = laneCount();
        m_lanes.push_back(Lane { LaneKind::Timers, 0, 1 });
    }
}

void SequenceLayout::setZoom(double zoom)
{
    m_zoom = std::clamp(zoom, MinZoom, MaxZoom);
}

SequenceLayout::Detail SequenceLayout::detail() const
{
    const double h = rowHeight();
    if (h >= 22 && m_laneWidth >= LabelledLaneWidth)
        return Detail::Full;
    if (h >= 5)
        return Detail::Compact;
    return Detail::Density;
}

double SequenceLayout::arrowY(qsizetype row) const
{
    // On a pixel's centre, so that one-pixel lines stay crisp.
    const double y = detail() == Detail::Full ? rowTop(row) + rowHeight() * 0.70 : rowCenter(row);
    return std::floor(y) + 0.5;
}

qsizetype SequenceLayout::rowAt(double y) const
{
    if (y < HeaderHeight)
        return -1;
    const auto row = static_cast<qsizetype>(std::floor((y - HeaderHeight) / rowHeight()));
    return row < m_rows ? row : -1;
}

std::pair<qsizetype, qsizetype> SequenceLayout::rowsBetween(double top, double bottom) const
{
    // A hair of tolerance: a bottom exactly on a row boundary must not count the row below it.
    constexpr double tolerance = 1e-7;
    const double h = rowHeight();
    const auto first
        = static_cast<qsizetype>(std::max(0.0, std::floor((top - HeaderHeight) / h + tolerance)));
    const auto last = static_cast<qsizetype>(
        std::min(static_cast<double>(m_rows) - 1, std::ceil((bottom - HeaderHeight) / h - tolerance) - 1));
    return { first, last };
}

QSizeF SequenceLayout::contentSize() const
{
    return QSizeF(
        m_laneEdges.back() + RightMarginLanes * m_laneWidth, bodyBottom() + (m_footer ? FooterHeight : 16));
}

int SequenceLayout::laneOfTask(TaskId id) const
{
    return id < m_taskLane.size() ? m_taskLane[id] : -1;
}

int SequenceLayout::laneOfIo(std::uint32_t id) const
{
    if (m_ioMode == IoLaneMode::Shared)
        return m_firstIoLane;
    return id < m_ioLane.size() ? m_ioLane[id] : -1;
}

int SequenceLayout::timerLane() const
{
    return m_timerLane;
}

int SequenceLayout::waitLane() const
{
    if (m_ioMode == IoLaneMode::Shared)
        return m_firstIoLane;
    return m_timerLane >= 0 ? m_timerLane : (m_firstIoLane >= 0 ? laneCount() - 1 : -1);
}

int SequenceLayout::laneAt(double x) const
{
    if (x < GutterWidth || x >= m_laneEdges.back())
        return -1;
    return static_cast<int>(std::upper_bound(m_laneEdges.begin(), m_laneEdges.end(), x) - m_laneEdges.begin())
        - 1;
}

std::pair<int, int> SequenceLayout::lanesBetween(double left, double right) const
{
    // A lane intersects [left, right) when its right edge is past `left` and its left edge before `right`.
    const auto rights = m_laneEdges.begin() + 1;
    const int first = static_cast<int>(std::upper_bound(rights, m_laneEdges.end(), left) - rights);
    const int last = static_cast<int>(std::lower_bound(m_laneEdges.begin(), m_laneEdges.end() - 1, right)
                         - m_laneEdges.begin())
        - 1;
    return { first, last };
}

QLineF SequenceLayout::arrowLine(qsizetype row, int from, int to) const
{
    const double y = arrowY(row);
    const double direction = to >= from ? 1.0 : -1.0;
    return QLineF(laneCenter(from) + direction * ActivationHalfWidth, y,
        laneCenter(to) - direction * ActivationHalfWidth, y);
}

QRectF SequenceLayout::activationRect(qsizetype firstRow, qsizetype lastRow, int lane, int depth) const
{
    const double x = laneCenter(lane) - ActivationHalfWidth + depth * ActivationHalfWidth * 0.7;
    const double top = arrowY(firstRow);
    const double bottom = std::max(arrowY(lastRow), top + 2);
    return QRectF(x, top, ActivationHalfWidth * 2, bottom - top);
}

SequenceLayout::ClippedArrow SequenceLayout::clipArrow(const QLineF &arrow, double left, double right)
{
    const auto clamp = [left, right](double x) { return std::clamp(x, left, right); };
    ClippedArrow clipped;
    clipped.line = QLineF(clamp(arrow.x1()), arrow.y1(), clamp(arrow.x2()), arrow.y2());
    clipped.startCut = clipped.line.x1() != arrow.x1();
    clipped.endCut = clipped.line.x2() != arrow.x2();
    return clipped;
}

QRectF SequenceLayout::headerRect(int lane, double top) const
{
    const double width = isFolded(lane) ? std::max(2.0, m_foldedWidth - 8) : m_laneWidth - 28;
    return QRectF(laneCenter(lane) - width / 2, top + 10, width, HeaderHeight - 22);
}

SequenceLayout::Hit SequenceLayout::hitTest(QPointF point) const
{
    Hit hit;
    hit.row = rowAt(point.y());
    hit.lane = laneAt(point.x());
    return hit;
}

} // namespace Loopscope
