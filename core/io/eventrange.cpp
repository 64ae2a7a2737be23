#include "io/eventrange.h"

#include "io/traceformaterror.h"

namespace Loopscope {

EventRange EventRange::all(const Trace &trace)
{
    return ofSeqs(trace, std::nullopt, std::nullopt);
}

EventRange EventRange::ofSeqs(const Trace &trace, std::optional<SeqNo> from, std::optional<SeqNo> to)
{
    if (trace.isEmpty())
        throw ExportError(QStringLiteral("the trace has no events to export"));
    const SeqNo firstSeq = trace.firstSeq();
    const SeqNo lastSeq = trace.nextSeq() - 1;
    auto index = [&](SeqNo seq, const char *which) {
        const qsizetype i = trace.indexOfSeq(seq);
        if (i < 0) {
            throw ExportError(QStringLiteral("%1 event %2 is not in the trace, which holds events %3 to %4")
                                  .arg(QLatin1StringView(which))
                                  .arg(seq)
                                  .arg(firstSeq)
                                  .arg(lastSeq));
        }
        return i;
    };
    const qsizetype first = from ? index(*from, "the first") : 0;
    const qsizetype last = to ? index(*to, "the last") : trace.size() - 1;
    if (first > last)
        throw ExportError(
            QStringLiteral("the range starts at event %1, after its end at event %2").arg(*from).arg(*to));
    return EventRange { first, last };
}

} // namespace Loopscope
