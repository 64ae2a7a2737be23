#include "cli/listcommand.h"

#include "scenarios/scenarioparams.h"
#include "scenarios/scenarioregistry.h"

#include <QTextStream>

namespace Loopscope {

int runListCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    if (args == QStringList { QStringLiteral("--help") } || args == QStringList { QStringLiteral("-h") }) {
        out << "usage: loopscope list\nLists the built-in scenarios, their parameters and their ranges.\n";
        return 0;
    }
    if (!args.isEmpty()) {
        err << "loopscope list: unexpected argument '" << args.first() << "'\nusage: loopscope list\n";
        return 2;
    }
    const ScenarioRegistry registry;
    const QList<ScenarioInfo> scenarios = registry.list();
    qsizetype width = 0;
    for (const ScenarioInfo &info : scenarios)
        width = std::max(width, info.id.size());
    for (const ScenarioInfo &info : scenarios) {
        out << info.id.leftJustified(width + 2) << info.title;
        if (info.id == ScenarioRegistry::defaultScenarioId())
            out << " (default)";
        out << "\n    " << info.summary << '\n';
        for (const ScenarioParameter &parameter : info.parameters) {
            out << "    --param " << parameter.key << '=' << parameter.valueName(parameter.defaultValue)
                << "  (";
            if (parameter.choices.isEmpty())
                out << formatParameterValue(parameter.minimum) << ".."
                    << formatParameterValue(parameter.maximum);
            else
                out << parameter.choices.join(u'|');
            out << ") " << parameter.description << '\n';
        }
    }
    out << scenarios.size() << " scenarios; play one with: loopscope run <scenario> [--param key=value]...\n";
    return 0;
}

} // namespace Loopscope
