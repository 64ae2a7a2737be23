#include "sequence/sequencemessage.h"

#include "analysis/tracedigest.h"
#include "sequence/sequencelayout.h"

namespace Loopscope {

namespace {

using Shape = SequenceMessage::Shape;
using Tone = SequenceMessage::Tone;

SequenceMessage arrow(Shape shape, int from, int to, Tone tone = Tone::Normal)
{
    if (from < 0 || to < 0)
        return SequenceMessage { Shape::Marker, tone, from < 0 ? to : from, from < 0 ? to : from };
    if (from == to)
        return SequenceMessage { Shape::Note, tone, from, from };
    return SequenceMessage { shape, tone, from, to };
}

SequenceMessage note(int lane, Tone tone, Shape shape = Shape::Note)
{
    return SequenceMessage { shape, tone, lane, lane };
}

} // namespace

SequenceMessage sequenceMessage(const SequenceLayout &layout, const TraceEvent &e)
{
    const int loop = layout.loopLane(e.thread);
    const int task = layout.laneOfTask(e.task);
    switch (e.kind) {
    case EventKind::LoopStarted:
    case EventKind::LoopStopped:
        return note(loop, Tone::Muted, Shape::Marker);
    case EventKind::LoopWaiting:
        if (layout.waitLane() < 0)
            return note(loop, Tone::Muted);
        return arrow(Shape::Call, loop, layout.waitLane(), Tone::Muted);
    case EventKind::Poll:
        return arrow(Shape::Call, loop, layout.laneOfTask(e.other), Tone::Muted);
    case EventKind::TaskCreated:
        if (e.other != NoTask)
            return arrow(Shape::Call, layout.laneOfTask(e.other), task, Tone::Muted);
        return note(task, Tone::Muted, Shape::Marker);
    case EventKind::TaskStarted:
        return arrow(Shape::Call, e.other != NoTask ? layout.laneOfTask(e.other) : loop, task);
    case EventKind::TaskResumed:
        return arrow(Shape::Call, loop, task);
    case EventKind::TaskSuspended:
        // A generator waiting for a sent value hands control back to its consumer, not the loop.
        if (e.wait() == WaitKind::Value && layout.laneOfTask(e.other) >= 0)
            return arrow(Shape::Return, task, layout.laneOfTask(e.other));
        return arrow(Shape::Return, task, loop);
    case EventKind::ValueYielded: // the value goes to the consumer that asked for it
        return arrow(
            Shape::Return, task, layout.laneOfTask(e.other) >= 0 ? layout.laneOfTask(e.other) : loop);
    case EventKind::TaskDelegated:
        return arrow(Shape::Call, task, layout.laneOfTask(e.other));
    case EventKind::TaskReturned:
        return arrow(Shape::Return, task, e.other != NoTask ? layout.laneOfTask(e.other) : loop);
    case EventKind::TaskFailed:
        return note(task, Tone::Error);
    case EventKind::TaskCancelled:
        return note(task, Tone::Muted);
    case EventKind::IoSubmitted:
        return arrow(Shape::Call, task, layout.laneOfIo(e.other));
    case EventKind::IoCompleted:
        return arrow(Shape::Return, layout.laneOfIo(e.other), loop);
    case EventKind::IoFailed:
        return arrow(Shape::Return, layout.laneOfIo(e.other), loop, Tone::Error);
    case EventKind::TimerArmed:
        return arrow(Shape::Call, task, layout.timerLane());
    case EventKind::TimerFired:
        return arrow(Shape::Return, layout.timerLane(), loop);
    case EventKind::SlowStep:
        return note(task, Tone::Warning);
    case EventKind::Message:
        // Said to another coroutine (next(g), send(2) to g): an arrow to it; otherwise a note.
        if (e.other != NoTask && task >= 0 && layout.laneOfTask(e.other) >= 0)
            return arrow(Shape::Call, task, layout.laneOfTask(e.other));
        return note(task >= 0 ? task : loop, Tone::Normal);
    case EventKind::CancelRequested:
        // From the task that asks, when it is known: an arrow to the one that is to stop.
        if (e.other != NoTask && task >= 0 && layout.laneOfTask(e.other) >= 0)
            return arrow(Shape::Call, layout.laneOfTask(e.other), task, Tone::Warning);
        return note(task >= 0 ? task : loop, Tone::Warning);
    case EventKind::CounterSet:
        return note(task >= 0 ? task : loop, Tone::Muted);
    }
    return note(loop, Tone::Muted, Shape::Marker);
}

QString sequenceLabel(const Trace &trace, const TraceDigest &digest, const TraceEvent &e)
{
    const QString who = trace.taskName(e.task);
    const QString detail = trace.detailText(e);
    switch (e.kind) {
    case EventKind::LoopStarted:
        return QStringLiteral("loop started");
    case EventKind::LoopStopped:
        return detail.isEmpty() ? QStringLiteral("loop stopped")
                                : QStringLiteral("loop stopped: %1").arg(detail);
    case EventKind::LoopWaiting:
        return QStringLiteral("wait for I/O (%1)").arg(detail);
    case EventKind::Poll:
        return QStringLiteral("poll %1: not ready").arg(trace.taskName(e.other));
    case EventKind::TaskCreated:
        return e.other != NoTask ? QStringLiteral("spawn %1").arg(who)
                                 : QStringLiteral("%1 created").arg(who);
    case EventKind::TaskStarted:
        return QStringLiteral("start %1").arg(who);
    case EventKind::TaskResumed:
        return QStringLiteral("resume %1").arg(who);
    case EventKind::TaskSuspended:
        if (e.wait() == WaitKind::Yield)
            return QStringLiteral("yield");
        return QStringLiteral("await %1").arg(detail.isEmpty() ? QStringLiteral("#%1").arg(e.other) : detail);
    case EventKind::ValueYielded:
        return QStringLiteral("yield %1").arg(detail);
    case EventKind::TaskDelegated:
        return QStringLiteral("await %1").arg(trace.taskName(e.other));
    case EventKind::TaskReturned:
        return detail.isEmpty() ? QStringLiteral("return") : QStringLiteral("return %1").arg(detail);
    case EventKind::TaskFailed:
        return QStringLiteral("failed: %1").arg(detail);
    case EventKind::TaskCancelled:
        return QStringLiteral("cancelled");
    case EventKind::IoSubmitted:
        return detail;
    case EventKind::IoCompleted:
    case EventKind::IoFailed: {
        const IoOperation *op = digest.io(e.other);
        const QString what = op ? trace.labels().text(op->detail) : QString();
        const QString head = e.kind == EventKind::IoCompleted ? QStringLiteral("I/O complete")
                                                              : QStringLiteral("I/O failed");
        QString text = what.isEmpty() ? head : QStringLiteral("%1: %2").arg(head, what);
        if (!detail.isEmpty() && detail != QLatin1StringView("done"))
            text += QStringLiteral(" → %1").arg(detail);
        return text;
    }
    case EventKind::TimerArmed:
        return QStringLiteral("sleep %1").arg(detail);
    case EventKind::TimerFired:
        return QStringLiteral("timer fired (%1)").arg(who);
    case EventKind::SlowStep:
        return QStringLiteral("slow step: ran %1 without yielding").arg(detail);
    case EventKind::Message:
        return detail;
    case EventKind::CancelRequested:
        return QStringLiteral("cancel %1").arg(who);
    case EventKind::CounterSet:
        return QStringLiteral("%1 → %2").arg(detail).arg(e.other);
    }
    return {};
}

} // namespace Loopscope
