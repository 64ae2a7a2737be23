#pragma once

#include "run/run.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>

namespace Loopscope {

//! One tunable number of a scenario, with its validated range.
struct ScenarioParameter
{
    QString key;         //!< "n", "latency_ms", "seed", "concurrency"...
    QString description; //!< one line for people
    double defaultValue = 0;
    double minimum = 0;
    double maximum = 0;
    bool integer = true;
    //! For a choice between named options: the names of minimum, minimum + 1 ... maximum, which
    //! the command line and the window take and show instead of bare numbers.
    QStringList choices;

    //! The name of `value` when the parameter is a choice, else the number as people write it.
    QString valueName(double value) const;
};

//! What the registry, the CLI and the UI show about a scenario.
struct ScenarioInfo
{
    QString id;          //!< stable, lower-case with dashes: "two-coroutines"
    QString title;       //!< "Event loop and two coroutines awaiting I/O"
    QString summary;     //!< one line
    QString explanation; //!< a short paragraph in our own words (plain text)
    QString sourcePath;  //!< Qt resource path of the scenario's source (":/scenarios/twocoroutines.cpp")
    QList<ScenarioParameter> parameters;
    //! Virtual: deterministic, byte-identical traces. Real: wall-clock time and real I/O.
    ClockMode clock = ClockMode::Virtual;
};

//! A scenario: its description and a factory for runs (the built-in ones live in core/scenarios).
class Scenario
{
public:
    virtual ~Scenario() = default;
    virtual const ScenarioInfo &info() const = 0;
    //! Starts a run with validated parameters (see ScenarioRegistry::parseParams).
    virtual std::unique_ptr<Run> start(const ScenarioParams &params) const = 0;
};

} // namespace Loopscope
