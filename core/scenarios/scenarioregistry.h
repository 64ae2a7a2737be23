#pragma once

#include "run/scenario.h"

#include <memory>
#include <vector>

namespace Loopscope {

/*!
 * The built-in scenarios, in the order people meet them (the default one first). An ordinary
 * object, built where it is needed: the CLI and the main window each own one.
 *
 * parseParams() turns "key=value" texts into validated parameters and throws Error with a message
 * for people otherwise ("no scenario named 'x'; try 'loopscope list'", "n must be between 1 and
 * 1000000, got 0").
 */
class ScenarioRegistry
{
public:
    ScenarioRegistry();
    ~ScenarioRegistry();
    ScenarioRegistry(const ScenarioRegistry &) = delete;
    ScenarioRegistry &operator=(const ScenarioRegistry &) = delete;

    //! Id of the scenario shown first: "two-coroutines".
    static QString defaultScenarioId();

    //! What every scenario is (id, title, summary, explanation, source, parameters), in order.
    QList<ScenarioInfo> list() const;
    QStringList ids() const;
    //! The scenario with this id, or nullptr.
    const Scenario *find(const QString &id) const;
    //! The scenario with this id; throws Error if there is none.
    const Scenario &get(const QString &id) const;
    //! Validated parameters of scenario `id` from "key=value" assignments (defaults for the rest).
    ScenarioParams parseParams(const QString &id, const QStringList &assignments) const;

private:
    std::vector<std::unique_ptr<Scenario>> m_scenarios;
};

} // namespace Loopscope
