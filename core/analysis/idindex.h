#pragma once

#include <QtGlobal>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace Loopscope {

/*!
 * Where each id (of an I/O operation, a timer) sits in a list: ids handed out one after another,
 * as schedulers do, are looked up in a plain array; ids scattered far apart (a recorder that uses
 * addresses) fall back to a hash map, so memory stays in proportion to the ids seen.
 */
class IdIndex
{
public:
    //! The index recorded for `id`, or -1.
    qsizetype find(std::uint32_t id) const
    {
        if (id < m_dense.size() && m_dense[id] >= 0)
            return m_dense[id];
        if (m_sparse.empty())
            return -1;
        const auto it = m_sparse.find(id);
        return it == m_sparse.end() ? -1 : it->second;
    }
    bool contains(std::uint32_t id) const { return find(id) >= 0; }
    //! Records `index` for an id not recorded yet.
    void insert(std::uint32_t id, qsizetype index)
    {
        ++m_count;
        if (id >= m_dense.size() && id < 2 * m_count + MinDenseIds)
            m_dense.resize(std::max<std::size_t>(std::size_t(id) + 1, 2 * m_dense.size()), -1);
        if (id < m_dense.size())
            m_dense[id] = index;
        else
            m_sparse.emplace(id, index);
    }

private:
    static constexpr std::size_t MinDenseIds = 4096;

    std::vector<qsizetype> m_dense; // by id; -1 where none
    std::unordered_map<std::uint32_t, qsizetype> m_sparse;
    std::size_t m_count = 0;
};

} // namespace Loopscope
