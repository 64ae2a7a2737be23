#include "io/chrometraceexport.h"

#include "analysis/tracedigest.h"
#include "io/jsonwriter.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace Loopscope {

namespace {

constexpr int Pid = 1;
constexpr std::int64_t LoopTid = 1;

std::int64_t tidOf(TaskId task)
{
    return task == NoTask ? LoopTid : std::int64_t(task) + 1;
}

double micros(std::int64_t ns)
{
    return double(ns) / 1000.0;
}

//! One output event, kept until all are known so they can be written in time order.
struct Record
{
    std::int64_t timeNs;
    std::uint64_t order;
    QByteArray json;
    std::uint64_t flowStart = 0; //!< the flow id, for flow starts (`s`)
};

class ChromeTraceBuilder
{
public:
    ChromeTraceBuilder(const Trace &trace, const EventRange &range)
        : m_trace(trace)
        , m_range(range)
        , m_rangeStart(trace.at(range.first).timeNs)
        , m_rangeEnd(trace.at(range.last).timeNs)
    { }

    QByteArray build(const QString &processName)
    {
        for (qsizetype i = 0; i <= m_range.last; ++i) {
            m_index = i;
            m_emitting = m_range.contains(i);
            handle(m_trace.at(i));
        }
        closeEverything();
        std::stable_sort(m_records.begin(), m_records.end(), [](const Record &a, const Record &b) {
            return a.timeNs != b.timeNs ? a.timeNs < b.timeNs : a.order < b.order;
        });

        QByteArray out = "{\"traceEvents\":[";
        bool first = true;
        auto append = [&out, &first](const QByteArray &json) {
            out += first ? "\n" : ",\n";
            out += json;
            first = false;
        };
        for (const QByteArray &json : metadata(processName))
            append(json);
        for (const Record &record : m_records) {
            // A completion whose resumption lies outside the range gets no arrow to nowhere.
            if (record.flowStart == 0 || m_flowsFinished.count(record.flowStart))
                append(record.json);
        }
        out += "\n],\"displayTimeUnit\":\"ms\"}\n";
        return out;
    }

private:
    struct Running
    {
        std::int64_t since = 0;
        std::uint64_t order = 0;
        bool open = false;
    };
    struct Await
    {
        std::int64_t since = 0;
        std::uint64_t order = 0;
        SeqNo id = 0;
        QString name;
        bool open = false;
    };

    std::uint64_t nextOrder() { return (std::uint64_t(m_index) << 8) | m_subOrder++; }

    void add(std::int64_t timeNs, std::uint64_t order, QByteArray json, std::uint64_t flowStart = 0)
    {
        m_records.push_back(Record { timeNs, order, std::move(json), flowStart });
    }

    JsonWriter begin(QByteArray &buffer, const char *phase, const QString &name, const char *category,
        TaskId task, std::int64_t timeNs)
    {
        JsonWriter json(buffer);
        json.beginObject()
            .member(QLatin1StringView("ph"), phase)
            .member(QLatin1StringView("name"), name)
            .member(QLatin1StringView("cat"), category)
            .member(QLatin1StringView("pid"), Pid)
            .member(QLatin1StringView("tid"), tidOf(task))
            .key(QLatin1StringView("ts"))
            .decimal(micros(timeNs), 3);
        m_tracks.push_back(task);
        return json;
    }

    void slice(TaskId task, const QString &name, const char *category, std::int64_t start, std::int64_t end,
        std::uint64_t order, const QString &detail = {})
    {
        start = std::max(start, m_rangeStart);
        QByteArray buffer;
        JsonWriter json = begin(buffer, "X", name, category, task, start);
        json.key(QLatin1StringView("dur")).decimal(micros(std::max<std::int64_t>(0, end - start)), 3);
        if (!detail.isEmpty())
            json.key(QLatin1StringView("args"))
                .beginObject()
                .member(QLatin1StringView("detail"), detail)
                .endObject();
        json.endObject();
        add(start, order, std::move(buffer));
    }

    void instant(TaskId task, const QString &name, const char *category, const QString &detail)
    {
        if (!m_emitting)
            return;
        const TraceEvent &e = m_trace.at(m_index);
        QByteArray buffer;
        JsonWriter json = begin(buffer, "i", name, category, task, e.timeNs);
        json.member(QLatin1StringView("s"), "t");
        json.key(QLatin1StringView("args"))
            .beginObject()
            .member(QLatin1StringView("seq"), std::uint64_t(e.seq));
        if (!detail.isEmpty())
            json.member(QLatin1StringView("detail"), detail);
        json.endObject().endObject();
        add(e.timeNs, nextOrder(), std::move(buffer));
    }

    //! A counter track of the process (Perfetto draws it as a chart): `name` is `value` from now on.
    void counter(const QString &name, std::uint32_t value)
    {
        if (!m_emitting)
            return;
        const TraceEvent &e = m_trace.at(m_index);
        QByteArray buffer;
        JsonWriter json = begin(buffer, "C", name, "counter", NoTask, e.timeNs);
        json.key(QLatin1StringView("args"))
            .beginObject()
            .member(QLatin1StringView("value"), std::uint64_t(value))
            .endObject()
            .endObject();
        add(e.timeNs, nextOrder(), std::move(buffer));
    }

    void startRunning(TaskId task, std::int64_t time)
    {
        Running &running = m_running[task];
        if (!running.open)
            running = Running { time, nextOrder(), true };
    }

    void stopRunning(TaskId task, std::int64_t time)
    {
        Running &running = m_running[task];
        if (running.open && time >= m_rangeStart)
            slice(task, QStringLiteral("running"), "task", running.since, time, running.order);
        running.open = false;
    }

    void beginAwait(TaskId task, std::int64_t time, const QString &name)
    {
        m_awaits[task] = Await { time, nextOrder(), m_trace.at(m_index).seq, name, true };
    }

    void endAwait(TaskId task, std::int64_t time, bool unfinished = false)
    {
        Await &await = m_awaits[task];
        if (!await.open)
            return;
        await.open = false;
        if (time < m_rangeStart)
            return;
        const std::int64_t start = std::max(await.since, m_rangeStart);
        for (const char *phase : { "b", "e" }) {
            const bool isBegin = *phase == 'b';
            QByteArray buffer;
            JsonWriter json = begin(buffer, phase, await.name, "await", task, isBegin ? start : time);
            json.member(QLatin1StringView("id"), std::uint64_t(await.id));
            if (!isBegin && unfinished)
                json.key(QLatin1StringView("args"))
                    .beginObject()
                    .member(QLatin1StringView("unfinished"), true)
                    .endObject();
            json.endObject();
            add(isBegin ? start : time, isBegin ? await.order : nextOrder(), std::move(buffer));
        }
    }

    void flow(const char *phase, TaskId task, std::uint64_t id)
    {
        const TraceEvent &e = m_trace.at(m_index);
        QByteArray buffer;
        JsonWriter json = begin(buffer, phase, QStringLiteral("wake-up"), "flow", task, e.timeNs);
        json.member(QLatin1StringView("id"), id);
        if (*phase == 'f')
            json.member(QLatin1StringView("bp"), "e");
        json.endObject();
        const bool finish = *phase == 'f';
        add(e.timeNs, nextOrder(), std::move(buffer), finish ? 0 : id);
        if (finish)
            m_flowsFinished.insert(id);
    }

    //! Opens and closes `task`'s slices as its state in the digest changed with the event at `time`:
    //! it runs (a "running" slice) or waits from a suspension to its next run (an "await" slice).
    void follow(TaskId task, TaskRunState before, std::int64_t time, const QString &awaitName)
    {
        const TaskRunState after = m_digest.task(task).state;
        if (after == TaskRunState::Running) {
            if (before != TaskRunState::Running) {
                endAwait(task, time);
                startRunning(task, time);
            }
            return;
        }
        if (isFinished(after))
            endAwait(task, time);
        if (before == TaskRunState::Running) {
            stopRunning(task, time);
            if (!isFinished(after))
                beginAwait(task, time, awaitName);
        }
    }

    void handle(const TraceEvent &e)
    {
        m_subOrder = 0;
        const TaskRunState before = m_digest.task(e.task).state;
        const TaskRunState callerBefore = m_digest.task(e.other).state;
        m_digest.add(e);
        const QString detail = m_trace.detailText(e);
        const QString name = m_trace.taskName(e.task);
        switch (e.kind) {
        case EventKind::LoopStarted:
            m_loopSince = e.timeNs;
            m_loopOrder = nextOrder();
            m_loopOpen = true;
            break;
        case EventKind::LoopStopped:
            if (m_loopOpen && e.timeNs >= m_rangeStart)
                slice(NoTask, QStringLiteral("event loop running"), "loop", m_loopSince, e.timeNs,
                    m_loopOrder, detail);
            m_loopOpen = false;
            break;
        case EventKind::LoopWaiting:
            if (m_emitting) {
                const std::int64_t end = e.timeNs + std::int64_t(e.detail) * 1000;
                slice(NoTask, QStringLiteral("waiting for I/O and timers"), "loop", e.timeNs, end,
                    nextOrder(), detail);
                m_loopSlicesEnd = std::max(m_loopSlicesEnd, end);
            }
            break;
        case EventKind::IoCompleted:
        case EventKind::IoFailed:
        case EventKind::TimerFired:
            if (m_emitting) {
                const QString what = e.kind == EventKind::TimerFired
                    ? QStringLiteral("timer #%1 fired -> %2").arg(e.other).arg(name)
                    : e.kind == EventKind::IoFailed
                    ? QStringLiteral("I/O #%1 failed -> %2").arg(e.other).arg(name)
                    : QStringLiteral("I/O #%1 complete -> %2").arg(e.other).arg(name);
                slice(NoTask, what, e.kind == EventKind::TimerFired ? "timer" : "io", e.timeNs, e.timeNs,
                    nextOrder(), detail);
                flow("s", NoTask, ++m_lastFlow);
                m_pendingFlow[e.task] = m_lastFlow;
            }
            break;
        case EventKind::TaskStarted:
        case EventKind::TaskResumed:
            follow(e.task, before, e.timeNs, {});
            if (const auto it = m_pendingFlow.find(e.task); it != m_pendingFlow.end()) {
                if (m_emitting)
                    flow("f", e.task, it->second);
                m_pendingFlow.erase(it);
            }
            break;
        case EventKind::TaskSuspended:
            follow(e.task, before, e.timeNs,
                detail.isEmpty() ? QStringLiteral("await") : QStringLiteral("await %1").arg(detail));
            break;
        case EventKind::TaskDelegated:
            follow(e.task, before, e.timeNs, QStringLiteral("await %1").arg(m_trace.taskName(e.other)));
            break;
        case EventKind::TaskReturned:
        case EventKind::TaskFailed:
        case EventKind::TaskCancelled:
            follow(e.task, before, e.timeNs, {});
            if (e.kind == EventKind::TaskFailed)
                instant(e.task, QStringLiteral("failed"), "task", detail);
            else if (e.kind == EventKind::TaskCancelled)
                instant(e.task, QStringLiteral("cancelled"), "task", detail);
            if (e.other != NoTask)
                follow(e.other, callerBefore, e.timeNs, {}); // an inline child finished: its caller runs on
            break;
        case EventKind::IoSubmitted:
            instant(e.task, QStringLiteral("submit I/O #%1").arg(e.other), "io", detail);
            break;
        case EventKind::TimerArmed:
            instant(e.task, QStringLiteral("arm timer #%1").arg(e.other), "timer", detail);
            break;
        case EventKind::SlowStep:
            instant(e.task, QStringLiteral("slow step"), "task",
                QStringLiteral("ran %1 without yielding").arg(detail));
            break;
        case EventKind::Message:
            instant(e.task, detail, "output", QString());
            break;
        case EventKind::CancelRequested:
            instant(e.task, QStringLiteral("cancel requested"), "task", QString());
            break;
        case EventKind::CounterSet:
            counter(detail, e.other);
            break;
        case EventKind::ValueYielded:
            instant(e.task, QStringLiteral("yield"), "task", detail);
            break;
        case EventKind::Poll:
            instant(NoTask, QStringLiteral("poll %1: not ready").arg(m_trace.taskName(e.other)), "loop",
                QString());
            break;
        case EventKind::TaskCreated:
            instant(e.task, QStringLiteral("created"), "task", name);
            break;
        }
    }

    void closeEverything()
    {
        m_index = m_range.last;
        m_subOrder = 0;
        for (auto &[task, running] : m_running)
            stopRunning(task, m_rangeEnd);
        for (auto &[task, await] : m_awaits)
            endAwait(task, m_rangeEnd, true);
        if (m_loopOpen)
            slice(NoTask, QStringLiteral("event loop running"), "loop", m_loopSince,
                std::max(m_rangeEnd, m_loopSlicesEnd), m_loopOrder);
    }

    std::vector<QByteArray> metadata(const QString &processName)
    {
        m_tracks.push_back(NoTask);
        std::sort(m_tracks.begin(), m_tracks.end());
        m_tracks.erase(std::unique(m_tracks.begin(), m_tracks.end()), m_tracks.end());
        std::vector<QByteArray> out;
        auto meta = [&out](const char *name, std::int64_t tid, const char *argName, const auto &value) {
            QByteArray buffer;
            JsonWriter(buffer)
                .beginObject()
                .member(QLatin1StringView("ph"), "M")
                .member(QLatin1StringView("name"), name)
                .member(QLatin1StringView("pid"), Pid)
                .member(QLatin1StringView("tid"), tid)
                .key(QLatin1StringView("args"))
                .beginObject()
                .member(QLatin1StringView(argName), value)
                .endObject()
                .endObject();
            out.push_back(std::move(buffer));
        };
        meta("process_name", LoopTid, "name", processName);
        for (const TaskId task : m_tracks) {
            meta("thread_name", tidOf(task), "name",
                task == NoTask ? QStringLiteral("Event loop") : m_trace.taskName(task));
            meta("thread_sort_index", tidOf(task), "sort_index", tidOf(task));
        }
        return out;
    }

    const Trace &m_trace;
    TraceDigest m_digest; //!< each task's state, up to the event being handled
    EventRange m_range;
    std::int64_t m_rangeStart;
    std::int64_t m_rangeEnd;
    qsizetype m_index = 0;
    std::uint64_t m_subOrder = 0;
    bool m_emitting = false;
    std::vector<Record> m_records;
    std::vector<TaskId> m_tracks;
    std::unordered_map<TaskId, Running> m_running;
    std::unordered_map<TaskId, Await> m_awaits;
    std::unordered_map<TaskId, std::uint64_t> m_pendingFlow;
    std::unordered_set<std::uint64_t> m_flowsFinished;
    std::int64_t m_loopSlicesEnd = 0; //!< latest end of a slice inside the loop's run
    std::uint64_t m_lastFlow = 0;
    std::int64_t m_loopSince = 0;
    std::uint64_t m_loopOrder = 0;
    bool m_loopOpen = false;
};

} // namespace

QByteArray ChromeTraceExport::toJson(const Trace &trace, const EventRange &range, const QString &processName)
{
    return ChromeTraceBuilder(trace, range).build(processName);
}

} // namespace Loopscope
