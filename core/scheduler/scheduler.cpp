#include "scheduler/scheduler.h"

#include "scheduler/detail/schedulerbackend.h"

#include <QEventLoop>

#include <algorithm>
#include <thread>

namespace Loopscope {

namespace detail {

std::coroutine_handle<> finishFrame(std::coroutine_handle<> frame, PromiseBase &promise) noexcept
{
    return detail::SchedulerBackend(*promise.scheduler).finishFrame(frame, promise);
}

std::coroutine_handle<> startChild(PromiseBase &parent, std::coroutine_handle<> parentFrame,
    PromiseBase &child, std::coroutine_handle<> childFrame, const QString *name)
{
    return detail::SchedulerBackend(*parent.scheduler)
        .startChild(parent, parentFrame, child, childFrame, name);
}

bool JoinAwaiterBase::suspendOn(PromiseBase &awaiter, std::coroutine_handle<> handle)
{
    detail::SchedulerBackend scheduler(*awaiter.scheduler);
    node.other = core->id;
    node.wait = WaitKind::Task;
    node.label = scheduler.intern(QStringLiteral("task %1").arg(scheduler.trace().taskName(core->id)));
    node.line = line;
    if (!scheduler.suspend(awaiter, handle, node))
        return false;
    core->joiners.pushBack(node);
    return true;
}

void JoinAwaiterBase::checkResumed()
{
    if (node.promise)
        detail::SchedulerBackend(*node.promise->scheduler).resumed(node);
}

} // namespace detail

namespace {

bool isCancellation(const std::exception_ptr &error)
{
    try {
        std::rethrow_exception(error);
    } catch (const CancelledError &) {
        return true;
    } catch (...) {
        return false;
    }
}

} // namespace

QLatin1StringView stepActionName(StepAction action)
{
    switch (action) {
    case StepAction::Idle:
        return QLatin1StringView("idle");
    case StepAction::Blocked:
        return QLatin1StringView("blocked");
    case StepAction::Waited:
        return QLatin1StringView("waited");
    case StepAction::FiredTimer:
        return QLatin1StringView("fired_timer");
    case StepAction::CompletedIo:
        return QLatin1StringView("completed_io");
    case StepAction::StartedTask:
        return QLatin1StringView("started_task");
    case StepAction::ResumedTask:
        return QLatin1StringView("resumed_task");
    }
    return QLatin1StringView("unknown");
}

Scheduler::Scheduler(SchedulerOptions options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_realClock.start();
    m_measureStep = m_options.clock == ClockMode::Real;
    m_trace.setCapacity(options.traceCapacity);
    m_trace.setThreadLane(options.threadLane);
    m_yieldLabel = m_trace.intern(QStringLiteral("yield"));
}

Scheduler::~Scheduler()
{
    // Destroying a root frame destroys its children and runs the awaiters' destructors, which
    // unlink them from timers, queues and other tasks while those structures are still alive.
    for (auto &slot : m_liveCores) {
        const auto core = std::move(slot);
        if (!core)
            continue;
        --m_liveRoots;
        core->frame = nullptr;
        core->state = TaskState::Cancelled;
        core->error = std::make_exception_ptr(CancelledError(QStringLiteral("the event loop was destroyed")));
        std::exchange(core->handle, {}).destroy();
        while (core->joiners.popFront()) { }
    }
    while (m_completions.popFront()) { }
    m_ready.clear();
    m_timers.clear();
}

TaskId Scheduler::registerTask(const QString &name, TaskId parent)
{
    const TaskId id = ++m_lastTaskId;
    const LabelId label = intern(name);
    m_trace.registerTask(id, label, parent);
    record(EventKind::TaskCreated, id, parent, label);
    return id;
}

void Scheduler::adopt(std::coroutine_handle<> frame, detail::PromiseBase &promise,
    std::shared_ptr<detail::TaskCore> core, const QString &name)
{
    promise.adoptAsRoot(*this, *core);
    promise.id = registerTask(name, currentTask());
    core->startNode.promise = &promise;
    core->scheduler = this;
    core->frame = &promise;
    core->handle = frame;
    core->id = promise.id;
    ++m_liveRoots;
    if (m_freeLiveSlots.empty()) {
        core->liveSlot = static_cast<std::uint32_t>(m_liveCores.size());
        m_liveCores.push_back(core);
        // Finishing a task then never allocates: every slot already has room in the free list.
        m_freeLiveSlots.reserve(m_liveCores.capacity());
    } else {
        core->liveSlot = m_freeLiveSlots.back();
        m_freeLiveSlots.pop_back();
        m_liveCores[core->liveSlot] = core;
    }
    m_ready.push(core->startNode, frame);
}

TaskId Scheduler::currentTask() const
{
    return m_current ? m_current->id : NoTask;
}

bool Scheduler::cancel(TaskId root)
{
    const auto it = std::find_if(m_liveCores.begin(), m_liveCores.end(),
        [root](const auto &core) { return core && core->id == root; });
    return it != m_liveCores.end() && cancelCore(**it);
}

bool Scheduler::cancelCore(detail::TaskCore &core)
{
    if (core.isDone() || !core.frame)
        return false;
    requestCancel(*core.frame);
    return true;
}

void Scheduler::requestCancel(detail::PromiseBase &root)
{
    if (!root.cancelRequested)
        record(EventKind::CancelRequested, root.id, currentTask(), NoLabel, 0);
    root.cancelRequested = true;
    detail::WaitNode *node = root.currentWait();
    if (node && node->isWaiting()) {
        // The task is parked on something: unpark it so its await throws CancelledError.
        node->detach();
        makeReady(*node, detail::WaitNode::Outcome::Cancelled);
    } else if (node && node->sibling && node->sibling->isWaiting()) {
        node->sibling->detach();
    }
}

void Scheduler::throwCancelled(detail::PromiseBase &root)
{
    root.cancelRequested = false;
    throw CancelledError();
}

void Scheduler::armTimer(detail::WaitNode &node, std::int64_t deadline)
{
    node.owner = this;
    node.unlink = &Scheduler::unlinkTimer;
    m_timers.push(node, deadline, ++m_timerOrder);
}

void Scheduler::unlinkTimer(detail::WaitNode &node)
{
    static_cast<Scheduler *>(node.owner)->m_timers.remove(node);
}

void Scheduler::completeExternal(detail::WaitNode &node, bool failed, LabelId outcome)
{
    node.detach();
    node.ioFailed = failed;
    node.resultLabel = outcome;
    m_completions.pushBack(node);
    if (m_waitLoop)
        wakeFromWait();
}

void Scheduler::block(std::chrono::nanoseconds duration)
{
    if (m_options.clock == ClockMode::Virtual) {
        m_virtualNow += duration.count();
        m_measureStep = true; // the only way virtual time passes inside a step
    } else
        std::this_thread::sleep_for(duration);
}

void Scheduler::parkForNextTurnSlowly(
    detail::PromiseBase &promise, std::coroutine_handle<> handle, detail::ReadyNode &node)
{
    record(EventKind::TaskSuspended, promise.id, 0, node.label, node.line, WaitKind::Yield);
    m_ready.push(node, handle);
}

void Scheduler::wakeJoiners(detail::TaskCore &core)
{
    while (detail::WaitNode *node = core.joiners.popFront())
        makeReady(*node);
}

std::coroutine_handle<> Scheduler::startChild(detail::PromiseBase &parent,
    std::coroutine_handle<> parentFrame, detail::PromiseBase &child, std::coroutine_handle<> childFrame,
    const QString *name)
{
    child.adoptAsChild(parent, parentFrame);
    child.id = registerTask(name ? *name : QString(), parent.id);
    record(EventKind::TaskDelegated, parent.id, child.id);
    record(EventKind::TaskStarted, child.id, parent.id);
    m_current = &child;
    return childFrame;
}

std::coroutine_handle<> Scheduler::finishFrame(
    std::coroutine_handle<> frame, detail::PromiseBase &promise) noexcept
{
    EventKind kind = EventKind::TaskReturned;
    LabelId label = NoLabel;
    if (!promise.error) {
        if (promise.hasValue) {
            const QString result = promise.describeResult();
            if (!result.isEmpty())
                label = intern(result);
        }
    } else {
        kind = isCancellation(promise.error) ? EventKind::TaskCancelled : EventKind::TaskFailed;
        label = intern(describeException(promise.error));
    }
    if (!promise.isRoot()) {
        record(kind, promise.id, promise.parent()->id, label);
        m_current = promise.parent();
        return promise.continuation();
    }
    record(kind, promise.id, NoTask, label);
    finishRoot(promise, frame);
    return std::noop_coroutine();
}

void Scheduler::finishRoot(detail::PromiseBase &root, std::coroutine_handle<> frame)
{
    const std::shared_ptr<detail::TaskCore> core = std::move(m_liveCores[root.core()->liveSlot]);
    m_freeLiveSlots.push_back(core->liveSlot);
    --m_liveRoots;
    core->frame = nullptr;
    core->handle = {};
    if (!root.error) {
        core->state = TaskState::Succeeded;
    } else {
        core->error = root.error;
        core->state = isCancellation(root.error) ? TaskState::Cancelled : TaskState::Failed;
    }
    if (root.hasValue)
        root.publishResult(*core);
    m_current = nullptr;
    if (!core->joiners.isEmpty())
        wakeJoiners(*core);
    frame.destroy();
    if (core->state == TaskState::Failed)
        emit taskFailed(core->id, describeException(core->error));
}

// Inlined into the loops that call it: this is the scheduler's innermost loop body.
[[gnu::always_inline]] inline Scheduler::Resumption Scheduler::resumeNext()
{
    // Resuming walks a long queue of frames scattered over the heap: fetch the next ones early.
    m_ready.prefetchAhead();
    const detail::ReadyQueue::Entry entry = m_ready.pop();
    detail::ReadyNode &node = *entry.node;
    detail::PromiseBase *promise = node.promise;
    const Resumption resumption { promise->id, node.kind == detail::ReadyNode::Kind::Start };
    const std::int64_t before = now();
    if (node.kind == detail::ReadyNode::Kind::Yield) [[likely]] {
        m_trace.append(
            EventKind::TaskResumed, before, promise->id, 0, node.label, node.line, WaitKind::Yield);
    } else if (node.kind == detail::ReadyNode::Kind::Wait) {
        const std::uint32_t other = static_cast<detail::WaitNode &>(node).other;
        m_trace.append(EventKind::TaskResumed, before, promise->id, other, node.label, node.line, node.wait);
    } else {
        promise->core()->state = TaskState::Running;
        if (promise->cancelRequested) {
            // Cancelled before it ever ran: like asyncio, its body never starts.
            promise->error = std::make_exception_ptr(CancelledError());
            finishFrame(entry.handle(), *promise);
            return resumption;
        }
        m_trace.append(EventKind::TaskStarted, before, promise->id);
    }
    // m_current is cleared by the callers, once per turn rather than once per resumption.
    m_current = promise;
    entry.handle().resume();
    if (m_measureStep) [[unlikely]] {
        m_measureStep = m_options.clock == ClockMode::Real;
        const std::int64_t ran = now() - before;
        if (ran > m_options.slowStepThreshold.count())
            record(EventKind::SlowStep, resumption.task, 0, detailMicros(ran));
    }
    return resumption;
}

void Scheduler::drainTurn()
{
    while (m_ready.turnHasMore())
        resumeNext();
    m_current = nullptr;
}

StepResult Scheduler::resumeNextStep()
{
    const Resumption resumption = resumeNext();
    m_current = nullptr;
    return StepResult { resumption.first ? StepAction::StartedTask : StepAction::ResumedTask,
        resumption.task };
}

StepResult Scheduler::deliverNext()
{
    detail::WaitNode *node = m_completions.popFront();
    StepResult result { StepAction::CompletedIo };
    if (node) {
        record(node->ioFailed ? EventKind::IoFailed : EventKind::IoCompleted, node->promise->id, node->other,
            node->resultLabel);
    } else {
        node = m_timers.top();
        m_timers.remove(*node);
        node->unlink = nullptr;
        if (node->isIo) {
            record(node->ioFailed ? EventKind::IoFailed : EventKind::IoCompleted, node->promise->id,
                node->other, node->resultLabel);
        } else {
            result.action = StepAction::FiredTimer;
            record(EventKind::TimerFired, node->promise->id, node->other);
        }
    }
    result.task = node->promise->id;
    makeReady(*node);
    return result;
}

StepResult Scheduler::takeStep()
{
    if (m_ready.turnHasMore())
        return resumeNextStep();
    // A turn boundary: observers hear about the previous turn in one notification.
    m_trace.publish();
    if (!m_completions.isEmpty() || hasDueTimer())
        return deliverNext();
    if (m_ready.beginTurn())
        return resumeNextStep();
    if (!m_timers.isEmpty() && m_options.clock == ClockMode::Virtual) {
        const std::int64_t wait = m_timers.topDeadline() - m_virtualNow;
        record(EventKind::LoopWaiting, NoTask, 0, detailMicros(wait));
        m_virtualNow = m_timers.topDeadline();
        return StepResult { StepAction::Waited };
    }
    if (!m_timers.isEmpty() || m_externalInFlight > 0)
        return StepResult { StepAction::Blocked };
    return StepResult { StepAction::Idle };
}

bool Scheduler::hasWork() const
{
    return !m_ready.isEmpty() || !m_timers.isEmpty() || !m_completions.isEmpty() || m_externalInFlight > 0;
}

} // namespace Loopscope
