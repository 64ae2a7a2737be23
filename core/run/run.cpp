#include "run/run.h"

namespace Loopscope {

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
