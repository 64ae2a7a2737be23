#pragma once

#include "scheduler/scheduler.h"

#include <QMap>

#include <QString>

namespace Loopscope {

//! A scenario's parameters by key ("n", "latency_ms"...), as runs, files and the command line give them.
using ScenarioParams = QMap<QString, double>;

//! The `format` value of a `.loopscope` header, and the versions of the two forms: JSON Lines
//! (version 1, text) and binary (version 2, what files are saved as; see io/binarytrace.h).
inline constexpr QLatin1StringView TraceFormatName { "loopscope-trace" };
inline constexpr int TraceFormatVersion = 1;
inline constexpr int BinaryTraceFormatVersion = 2;

/*!
 * What a saved trace says about itself besides its events: which scenario produced it with which
 * parameters, on which clock, and who wrote the file when. Stored in the header line of a
 * `.loopscope` file and carried unchanged through open and save, so that re-saving an opened
 * trace reproduces the file byte for byte.
 */
struct TraceMetadata
{
    QString scenarioId; //!< "two-coroutines"; empty for a trace recorded outside a scenario
    ScenarioParams params;
    ClockMode clock = ClockMode::Virtual;
    QString createdBy; //!< "Loopscope 0.1.0"
    QString createdAt; //!< ISO 8601 UTC, "2025-01-31T12:00:00Z"
    QString
        program; //!< a recorded program's command line ("python3 connector.py --pages 20"); empty otherwise
    QString sourceFile; //!< the recorded program's main source file, whose lines events name; empty otherwise

    //! Metadata for a trace recorded now by this build of Loopscope.
    static TraceMetadata recordedNow(
        const QString &scenarioId, const ScenarioParams &params, ClockMode clock);

    friend bool operator==(const TraceMetadata &, const TraceMetadata &) = default;
};

//! This build's version, "0.1.0".
QString loopscopeVersion();

//! "virtual" or "real", as trace files and the CLI spell it.
QLatin1StringView clockModeName(ClockMode mode);
//! Parses clockModeName(); false for anything else.
bool clockModeFromName(QStringView name, ClockMode &mode);

} // namespace Loopscope
