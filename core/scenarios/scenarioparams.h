#pragma once

#include "run/scenario.h"

namespace Loopscope {

/*!
 * Checks `given` against the parameters a scenario declares and returns the complete set: every
 * declared key present (missing ones take their default). Throws Error for an unknown key, a
 * fractional value for a whole-number parameter, or a value outside the declared range, with a
 * message such as "n must be between 1 and 1000000, got 0".
 */
ScenarioParams resolveParameters(const ScenarioInfo &info, const ScenarioParams &given);

/*!
 * Parses "key=value" assignments (as typed on the command line) and resolves them with
 * resolveParameters(). Throws Error for a malformed assignment, a value that is not a number or a
 * key given twice, as well as for everything resolveParameters() rejects.
 */
ScenarioParams parseParameterAssignments(const ScenarioInfo &info, const QStringList &assignments);

//! A parameter value as people write it: "1000000", "2.5", "-3".
QString formatParameterValue(double value);

//! The whole-number value of `key` in resolved parameters (see resolveParameters()).
qint64 integerParameter(const ScenarioParams &params, const QString &key);

} // namespace Loopscope
