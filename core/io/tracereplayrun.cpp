#include "tracereplayrun.h"

namespace Loopscope {

TraceReplayRun::TraceReplayRun(LoadedTrace loaded)
    : m_metadata(std::move(loaded.metadata))
    , m_replay(loaded.trace ? std::move(loaded.trace) : std::make_unique<Trace>())
{
}

} // namespace Loopscope
