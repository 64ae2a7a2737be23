#include "cli/tracetext.h"

#include "analysis/latency.h"
#include "analysis/tracedigest.h"

#include <QTextStream>

namespace Loopscope {

namespace {

bool hasSeveralLanes(const Trace &trace)
{
    for (qsizetype i = 0; i < trace.size(); ++i) {
        if (trace.at(i).thread != 0)
            return true;
    }
    return false;
}

} // namespace

void printTrace(const Trace &trace, QTextStream &out)
{
    const bool lanes = hasSeveralLanes(trace);
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent &event = trace.at(i);
        if (lanes)
            out << "[loop " << event.thread << "] ";
        out << trace.describe(event) << '\n';
    }
}

//! --tasks: what the window's task table shows, worked out by the same digest.
void printTasks(const Trace &trace, QTextStream &out)
{
    TraceDigest digest;
    digest.update(trace);
    const QStringList header { QStringLiteral("id"), QStringLiteral("task"), QStringLiteral("state"),
        QStringLiteral("busy"), QStringLiteral("ready"), QStringLiteral("waiting"), QStringLiteral("resumes"),
        QStringLiteral("outcome") };
    QList<QStringList> rows { header };
    for (TaskId id = 1; id <= digest.taskCount(); ++id) {
        const TaskSummary &task = digest.task(id);
        rows.append({ QString::number(id), trace.taskName(id), taskRunStateName(task.state),
            formatDuration(digest.busyNs(task)), formatDuration(digest.readyNs(task)),
            formatDuration(digest.waitingNs(task)), QString::number(task.resumes),
            trace.labels().text(task.outcome) });
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row[column].size());
    }
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype column = 0; column < row.size(); ++column)
            line += row[column].leftJustified(column + 1 < row.size() ? widths[column] + 2 : 0);
        out << line.trimmed() << '\n';
    }
    for (const LoopShare &share : loopShares(trace))
        out << "loop " << share.thread << " (" << formatDuration(share.totalNs())
            << "): " << formatLoopShare(share) << '\n';
}

} // namespace Loopscope
