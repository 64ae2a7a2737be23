#pragma once

#include "run/scenario.h"

#include <functional>

namespace Loopscope {

/*!
 * A Scenario made of its description and a function that starts a run. start() resolves the
 * parameters against the description first (defaults filled in, ranges checked, see
 * resolveParameters()), so the function always receives a complete and valid set.
 */
class BuiltinScenario final : public Scenario
{
public:
    using Starter = std::function<std::unique_ptr<Run>(const ScenarioParams &)>;

    BuiltinScenario(ScenarioInfo info, Starter starter);

    const ScenarioInfo &info() const override { return m_info; }
    std::unique_ptr<Run> start(const ScenarioParams &params) const override;

private:
    ScenarioInfo m_info;
    Starter m_starter;
};

//! The `mode` of the paginated scenarios: all three strategies side by side, or one of them
//! (sequential, unbounded, bounded).
ScenarioParameter strategyModeParameter();

} // namespace Loopscope
