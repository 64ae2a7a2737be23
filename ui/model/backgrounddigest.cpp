#include "model/backgrounddigest.h"

namespace Loopscope {

BackgroundDigest::BackgroundDigest(std::shared_ptr<const Trace> recording)
    : m_recording(std::move(recording))
    , m_worker([this](std::stop_token stop) {
        m_change = m_digest.updateUntil(*m_recording, m_recording->size(), std::move(stop));
    })
{ }

BackgroundDigest::~BackgroundDigest() = default; // the worker is asked to stop, then joined

bool BackgroundDigest::covers(const Trace &trace) const
{
    return trace.firstSeq() == m_recording->firstSeq() && trace.size() == m_recording->size();
}

TraceDigest BackgroundDigest::take(TraceDigest::Change *change)
{
    if (m_worker.joinable())
        m_worker.join();
    *change = m_change;
    return std::move(m_digest);
}

} // namespace Loopscope
