#include "analysis/intervalindex.h"

#include <algorithm>

namespace Loopscope {

qsizetype IntervalIndex::open(SeqNo start)
{
    m_starts.push_back(start);
    m_ends.push_back(OpenEnd);
    m_maxEndSoFar.push_back(OpenEnd);
    return size() - 1;
}

void IntervalIndex::close(qsizetype index, SeqNo end)
{
    m_ends[static_cast<std::size_t>(index)] = end;
    // Only the prefix maximum from `index` on can change, and once one entry keeps its value the
    // rest keep theirs too (same recurrence from there). With an older interval still open that
    // happens at once, so closing costs O(1) in the common case.
    SeqNo maxEnd = index > 0 ? m_maxEndSoFar[static_cast<std::size_t>(index - 1)] : 0;
    for (auto i = static_cast<std::size_t>(index); i < m_ends.size(); ++i) {
        maxEnd = std::max(maxEnd, m_ends[i]);
        if (m_maxEndSoFar[i] == maxEnd)
            break;
        m_maxEndSoFar[i] = maxEnd;
    }
}

void IntervalIndex::reserveMore(qsizetype count)
{
    const std::size_t wanted = m_starts.size() + static_cast<std::size_t>(std::max<qsizetype>(0, count));
    if (wanted <= m_starts.capacity())
        return;
    const std::size_t capacity = std::max(wanted, 2 * m_starts.capacity()); // batch after batch: linear
    m_starts.reserve(capacity);
    m_ends.reserve(capacity);
    m_maxEndSoFar.reserve(capacity);
}

void IntervalIndex::clear()
{
    m_starts.clear();
    m_ends.clear();
    m_maxEndSoFar.clear();
}

std::vector<qsizetype> IntervalIndex::between(SeqNo first, SeqNo last) const
{
    std::vector<qsizetype> out;
    const auto from
        = std::lower_bound(m_maxEndSoFar.begin(), m_maxEndSoFar.end(), first) - m_maxEndSoFar.begin();
    for (auto i = static_cast<std::size_t>(from); i < m_starts.size() && m_starts[i] <= last; ++i) {
        if (m_ends[i] >= first)
            out.push_back(static_cast<qsizetype>(i));
    }
    return out;
}

} // namespace Loopscope
