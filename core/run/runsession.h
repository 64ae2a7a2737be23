#pragma once

#include "run/scenario.h"

#include <functional>
#include <memory>
#include <QObject>
#include <QTimer>
#include <vector>

namespace Loopscope {

/*!
 * Plays one run for the views: steps it (one scheduling action at a time), animates it (so many
 * steps per second, or as fast as possible while keeping the UI responsive), steps back and resets.
 * Step back replays: virtual-clock runs are deterministic, so a fresh run stepped k - 1 times is
 * the state before step k. A real-clock run (real I/O) is not run again: stepping back switches to
 * a replay of what it recorded, step by step as it happened, while the live run waits, paused; once
 * the replay is stepped forward to where the live run was, the live run takes over again. Reset
 * starts afresh. Every switch of run is announced with runReplaced() before the old one is destroyed.
 *
 * A run comes from a RunFactory: a built-in scenario with parameters, or a replay of a saved trace.
 * Errors (a scenario that throws while starting or stepping) are reported with errorOccurred() and
 * stop the animation; nothing throws out of the slots.
 */
class RunSession : public QObject
{
    Q_OBJECT
public:
    using RunFactory = std::function<std::unique_ptr<Run>()>;

    explicit RunSession(QObject *parent = nullptr);
    ~RunSession() override;

    //! Starts a fresh run of `factory` at step 0. Returns false (and reports) if it cannot start.
    bool open(RunFactory factory, const QString &title);
    //! open() for a scenario with parameters (already validated).
    bool openScenario(const Scenario &scenario, const ScenarioParams &params);

    bool hasRun() const { return bool(m_run); }
    Run *run() const { return m_run.get(); }
    const Trace *trace() const { return m_run ? &m_run->trace() : nullptr; }
    //! The scenario being played (nullptr for a replayed file).
    const Scenario *scenario() const { return m_scenario; }
    const ScenarioParams &params() const { return m_params; }
    QString title() const { return m_title; }

    //! Steps taken in this run (scheduling actions; Blocked attempts do not count).
    qint64 stepCount() const { return m_steps; }
    //! What the newest step did (action Idle with an empty range before the first step).
    const StepResult &lastStep() const { return m_lastStep; }
    bool isFinished() const;
    bool isAnimating() const { return m_animating; }
    //! Clock of the run's scheduler (Virtual when there is none; Real for a recorded real-clock run).
    ClockMode clockMode() const;
    //! Whether a real-clock run is being replayed from its recording (after a step back).
    bool isReplayingRecording() const { return bool(m_recording); }
    //! The run's clock now, in ns: a real clock's time, else the newest event's time.
    std::int64_t now() const;
    //! Whether the run is fed by a program that is still running (also while its recording is
    //! replayed after a step back), and ending it.
    bool canStopProgram() const;
    void stopProgram();
    //! What the run being played says about itself (a file's header, a recorded program), also
    //! while a live run's recording is replayed; nullptr for a scenario.
    const TraceMetadata *recordedMetadata() const;

    //! Steps per second while animating; 0 means as fast as possible.
    void setSpeed(int stepsPerSecond);
    int speed() const { return m_speed; }

public slots:
    //! One scheduling action. Returns the result (Idle if finished, Blocked if nothing was due yet).
    StepResult step();
    //! Advances up to `count` steps, stopping early when finished or when a real-clock run has to
    //! wait; emits stepped() once, for the last step. Returns the number of steps taken.
    qint64 advance(qint64 count);
    //! Back to the state after stepCount() - 1 steps (a deterministic rerun, or the recording).
    void stepBack();
    //! A fresh run at step 0.
    void reset();
    void startAnimation();
    void pauseAnimation();
    void toggleAnimation();

signals:
    //! A fresh run replaced the previous one (which is still alive during the signal).
    void runReplaced();
    //! A step was taken (once per advance() or replay, with the last step).
    void stepped(const Loopscope::StepResult &result);
    void animatingChanged(bool animating);
    //! step() found nothing due yet: a real-clock run is waiting for I/O or a timer.
    void blocked();
    //! The run has nothing left to do.
    void finished();
    void errorOccurred(const QString &message);

private:
    bool start(
        RunFactory factory, const QString &title, const Scenario *scenario, const ScenarioParams &params);
    bool restart(qint64 steps);
    //! Replaces the run with a fresh one from `factory`, stepped `steps` times.
    //! The old run is destroyed, or moved to `keepOld` when given.
    bool replaceRun(const RunFactory &factory, qint64 steps, std::unique_ptr<Run> *keepOld = nullptr);
    void replayRecording(qint64 steps);
    //! A replay of the recording has been stepped to where the paused live run is.
    bool replayHasCaughtUp() const
    {
        return m_pausedLiveRun && m_steps == static_cast<qint64>(m_recordingStepStarts.size());
    }
    //! After replayHasCaughtUp(): the live run goes on from here.
    void returnToLiveRun();
    StepResult stepOnce();
    void animationTick();

    RunFactory m_factory;
    std::unique_ptr<Run> m_run;
    const Scenario *m_scenario = nullptr;
    ScenarioParams m_params;
    QString m_title;
    qint64 m_steps = 0;
    std::vector<SeqNo> m_stepStarts; //!< where each step taken began (its first seq)
    StepResult m_lastStep;
    std::unique_ptr<Trace> m_recording; //!< a real-clock run's trace, once stepped back
    std::vector<SeqNo> m_recordingStepStarts;
    std::unique_ptr<Run> m_pausedLiveRun; //!< the real-clock run, while its recording replays
    int m_speed = 4;
    bool m_animating = false;
    QTimer m_timer;
};

} // namespace Loopscope
