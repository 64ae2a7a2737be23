#include "run/run.h"

#include "run/scenario.h"

#include <cmath>

namespace Loopscope {

QString ScenarioParameter::valueName(double value) const
{
    const double index = value - minimum;
    if (!choices.isEmpty() && index >= 0 && index < choices.size() && index == std::floor(index))
        return choices[static_cast<qsizetype>(index)];
    return QString::number(value, 'g', 15);
}

qint64 Run::runToEnd(qint64 maxSteps)
{
    qint64 steps = 0;
    while (!isFinished() && (maxSteps <= 0 || steps < maxSteps)) {
        const StepResult result = step();
        ++steps;
        if (result.action == StepAction::Idle)
            break;
    }
    return steps;
}

} // namespace Loopscope
