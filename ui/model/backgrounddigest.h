#pragma once

#include "analysis/tracedigest.h"

#include <memory>
#include <thread>

namespace Loopscope {

/*!
 * The digest of a whole recording, worked out on a thread of its own while the window prepares the
 * replay of it (an opened file): the replay then shows the same events, and its feed takes this
 * digest instead of going through millions of events again on the UI thread. The recording must
 * not change meanwhile (a replay's recording never does). Dropping it stops the work.
 */
class BackgroundDigest
{
public:
    explicit BackgroundDigest(std::shared_ptr<const Trace> recording);
    ~BackgroundDigest();
    BackgroundDigest(const BackgroundDigest &) = delete;
    BackgroundDigest &operator=(const BackgroundDigest &) = delete;

    //! Whether the digest is of exactly `trace`'s events: the same seqs, all of them.
    bool covers(const Trace &trace) const;
    //! Waits for the digest, then hands it over with the change it makes to an empty digest.
    TraceDigest take(TraceDigest::Change *change);

private:
    std::shared_ptr<const Trace> m_recording;
    TraceDigest m_digest;
    TraceDigest::Change m_change;
    std::jthread m_worker; // last: it starts once the rest is in place, and stops first
};

} // namespace Loopscope
