#pragma once

#include "trace/traceevent.h"

#include <QHash>
#include <QString>
#include <QStringView>

#include <array>
#include <vector>

namespace Loopscope {

/*!
 * Interned strings for trace events: each distinct text is stored once and referred to by a
 * LabelId. Id 0 is always the empty string. Ids are dense and stable for the table's lifetime,
 * so an event's detail can be resolved long after it was recorded.
 */
class LabelTable
{
public:
    LabelTable();

    //! Returns the id of `text`, adding it on first use.
    LabelId intern(const QString &text);
    //! The text of `id`, or an empty string for an id that is not in the table.
    const QString &text(LabelId id) const;
    //! Returns the id of `text` if it is already interned.
    bool find(const QString &text, LabelId &id) const;

    qsizetype size() const { return static_cast<qsizetype>(m_texts.size()); }
    void clear();

private:
    std::vector<QString> m_texts;
    QHash<QString, LabelId> m_ids;
    // Loops intern the same few labels over and over ("request", "done", a million times each):
    // comparing with the last few texts is cheaper than hashing them.
    static constexpr std::size_t RecentCount = 4;
    std::array<QString, RecentCount> m_recentTexts;
    std::array<LabelId, RecentCount> m_recentIds {};
    std::size_t m_nextRecent = 0;
};

} // namespace Loopscope
