#pragma once

#include "scheduler/detail/waitnode.h"

#include <vector>

namespace Loopscope::detail {

//! A pending timer: when it is due, its arming order (ties fire first-armed first) and its node.
struct TimerEntry
{
    std::int64_t deadline;
    std::uint64_t order;
    WaitNode *node;

    static bool before(const TimerEntry &a, const TimerEntry &b)
    {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.order < b.order;
    }
};

/*!
 * Binary min-heap of timer WaitNodes ordered by (deadline, order): equal deadlines fire in the
 * order they were armed. Each node knows its index, so a cancelled or timed-out wait is removed
 * in O(log n) without leaving a dead entry behind. Deadlines live in the heap, not in the nodes,
 * to keep coroutine frames small.
 */
class TimerHeap
{
public:
    bool isEmpty() const { return m_entries.empty(); }
    std::size_t size() const { return m_entries.size(); }
    const TimerEntry &topEntry() const { return m_entries.front(); }

    void push(WaitNode &node, std::int64_t deadline, std::uint64_t order)
    {
        m_entries.push_back(TimerEntry { deadline, order, &node });
        siftUp(static_cast<std::uint32_t>(m_entries.size() - 1));
    }

    void remove(WaitNode &node)
    {
        const std::uint32_t index = node.timerSlot;
        const auto last = static_cast<std::uint32_t>(m_entries.size() - 1);
        if (index != last) {
            place(index, m_entries[last]);
            m_entries.pop_back();
            siftDown(index);
            siftUp(index);
        } else {
            m_entries.pop_back();
        }
    }

    void clear() { m_entries.clear(); }

private:
    using Entry = TimerEntry;
    static bool before(const Entry &a, const Entry &b) { return TimerEntry::before(a, b); }
    void place(std::uint32_t index, const Entry &entry)
    {
        m_entries[index] = entry;
        entry.node->timerSlot = index;
    }
    void siftUp(std::uint32_t index)
    {
        const Entry entry = m_entries[index];
        while (index > 0) {
            const std::uint32_t parent = (index - 1) / 2;
            if (!before(entry, m_entries[parent]))
                break;
            place(index, m_entries[parent]);
            index = parent;
        }
        place(index, entry);
    }
    void siftDown(std::uint32_t index)
    {
        const auto count = static_cast<std::uint32_t>(m_entries.size());
        if (index >= count)
            return;
        const Entry entry = m_entries[index];
        for (;;) {
            std::uint32_t child = 2 * index + 1;
            if (child >= count)
                break;
            if (child + 1 < count && before(m_entries[child + 1], m_entries[child]))
                ++child;
            if (!before(m_entries[child], entry))
                break;
            place(index, m_entries[child]);
            index = child;
        }
        place(index, entry);
    }

    std::vector<Entry> m_entries;
};

} // namespace Loopscope::detail
