#pragma once

#include <cstdint>
#include <QRectF>
#include <utility>

namespace Loopscope {

/*!
 * The geometry of the timeline, free of widgets: time runs left to right (mapTimeToX and
 * mapXToTime are exact inverses), one swimlane per task top to bottom below a time axis, and a
 * label column on the left. The visible window is [viewStart(), viewEnd()] at nsPerPixel(); zoom
 * and pan keep it inside the data's range (with a little room either side) and zoomAround() keeps
 * the time under the pointer in place.
 *
 * x is in viewport pixels (the label column included); y is in content pixels (lanes scroll
 * vertically below the pinned axis).
 *
 * The axis is time, or, for a run in which no time passed at all (a hand-rolled loop of callbacks,
 * a generator driven by sends), the events in their order: "time" is then the event's seq.
 */
class TimelineLayout
{
public:
    static constexpr double LabelWidth = 132;
    static constexpr double AxisHeight = 28;
    static constexpr double LaneHeight = 22;
    static constexpr double LaneGap = 4;
    //! A strip pinned below the lanes naming the state colours.
    static constexpr double LegendHeight = 24;
    //! Finest zoom: a nanosecond per 50 pixels.
    static constexpr double MinNsPerPixel = 0.02;

    enum class Axis : std::uint8_t {
        Time,   //!< positions are nanoseconds of the run's clock
        Events, //!< positions are event seqs: no time passed
    };
    void setAxis(Axis axis) { m_axis = axis; }
    Axis axis() const { return m_axis; }

    //! The data's time range (grows as events arrive).
    void setTimeRange(std::int64_t startNs, std::int64_t endNs);
    std::int64_t rangeStart() const { return m_rangeStart; }
    std::int64_t rangeEnd() const { return m_rangeEnd; }
    //! The extent one can pan over: the range plus a little room after its end.
    double scrollableSpan() const;
    //! Viewport width in pixels, label column included.
    void setWidth(double width);
    double width() const { return m_width; }
    double plotWidth() const { return std::max(1.0, m_width - LabelWidth); }

    //! Shows the whole range.
    void fit();
    bool isFitted() const { return m_fitted; }
    void setView(double startNs, double nsPerPixel);
    double viewStart() const { return m_viewStart; }
    double viewEnd() const { return m_viewStart + plotWidth() * m_nsPerPixel; }
    double nsPerPixel() const { return m_nsPerPixel; }

    double mapTimeToX(double ns) const { return LabelWidth + (ns - m_viewStart) / m_nsPerPixel; }
    double mapXToTime(double x) const { return m_viewStart + (x - LabelWidth) * m_nsPerPixel; }

    //! Zooms by `factor` (> 1 zooms in) keeping the time at `x` where it is.
    void zoomAround(double x, double factor);
    //! Moves the window by `pixels` (positive: later times).
    void pan(double pixels);

    // ---- lanes ----
    void setLaneCount(int lanes) { m_lanes = lanes; }
    int laneCount() const { return m_lanes; }
    double laneTop(int lane) const { return AxisHeight + LaneGap + lane * (LaneHeight + LaneGap); }
    //! Lane at content y, or -1.
    int laneAt(double y) const;
    //! Lanes intersecting content [top, bottom); first > last when none.
    std::pair<int, int> lanesBetween(double top, double bottom) const;
    //! Axis, lanes and legend.
    double contentHeight() const { return laneTop(m_lanes) + LaneGap + LegendHeight; }
    //! The bar of `lane` from `startNs` to `endNs`, at least `minWidth` pixels wide.
    QRectF spanRect(int lane, double startNs, double endNs, double minWidth = 0) const;

    //! A readable tick interval (1, 2 or 5 times a power of ten ns) at least `minPixels` apart.
    double tickInterval(double minPixels) const;

private:
    void clampView();
    //! The shortest range shown: a microsecond of time, or two events.
    double minimumSpan() const;

    std::int64_t m_rangeStart = 0;
    std::int64_t m_rangeEnd = 0;
    double m_width = 800;
    double m_viewStart = 0;
    double m_nsPerPixel = 1e6;
    bool m_fitted = true;
    int m_lanes = 0;
    Axis m_axis = Axis::Time;
};

} // namespace Loopscope
