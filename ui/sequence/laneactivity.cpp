#include "sequence/laneactivity.h"

#include "analysis/tracedigest.h"
#include "sequence/sequencelayout.h"
#include "sequence/sequencemessage.h"

#include <algorithm>

namespace Loopscope {

std::vector<bool> lanesTakingPart(const Trace &trace, const TraceDigest &digest, const SequenceLayout &layout,
    qsizetype firstRow, qsizetype lastRow)
{
    std::vector<bool> part(static_cast<std::size_t>(layout.laneCount()), false);
    const auto mark = [&part](int lane) {
        if (lane >= 0 && static_cast<std::size_t>(lane) < part.size())
            part[static_cast<std::size_t>(lane)] = true;
    };
    mark(SequenceLayout::LoopLane);
    for (const TaskId task : layout.pinnedTasks())
        mark(layout.laneOfTask(task));
    firstRow = std::max<qsizetype>(firstRow, 0);
    lastRow = std::min(lastRow, std::min(trace.size(), layout.rowCount()) - 1);
    if (firstRow > lastRow)
        return part;
    for (qsizetype row = firstRow; row <= lastRow; ++row) {
        const SequenceMessage message = sequenceMessage(layout, trace.at(row));
        mark(message.from);
        mark(message.to);
    }
    const SeqNo first = trace.at(firstRow).seq;
    const SeqNo last = trace.at(lastRow).seq;
    for (const qsizetype index : digest.activationIntervals().between(first, last))
        mark(layout.laneOfTask(digest.activations()[static_cast<std::size_t>(index)].task));
    for (const qsizetype index : digest.ioFlights().between(first, last))
        mark(layout.laneOfIo(digest.ioOperations()[static_cast<std::size_t>(index)].id));
    if (!digest.timerFlights().between(first, last).empty())
        mark(layout.timerLane());
    return part;
}

} // namespace Loopscope
