#include "model/eventsearch.h"

#include "trace/trace.h"

#include <array>
#include <vector>

namespace Loopscope {

qsizetype EventSearch::find(const Trace &trace, const QString &text, qsizetype from, bool forward)
{
    const QString needle = text.trimmed();
    const qsizetype size = trace.size();
    if (needle.isEmpty() || size == 0)
        return -1;
    if (needle.startsWith(u'#')) {
        bool ok = false;
        const qulonglong seq = needle.mid(1).toULongLong(&ok);
        if (ok)
            return trace.indexOfSeq(seq);
    }
    std::vector<bool> labels(static_cast<std::size_t>(trace.labels().size()));
    for (LabelId id = 0; id < labels.size(); ++id)
        labels[id] = trace.labels().text(id).contains(needle, Qt::CaseInsensitive);
    std::vector<bool> tasks(static_cast<std::size_t>(trace.taskCount()) + 1);
    for (TaskId id = 0; id < tasks.size(); ++id)
        tasks[id] = trace.taskName(id).contains(needle, Qt::CaseInsensitive);
    std::array<bool, EventKindCount> kinds {};
    for (int k = 0; k < EventKindCount; ++k) {
        const auto kind = static_cast<EventKind>(k);
        kinds[static_cast<std::size_t>(k)]
            = QString(eventKindName(kind)).replace(u'_', u' ').contains(needle, Qt::CaseInsensitive);
    }
    const auto matches = [&](const TraceEvent &e) {
        if (kinds[static_cast<std::size_t>(e.kind)] || (e.task < tasks.size() && tasks[e.task]))
            return true;
        return eventKindHasLabel(e.kind) && e.detail < labels.size() && labels[e.detail];
    };
    if (from < 0 || from >= size)
        from = forward ? -1 : size;
    for (qsizetype n = 1; n <= size; ++n) {
        qsizetype i = forward ? from + n : from - n;
        i = ((i % size) + size) % size;
        if (matches(trace.at(i)))
            return i;
    }
    return -1;
}

} // namespace Loopscope
