#include "testlib/tracetext.h"

namespace Loopscope::Testing {

QStringList eventLines(const Trace &trace)
{
    QStringList lines;
    for (qsizetype i = 0; i < trace.size(); ++i)
        lines << trace.describe(trace.at(i));
    return lines;
}

QString fullText(const Trace &trace)
{
    return eventLines(trace).join(u'\n');
}

qsizetype countKind(const Trace &trace, EventKind kind)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < trace.size(); ++i)
        n += trace.at(i).kind == kind;
    return n;
}

QStringList schedule(const Trace &trace, bool withLoop)
{
    QStringList out;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const auto &e = trace.at(i);
        if (!withLoop && (e.kind == EventKind::LoopStarted || e.kind == EventKind::LoopStopped))
            continue;
        out << QStringLiteral("%1 %2").arg(eventKindName(e.kind), trace.taskName(e.task));
    }
    return out;
}

} // namespace Loopscope::Testing
