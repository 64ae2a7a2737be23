#pragma once

#include "trace/trace.h"

namespace Loopscope {

/*!
 * Which rows of a stretch of the diagram start a new moment, for the time gutter's stamps and the
 * rules between rows: where the clock has moved, since the previous moment, by at least a small
 * fraction of the stretch's own time span. On a virtual clock every jump shows; on a real clock
 * the nanoseconds that pass between any two events are grouped instead of stamping every arrow.
 * Rows are visited in increasing order.
 */
class TimeMarks
{
public:
    //! A moment lasts at least this part of the time the visible rows span.
    static constexpr double SpanFraction = 0.01;

    TimeMarks(const Trace &trace, qsizetype firstRow, qsizetype lastRow);

    //! Whether `row` starts a new moment (the first row of the stretch always does).
    bool startsMoment(qsizetype row);
    //! Time from the previous moment to the one `row` started (0 for the first).
    std::int64_t gap() const { return m_gap; }
    //! The shortest move of the clock that starts a moment.
    std::int64_t minimumGap() const { return m_minimumGap; }

private:
    const Trace &m_trace;
    qsizetype m_firstRow;
    std::int64_t m_minimumGap = 1;
    std::int64_t m_moment = 0;
    std::int64_t m_gap = 0;
};

} // namespace Loopscope
