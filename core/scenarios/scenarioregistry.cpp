#include "scenarios/scenarioregistry.h"

#include "scenarios/builtinscenarios.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/errors.h"

namespace Loopscope {

ScenarioRegistry::ScenarioRegistry()
{
    m_scenarios.push_back(makeTwoCoroutinesScenario());
    m_scenarios.push_back(makeGeneratorsScenario());
    m_scenarios.push_back(makeSendScenario());
    m_scenarios.push_back(makeDelegationScenario());
    m_scenarios.push_back(makePollingLoopScenario());
    m_scenarios.push_back(makeCallbackQueueScenario());
    m_scenarios.push_back(makeCallbackBlockingScenario());
    m_scenarios.push_back(makeCallbackTimerScenario());
    m_scenarios.push_back(makeSequentialVsConcurrentScenario());
    m_scenarios.push_back(makeProducerConsumerScenario());
    m_scenarios.push_back(makeNestedLoopScenario());
    m_scenarios.push_back(makeThreadsScenario());
    m_scenarios.push_back(makePaginatedScenario());
    m_scenarios.push_back(makePaginatedHttpScenario());
}

ScenarioRegistry::~ScenarioRegistry() = default;

QString ScenarioRegistry::defaultScenarioId()
{
    return QStringLiteral("two-coroutines");
}

QList<ScenarioInfo> ScenarioRegistry::list() const
{
    QList<ScenarioInfo> infos;
    infos.reserve(static_cast<qsizetype>(m_scenarios.size()));
    for (const auto &scenario : m_scenarios)
        infos << scenario->info();
    return infos;
}

QStringList ScenarioRegistry::ids() const
{
    QStringList ids;
    for (const auto &scenario : m_scenarios)
        ids << scenario->info().id;
    return ids;
}

const Scenario *ScenarioRegistry::find(const QString &id) const
{
    for (const auto &scenario : m_scenarios) {
        if (scenario->info().id == id)
            return scenario.get();
    }
    return nullptr;
}

const Scenario &ScenarioRegistry::get(const QString &id) const
{
    if (const Scenario *scenario = find(id))
        return *scenario;
    throw Error(QStringLiteral("no scenario named '%1'; try 'loopscope list'").arg(id));
}

ScenarioParams ScenarioRegistry::parseParams(const QString &id, const QStringList &assignments) const
{
    return parseParameterAssignments(get(id).info(), assignments);
}

} // namespace Loopscope
