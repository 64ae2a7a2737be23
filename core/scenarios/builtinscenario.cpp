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

ScenarioParameter strategyModeParameter()
{
    return { QStringLiteral("mode"),
        QStringLiteral("which strategies run: all three side by side, or one of them"), 0, 0, 3, true,
        { QStringLiteral("all"), QStringLiteral("sequential"), QStringLiteral("unbounded"),
            QStringLiteral("bounded") } };
}

} // namespace Loopscope
