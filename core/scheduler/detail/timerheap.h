#pragma once

#include "waitnode.h"

#include <vector>

namespace Loopscope::detail {

/*!
 * Binary min-heap of timer WaitNodes ordered by (deadline, order). Each node knows its index,
 * so a cancelled or timed-out wait is removed in O(log n) without leaving a dead entry behind.
 */
class TimerHeap
{
public:
    bool isEmpty() const { return m_nodes.empty(); }
    std::size_t size() const { return m_nodes.size(); }
    WaitNode *top() const { return m_nodes.front(); }

    void push(WaitNode &node)
    {
        node.heapIndex = static_cast<std::uint32_t>(m_nodes.size());
        m_nodes.push_back(&node);
        siftUp(node.heapIndex);
    }

    void remove(WaitNode &node)
    {
        const std::uint32_t index = node.heapIndex;
        const std::uint32_t last = static_cast<std::uint32_t>(m_nodes.size() - 1);
        if (index != last) {
            place(index, m_nodes[last]);
            m_nodes.pop_back();
            siftDown(index);
            siftUp(index);
        } else {
            m_nodes.pop_back();
        }
    }

    void clear() { m_nodes.clear(); }

private:
    static bool before(const WaitNode *a, const WaitNode *b)
    {
        return a->deadline != b->deadline ? a->deadline < b->deadline : a->order < b->order;
    }
    void place(std::uint32_t index, WaitNode *node)
    {
        m_nodes[index] = node;
        node->heapIndex = index;
    }
    void siftUp(std::uint32_t index)
    {
        WaitNode *node = m_nodes[index];
        while (index > 0) {
            const std::uint32_t parent = (index - 1) / 2;
            if (!before(node, m_nodes[parent]))
                break;
            place(index, m_nodes[parent]);
            index = parent;
        }
        place(index, node);
    }
    void siftDown(std::uint32_t index)
    {
        const auto count = static_cast<std::uint32_t>(m_nodes.size());
        if (index >= count)
            return;
        WaitNode *node = m_nodes[index];
        for (;;) {
            std::uint32_t child = 2 * index + 1;
            if (child >= count)
                break;
            if (child + 1 < count && before(m_nodes[child + 1], m_nodes[child]))
                ++child;
            if (!before(m_nodes[child], node))
                break;
            place(index, m_nodes[child]);
            index = child;
        }
        place(index, node);
    }

    std::vector<WaitNode *> m_nodes;
};

} // namespace Loopscope::detail
