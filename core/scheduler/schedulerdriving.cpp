// The ways to drive a Scheduler: step() and the synchronous runs.
#include "scheduler/scheduler.h"

#include <QEventLoop>
#include <QScopeGuard>

#include <cmath>

namespace Loopscope {

//! Marks the loop as driven for a scope; refuses to nest, the way asyncio does.
class Scheduler::DriveGuard
{
public:
    explicit DriveGuard(Scheduler &scheduler)
        : m_scheduler(scheduler)
    {
        if (scheduler.m_driving)
            throw LoopAlreadyRunningError();
        scheduler.m_driving = true;
    }
    ~DriveGuard() { m_scheduler.m_driving = false; }
    DriveGuard(const DriveGuard &) = delete;
    DriveGuard &operator=(const DriveGuard &) = delete;

private:
    Scheduler &m_scheduler;
};

void Scheduler::ensureStarted()
{
    if (!m_loopStarted) {
        m_loopStarted = true;
        record(EventKind::LoopStarted, NoTask);
    }
}

void Scheduler::stopLoop(const char *why)
{
    if (m_loopStarted) {
        m_loopStarted = false;
        record(EventKind::LoopStopped, NoTask, 0, intern(QString::fromLatin1(why)));
    }
    m_trace.publish();
}

StepResult Scheduler::step()
{
    DriveGuard guard(*this);
    const SeqNo first = m_trace.nextSeq();
    ensureStarted();
    StepResult result = takeStep();
    if (result.action == StepAction::Idle)
        stopLoop("idle");
    result.firstSeq = first;
    result.endSeq = m_trace.nextSeq();
    m_trace.publish();
    return result;
}

void Scheduler::runUntilDone(const detail::TaskCore &core)
{
    DriveGuard guard(*this);
    ensureStarted();
    while (!core.isDone()) {
        const StepResult result = takeStep();
        if (result.action == StepAction::Blocked) {
            waitForExternalEvents();
        } else if (result.action == StepAction::Idle) {
            stopLoop("deadlock");
            throw InvalidStateError(
                QStringLiteral("task %1 can never finish: no task is ready and no timer or "
                               "I/O is pending (a deadlock)")
                    .arg(m_trace.taskName(core.id)));
        }
    }
    stopLoop("complete");
}

void Scheduler::runUntilIdle()
{
    DriveGuard guard(*this);
    ensureStarted();
    for (;;) {
        drainTurn();
        const StepResult result = takeStep();
        if (result.action == StepAction::Idle)
            break;
        if (result.action == StepAction::Blocked)
            waitForExternalEvents();
    }
    stopLoop("idle");
}

void Scheduler::waitUntilSomethingIsDue()
{
    DriveGuard guard(*this);
    if (m_options.clock == ClockMode::Real && m_completions.isEmpty() && !hasDueTimer() && m_ready.isEmpty()
        && (m_externalInFlight > 0 || !m_timers.isEmpty()))
        waitForExternalEvents();
}

void Scheduler::waitForExternalEvents()
{
    const std::int64_t wait
        = m_timers.isEmpty() ? 0 : std::max<std::int64_t>(0, m_timers.topDeadline() - now());
    record(EventKind::LoopWaiting, NoTask, 0, detailMicros(wait));
    m_trace.publish();
    QEventLoop loop;
    m_waitLoop = &loop;
    const auto stopWaiting = qScopeGuard([this] { m_waitLoop = nullptr; });
    QTimer timer;
    if (!m_timers.isEmpty()) {
        timer.setSingleShot(true);
        timer.setTimerType(Qt::PreciseTimer);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(static_cast<int>(std::ceil(static_cast<double>(wait) / 1e6)));
    }
    loop.exec();
}

void Scheduler::wakeFromWait()
{
    m_waitLoop->quit();
}

} // namespace Loopscope
