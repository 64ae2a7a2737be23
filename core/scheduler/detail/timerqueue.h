#pragma once

#include "scheduler/detail/timerheap.h"

#include <memory>

namespace Loopscope::detail {

/*!
 * Timers armed with non-decreasing deadlines, in arming order: a FIFO ring. Most programs arm
 * timers this way (the same timeout or latency again and again), and for them arming and firing
 * cost O(1) instead of a heap's O(log n). A removed timer leaves a hole that the front skips.
 *
 * Each node keeps its position as a 32-bit sequence number; the ring's capacity is a power of two,
 * so positions stay valid across wrap-around and growth.
 */
class SortedTimerRun
{
public:
    bool isEmpty() const { return m_live == 0; }
    std::size_t size() const { return m_live; }
    //! Whether a timer with this deadline can join the run without breaking its order.
    bool accepts(std::int64_t deadline) const { return isEmpty() || deadline >= m_lastDeadline; }
    const TimerEntry &front() const { return m_slots[m_head & mask()]; }

    void push(WaitNode &node, std::int64_t deadline, std::uint64_t order)
    {
        if (m_tail - m_head == m_capacity)
            grow();
        node.timerSlot = m_tail;
        node.inTimerRun = true;
        m_slots[m_tail++ & mask()] = TimerEntry { deadline, order, &node };
        m_lastDeadline = deadline;
        ++m_live;
    }

    void remove(WaitNode &node)
    {
        m_slots[node.timerSlot & mask()].node = nullptr;
        node.inTimerRun = false;
        --m_live;
        while (m_head != m_tail && m_slots[m_head & mask()].node == nullptr)
            ++m_head;
    }

    void clear()
    {
        m_head = m_tail = 0;
        m_live = 0;
    }

private:
    std::uint32_t mask() const { return m_capacity - 1; }
    void grow()
    {
        const std::uint32_t capacity = m_capacity ? m_capacity * 2 : 256;
        auto larger = std::make_unique<TimerEntry[]>(capacity);
        for (std::uint32_t seq = m_head; seq != m_tail; ++seq)
            larger[seq & (capacity - 1)] = m_slots[seq & mask()];
        m_slots = std::move(larger);
        m_capacity = capacity;
    }

    std::unique_ptr<TimerEntry[]> m_slots;
    std::uint32_t m_capacity = 0;
    std::uint32_t m_head = 0; //!< sequence number of the front (never a hole unless empty)
    std::uint32_t m_tail = 0;
    std::size_t m_live = 0;
    std::int64_t m_lastDeadline = 0;
};

/*!
 * The scheduler's pending timers, earliest (deadline, arming order) first: a sorted run for the
 * usual in-order arming and a heap for the rest.
 */
class TimerQueue
{
public:
    bool isEmpty() const { return m_run.isEmpty() && m_heap.isEmpty(); }
    std::size_t size() const { return m_run.size() + m_heap.size(); }
    WaitNode *top() const { return first().node; }
    std::int64_t topDeadline() const { return first().deadline; }

    void push(WaitNode &node, std::int64_t deadline, std::uint64_t order)
    {
        if (m_run.accepts(deadline))
            m_run.push(node, deadline, order);
        else
            m_heap.push(node, deadline, order);
    }
    void remove(WaitNode &node)
    {
        if (node.inTimerRun)
            m_run.remove(node);
        else
            m_heap.remove(node);
    }
    void clear()
    {
        m_run.clear();
        m_heap.clear();
    }

private:
    const TimerEntry &first() const
    {
        if (m_heap.isEmpty())
            return m_run.front();
        if (m_run.isEmpty() || TimerEntry::before(m_heap.topEntry(), m_run.front()))
            return m_heap.topEntry();
        return m_run.front();
    }

    SortedTimerRun m_run;
    TimerHeap m_heap;
};

} // namespace Loopscope::detail
