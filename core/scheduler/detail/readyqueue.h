#pragma once

#include "waitnode.h"

#include <coroutine>
#include <memory>

namespace Loopscope::detail {

/*!
 * FIFO ring of ready coroutines: the scheduler's run queue. Grows by doubling, never shrinks.
 * Each entry is the node the coroutine parked on and the address of its frame, so the scheduler
 * can resume it and prefetch the frames it is about to resume without chasing pointers.
 */
class ReadyQueue
{
public:
    bool isEmpty() const { return m_head == m_tail; }
    std::size_t size() const { return m_tail - m_head; }

    struct Entry
    {
        ReadyNode *node;
        void *frame;

        std::coroutine_handle<> handle() const { return std::coroutine_handle<>::from_address(frame); }
    };

    void push(ReadyNode &node, std::coroutine_handle<> handle)
    {
        if (m_tail - m_head == m_capacity) [[unlikely]]
            grow();
        m_slots[m_tail++ & (m_capacity - 1)] = Entry{&node, handle.address()};
    }
    Entry pop() { return m_slots[m_head++ & (m_capacity - 1)]; }
    //! Asks the CPU to fetch the node and frame `ahead` places behind the front.
    // Must be inlined early: GCC otherwise finds the function free of side effects and drops the
    // call, prefetches and all.
    [[gnu::always_inline]] void prefetch(std::size_t ahead) const
    {
        if (ahead < size()) {
            const Entry &entry = m_slots[(m_head + ahead) & (m_capacity - 1)];
            __builtin_prefetch(entry.node);
            __builtin_prefetch(entry.frame);
            __builtin_prefetch(static_cast<const char *>(entry.frame) + 64);
        }
    }
    void clear() { m_head = m_tail = 0; }

private:
    void grow()
    {
        const std::size_t capacity = m_capacity ? m_capacity * 2 : 1024;
        auto buffer = std::make_unique<Entry[]>(capacity);
        for (std::size_t i = m_head; i != m_tail; ++i)
            buffer[i - m_head] = m_slots[i & (m_capacity - 1)];
        m_tail -= m_head;
        m_head = 0;
        m_slots = std::move(buffer);
        m_capacity = capacity;
    }

    std::unique_ptr<Entry[]> m_slots;
    std::size_t m_capacity = 0;
    std::size_t m_head = 0;
    std::size_t m_tail = 0;
};

} // namespace Loopscope::detail
