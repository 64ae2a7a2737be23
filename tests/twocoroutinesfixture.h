#pragma once

// A finished two-coroutine run with its digest and layout, as the views see it (shared by the
// layout and renderer tests).
#include "analysis/tracedigest.h"
#include "scheduler/awaitables.h"
#include "sequence/sequencelayout.h"
#include "testlib/sampletasks.h"

namespace TestFixtures {

struct TwoCoroutines
{
    Loopscope::Scheduler scheduler;
    Loopscope::TraceDigest digest;
    Loopscope::SequenceLayout layout;

    TwoCoroutines()
    {
        scheduler.spawn(Loopscope::Testing::readRecord(QStringLiteral("a")), QStringLiteral("C1"));
        scheduler.spawn(Loopscope::Testing::readRecord(QStringLiteral("b")), QStringLiteral("C2"));
        scheduler.runUntilIdle();
        digest.update(scheduler.trace());
        layout.update(digest, scheduler.trace().size());
    }
    const Loopscope::Trace &trace() const { return scheduler.trace(); }
};

} // namespace TestFixtures
