#pragma once

#include "scheduler/detail/waitnode.h"

#include <QString>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>

namespace Loopscope {
class Scheduler;
}

namespace Loopscope::detail {

struct TaskCore;

//! Memory for a coroutine frame, aligned to a cache line.
void *allocateFrame(std::size_t size);
void freeFrame(void *frame) noexcept;

/*!
 * The part of every Task promise that the scheduler needs, whatever the result type.
 *
 * Each coroutine frame is one task in the trace. A frame either is a root (spawned on the
 * scheduler, owned by it, `root == this`) or runs inline inside a parent that awaited it
 * (delegation, `root` shared with the parent). Roots and children keep different links in the
 * same two words, read through the accessors below.
 *
 * Kept to 56 bytes on purpose: a frame's promise is touched on every resumption, and with a yield
 * the whole frame of a simple task fits in two cache lines, so a hundred thousand of them stay in
 * cache.
 */
struct PromiseBase
{
    static constexpr std::size_t CacheLine = 64;

    PromiseBase *root = nullptr;
    Scheduler *scheduler = nullptr;
    TaskId id = NoTask;
    bool cancelRequested = false; //!< root only
    bool hasValue = false;        //!< a value was returned: there is a result to describe and publish
    std::exception_ptr error;

    std::suspend_always initial_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }

    // Frames start on a cache line: a 128-byte frame then spans two lines rather than three.
    // See framememory.cpp for where they come from.
    static void *operator new(std::size_t size) { return allocateFrame(size); }
    static void operator delete(void *frame) noexcept { freeFrame(frame); }

    //! Formats the returned value for the trace; only if hasValue.
    virtual QString describeResult() const = 0;
    //! Moves the returned value into the spawned task's shared slot; only if hasValue.
    virtual void publishResult(TaskCore &core) = 0;

    bool isRoot() const { return root == this; }
    void adoptAsRoot(Scheduler &owner, TaskCore &core)
    {
        scheduler = &owner;
        root = this;
        m_core = &core;
        m_currentWait = nullptr;
    }
    void adoptAsChild(PromiseBase &parent, std::coroutine_handle<> parentFrame)
    {
        scheduler = parent.scheduler;
        root = parent.root;
        m_parent = &parent;
        m_continuation = parentFrame.address();
    }

    //! Root: the spawned task's shared result slot.
    TaskCore *core() const { return isRoot() ? m_core : nullptr; }
    //! Child: the frame that awaited it (null for a root).
    PromiseBase *parent() const { return isRoot() ? nullptr : m_parent; }
    //! Child: the parent's frame, resumed when the child ends.
    std::coroutine_handle<> continuation() const
    {
        return isRoot() ? std::coroutine_handle<>() : std::coroutine_handle<>::from_address(m_continuation);
    }
    //! Root: the innermost await of the whole chain while it is parked on a WaitNode.
    WaitNode *currentWait() const { return m_currentWait; }
    void setCurrentWait(WaitNode *node) { m_currentWait = node; }

protected:
    PromiseBase() = default;
    ~PromiseBase() = default;

private:
    union {
        TaskCore *m_core = nullptr; // root
        PromiseBase *m_parent;      // child
    };
    union {
        WaitNode *m_currentWait = nullptr; // root
        void *m_continuation;              // child
    };
};

//! Called from a finished frame's final suspend: traces the end and picks what runs next.
std::coroutine_handle<> finishFrame(std::coroutine_handle<> frame, PromiseBase &promise) noexcept;

//! Awaiting a child task inline: registers and traces it (named `name`, if given), returns the
//! child handle to run.
std::coroutine_handle<> startChild(PromiseBase &parent, std::coroutine_handle<> parentFrame,
    PromiseBase &child, std::coroutine_handle<> childFrame, const QString *name);

} // namespace Loopscope::detail
