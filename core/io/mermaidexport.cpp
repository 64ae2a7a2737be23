#include "io/mermaidexport.h"

#include "analysis/tracedigest.h"

#include <QStringList>

#include <algorithm>
#include <vector>

namespace Loopscope {

namespace {

const QString Loop = QStringLiteral("L");
const QString Io = QStringLiteral("IO");

QString oneLine(QString text)
{
    for (QChar &c : text) {
        if (c.unicode() < 0x20)
            c = u' ';
    }
    return text;
}

class MermaidBuilder
{
public:
    MermaidBuilder(const Trace &trace, const MermaidExport::Options &options)
        : m_trace(trace)
        , m_options(options)
        , m_used(trace.taskCount() + 1u, false)
    { }

    QString build(const EventRange &range)
    {
        for (qsizetype i = 0; i <= range.last; ++i) {
            m_emitting = i >= range.first;
            if (i == range.first)
                openActivations();
            handle(i);
            m_digest.add(m_trace.at(i));
        }
        QStringList out { QStringLiteral("sequenceDiagram") };
        out << QStringLiteral("    participant L as Event Loop");
        for (TaskId id = 1; id < m_used.size(); ++id) {
            if (!m_used[id])
                continue;
            QString name = MermaidExport::escape(m_trace.taskName(id)).trimmed();
            if (name.isEmpty())
                name = QStringLiteral("task %1").arg(id);
            out << QStringLiteral("    participant %1 as %2").arg(participant(id), name);
        }
        if (m_usesIo)
            out << QStringLiteral("    participant IO as IO Operation");
        out += m_body;
        return out.join(u'\n') + u'\n';
    }

private:
    QString participant(TaskId id)
    {
        if (id == NoTask)
            return Loop;
        if (id >= m_used.size())
            m_used.resize(id + 1u, false);
        m_used[id] = m_used[id] || m_emitting;
        return QStringLiteral("T%1").arg(id);
    }

    void line(const QString &text)
    {
        if (m_emitting)
            m_body << QStringLiteral("    ") + text;
    }

    // Whether a task holds the thread (an activation bar) is the digest's answer, asked before the
    // event being drawn is added to it.
    bool isActive(TaskId id) const { return id != NoTask && m_digest.isActive(id); }

    //! `from ->> to` that makes `to` active (start or resume).
    void call(const QString &from, TaskId to, const QString &text)
    {
        const QString target = participant(to);
        const bool activate = m_options.activations && !isActive(to);
        line(QStringLiteral("%1->>%2%3: %4")
                 .arg(from, activate ? QStringLiteral("+") : QString(), target, text));
    }

    //! `from -->> to` that ends the activation of `from` (await, completion).
    void handBack(TaskId from, const QString &to, const QString &text)
    {
        const QString source = participant(from);
        const bool deactivate = m_options.activations && isActive(from);
        line(QStringLiteral("%1-->>%2%3: %4")
                 .arg(source, deactivate ? QStringLiteral("-") : QString(), to, text));
    }

    void note(const QString &over, const QString &text)
    {
        line(QStringLiteral("Note over %1: %2").arg(over, MermaidExport::escape(text)));
    }

    void openActivations()
    {
        if (!m_options.activations)
            return;
        std::vector<TaskId> active = m_digest.activeTasks();
        std::sort(active.begin(), active.end());
        for (const TaskId id : active)
            line(QStringLiteral("activate %1").arg(participant(id)));
    }

    QString awaitText(const TraceEvent &event) const
    {
        switch (event.wait()) {
        case WaitKind::Io:
            return QStringLiteral("Await IO Operation");
        case WaitKind::Timer:
            if (const IoOperation *timer = m_digest.timer(event.other))
                return QStringLiteral("Sleep %1").arg(formatDuration(std::int64_t(timer->detail) * 1000));
            break;
        case WaitKind::Yield:
            return QStringLiteral("Yield");
        default:
            break;
        }
        const QString label = m_trace.labels().text(event.detail);
        return label.isEmpty() ? QStringLiteral("Await")
                               : QStringLiteral("Await %1").arg(MermaidExport::escape(label));
    }

    void handle(qsizetype index)
    {
        const TraceEvent &e = m_trace.at(index);
        if (m_emitting && m_options.comments)
            m_body << QStringLiteral("    %% ") + oneLine(m_trace.describe(e));
        const QString name = MermaidExport::escape(m_trace.taskName(e.task));
        const bool sameAsPrevious = index > 0 && m_trace.at(index - 1).kind == e.kind && m_lastWasArrow;
        m_lastWasArrow = false;
        switch (e.kind) {
        case EventKind::TaskCreated:
            if (e.other != NoTask
                && !(index + 1 < m_trace.size() && m_trace.at(index + 1).kind == EventKind::TaskDelegated))
                line(
                    QStringLiteral("%1->>%2: Spawn %3").arg(participant(e.other), participant(e.task), name));
            break;
        case EventKind::TaskStarted:
            call(e.other != NoTask ? participant(e.other) : Loop, e.task,
                QStringLiteral("Start %1").arg(name));
            break;
        case EventKind::TaskResumed:
            call(Loop, e.task, QStringLiteral("Resume %1").arg(name));
            break;
        case EventKind::TaskSuspended: {
            handBack(e.task, Loop, awaitText(e));
            // The whole chain of inline callers waits with it, innermost first.
            const std::vector<TaskId> active = m_digest.activeTasks(e.thread);
            for (auto caller = active.rbegin(); caller != active.rend(); ++caller) {
                if (*caller != e.task && m_options.activations)
                    line(QStringLiteral("deactivate %1").arg(participant(*caller)));
            }
            break;
        }
        case EventKind::TaskReturned:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled: {
            const TaskId caller = e.other;
            const QString text = e.kind == EventKind::TaskReturned ? QStringLiteral("Complete")
                : e.kind == EventKind::TaskFailed                  ? QStringLiteral("Failed")
                                                                   : QStringLiteral("Cancelled");
            handBack(e.task, caller != NoTask ? participant(caller) : Loop, text);
            if (e.kind == EventKind::TaskFailed)
                note(participant(e.task), QStringLiteral("failed: %1").arg(m_trace.detailText(e)));
            else if (e.kind == EventKind::TaskCancelled)
                note(participant(e.task), QStringLiteral("cancelled"));
            // Control returns to the caller, which runs on.
            if (caller != NoTask && m_options.activations && !isActive(caller))
                line(QStringLiteral("activate %1").arg(participant(caller)));
            break;
        }
        case EventKind::ValueYielded:
            line(QStringLiteral("%1-->>L: Yield %2")
                     .arg(participant(e.task), MermaidExport::escape(m_trace.detailText(e))));
            break;
        case EventKind::Poll:
            line(QStringLiteral("L->>%1: Poll (not ready)").arg(participant(e.other)));
            break;
        case EventKind::LoopWaiting:
            m_usesIo = m_usesIo || m_emitting;
            line(QStringLiteral("L->>IO: Monitor IO Events"));
            break;
        case EventKind::IoCompleted:
        case EventKind::TimerFired:
            participant(e.task);
            // Completions delivered back to back come from one wake-up of the selector: one arrow.
            if (!sameAsPrevious) {
                m_usesIo = m_usesIo || m_emitting;
                line(e.kind == EventKind::IoCompleted ? QStringLiteral("IO-->>L: IO Operation Complete")
                                                      : QStringLiteral("IO-->>L: Timer Fired"));
            }
            m_lastWasArrow = m_emitting;
            break;
        case EventKind::IoFailed:
            m_usesIo = m_usesIo || m_emitting;
            line(QStringLiteral("IO-->>L: IO Operation Failed"));
            note(Io, QStringLiteral("I/O #%1 failed: %2").arg(e.other).arg(m_trace.detailText(e)));
            break;
        case EventKind::SlowStep:
            note(participant(e.task),
                QStringLiteral("slow step: ran %1 without yielding").arg(m_trace.detailText(e)));
            break;
        case EventKind::Message:
            note(participant(e.task), m_trace.detailText(e));
            break;
        case EventKind::CancelRequested:
            note(participant(e.task), QStringLiteral("asked to cancel"));
            break;
        case EventKind::CounterSet:
            note(participant(e.task), QStringLiteral("%1 = %2").arg(m_trace.detailText(e)).arg(e.other));
            break;
        case EventKind::LoopStarted:
        case EventKind::LoopStopped:
        case EventKind::TaskDelegated:
        case EventKind::IoSubmitted:
        case EventKind::TimerArmed:
            break;
        }
    }

    const Trace &m_trace;
    MermaidExport::Options m_options;
    TraceDigest m_digest; //!< what holds after the events before the one being drawn
    std::vector<bool> m_used;
    QStringList m_body;
    bool m_emitting = false;
    bool m_usesIo = false;
    bool m_lastWasArrow = false;
};

} // namespace

QString MermaidExport::toText(const Trace &trace, const EventRange &range, const Options &options)
{
    return MermaidBuilder(trace, options).build(range);
}

QString MermaidExport::escape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '#':
            out += QStringLiteral("#35;");
            break;
        case ';':
            out += QStringLiteral("#59;");
            break;
        case '%':
            out += QStringLiteral("#37;");
            break;
        case '<':
            out += QStringLiteral("#60;");
            break;
        case '>':
            out += QStringLiteral("#62;");
            break;
        case '\n':
        case '\r':
        case '\t':
            out += u' ';
            break;
        default:
            if (c.unicode() >= 0x20)
                out += c;
        }
    }
    return out;
}

} // namespace Loopscope
