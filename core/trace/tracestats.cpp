#include "trace/tracestats.h"

namespace Loopscope {

int peakIoInFlight(const Trace &trace)
{
    int inFlight = 0;
    int peak = 0;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        switch (trace.at(i).kind) {
        case EventKind::IoSubmitted:
            peak = std::max(peak, ++inFlight);
            break;
        case EventKind::IoCompleted:
        case EventKind::IoFailed:
            inFlight = std::max(0, inFlight - 1); // a capped trace may have dropped the submission
            break;
        default:
            break;
        }
    }
    return peak;
}

} // namespace Loopscope
