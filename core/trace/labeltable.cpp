#include "trace/labeltable.h"

namespace Loopscope {

LabelTable::LabelTable()
{
    clear();
}

LabelId LabelTable::intern(const QString &text)
{
    if (text.isEmpty())
        return NoLabel;
    for (std::size_t i = 0; i < RecentCount; ++i) {
        if (m_recentIds[i] != NoLabel && text == m_recentTexts[i])
            return m_recentIds[i];
    }
    const auto it = m_ids.constFind(text);
    LabelId id;
    if (it != m_ids.cend()) {
        id = it.value();
    } else {
        id = static_cast<LabelId>(m_texts.size());
        m_texts.push_back(text);
        m_ids.insert(text, id);
    }
    m_recentTexts[m_nextRecent] = text;
    m_recentIds[m_nextRecent] = id;
    m_nextRecent = (m_nextRecent + 1) % RecentCount;
    return id;
}

const QString &LabelTable::text(LabelId id) const
{
    return id < m_texts.size() ? m_texts[id] : m_texts.front();
}

bool LabelTable::find(const QString &text, LabelId &id) const
{
    if (text.isEmpty()) {
        id = NoLabel;
        return true;
    }
    const auto it = m_ids.constFind(text);
    if (it == m_ids.cend())
        return false;
    id = it.value();
    return true;
}

void LabelTable::clear()
{
    m_texts.clear();
    m_ids.clear();
    m_texts.emplace_back();
    m_recentTexts.fill(QString());
    m_recentIds.fill(NoLabel);
    m_nextRecent = 0;
}

} // namespace Loopscope
