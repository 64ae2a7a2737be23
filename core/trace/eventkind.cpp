#include "trace/eventkind.h"

#include <algorithm>
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
    QLatin1StringView("cancel_requested"),
    QLatin1StringView("counter_set"),
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

//! The machine name of enumerator `value` in `names` (indexed by value), "unknown" past the end.
template<typename Enum, std::size_t N>
QLatin1StringView nameOf(const std::array<QLatin1StringView, N> &names, Enum value)
{
    const auto index = static_cast<std::size_t>(value);
    return index < names.size() ? names[index] : QLatin1StringView("unknown");
}

//! Parses nameOf() back; false for an unknown name.
template<typename Enum, std::size_t N>
bool valueOf(const std::array<QLatin1StringView, N> &names, QLatin1StringView name, Enum &value)
{
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end())
        return false;
    value = static_cast<Enum>(found - names.begin());
    return true;
}

} // namespace

QLatin1StringView eventKindName(EventKind kind)
{
    return nameOf(kindNames, kind);
}

bool eventKindFromName(QLatin1StringView name, EventKind &kind)
{
    if (valueOf(kindNames, name, kind))
        return true;
    // Files written by Loopscope 0.1.0 called a generator's value a task_yielded event.
    if (name == QLatin1StringView("task_yielded")) {
        kind = EventKind::ValueYielded;
        return true;
    }
    return false;
}

QLatin1StringView waitKindName(WaitKind wait)
{
    return nameOf(waitNames, wait);
}

bool waitKindFromName(QLatin1StringView name, WaitKind &wait)
{
    return valueOf(waitNames, name, wait);
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
