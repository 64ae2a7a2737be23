#include "scenarios/builtinscenario.h"

#include "scenarios/scenarioparams.h"

namespace Loopscope {

BuiltinScenario::BuiltinScenario(ScenarioInfo info, Starter starter)
    : m_info(std::move(info))
    , m_starter(std::move(starter))
{ }

std::unique_ptr<Run> BuiltinScenario::start(const ScenarioParams &params) const
{
    return m_starter(resolveParameters(m_info, params));
}

} // namespace Loopscope
