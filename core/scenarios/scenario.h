#pragma once

#include "scheduler/scheduler.h"

#include <QList>
#include <QMap>
#include <QString>

#include <memory>

namespace Loopscope {

//! One tunable number of a scenario, with its validated range.
struct ScenarioParameter
{
    QString key;          //!< "n", "latency_ms", "seed", "concurrency"...
    QString description;  //!< one line for people
    double defaultValue = 0;
    double minimum = 0;
    double maximum = 0;
    bool integer = true;
};

using ScenarioParams = QMap<QString, double>;

//! What the registry, the CLI and the UI show about a scenario.
struct ScenarioInfo
{
    QString id;           //!< stable, lower-case with dashes: "two-coroutines"
    QString title;        //!< "Event loop and two coroutines awaiting I/O"
    QString summary;      //!< one line
    QString explanation;  //!< a short paragraph in our own words (plain text)
    QString sourcePath;   //!< Qt resource path of the scenario's source (":/scenarios/twocoroutines.cpp")
    QList<ScenarioParameter> parameters;
    //! Virtual: deterministic, byte-identical traces. Real: wall-clock time and real I/O.
    ClockMode clock = ClockMode::Virtual;
};

/*!
 * A scenario being played: owns its trace (usually its scheduler's) and advances one scheduling
 * action per step(). Runs are deterministic under the virtual clock, so "step back" is a replay
 * of a fresh run to step k - 1.
 */
class ScenarioRun
{
public:
    virtual ~ScenarioRun() = default;

    virtual const Trace &trace() const = 0;
    //! Performs one scheduling action; returns what it did (Idle once the scenario is over).
    virtual StepResult step() = 0;
    virtual bool isFinished() const = 0;
    //! The scheduler, when the scenario runs on one (nullptr for hand-rolled loops).
    virtual Scheduler *scheduler() { return nullptr; }
    //! Runs to the end (or until `maxSteps` steps, if > 0); returns the number of steps taken.
    virtual qint64 runToEnd(qint64 maxSteps = 0);
};

//! A built-in scenario: its description and a factory for runs.
class Scenario
{
public:
    virtual ~Scenario() = default;
    virtual const ScenarioInfo &info() const = 0;
    //! Starts a run with validated parameters (see ScenarioRegistry::parseParams).
    virtual std::unique_ptr<ScenarioRun> start(const ScenarioParams &params) const = 0;
};

} // namespace Loopscope
