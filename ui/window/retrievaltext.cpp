#include "window/retrievaltext.h"

#include "trace/trace.h"

namespace Loopscope::RetrievalText {

QString outcome(const FetchSummary &summary)
{
    if (summary.failures.isEmpty())
        return QStringLiteral("Done: %1.").arg(formatForTrace(summary));
    const PageRecord &first = summary.failures.first();
    const qsizetype more = summary.failures.size() - 1;
    QString text = QStringLiteral("Finished with %1: page %2 failed after %3: %4")
                       .arg(formatCount(summary.failures.size(), u"failed page"))
                       .arg(first.page)
                       .arg(formatCount(first.attempts, u"attempt"), first.error);
    if (more > 0)
        text += QStringLiteral(" (and %1 more)").arg(formatCount(more, u"page"));
    const FetchProgress &p = summary.progress;
    return text
        + QStringLiteral(". %1 with %2 landed; fetching into the same file again fetches the rest.")
              .arg(formatCount(p.pagesLanded, u"page"), formatCount(p.items, u"item"));
}

QString outcome(const Trace &trace)
{
    // The connector's task ends with what it did ("13 pages, 640 items, 0 failed, 0 retries") or
    // why it could not; a failed request says why in its own event.
    QString result;
    QString lastError;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const TraceEvent e = trace.at(i);
        if (e.kind == EventKind::IoFailed)
            lastError = trace.detailText(e);
        else if ((e.kind == EventKind::TaskReturned || e.kind == EventKind::TaskFailed) && e.other == NoTask
            && trace.taskName(e.task) == u"fetch")
            result = e.kind == EventKind::TaskReturned
                ? QStringLiteral("Done: %1.").arg(trace.detailText(e))
                : QStringLiteral("Failed: %1.").arg(trace.detailText(e));
    }
    if (result.isEmpty())
        result = QStringLiteral("Stopped before the end.");
    if (!lastError.isEmpty())
        result += u' ' + QStringLiteral("Last error: %1.").arg(lastError);
    return result;
}

QString withoutSecrets(QString text, const RetrievalSettings &settings)
{
    const QUrl &url = settings.url;
    if (!url.isEmpty()) {
        const QUrl shown = redactedUrl(url);
        for (const auto format : { QUrl::PrettyDecoded, QUrl::FullyEncoded })
            text.replace(url.toString(format), shown.toString(format));
    }
    return withSecretsMasked(text, secretValues(url, settings.fetch.headers, settings.http.secretHeaders));
}

QString savableUrl(const QString &typed)
{
    const QString trimmed = typed.trimmed();
    if (trimmed.isEmpty())
        return trimmed;
    const QUrl url = QUrl::fromUserInput(trimmed);
    const QUrl shown = redactedUrl(url);
    return shown == url ? trimmed : shown.toString();
}

QString breakableBetweenParts(const QString &progress)
{
    // Inside a part, spaces do not break (U+00A0) and neither does a slash (U+2060 after it).
    QStringList parts = progress.split(QStringLiteral(" · "));
    for (QString &part : parts)
        part = part.replace(u' ', QChar(0x00A0)).replace(u'/', QStringLiteral("/\u2060"));
    return parts.join(QStringLiteral(" · "));
}

} // namespace Loopscope::RetrievalText
