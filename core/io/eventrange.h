#pragma once

#include "trace/trace.h"

#include <optional>

namespace Loopscope {

/*!
 * The events an export covers: indices [first, last] into a Trace, never empty. Built from the
 * seq numbers a person gives (`--from SEQ --to SEQ`, a selection in the diagram), which are
 * checked against what the trace holds so that a bad range is an error with a clear message
 * rather than an empty picture.
 */
struct EventRange
{
    qsizetype first = 0;
    qsizetype last = 0;

    qsizetype count() const { return last - first + 1; }
    bool contains(qsizetype index) const { return index >= first && index <= last; }

    //! Every event of `trace`. Throws ExportError if the trace is empty.
    static EventRange all(const Trace &trace);
    //! Events with seq in [from, to]; a missing bound means the trace's first or last event.
    //! Throws ExportError for an empty trace, from > to, or a seq the trace does not hold.
    static EventRange ofSeqs(const Trace &trace, std::optional<SeqNo> from, std::optional<SeqNo> to);
};

} // namespace Loopscope
