#include "timeline/timelinelayout.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

namespace {

// A range of zero length (everything at one instant, common on the virtual clock) still gets
// a visible window of this many nanoseconds.
constexpr double MinimumSpanNs = 1000;
//! Counting events instead: a couple of them at the least.
constexpr double MinimumSpanEvents = 2;
// The whole range plus this much room on the right, so that the newest states are not glued to the edge.
constexpr double Air = 1.08;

} // namespace

double TimelineLayout::minimumSpan() const
{
    return m_axis == Axis::Events ? MinimumSpanEvents : MinimumSpanNs;
}

void TimelineLayout::setTimeRange(std::int64_t startNs, std::int64_t endNs)
{
    m_rangeStart = startNs;
    m_rangeEnd = std::max(startNs, endNs);
    if (m_fitted)
        fit();
    else
        clampView();
}

double TimelineLayout::scrollableSpan() const
{
    return std::max(minimumSpan(), static_cast<double>(m_rangeEnd - m_rangeStart)) * Air;
}

void TimelineLayout::setWidth(double width)
{
    m_width = std::max(width, LabelWidth + 1);
    if (m_fitted)
        fit();
    else
        clampView();
}

void TimelineLayout::fit()
{
    const double span = std::max(minimumSpan(), static_cast<double>(m_rangeEnd - m_rangeStart));
    m_nsPerPixel = span * Air / plotWidth();
    m_viewStart = static_cast<double>(m_rangeStart);
    m_fitted = true;
}

void TimelineLayout::setView(double startNs, double nsPerPixel)
{
    m_viewStart = startNs;
    m_nsPerPixel = nsPerPixel;
    m_fitted = false;
    clampView();
}

void TimelineLayout::clampView()
{
    const double span = std::max(minimumSpan(), static_cast<double>(m_rangeEnd - m_rangeStart));
    const double maxNsPerPixel = span * Air / plotWidth();
    m_nsPerPixel = std::clamp(m_nsPerPixel, MinNsPerPixel, maxNsPerPixel);
    const double visible = plotWidth() * m_nsPerPixel;
    const double earliest = static_cast<double>(m_rangeStart);
    const double latest = std::max(earliest, static_cast<double>(m_rangeStart) + span * Air - visible);
    m_viewStart = std::clamp(m_viewStart, earliest, latest);
    if (m_nsPerPixel >= maxNsPerPixel)
        m_fitted = true;
}

void TimelineLayout::zoomAround(double x, double factor)
{
    if (factor <= 0)
        return;
    const double anchor = mapXToTime(x);
    m_nsPerPixel /= factor;
    m_viewStart = anchor - (x - LabelWidth) * m_nsPerPixel;
    m_fitted = false;
    clampView();
}

void TimelineLayout::pan(double pixels)
{
    m_viewStart += pixels * m_nsPerPixel;
    m_fitted = false;
    clampView();
}

int TimelineLayout::laneAt(double y) const
{
    const double pitch = LaneHeight + LaneGap;
    const double offset = y - AxisHeight - LaneGap;
    if (offset < 0)
        return -1;
    const int lane = static_cast<int>(std::floor(offset / pitch));
    if (lane >= m_lanes || offset - lane * pitch > LaneHeight)
        return -1;
    return lane;
}

std::pair<int, int> TimelineLayout::lanesBetween(double top, double bottom) const
{
    const double pitch = LaneHeight + LaneGap;
    const int first = std::max(0, static_cast<int>(std::floor((top - AxisHeight - LaneGap) / pitch)));
    const int last
        = std::min(m_lanes - 1, static_cast<int>(std::floor((bottom - AxisHeight - LaneGap) / pitch)));
    return { first, last };
}

QRectF TimelineLayout::spanRect(int lane, double startNs, double endNs, double minWidth) const
{
    const double left = mapTimeToX(startNs);
    const double right = std::max(mapTimeToX(endNs), left + minWidth);
    return QRectF(left, laneTop(lane), right - left, LaneHeight);
}

double TimelineLayout::tickInterval(double minPixels) const
{
    const double minNs = minPixels * m_nsPerPixel;
    double step = std::pow(10.0, std::floor(std::log10(std::max(minNs, 1e-3))));
    for (const double factor : { 1.0, 2.0, 5.0, 10.0 }) {
        if (step * factor >= minNs)
            return step * factor;
    }
    return step * 10;
}

} // namespace Loopscope
