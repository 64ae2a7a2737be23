#include "benchtraces.h"

#include "scheduler/awaitables.h"

#include <algorithm>

using namespace Loopscope;

namespace Bench {

namespace {

Task<void> worker(int rounds, int salt)
{
    for (int i = 0; i < rounds; ++i)
        co_await io(
            QStringLiteral("request %1").arg(i % 7), std::chrono::milliseconds(5 + (salt * 7 + i) % 40));
}

} // namespace

std::unique_ptr<Scheduler> makeIoTrace(qsizetype events)
{
    const int tasks = static_cast<int>(std::clamp<qsizetype>(events / 1000, 10, 1000));
    const int rounds = static_cast<int>(std::max<qsizetype>(1, (events / tasks - 4) / 4));
    auto scheduler = std::make_unique<Scheduler>();
    for (int t = 0; t < tasks; ++t)
        scheduler->spawn(worker(rounds, t), QStringLiteral("worker %1").arg(t + 1));
    scheduler->runUntilIdle();
    return scheduler;
}

} // namespace Bench
