#pragma once

#include "scheduler/detail/readyqueue.h"
#include "scheduler/detail/timerqueue.h"
#include "scheduler/taskhandle.h"
#include "trace/trace.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <vector>

class QEventLoop;

namespace Loopscope {

enum class ClockMode : std::uint8_t {
    Virtual, //!< time jumps to the next timer when nothing is ready; fully deterministic
    Real,    //!< wall-clock time, Qt timers and real I/O
};

//! What one step() did.
enum class StepAction : std::uint8_t {
    Idle,        //!< nothing left to do: no ready task, no timer, no I/O in flight
    Blocked,     //!< real clock: nothing is due yet; waiting on a timer or I/O would block
    Waited,      //!< virtual clock: jumped to the next timer (the loop "waits on I/O")
    FiredTimer,  //!< delivered one due timer (the sleeping task is now ready)
    CompletedIo, //!< delivered one I/O completion (the awaiting task is now ready)
    StartedTask, //!< ran a task for the first time, until it awaited or finished
    ResumedTask, //!< resumed a suspended task, until it awaited again or finished
};

struct StepResult
{
    StepAction action = StepAction::Idle;
    TaskId task = NoTask; //!< the task run, woken or delivered to
    SeqNo firstSeq = 0;   //!< the events this step appended: [firstSeq, endSeq)
    SeqNo endSeq = 0;
};

QLatin1StringView stepActionName(StepAction action);

struct SchedulerOptions
{
    ClockMode clock = ClockMode::Virtual;
    //! A task running longer than this without awaiting is traced as a slow step.
    std::chrono::nanoseconds slowStepThreshold = std::chrono::milliseconds(100);
    //! Keep at least this many newest events (0: keep all).
    qsizetype traceCapacity = 0;
    //! Lane of this loop's thread in multi-loop traces.
    std::uint8_t threadLane = 0;
};

/*!
 * Loopscope's event loop: runs Tasks on one thread and records every scheduling decision in its
 * Trace. Each turn delivers the completions and timers that are due, then resumes the tasks that
 * were ready when the turn began, in FIFO order (the asyncio model).
 *
 * Two ways to drive it: runUntilComplete() / runUntilIdle() (synchronous), and step(), which
 * performs exactly one scheduling action (RunSession animates a run with it inside the Qt event
 * loop). Driving a loop that is already running throws
 * LoopAlreadyRunningError and leaves the loop intact.
 *
 * Destroying the scheduler destroys every unfinished task frame (their awaits are unlinked first).
 */
class Scheduler : public QObject
{
    Q_OBJECT
public:
    explicit Scheduler(SchedulerOptions options = {}, QObject *parent = nullptr);
    ~Scheduler() override;

    Trace &trace() { return m_trace; }
    const Trace &trace() const { return m_trace; }
    const SchedulerOptions &options() const { return m_options; }
    ClockMode clockMode() const { return m_options.clock; }
    //! Scheduler clock in nanoseconds since construction (virtual or real).
    std::int64_t now() const
    {
        return m_options.clock == ClockMode::Virtual ? m_virtualNow : m_realClock.nsecsElapsed();
    }

    //! Takes ownership of `task`, traces its creation and queues its first run.
    template<typename T>
    TaskHandle<T> spawn(Task<T> task, const QString &name = {})
    {
        if (!task.isValid())
            throw InvalidStateError(QStringLiteral("cannot spawn an empty task"));
        auto core = std::make_shared<detail::TaskCoreOf<T>>();
        const QString *requested = task.requestedName();
        const QString effectiveName = name.isEmpty() && requested ? *requested : name;
        auto frame = task.release();
        adopt(frame, frame.promise(), core, effectiveName);
        return TaskHandle<T>(std::move(core));
    }

    //! Requests cancellation: the task's innermost await throws CancelledError. False if done.
    //! Finding the task by id takes time in proportion to the live tasks; prefer a TaskHandle.
    bool cancel(TaskId root);
    template<typename T>
    bool cancel(const TaskHandle<T> &handle)
    {
        return handle.isValid() && cancelCore(*handle.core());
    }

    StepResult step();
    //! Runs until `handle` finishes; returns its result or rethrows its exception.
    template<typename T>
    T runUntilComplete(const TaskHandle<T> &handle)
    {
        runUntilDone(*handle.core());
        return handle.result();
    }
    template<typename T>
    T runUntilComplete(Task<T> task, const QString &name = {})
    {
        return runUntilComplete(spawn(std::move(task), name));
    }
    //! Runs until no task is ready and no timer or I/O is pending.
    void runUntilIdle();
    //! Real clock, after step() said Blocked: waits (traced as the loop waiting) in a nested Qt
    //! event loop until an I/O completion arrives or the next timer is due.
    void waitUntilSomethingIsDue();

    //! Whether the loop is being driven (inside step(), a run or a wait) right now.
    bool isRunning() const { return m_driving; }

    bool hasWork() const;
    std::size_t readyCount() const { return m_ready.size(); }
    std::size_t timerCount() const { return m_timers.size(); }
    qsizetype liveTaskCount() const { return m_liveRoots; }
    //! The task running right now (NoTask between steps).
    TaskId currentTask() const;
    //! Records a line of scenario output for the running task (`line`: where it was said).
    void log(const QString &text, std::uint16_t line = 0)
    {
        record(EventKind::Message, currentTask(), 0, intern(text), line);
    }
    //! Records that the counter `name` (an adaptive limit) is `value` from now on.
    void setCounter(const QString &name, std::uint32_t value)
    {
        record(EventKind::CounterSet, currentTask(), value, intern(name));
    }

signals:
    //! A spawned task ended with an exception nobody had awaited yet.
    void taskFailed(Loopscope::TaskId task, const QString &message);

private:
    // The back end of the awaitables and synchronisation primitives, reached through
    // detail::SchedulerBackend (scheduler/detail/schedulerbackend.h).
    friend class detail::SchedulerBackend;

    void record(EventKind kind, TaskId task, std::uint32_t other = 0, std::uint32_t detail = 0,
        std::uint16_t line = 0, WaitKind wait = WaitKind::Other)
    {
        m_trace.append(kind, now(), task, other, detail, line, wait);
    }
    LabelId intern(const QString &text) { return m_trace.intern(text); }
    //! Marks `promise` suspended on `node` and traces it. Returns false if it must not suspend
    //! (a cancellation is pending), in which case the await completes at once and throws.
    bool suspend(detail::PromiseBase &promise, std::coroutine_handle<> handle, detail::WaitNode &node)
    {
        node.promise = &promise;
        node.handle = handle;
        detail::PromiseBase &root = *promise.root;
        if (root.cancelRequested) [[unlikely]]
            return false;
        root.setCurrentWait(&node);
        record(EventKind::TaskSuspended, promise.id, node.other, node.label, node.line, node.wait);
        return true;
    }
    //! Throws CancelledError if the task was cancelled while it waited; clears the wait.
    void resumed(detail::WaitNode &node)
    {
        detail::PromiseBase &root = *node.promise->root;
        root.setCurrentWait(nullptr);
        if (root.cancelRequested) [[unlikely]]
            throwCancelled(root);
    }
    void makeReady(
        detail::WaitNode &node, detail::WaitNode::Outcome outcome = detail::WaitNode::Outcome::Ready)
    {
        if (node.sibling) [[unlikely]]
            node.sibling->detach();
        node.outcome = outcome;
        m_ready.push(node, node.handle);
        if (m_waitLoop) [[unlikely]]
            wakeFromWait(); // made ready from outside a turn (a Qt slot, a signal): run it now
    }
    //! A yield: traces the suspension and queues the task for the next turn. Nothing to unlink
    //! later, so the task needs no WaitNode. A yield always parks, even when a cancellation is
    //! pending (as in asyncio): resumedAfterYield() throws it a turn later.
    [[gnu::always_inline]] void parkForNextTurn(
        detail::PromiseBase &promise, std::coroutine_handle<> handle, detail::ReadyNode &node)
    {
        node.promise = &promise;
        // One check for everything unusual, so that the common case makes no call: a call would
        // make every coroutine that yields save and restore registers on each resumption.
        if (m_options.clock != ClockMode::Virtual || !m_trace.hasRoom() || !m_ready.hasRoom()) [[unlikely]] {
            parkForNextTurnSlowly(promise, handle, node);
            return;
        }
        m_trace.appendUnchecked(StoredEvent { m_virtualNow, promise.id, 0, node.label,
            EventKind::TaskSuspended, m_trace.threadLane(), std::uint8_t(WaitKind::Yield), node.line });
        m_ready.pushUnchecked(node, handle);
    }
    //! After a yield: throws CancelledError if the task was cancelled before or meanwhile.
    void resumedAfterYield(const detail::ReadyNode &node)
    {
        detail::PromiseBase &root = *node.promise->root;
        if (root.cancelRequested) [[unlikely]]
            throwCancelled(root);
    }
    void armTimer(detail::WaitNode &node, std::int64_t deadline);
    //! The external operation of `node` finished; the completion is delivered by a later step.
    void completeExternal(detail::WaitNode &node, bool failed, LabelId outcome);
    //! Simulates a blocking call: the clock moves on while the task keeps the thread.
    void block(std::chrono::nanoseconds duration);
    void wakeJoiners(detail::TaskCore &core);
    //! cancel() for a task known by its core. False if it is done.
    bool cancelCore(detail::TaskCore &core);

    // Frame life cycle, called from Task's promise (task.h).
    std::coroutine_handle<> finishFrame(std::coroutine_handle<> frame, detail::PromiseBase &promise) noexcept;
    std::coroutine_handle<> startChild(detail::PromiseBase &parent, std::coroutine_handle<> parentFrame,
        detail::PromiseBase &child, std::coroutine_handle<> childFrame, const QString *name);

    void adopt(std::coroutine_handle<> frame, detail::PromiseBase &promise,
        std::shared_ptr<detail::TaskCore> core, const QString &name);
    TaskId registerTask(const QString &name, TaskId parent);
    void requestCancel(detail::PromiseBase &root);
    void finishRoot(detail::PromiseBase &root, std::coroutine_handle<> frame);
    struct Resumption
    {
        TaskId task;
        bool first; //!< the task ran for the first time
    };
    Resumption resumeNext();
    [[gnu::noinline]] void parkForNextTurnSlowly(
        detail::PromiseBase &promise, std::coroutine_handle<> handle, detail::ReadyNode &node);
    StepResult resumeNextStep();
    StepResult deliverNext();
    StepResult takeStep();
    void runUntilDone(const detail::TaskCore &core);
    void ensureStarted();
    void stopLoop(const char *why);
    void waitForExternalEvents();
    //! Ends the wait of waitForExternalEvents(): a task became ready meanwhile.
    void wakeFromWait();
    [[noreturn]] static void throwCancelled(detail::PromiseBase &root);
    //! The resumptions left in the current turn, run back to back.
    void drainTurn();
    bool hasDueTimer() const { return !m_timers.isEmpty() && m_timers.topDeadline() <= now(); }
    static void unlinkTimer(detail::WaitNode &node);

    class DriveGuard;

    SchedulerOptions m_options;
    Trace m_trace;
    QElapsedTimer m_realClock;
    std::int64_t m_virtualNow = 0;
    //! Whether the step being run has to be timed for the slow-step warning: always on the real
    //! clock; on the virtual clock only once a blocking call has moved time on.
    bool m_measureStep = false;
    detail::ReadyQueue m_ready;
    detail::TimerQueue m_timers;
    detail::WaitList m_completions;
    std::uint64_t m_timerOrder = 0;
    std::uint32_t m_lastIoId = 0;
    std::uint32_t m_lastTimerId = 0;
    TaskId m_lastTaskId = 0;
    qsizetype m_externalInFlight = 0;
    //! Spawned tasks whose frames are alive, by TaskCore::liveSlot; finished ones leave a hole.
    std::vector<std::shared_ptr<detail::TaskCore>> m_liveCores;
    std::vector<std::uint32_t> m_freeLiveSlots;
    qsizetype m_liveRoots = 0;
    detail::PromiseBase *m_current = nullptr;
    LabelId m_yieldLabel = NoLabel;
    bool m_loopStarted = false;
    bool m_driving = false;
    QEventLoop *m_waitLoop = nullptr; //!< while waitForExternalEvents() waits in it
};

} // namespace Loopscope
