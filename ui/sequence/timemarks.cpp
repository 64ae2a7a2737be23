#include "sequence/timemarks.h"

#include <algorithm>
#include <cmath>

namespace Loopscope {

TimeMarks::TimeMarks(const Trace &trace, qsizetype firstRow, qsizetype lastRow)
    : m_trace(trace)
    , m_firstRow(firstRow)
{
    if (firstRow < 0 || lastRow < firstRow || lastRow >= trace.size())
        return;
    // The moment before the stretch counts too: a stretch that starts right after a jump shows it.
    const qsizetype before = std::max<qsizetype>(0, firstRow - 1);
    const auto span = static_cast<double>(trace.at(lastRow).timeNs - trace.at(before).timeNs);
    m_minimumGap = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(span * SpanFraction)));
    m_moment = trace.at(before).timeNs;
}

bool TimeMarks::startsMoment(qsizetype row)
{
    const std::int64_t t = m_trace.at(row).timeNs;
    if (row == m_firstRow) {
        m_gap = t - m_moment;
        m_moment = t;
        return true;
    }
    if (t - m_moment < m_minimumGap)
        return false;
    m_gap = t - m_moment;
    m_moment = t;
    return true;
}

} // namespace Loopscope
