#include "run/runsession.h"

#include "run/replayrun.h"
#include "scheduler/errors.h"

#include <QElapsedTimer>

namespace Loopscope {

RunSession::RunSession(QObject *parent)
    : QObject(parent)
{
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RunSession::animationTick);
}

RunSession::~RunSession() = default;

bool RunSession::openScenario(const Scenario &scenario, const ScenarioParams &params)
{
    const Scenario *chosen = &scenario;
    return start([chosen, params] { return chosen->start(params); }, scenario.info().title, chosen, params);
}

bool RunSession::open(RunFactory factory, const QString &title)
{
    return start(std::move(factory), title, nullptr, {});
}

bool RunSession::start(
    RunFactory factory, const QString &title, const Scenario *scenario, const ScenarioParams &params)
{
    pauseAnimation();
    // Listeners of runReplaced() already see the new title and scenario; a failure restores them.
    RunFactory previousFactory = std::exchange(m_factory, std::move(factory));
    const QString previousTitle = std::exchange(m_title, title);
    const Scenario *previousScenario = std::exchange(m_scenario, scenario);
    ScenarioParams previousParams = std::exchange(m_params, params);
    if (restart(0))
        return true;
    m_factory = std::move(previousFactory);
    m_title = previousTitle;
    m_scenario = previousScenario;
    m_params = std::move(previousParams);
    return false;
}

bool RunSession::restart(qint64 steps)
{
    if (!replaceRun(m_factory, steps))
        return false;
    m_recording.reset();
    m_recordingStepStarts.clear();
    m_pausedLiveRun.reset();
    return true;
}

bool RunSession::replaceRun(const RunFactory &factory, qint64 steps, std::unique_ptr<Run> *keepOld)
{
    std::unique_ptr<Run> fresh;
    StepResult last;
    std::vector<SeqNo> starts;
    try {
        fresh = factory();
        if (!fresh)
            throw Error(QStringLiteral("the run could not be created"));
        while (qint64(starts.size()) < steps && !fresh->isFinished()) {
            const StepResult result = fresh->step();
            if (result.action == StepAction::Blocked)
                break; // a fresh real-clock run stops where it first has to wait
            last = result;
            starts.push_back(result.firstSeq);
            if (result.action == StepAction::Idle)
                break;
        }
    } catch (const std::exception &error) {
        emit errorOccurred(tr("Could not start the run: %1").arg(QString::fromUtf8(error.what())));
        return false;
    }
    // The old run stays alive until every view has switched to the new trace.
    std::unique_ptr<Run> old = std::exchange(m_run, std::move(fresh));
    const auto taken = static_cast<qint64>(starts.size());
    m_steps = taken;
    m_stepStarts = std::move(starts);
    m_lastStep = last;
    if (keepOld)
        *keepOld = std::move(old); // in place already while the views switch: they may ask about it
    emit runReplaced();
    if (taken > 0)
        emit stepped(m_lastStep);
    old.reset();
    return true;
}

bool RunSession::isFinished() const
{
    if (replayHasCaughtUp())
        return m_pausedLiveRun->isFinished();
    return m_run && m_run->isFinished();
}

ClockMode RunSession::clockMode() const
{
    if (m_recording)
        return ClockMode::Real;
    return m_run ? m_run->clockMode() : ClockMode::Virtual;
}

std::int64_t RunSession::now() const
{
    if (!m_run)
        return 0;
    // A real clock goes on while the loop waits; a virtual one is where the newest event happened
    // (after a step that waits, the clock has jumped, but nothing has happened there yet).
    Scheduler *scheduler = m_run->scheduler();
    if (scheduler && scheduler->clockMode() == ClockMode::Real)
        return scheduler->now();
    return m_run->trace().isEmpty() ? 0 : m_run->trace().last().timeNs;
}

bool RunSession::canStopProgram() const
{
    const Run *live = m_pausedLiveRun ? m_pausedLiveRun.get() : m_run.get();
    return live && live->canStop();
}

void RunSession::stopProgram()
{
    Run *live = m_pausedLiveRun ? m_pausedLiveRun.get() : m_run.get();
    if (live && live->canStop())
        live->stop();
}

const TraceMetadata *RunSession::recordedMetadata() const
{
    const Run *live = m_pausedLiveRun ? m_pausedLiveRun.get() : m_run.get();
    return live ? live->recordedMetadata() : nullptr;
}

void RunSession::setSpeed(int stepsPerSecond)
{
    m_speed = std::max(0, stepsPerSecond);
    if (m_animating)
        m_timer.start(m_speed == 0 ? 0 : 1000 / m_speed);
}

StepResult RunSession::stepOnce()
{
    StepResult result;
    if (replayHasCaughtUp())
        returnToLiveRun();
    if (!m_run || m_run->isFinished())
        return result;
    try {
        result = m_run->step();
    } catch (const std::exception &error) {
        pauseAnimation();
        emit errorOccurred(tr("The run stopped with an error: %1").arg(QString::fromUtf8(error.what())));
        return StepResult {};
    }
    if (result.action != StepAction::Blocked) {
        ++m_steps;
        m_stepStarts.push_back(result.firstSeq);
        m_lastStep = result;
    }
    return result;
}

StepResult RunSession::step()
{
    const bool wasFinished = isFinished();
    const StepResult result = stepOnce();
    if (result.action == StepAction::Blocked)
        emit blocked();
    else if (!wasFinished && m_run)
        emit stepped(result);
    if (!wasFinished && isFinished()) {
        pauseAnimation();
        emit finished();
    }
    return result;
}

qint64 RunSession::advance(qint64 count)
{
    // One notification for the whole batch: views catch up once, however many steps were taken.
    const bool wasFinished = isFinished();
    qint64 taken = 0;
    if (count == std::numeric_limits<qint64>::max() && m_run && !m_pausedLiveRun) {
        // To the end at once, when the run can (opening a saved trace shows its end).
        const std::size_t before = m_stepStarts.size();
        if (const std::optional<StepResult> last = m_run->skipToEnd(m_stepStarts)) {
            taken = static_cast<qint64>(m_stepStarts.size() - before);
            m_steps += taken;
            m_lastStep = *last;
        }
    }
    while (taken < count && m_run && !isFinished()) {
        if (stepOnce().action == StepAction::Blocked)
            break;
        ++taken;
    }
    if (taken > 0)
        emit stepped(m_lastStep);
    if (!wasFinished && isFinished()) {
        pauseAnimation();
        emit finished();
    }
    return taken;
}

void RunSession::stepBack()
{
    if (!m_factory || m_steps == 0)
        return;
    pauseAnimation();
    if (clockMode() == ClockMode::Real)
        replayRecording(m_steps - 1);
    else
        restart(m_steps - 1);
}

void RunSession::replayRecording(qint64 steps)
{
    const bool live = !m_recording;
    if (live) {
        m_recording = m_run->trace().copy();
        m_recordingStepStarts = m_stepStarts;
    }
    const Trace &recording = *m_recording;
    const std::vector<SeqNo> &starts = m_recordingStepStarts;
    replaceRun([&recording, &starts] { return std::make_unique<ReplayRun>(recording.copy(), starts); }, steps,
        live ? &m_pausedLiveRun : nullptr);
}

void RunSession::returnToLiveRun()
{
    // The replay and the live run now show the same events: only the run behind the views changes.
    std::unique_ptr<Run> replay = std::exchange(m_run, std::move(m_pausedLiveRun));
    m_stepStarts = std::move(m_recordingStepStarts);
    m_recordingStepStarts.clear();
    m_recording.reset();
    emit runReplaced();
    replay.reset();
}

void RunSession::reset()
{
    if (!m_factory)
        return;
    pauseAnimation();
    restart(0);
}

void RunSession::startAnimation()
{
    if (m_animating || !m_run || isFinished())
        return;
    m_animating = true;
    m_timer.start(m_speed == 0 ? 0 : 1000 / m_speed);
    emit animatingChanged(true);
}

void RunSession::pauseAnimation()
{
    if (!m_animating)
        return;
    m_animating = false;
    m_timer.stop();
    emit animatingChanged(false);
}

void RunSession::toggleAnimation()
{
    if (m_animating)
        pauseAnimation();
    else
        startAnimation();
}

void RunSession::animationTick()
{
    if (m_speed > 0) {
        step();
        return;
    }
    // As fast as possible, but hand the thread back to Qt every few milliseconds so views repaint.
    QElapsedTimer slice;
    slice.start();
    const qint64 before = m_steps;
    StepResult result;
    do {
        const bool wasFinished = isFinished();
        result = stepOnce();
        if (!wasFinished && isFinished()) {
            emit stepped(m_lastStep);
            pauseAnimation();
            emit finished();
            return;
        }
    } while (m_animating && result.action != StepAction::Blocked && slice.elapsed() < 4);
    // A real-clock run waiting for I/O: look again in a few milliseconds instead of spinning.
    m_timer.setInterval(result.action == StepAction::Blocked ? 5 : 0);
    if (m_animating && m_steps > before)
        emit stepped(m_lastStep);
}

} // namespace Loopscope
