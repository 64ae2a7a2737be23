#pragma once

#include "trace/traceevent.h"

#include <coroutine>
#include <cstdint>

namespace Loopscope::detail {

struct PromiseBase;

/*!
 * What the run queue needs of a parked coroutine: whose it is and what it waited on, for the
 * TaskResumed event. The run queue keeps the frame address beside it. A bare ReadyNode is a yield,
 * ready as soon as it is parked, or a spawned task's first run; every longer wait uses a WaitNode.
 * Kept to 16 bytes because one lives in every yielding frame, and a hundred thousand frames should
 * stay in cache.
 */
// No default member initialisers: a yield fills its node as it parks, and should not pay for
// zeroing it first.
struct ReadyNode
{
    enum class Kind : std::uint8_t {
        Yield, //!< a yield: ready at once, nothing awaited
        Wait,  //!< a WaitNode: a timer, I/O or task in `other`
        Start, //!< a spawned task's first run
    };

    PromiseBase *promise;
    LabelId label;      //!< what is awaited, for trace events
    std::uint16_t line; //!< source line of the await
    Kind kind;
    WaitKind wait; //!< what kind of thing is awaited, for trace events (not read for a yield)
};
static_assert(sizeof(ReadyNode) == 16, "a yielding frame holds one ReadyNode: keep it small");

/*!
 * A suspended coroutine's registration with whatever it waits on: a timer, an I/O operation, a
 * queue, a semaphore, another task. A WaitNode lives inside its awaiter, so inside the suspended
 * coroutine frame, and its address is stable while the coroutine is suspended.
 *
 * While it waits, `unlink` is set and removes the node from its container (used by cancellation,
 * timeouts and frame destruction); whoever wakes the node clears it first.
 */
struct WaitNode : ReadyNode
{
    //! How the wait ended, for primitives whose waiters can be woken in more than one way.
    enum class Outcome : std::uint8_t { Pending, Ready, Cancelled, TimedOut };

    WaitNode()
        : ReadyNode { nullptr, NoLabel, 0, Kind::Wait, WaitKind::Other }
    { }

    std::coroutine_handle<> handle;
    void (*unlink)(WaitNode &) = nullptr;
    void *owner = nullptr;
    WaitNode *prev = nullptr;
    WaitNode *next = nullptr;
    WaitNode *sibling = nullptr; //!< a second wait of the same await (a timeout); waking one drops the other
    void *context = nullptr;     //!< the awaiter that owns the node, for primitives that hand over values
    std::uint32_t timerSlot = 0; //!< timers: position in the timer heap, or in the sorted run
    bool inTimerRun = false;     //!< timers: the node sits in the sorted run, not the heap
    std::uint32_t other = 0;     //!< timer or I/O id, or awaited task id, for trace events
    LabelId resultLabel = NoLabel; //!< I/O: outcome text for the completion event
    Outcome outcome = Outcome::Pending;
    bool isIo = false;     //!< timer entries that complete an I/O rather than a sleep
    bool ioFailed = false; //!< I/O: the operation failed (traced as io_failed)

    bool isWaiting() const { return unlink != nullptr; }
    void detach()
    {
        if (unlink) {
            auto fn = unlink;
            unlink = nullptr;
            fn(*this);
        }
    }
};

/*!
 * FIFO of WaitNodes linked through their prev/next fields: queues, semaphores, events and task
 * joiners use it, so waiting allocates nothing.
 */
class WaitList
{
public:
    WaitList() = default;
    WaitList(const WaitList &) = delete;
    WaitList &operator=(const WaitList &) = delete;
    ~WaitList()
    {
        // Waiters that outlive their list must not unlink from freed memory later.
        while (WaitNode *node = popFront())
            node->unlink = nullptr;
    }

    bool isEmpty() const { return m_head == nullptr; }
    std::size_t size() const { return m_size; }
    WaitNode *front() const { return m_head; }

    void pushBack(WaitNode &node)
    {
        node.owner = this;
        node.unlink = &WaitList::unlinkNode;
        node.next = nullptr;
        node.prev = m_tail;
        (m_tail ? m_tail->next : m_head) = &node;
        m_tail = &node;
        ++m_size;
    }

    //! Removes and returns the first node (its unlink hook cleared), or nullptr.
    WaitNode *popFront()
    {
        WaitNode *node = m_head;
        if (node) {
            remove(*node);
            node->unlink = nullptr;
        }
        return node;
    }

private:
    static void unlinkNode(WaitNode &node) { static_cast<WaitList *>(node.owner)->remove(node); }

    void remove(WaitNode &node)
    {
        (node.prev ? node.prev->next : m_head) = node.next;
        (node.next ? node.next->prev : m_tail) = node.prev;
        node.prev = node.next = nullptr;
        node.owner = nullptr;
        --m_size;
    }

    WaitNode *m_head = nullptr;
    WaitNode *m_tail = nullptr;
    std::size_t m_size = 0;
};

} // namespace Loopscope::detail
