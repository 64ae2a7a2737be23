#pragma once

#include "trace/traceevent.h"

#include <limits>
#include <vector>

namespace Loopscope {

/*!
 * Intervals of sequence numbers [start, end] appended in start order, some still open, with a
 * fast "which intervals overlap [first, last]" query (used for activation bars and in-flight I/O).
 * Assumes what a trace guarantees: intervals open in seq order and the open ones are few and recent,
 * so the query costs O(log n + intervals overlapping or near the range).
 */
class IntervalIndex
{
public:
    static constexpr SeqNo OpenEnd = std::numeric_limits<SeqNo>::max();

    //! Appends an open interval starting at `start` (>= every earlier start); returns its index.
    qsizetype open(SeqNo start);
    //! Sets the end of interval `index` (OpenEnd reopens it).
    void close(qsizetype index, SeqNo end);
    SeqNo start(qsizetype index) const { return m_starts[static_cast<std::size_t>(index)]; }
    SeqNo end(qsizetype index) const { return m_ends[static_cast<std::size_t>(index)]; }
    qsizetype size() const { return static_cast<qsizetype>(m_starts.size()); }
    //! Makes room for `count` more intervals.
    void reserveMore(qsizetype count);
    void clear();

    //! Indices of the intervals overlapping [first, last], in start order.
    std::vector<qsizetype> between(SeqNo first, SeqNo last) const;

private:
    std::vector<SeqNo> m_starts;
    std::vector<SeqNo> m_ends;
    std::vector<SeqNo> m_maxEndSoFar; // prefix maximum of m_ends: everything before i ended by it
};

} // namespace Loopscope
