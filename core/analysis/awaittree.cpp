#include "analysis/awaittree.h"

#include <algorithm>
#include <functional>

namespace Loopscope {

namespace {

enum class Phase : std::uint8_t { Unborn, Created, Running, Waiting, Done };

struct TaskNow
{
    Phase phase = Phase::Unborn;
    TaskId parent = NoTask;
    WaitKind wait = WaitKind::Other;
    std::uint32_t other = 0;
    LabelId label = NoLabel;
    std::uint16_t line = 0;
};

} // namespace

std::vector<AwaitNode> awaitTree(const Trace &trace, SeqNo at)
{
    std::vector<TaskNow> tasks(static_cast<std::size_t>(std::max<TaskId>(trace.taskCount(), 1)));
    const auto task = [&tasks](TaskId id) -> TaskNow & {
        if (id >= tasks.size())
            tasks.resize(id + 1);
        return tasks[id];
    };
    const qsizetype end = std::min<qsizetype>(
        trace.size(), trace.indexOfSeq(at) < 0 ? trace.size() : trace.indexOfSeq(at) + 1);
    for (qsizetype i = 0; i < end; ++i) {
        const TraceEvent e = trace.at(i);
        switch (e.kind) {
        case EventKind::TaskCreated:
            task(e.task) = TaskNow { Phase::Created, e.other };
            break;
        case EventKind::TaskStarted:
        case EventKind::TaskResumed:
            task(e.task).phase = Phase::Running;
            break;
        case EventKind::TaskSuspended:
        case EventKind::TaskDelegated: {
            TaskNow &t = task(e.task);
            t.phase = Phase::Waiting;
            t.wait = e.kind == EventKind::TaskDelegated ? WaitKind::Task : e.wait();
            t.other = e.other;
            t.label = e.kind == EventKind::TaskDelegated ? NoLabel : e.detail;
            t.line = e.line;
            break;
        }
        case EventKind::TaskReturned:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled:
            task(e.task).phase = Phase::Done;
            break;
        case EventKind::TimerFired:
        case EventKind::IoCompleted:
        case EventKind::IoFailed:
            if (e.task != NoTask && task(e.task).phase == Phase::Waiting)
                task(e.task).wait = WaitKind::Yield; // due: ready to be resumed
            break;
        default:
            break;
        }
    }
    // Who awaits each live task: by id, or as a group its parent awaits.
    const auto live = [&tasks](TaskId id) {
        return id < tasks.size() && tasks[id].phase != Phase::Unborn && tasks[id].phase != Phase::Done;
    };
    std::vector<TaskId> awaitedBy(tasks.size(), NoTask);
    for (TaskId id = 1; id < tasks.size(); ++id) {
        const TaskNow &t = tasks[id];
        if (!live(id) || t.phase != Phase::Waiting || t.wait != WaitKind::Task)
            continue;
        if (t.other != NoTask && live(t.other))
            awaitedBy[t.other] = id;
    }
    for (TaskId id = 1; id < tasks.size(); ++id) {
        const TaskNow &t = tasks[id];
        if (live(id) && awaitedBy[id] == NoTask && t.parent != NoTask && live(t.parent)) {
            const TaskNow &parent = tasks[t.parent];
            if (parent.phase == Phase::Waiting && parent.wait == WaitKind::Task && parent.other == NoTask)
                awaitedBy[id] = t.parent; // gather, TaskGroup: the group is the parent's children
        }
    }
    std::vector<std::vector<TaskId>> children(tasks.size());
    for (TaskId id = 1; id < tasks.size(); ++id) {
        if (live(id) && awaitedBy[id] != NoTask)
            children[awaitedBy[id]].push_back(id);
    }
    const auto doing = [&](TaskId id) {
        const TaskNow &t = tasks[id];
        if (t.phase == Phase::Created)
            return QStringLiteral("created, not started");
        if (t.phase == Phase::Running)
            return QStringLiteral("running");
        if (t.wait == WaitKind::Yield)
            return QStringLiteral("ready");
        QString what = trace.labels().text(t.label);
        if (what.isEmpty())
            what = t.wait == WaitKind::Task && t.other != NoTask
                ? QStringLiteral("task %1").arg(trace.taskName(t.other))
                : QString(waitKindName(t.wait));
        return QStringLiteral("awaits %1").arg(what);
    };
    std::vector<AwaitNode> tree;
    std::vector<bool> shown(tasks.size(), false);
    const std::function<void(TaskId, int)> visit = [&](TaskId id, int depth) {
        if (shown[id])
            return; // a cycle (a broken trace): each task once
        shown[id] = true;
        tree.push_back(AwaitNode {
            id, depth, doing(id), tasks[id].phase == Phase::Waiting ? tasks[id].line : std::uint16_t(0) });
        for (const TaskId child : children[id])
            visit(child, depth + 1);
    };
    for (TaskId id = 1; id < tasks.size(); ++id) {
        if (live(id) && awaitedBy[id] == NoTask)
            visit(id, 0);
    }
    return tree;
}

QString formatAwaitTree(const Trace &trace, const std::vector<AwaitNode> &tree)
{
    QString text = QStringLiteral("event loop\n");
    for (std::size_t i = 0; i < tree.size(); ++i) {
        const AwaitNode &node = tree[i];
        // A branch continues below a node when a later node sits at its depth before a shallower one.
        QString prefix;
        for (int depth = 0; depth <= node.depth; ++depth) {
            bool more = false;
            for (std::size_t j = i + 1; j < tree.size() && tree[j].depth >= depth; ++j) {
                if (tree[j].depth == depth) {
                    more = true;
                    break;
                }
            }
            if (depth < node.depth)
                prefix += more ? QStringLiteral("│   ") : QStringLiteral("    ");
            else
                prefix += more ? QStringLiteral("├── ") : QStringLiteral("└── ");
        }
        text += prefix + trace.taskName(node.task) + QStringLiteral(" — ") + node.doing;
        if (node.line > 0)
            text += QStringLiteral(" (line %1)").arg(node.line);
        text += u'\n';
    }
    return text;
}

} // namespace Loopscope
