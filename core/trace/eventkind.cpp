#include "trace/eventkind.h"

#include <array>

namespace Loopscope {

namespace {

constexpr std::array<QLatin1StringView, EventKindCount> kindNames {
    QLatin1StringView("loop_started"),
    QLatin1StringView("loop_stopped"),
    QLatin1StringView("loop_waiting"),
    QLatin1StringView("poll"),
    QLatin1StringView("task_created"),
    QLatin1StringView("task_started"),
    QLatin1StringView("task_suspended"),
    QLatin1StringView("task_resumed"),
    QLatin1StringView("value_yielded"),
    QLatin1StringView("task_delegated"),
    QLatin1StringView("task_returned"),
    QLatin1StringView("task_failed"),
    QLatin1StringView("task_cancelled"),
    QLatin1StringView("io_submitted"),
    QLatin1StringView("io_completed"),
    QLatin1StringView("io_failed"),
    QLatin1StringView("timer_armed"),
    QLatin1StringView("timer_fired"),
    QLatin1StringView("slow_step"),
    QLatin1StringView("message"),
};

constexpr std::array<QLatin1StringView, WaitKindCount> waitNames {
    QLatin1StringView("other"),
    QLatin1StringView("yield"),
    QLatin1StringView("task"),
    QLatin1StringView("io"),
    QLatin1StringView("timer"),
    QLatin1StringView("queue"),
    QLatin1StringView("sync"),
    QLatin1StringView("value"),
};

} // namespace

QLatin1StringView eventKindName(EventKind kind)
{
    const auto index = static_cast<std::size_t>(kind);
    return index < kindNames.size() ? kindNames[index] : QLatin1StringView("unknown");
}

bool eventKindFromName(QLatin1StringView name, EventKind &kind)
{
    for (std::size_t i = 0; i < kindNames.size(); ++i) {
        if (kindNames[i] == name) {
            kind = static_cast<EventKind>(i);
            return true;
        }
    }
    // Files written by Loopscope 0.1.0 called a generator's value a task_yielded event.
    if (name == QLatin1StringView("task_yielded")) {
        kind = EventKind::ValueYielded;
        return true;
    }
    return false;
}

QLatin1StringView waitKindName(WaitKind wait)
{
    const auto index = static_cast<std::size_t>(wait);
    return index < waitNames.size() ? waitNames[index] : QLatin1StringView("unknown");
}

bool waitKindFromName(QLatin1StringView name, WaitKind &wait)
{
    for (std::size_t i = 0; i < waitNames.size(); ++i) {
        if (waitNames[i] == name) {
            wait = static_cast<WaitKind>(i);
            return true;
        }
    }
    return false;
}

bool eventKindHasLabel(EventKind kind)
{
    switch (kind) {
    case EventKind::LoopWaiting:
    case EventKind::TimerArmed:
    case EventKind::SlowStep:
        return false;
    default:
        return true;
    }
}

} // namespace Loopscope
