#pragma once

#include "waitnode.h"

#include <memory>

namespace Loopscope::detail {

//! FIFO ring of ready WaitNodes: the scheduler's run queue. Grows by doubling, never shrinks.
class ReadyQueue
{
public:
    bool isEmpty() const { return m_head == m_tail; }
    std::size_t size() const { return m_tail - m_head; }

    void push(WaitNode *node)
    {
        if (m_tail - m_head == m_capacity) [[unlikely]]
            grow();
        m_slots[m_tail++ & (m_capacity - 1)] = node;
    }
    WaitNode *pop() { return m_slots[m_head++ & (m_capacity - 1)]; }
    //! The node `ahead` places behind the front, or nullptr (for prefetching).
    WaitNode *peek(std::size_t ahead) const
    {
        return ahead < size() ? m_slots[(m_head + ahead) & (m_capacity - 1)] : nullptr;
    }
    void clear() { m_head = m_tail = 0; }

private:
    void grow()
    {
        const std::size_t capacity = m_capacity ? m_capacity * 2 : 1024;
        auto buffer = std::make_unique<WaitNode *[]>(capacity);
        for (std::size_t i = m_head; i != m_tail; ++i)
            buffer[i - m_head] = m_slots[i & (m_capacity - 1)];
        m_tail -= m_head;
        m_head = 0;
        m_slots = std::move(buffer);
        m_capacity = capacity;
    }

    std::unique_ptr<WaitNode *[]> m_slots;
    std::size_t m_capacity = 0;
    std::size_t m_head = 0;
    std::size_t m_tail = 0;
};

} // namespace Loopscope::detail
