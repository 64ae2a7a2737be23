#pragma once

#include "scheduler/awaitables.h"

#include <deque>
#include <optional>

namespace Loopscope {

/*!
 * A FIFO queue of at most `capacity` items between tasks (producer/consumer). put() suspends
 * while the queue is full (back-pressure, visible in the trace as "queue full"), get() while it
 * is empty. close() ends the stream: puts then throw QueueClosedError, and gets drain what is
 * left and then return std::nullopt, so a consumer loop ends cleanly.
 */
template<typename T>
class BoundedQueue
{
public:
    explicit BoundedQueue(std::size_t capacity, QString name = QStringLiteral("queue"))
        : m_capacity(capacity)
        , m_name(std::move(name))
    {
        if (capacity < 1)
            throw InvalidStateError(QStringLiteral("a queue needs a capacity of at least 1"));
    }

    std::size_t size() const { return m_items.size(); }
    std::size_t capacity() const { return m_capacity; }
    std::size_t peakSize() const { return m_peakSize; }
    bool isClosed() const { return m_closed; }
    bool isFull() const { return m_items.size() >= m_capacity; }
    const QString &name() const { return m_name; }

    void close()
    {
        m_closed = true;
        while (detail::WaitNode *node = m_getters.popFront())
            detail::SchedulerBackend(*node->promise->scheduler)
                .makeReady(*node); // wakes with no item: end of stream
        while (detail::WaitNode *node = m_putters.popFront()) {
            static_cast<PutAwaiter *>(node->context)->rejected = true;
            detail::SchedulerBackend(*node->promise->scheduler).makeReady(*node);
        }
    }

    struct PutAwaiter : detail::ParkingAwaiter
    {
        BoundedQueue &queue;
        std::optional<T> item;
        bool rejected = false;
        PutAwaiter(BoundedQueue &q, T value, std::uint16_t line)
            : queue(q)
            , item(std::move(value))
        {
            node.line = line;
            node.context = this;
        }
        bool await_ready()
        {
            if (queue.m_closed)
                throw QueueClosedError();
            if (detail::WaitNode *getter = queue.m_getters.popFront()) {
                static_cast<GetAwaiter *>(getter->context)->item = std::move(item);
                detail::SchedulerBackend(*getter->promise->scheduler).makeReady(*getter);
                return true;
            }
            if (!queue.isFull()) {
                queue.push(std::move(*item));
                return true;
            }
            return false;
        }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Queue;
            node.label = scheduler.intern(QStringLiteral("%1 full (put)").arg(queue.m_name));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            queue.m_putters.pushBack(node);
            return true;
        }
        void await_resume()
        {
            if (node.promise)
                detail::ParkingAwaiter::await_resume();
            if (rejected)
                throw QueueClosedError();
        }
    };

    struct GetAwaiter : detail::ParkingAwaiter
    {
        BoundedQueue &queue;
        std::optional<T> item;
        GetAwaiter(BoundedQueue &q, std::uint16_t line)
            : queue(q)
        {
            node.line = line;
            node.context = this;
        }
        bool await_ready()
        {
            if (!queue.m_items.empty()) {
                item = std::move(queue.m_items.front());
                queue.m_items.pop_front();
                queue.admitWaitingPutter();
                return true;
            }
            return queue.m_closed;
        }
        template<typename P>
        bool await_suspend(std::coroutine_handle<P> handle)
        {
            detail::SchedulerBackend scheduler(*handle.promise().scheduler);
            node.wait = WaitKind::Queue;
            node.label = scheduler.intern(QStringLiteral("%1 empty (get)").arg(queue.m_name));
            if (!scheduler.suspend(handle.promise(), handle, node))
                return false;
            queue.m_getters.pushBack(node);
            return true;
        }
        std::optional<T> await_resume()
        {
            if (node.promise) {
                try {
                    detail::ParkingAwaiter::await_resume();
                } catch (...) {
                    if (item)
                        queue.m_items.push_front(std::move(*item)); // cancelled after the hand-over
                    throw;
                }
            }
            return std::move(item);
        }
    };

    PutAwaiter put(T value, SourceLine line = {})
    {
        return PutAwaiter(*this, std::move(value), line.value());
    }
    GetAwaiter get(SourceLine line = {}) { return GetAwaiter(*this, line.value()); }

private:
    void push(T value)
    {
        m_items.push_back(std::move(value));
        m_peakSize = std::max(m_peakSize, m_items.size());
    }
    void admitWaitingPutter()
    {
        if (detail::WaitNode *putter = m_putters.popFront()) {
            push(std::move(*static_cast<PutAwaiter *>(putter->context)->item));
            detail::SchedulerBackend(*putter->promise->scheduler).makeReady(*putter);
        }
    }

    std::size_t m_capacity;
    QString m_name;
    std::deque<T> m_items;
    std::size_t m_peakSize = 0;
    bool m_closed = false;
    detail::WaitList m_putters;
    detail::WaitList m_getters;
};

} // namespace Loopscope
