#pragma once

#include "scheduler/detail/waitnode.h"

#include <algorithm>
#include <coroutine>
#include <memory>
#include <utility>

namespace Loopscope::detail {

/*!
 * The scheduler's run queue, turn by turn (the asyncio model): coroutines made ready during a turn
 * run in the next one, in the order they became ready. Two arrays: the turn being run, read front
 * to back, and the next turn, appended to; beginTurn() swaps them. Both grow by doubling and never
 * shrink.
 *
 * Each entry is the node the coroutine parked on and the address of its frame, so the scheduler
 * can resume it and prefetch the frames it is about to resume without chasing pointers.
 */
class ReadyQueue
{
public:
    //! How far ahead prefetchAhead() looks: both arrays have this many spare entries at their end,
    //! so that looking ahead needs no bounds check (a prefetch of a stale or null address is
    //! harmless: it never faults).
    static constexpr std::ptrdiff_t PrefetchDistance = 32;

    struct Entry
    {
        ReadyNode *node;
        void *frame;

        std::coroutine_handle<> handle() const { return std::coroutine_handle<>::from_address(frame); }
    };

    bool isEmpty() const { return m_pos == m_end && m_nextEnd == m_next.get(); }
    std::size_t size() const
    {
        return static_cast<std::size_t>((m_end - m_pos) + (m_nextEnd - m_next.get()));
    }

    //! Queues a coroutine for the next turn.
    void push(ReadyNode &node, std::coroutine_handle<> handle)
    {
        if (!hasRoom()) [[unlikely]]
            grow();
        pushUnchecked(node, handle);
    }
    //! Whether push() would not need to grow the queue.
    bool hasRoom() const { return m_nextEnd != m_nextLimit; }
    //! push(), when hasRoom().
    void pushUnchecked(ReadyNode &node, std::coroutine_handle<> handle)
    {
        *m_nextEnd++ = Entry { &node, handle.address() };
    }
    //! Whether the current turn has coroutines left to resume.
    bool turnHasMore() const { return m_pos != m_end; }
    //! The next coroutine of the current turn; only while turnHasMore().
    Entry pop() { return *m_pos++; }
    //! Makes everything queued so far the current turn. False if nothing was.
    bool beginTurn()
    {
        if (m_nextEnd == m_next.get())
            return false;
        const std::ptrdiff_t count = m_nextEnd - m_next.get();
        std::swap(m_turn, m_next);
        std::swap(m_turnCapacity, m_nextCapacity);
        m_pos = m_turn.get();
        m_end = m_pos + count;
        // Most of a turn's coroutines queue again for the next: give it as much room at once.
        if (m_nextCapacity < m_turnCapacity) {
            m_next = allocate(m_turnCapacity);
            m_nextCapacity = m_turnCapacity;
        }
        m_nextEnd = m_next.get();
        m_nextLimit = m_nextEnd + m_nextCapacity;
        return true;
    }
    //! Asks the CPU to fetch the node and frame PrefetchDistance places further in the current
    //! turn (or whatever an entry past its end holds).
    // Must be inlined early: GCC otherwise finds the function free of side effects and drops the
    // call, prefetches and all.
    [[gnu::always_inline]] void prefetchAhead() const
    {
        const Entry &entry = m_pos[PrefetchDistance];
        __builtin_prefetch(entry.node);
        __builtin_prefetch(entry.frame);
        __builtin_prefetch(static_cast<const char *>(entry.frame) + 64);
    }
    void clear()
    {
        m_pos = m_end = m_turn.get();
        m_nextEnd = m_next.get();
    }

private:
    static std::unique_ptr<Entry[]> allocate(std::size_t capacity)
    {
        return std::make_unique<Entry[]>(capacity + PrefetchDistance);
    }
    [[gnu::noinline]] void grow()
    {
        // Allocations of a power of two entries (spare ones included): the allocator has a size
        // class for those.
        const std::size_t allocated = std::max<std::size_t>(1024, (m_nextCapacity + PrefetchDistance) * 2);
        const std::size_t capacity = allocated - PrefetchDistance;
        const std::ptrdiff_t count = m_nextEnd - m_next.get();
        auto buffer = allocate(capacity);
        std::copy(m_next.get(), m_nextEnd, buffer.get());
        m_next = std::move(buffer);
        m_nextCapacity = capacity;
        m_nextEnd = m_next.get() + count;
        m_nextLimit = m_next.get() + capacity;
    }

    std::unique_ptr<Entry[]> m_turn = allocate(0);
    std::size_t m_turnCapacity = 0;
    Entry *m_pos = m_turn.get(); //!< next of the current turn
    Entry *m_end = m_turn.get(); //!< end of the current turn
    std::unique_ptr<Entry[]> m_next = allocate(0);
    std::size_t m_nextCapacity = 0;
    Entry *m_nextEnd = m_next.get();
    Entry *m_nextLimit = m_next.get();
};

} // namespace Loopscope::detail
