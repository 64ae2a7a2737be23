#include "panes/detailspane.h"

#include "analysis/latency.h"
#include "analysis/tracedigest.h"
#include "model/eventlistmodel.h"
#include "sequence/sequencemessage.h"
#include "style/viewpalette.h"

namespace Loopscope {

namespace {

//! Rows of the details table, keys in a muted colour taken from the pane's palette.
struct Rows
{
    QString muted;
    QString html;

    void add(const QString &key, const QString &value)
    {
        html += QStringLiteral("<tr><td style='padding-right:12px; color:%1'>%2</td><td>%3</td></tr>")
                    .arg(muted, key.toHtmlEscaped(), value);
    }
};

void addIoRows(Rows &rows, const Trace &trace, const TraceDigest &digest, std::uint32_t id)
{
    if (const IoRecord *record = trace.io(id)) {
        if (!record->method.isEmpty() || !record->url.isEmpty())
            rows.add(QStringLiteral("Request"),
                QStringLiteral("%1 %2").arg(record->method, record->url).toHtmlEscaped());
        if (record->status != 0)
            rows.add(QStringLiteral("Response"),
                QStringLiteral("%1 %2").arg(record->status).arg(record->statusText).toHtmlEscaped());
        if (record->responseBytes > 0)
            rows.add(QStringLiteral("Received"), QStringLiteral("%1 bytes").arg(record->responseBytes));
        if (record->endNs >= 0)
            rows.add(QStringLiteral("Duration"), formatDuration(record->endNs - record->startNs));
        if (record->attempt > 1)
            rows.add(QStringLiteral("Attempt"), QString::number(record->attempt));
        if (!record->error.isEmpty())
            rows.add(QStringLiteral("Error"), record->error.toHtmlEscaped());
    } else if (const IoOperation *op = digest.io(id)) {
        rows.add(QStringLiteral("Operation"), trace.labels().text(op->detail).toHtmlEscaped());
    }
}

//! "2–5 ms", "< 1 µs", "≥ 1000.000 s": the durations a bucket holds.
QString bucketRange(int bucket)
{
    if (bucket == 0)
        return QStringLiteral("< ") + formatDuration(DurationHistogram::upperNs(0));
    if (bucket == DurationHistogram::BucketCount - 1)
        return QStringLiteral("≥ ") + formatDuration(DurationHistogram::lowerNs(bucket));
    return QStringLiteral("%1 – %2").arg(formatDuration(DurationHistogram::lowerNs(bucket)),
        formatDuration(DurationHistogram::upperNs(bucket)));
}

//! A bar `share` (0..1) of `width` pixels long, as a one-cell table of that colour.
QString bar(double share, int width, const QString &colour)
{
    return QStringLiteral("<table cellspacing='0' cellpadding='0' style='margin-top:3px'><tr>"
                          "<td width='%1' height='9' bgcolor='%2'></td></tr></table>")
        .arg(std::max(2, static_cast<int>(share * width + 0.5)))
        .arg(colour);
}

//! A histogram as rows of the details table: its summary ("12 steps: median ≤ 2 ms..."), then a
//! bar per bucket in use.
void addHistogramRows(Rows &rows, const QString &title, const QString &counted,
    const DurationHistogram &histogram, const QString &colour)
{
    if (histogram.count() == 0)
        return;
    rows.add(title,
        QStringLiteral("%1 %2: median ≤ %3, 99th percentile ≤ %4, longest %5")
            .arg(QString::number(histogram.count()), counted, formatDuration(histogram.percentileNs(0.5)),
                formatDuration(histogram.percentileNs(0.99)), formatDuration(histogram.maxNs()))
            .toHtmlEscaped());
    std::uint64_t most = 0;
    const auto [low, high] = histogram.usedBuckets();
    for (int bucket = low; bucket <= high; ++bucket)
        most = std::max(most, histogram.countIn(bucket));
    for (int bucket = low; bucket <= high; ++bucket) {
        const std::uint64_t count = histogram.countIn(bucket);
        rows.html
            += QStringLiteral("<tr><td style='padding-left:12px; color:%1'>%2</td>"
                              "<td><table cellspacing='0' cellpadding='0'><tr><td>%3</td>"
                              "<td style='padding-left:6px'>%4</td></tr></table></td></tr>")
                   .arg(rows.muted, bucketRange(bucket).toHtmlEscaped(),
                       count > 0 ? bar(static_cast<double>(count) / static_cast<double>(most), 140, colour)
                                 : QString())
                   .arg(count);
    }
}

} // namespace

DetailsPane::DetailsPane(QWidget *parent)
    : QTextBrowser(parent)
{
    setFrameShape(QFrame::NoFrame);
    setOpenLinks(false);
    showHint(tr("Select an event in the diagram, the timeline or the event list."));
}

void DetailsPane::showHint(const QString &text)
{
    m_seq = -1;
    setHtml(QStringLiteral("<p style='color:%1'>%2</p>")
                .arg(palette().color(QPalette::PlaceholderText).name(), text.toHtmlEscaped()));
}

void DetailsPane::showTraceEvent(const Trace &trace, const TraceDigest &digest, const TraceEvent &e)
{
    m_seq = static_cast<qint64>(e.seq);
    Rows rows { palette().color(QPalette::PlaceholderText).name(), {} };
    const QString head
        = QStringLiteral("<h3 style='margin-bottom:2px'>%1</h3><p style='margin-top:0'>%2</p><table>")
              .arg(sequenceLabel(trace, digest, e).toHtmlEscaped(),
                  EventListModel::descriptionText(trace, e).toHtmlEscaped());
    rows.add(tr("Event"), QStringLiteral("#%1 · %2").arg(e.seq).arg(EventListModel::kindText(e)));
    rows.add(tr("Time"), formatDuration(e.timeNs));
    if (e.task != NoTask) {
        const TaskSummary &task = digest.task(e.task);
        rows.add(
            tr("Task"), QStringLiteral("%1 (#%2)").arg(trace.taskName(e.task).toHtmlEscaped()).arg(e.task));
        if (task.parent != NoTask)
            rows.add(tr("Parent"), trace.taskName(task.parent).toHtmlEscaped());
        QString now = taskRunStateName(task.state);
        const QString awaiting = digest.awaitingText(trace, task);
        if (!awaiting.isEmpty())
            now += QStringLiteral(": ") + awaiting;
        if (isFinished(task.state) && task.outcome != NoLabel)
            now += QStringLiteral(" → ") + trace.labels().text(task.outcome);
        rows.add(tr("Task now"), now.toHtmlEscaped());
        rows.add(tr("Resumes"), QString::number(task.resumes));
        rows.add(tr("Busy / ready / waiting"),
            QStringLiteral("%1 / %2 / %3")
                .arg(formatDuration(digest.busyNs(task)), formatDuration(digest.readyNs(task)),
                    formatDuration(digest.waitingNs(task))));
    }
    switch (e.kind) {
    case EventKind::IoSubmitted:
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
        rows.add(tr("I/O"), QStringLiteral("#%1").arg(e.other));
        addIoRows(rows, trace, digest, e.other);
        break;
    case EventKind::TimerArmed:
    case EventKind::TimerFired:
        rows.add(tr("Timer"), QStringLiteral("#%1").arg(e.other));
        break;
    case EventKind::TaskDelegated:
    case EventKind::Poll:
        rows.add(tr("Other task"), trace.taskName(e.other).toHtmlEscaped());
        break;
    default:
        break;
    }
    const QString detail = trace.detailText(e);
    if (!detail.isEmpty())
        rows.add(tr("Detail"), detail.toHtmlEscaped());
    if (e.line > 0)
        rows.add(tr("Source line"), QString::number(e.line));
    if (e.thread > 0)
        rows.add(tr("Thread lane"), QString::number(e.thread));
    if (e.task != NoTask) {
        // How this task's steps and wake-ups were spread, so far.
        const TaskLatency latency = taskLatency(digest.task(e.task));
        const ViewPalette colours = ViewPalette::fromPalette(palette());
        addHistogramRows(rows, tr("Steps"), latency.steps.count() == 1 ? tr("step") : tr("steps"),
            latency.steps, colours.stateColor(TaskRunState::Running).name());
        addHistogramRows(rows, tr("Wake to resume"),
            latency.wakeToResume.count() == 1 ? tr("wake-up") : tr("wake-ups"), latency.wakeToResume,
            colours.selection.name());
    } else {
        for (const LoopShare &share : digest.loopShares()) {
            if (share.thread == e.thread)
                rows.add(tr("Loop's time"),
                    QStringLiteral("%1 in all: %2")
                        .arg(formatDuration(share.totalNs()), formatLoopShare(share))
                        .toHtmlEscaped());
        }
    }
    setHtml(head + rows.html + QStringLiteral("</table>"));
}

} // namespace Loopscope
