#include "run/tracemerger.h"

#include "scheduler/errors.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace Loopscope {

namespace {

enum class IdSpace : std::uint8_t { None, Task, Io, Timer };

IdSpace otherSpace(EventKind kind)
{
    switch (kind) {
    case EventKind::IoSubmitted:
    case EventKind::IoCompleted:
    case EventKind::IoFailed:
        return IdSpace::Io;
    case EventKind::TimerArmed:
    case EventKind::TimerFired:
        return IdSpace::Timer;
    case EventKind::LoopStarted:
    case EventKind::LoopStopped:
    case EventKind::LoopWaiting:
    case EventKind::SlowStep:
        return IdSpace::None;
    default:
        return IdSpace::Task; // suspensions are settled per event (see LaneMapper::mapOther)
    }
}

//! Renumbers the ids of one lane into the merged trace.
class LaneMapper
{
public:
    LaneMapper(const TraceSnapshot &lane, Trace &into, TaskId taskBase, std::uint32_t ioBase,
        std::uint32_t timerBase)
        : m_lane(lane)
        , m_taskBase(taskBase)
        , m_ioBase(ioBase)
        , m_timerBase(timerBase)
    {
        m_labels.reserve(lane.labels.size());
        for (const QString &text : lane.labels)
            m_labels.push_back(into.intern(text));
        settleSuspensions();
    }

    TaskId task(TaskId id) const { return id == NoTask ? NoTask : id + m_taskBase; }
    std::uint32_t io(std::uint32_t id) const { return id == 0 ? 0 : id + m_ioBase; }
    LabelId label(LabelId id) const { return id < m_labels.size() ? m_labels[id] : NoLabel; }

    TraceEvent map(std::size_t index) const
    {
        TraceEvent event = m_lane.events[index];
        event.task = task(event.task);
        if (eventKindHasLabel(event.kind))
            event.detail = label(event.detail);
        IdSpace space = otherSpace(event.kind);
        if (event.kind == EventKind::TaskSuspended || event.kind == EventKind::TaskResumed) {
            const auto it = m_suspensionSpace.find(index);
            space = it == m_suspensionSpace.end() ? IdSpace::Task : it->second;
        }
        if (event.other != 0) {
            switch (space) {
            case IdSpace::Task:
                event.other = task(event.other);
                break;
            case IdSpace::Io:
                event.other = io(event.other);
                break;
            case IdSpace::Timer:
                event.other += m_timerBase;
                break;
            case IdSpace::None:
                break;
            }
        }
        return event;
    }

private:
    // What a suspension's `other` refers to is not in the event itself: an await that starts I/O
    // or arms a timer traces that first, for the same task and id, right before it suspends, and
    // the resumption refers to the same thing as the suspension before it.
    void settleSuspensions()
    {
        std::unordered_map<TaskId, IdSpace> waiting;
        const auto &events = m_lane.events;
        for (std::size_t i = 0; i < events.size(); ++i) {
            const TraceEvent &event = events[i];
            if (event.kind == EventKind::TaskSuspended) {
                IdSpace space = IdSpace::Task;
                if (i > 0 && events[i - 1].task == event.task && events[i - 1].other == event.other) {
                    if (events[i - 1].kind == EventKind::IoSubmitted)
                        space = IdSpace::Io;
                    else if (events[i - 1].kind == EventKind::TimerArmed)
                        space = IdSpace::Timer;
                }
                waiting[event.task] = space;
                m_suspensionSpace.emplace(i, space);
            } else if (event.kind == EventKind::TaskResumed) {
                const auto it = waiting.find(event.task);
                m_suspensionSpace.emplace(i, it == waiting.end() ? IdSpace::Task : it->second);
            }
        }
    }

    const TraceSnapshot &m_lane;
    TaskId m_taskBase;
    std::uint32_t m_ioBase;
    std::uint32_t m_timerBase;
    std::vector<LabelId> m_labels;
    std::unordered_map<std::size_t, IdSpace> m_suspensionSpace;
};

std::uint32_t highestId(const TraceSnapshot &lane, IdSpace space)
{
    std::uint32_t highest = 0;
    for (const TraceEvent &event : lane.events) {
        if (otherSpace(event.kind) == space)
            highest = std::max(highest, event.other);
    }
    if (space == IdSpace::Io) {
        for (const IoRecord &record : lane.io)
            highest = std::max(highest, record.id);
    }
    return highest;
}

} // namespace

TraceSnapshot TraceSnapshot::of(const Trace &trace)
{
    TraceSnapshot snapshot;
    snapshot.events.reserve(static_cast<std::size_t>(trace.size()));
    for (qsizetype i = 0; i < trace.size(); ++i)
        snapshot.events.push_back(trace.at(i));
    for (qsizetype id = 0; id < trace.labels().size(); ++id)
        snapshot.labels << trace.labels().text(static_cast<LabelId>(id));
    for (TaskId id = 0; id < trace.taskCount(); ++id)
        snapshot.tasks.push_back(trace.task(id));
    snapshot.io = trace.ioRecords();
    return snapshot;
}

void mergeTraces(const std::vector<TraceSnapshot> &lanes, Trace &into)
{
    if (!into.isEmpty())
        throw InvalidStateError(QStringLiteral("traces can only be merged into an empty trace"));
    std::vector<LaneMapper> mappers;
    mappers.reserve(lanes.size());
    TaskId taskBase = 0;
    std::uint32_t ioBase = 0;
    std::uint32_t timerBase = 0;
    for (const TraceSnapshot &lane : lanes) {
        const LaneMapper &mapper = mappers.emplace_back(lane, into, taskBase, ioBase, timerBase);
        for (TaskId id = 1; id < lane.tasks.size(); ++id)
            into.registerTask(
                mapper.task(id), mapper.label(lane.tasks[id].name), mapper.task(lane.tasks[id].parent));
        for (IoRecord record : lane.io) {
            record.id = mapper.io(record.id);
            record.task = mapper.task(record.task);
            into.recordIo(record);
        }
        taskBase += lane.tasks.empty() ? 0 : static_cast<TaskId>(lane.tasks.size() - 1);
        ioBase += highestId(lane, IdSpace::Io);
        timerBase += highestId(lane, IdSpace::Timer);
    }

    struct Key
    {
        std::int64_t timeNs;
        std::size_t lane;
        SeqNo seq;
        std::size_t index;
    };
    std::vector<Key> order;
    for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
        const auto &events = lanes[lane].events;
        for (std::size_t i = 0; i < events.size(); ++i)
            order.push_back(Key { events[i].timeNs, lane, events[i].seq, i });
    }
    std::sort(order.begin(), order.end(), [](const Key &a, const Key &b) {
        return std::tie(a.timeNs, a.lane, a.seq) < std::tie(b.timeNs, b.lane, b.seq);
    });
    for (const Key &key : order)
        into.appendEvent(mappers[key.lane].map(key.index));
}

} // namespace Loopscope
