#include "io/tracerecordreader.h"

#include <limits>

namespace Loopscope::detail {

namespace {

constexpr std::int64_t MaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t MaxI64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t MaxExact = std::int64_t(1) << 53;

QLatin1StringView operator""_l1(const char *text, std::size_t size)
{
    return QLatin1StringView(text, static_cast<qsizetype>(size));
}

QList<QPair<QByteArray, QByteArray>> readHeaderPairs(const TraceFieldReader &fields, QLatin1StringView key)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    const QJsonArray array = fields.array(key);
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonArray pair = array.at(i).toArray();
        if (!array.at(i).isArray() || pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isString()) {
            fields.fail(QStringLiteral("entry %1 of '%2' must be a pair of strings [name, value]")
                            .arg(i + 1)
                            .arg(key));
        }
        const QString name = pair.at(0).toString();
        const QString value = pair.at(1).toString();
        for (const QString &text : { name, value }) {
            for (const QChar c : text) {
                if (c.unicode() > 0xff)
                    fields.fail(QStringLiteral("entry %1 of '%2' has a character outside Latin-1")
                                    .arg(i + 1)
                                    .arg(key));
            }
        }
        headers.append({ name.toLatin1(), value.toLatin1() });
    }
    return headers;
}

void checkTask(const TraceFieldReader &fields, const Trace &trace, QLatin1StringView key, std::int64_t id)
{
    // Task ids are dense, 1..taskCount()-1; 0 stands for the loop.
    if (id != NoTask && id >= static_cast<std::int64_t>(trace.taskCount()))
        fields.fail(
            QStringLiteral("field '%1' refers to task %2, which the file does not declare").arg(key).arg(id));
}

} // namespace

bool otherIsTask(EventKind kind)
{
    switch (kind) {
    case EventKind::TaskCreated:
    case EventKind::TaskStarted:
    case EventKind::TaskDelegated:
    case EventKind::TaskReturned:
    case EventKind::TaskFailed:
    case EventKind::TaskCancelled:
    case EventKind::Poll:
        return true;
    default:
        return false;
    }
}

void readTaskRecord(const TraceFieldReader &fields, Trace &trace, TaskId expected)
{
    fields.allowOnly({ "type"_l1, "id"_l1, "name"_l1, "parent"_l1 });
    const std::int64_t id = fields.integer("id"_l1, 1, MaxU32);
    if (id != expected)
        fields.fail(
            QStringLiteral("expected task id %1, found %2 (task ids count up from 1)").arg(expected).arg(id));
    const QString name = fields.string("name"_l1);
    const std::int64_t parent = fields.integer("parent"_l1, 0, MaxU32);
    if (parent >= id)
        fields.fail(QStringLiteral("task %1 names task %2 as its parent, which is not declared before it")
                        .arg(id)
                        .arg(parent));
    trace.registerTask(static_cast<TaskId>(id), trace.intern(name), static_cast<TaskId>(parent));
}

void readIoRecord(const TraceFieldReader &fields, Trace &trace, IoRecordRepeat repeat)
{
    fields.allowOnly({ "type"_l1, "id"_l1, "task"_l1, "method"_l1, "url"_l1, "status"_l1, "statusText"_l1,
        "requestBytes"_l1, "responseBytes"_l1, "start"_l1, "firstByte"_l1, "end"_l1, "attempt"_l1, "error"_l1,
        "requestHeaders"_l1, "responseHeaders"_l1, "queued"_l1, "connect"_l1, "dnsEnd"_l1, "connectEnd"_l1,
        "tlsEnd"_l1, "sent"_l1, "connection"_l1, "request"_l1 });
    IoRecord io;
    io.id = static_cast<std::uint32_t>(fields.integer("id"_l1, 0, MaxU32));
    if (repeat == IoRecordRepeat::IsAnError && trace.io(io.id))
        fields.fail(QStringLiteral("I/O record %1 is declared twice").arg(io.id));
    const std::int64_t task = fields.integer("task"_l1, 0, MaxU32);
    checkTask(fields, trace, "task"_l1, task);
    io.task = static_cast<TaskId>(task);
    io.method = fields.string("method"_l1);
    io.url = fields.string("url"_l1);
    io.status = static_cast<int>(fields.integer("status"_l1, 0, 999));
    io.statusText = fields.string("statusText"_l1);
    io.requestBytes = fields.integer("requestBytes"_l1, -1, MaxI64);
    io.responseBytes = fields.integer("responseBytes"_l1, -1, MaxI64);
    io.startNs = fields.integer("start"_l1, 0, MaxExact);
    io.firstByteNs = fields.integer("firstByte"_l1, -1, MaxExact);
    io.endNs = fields.integer("end"_l1, -1, MaxExact);
    io.attempt = static_cast<int>(fields.integer("attempt"_l1, 0, 1'000'000));
    io.error = fields.string("error"_l1);
    const auto moment = [&fields](QLatin1StringView key) {
        return fields.has(key) ? fields.integer(key, 0, MaxExact) : std::int64_t(-1);
    };
    io.queuedNs = moment("queued"_l1);
    io.connectNs = moment("connect"_l1);
    io.dnsEndNs = moment("dnsEnd"_l1);
    io.connectEndNs = moment("connectEnd"_l1);
    io.tlsEndNs = moment("tlsEnd"_l1);
    io.sentNs = moment("sent"_l1);
    io.connection = fields.has("connection"_l1)
        ? static_cast<int>(fields.integer("connection"_l1, 0, std::numeric_limits<int>::max()))
        : 0;
    io.request
        = fields.has("request"_l1) ? static_cast<std::uint32_t>(fields.integer("request"_l1, 0, MaxU32)) : 0;
    io.requestHeaders = readHeaderPairs(fields, "requestHeaders"_l1);
    io.responseHeaders = readHeaderPairs(fields, "responseHeaders"_l1);
    trace.recordIo(io);
}

namespace {

// Files written by Loopscope 0.1.0 do not mark waits: there, a suspension waits for what its task
// has just submitted, and the scheduler labelled yields "yield" and joins "task <name>".
WaitKind waitOfUnmarkedSuspension(const Trace &trace, TaskId task, std::uint32_t other, LabelId label)
{
    if (!trace.isEmpty()) {
        const TraceEvent previous = trace.last();
        if (previous.task == task && previous.other == other && previous.kind == EventKind::IoSubmitted)
            return WaitKind::Io;
        if (previous.task == task && previous.other == other && previous.kind == EventKind::TimerArmed)
            return WaitKind::Timer;
    }
    const QString &text = trace.labels().text(label);
    if (text == QLatin1StringView("yield"))
        return WaitKind::Yield;
    if (other != NoTask && other <= trace.taskCount()
        && text == QStringLiteral("task %1").arg(trace.taskName(other)))
        return WaitKind::Task;
    return WaitKind::Other;
}

} // namespace

void readEventRecord(const TraceFieldReader &fields, Trace &trace, std::int64_t &lastTime)
{
    fields.allowOnly({ "type"_l1, "seq"_l1, "t"_l1, "kind"_l1, "task"_l1, "other"_l1, "detail"_l1, "line"_l1,
        "thread"_l1, "wait"_l1 });
    const std::int64_t seq = fields.integer("seq"_l1, 0, MaxExact);
    if (static_cast<SeqNo>(seq) != trace.nextSeq())
        fields.fail(QStringLiteral("expected event seq %1, found %2 (events must be consecutive)")
                        .arg(trace.nextSeq())
                        .arg(seq));
    const std::int64_t time = fields.integer("t"_l1, 0, MaxExact);
    if (time < lastTime)
        fields.fail(QStringLiteral("time goes backwards: %1 ns after %2 ns").arg(time).arg(lastTime));
    const QString kindName = fields.string("kind"_l1);
    EventKind kind {};
    if (!eventKindFromName(QLatin1StringView(kindName.toLatin1()), kind) || kindName.size() > 64)
        fields.fail(QStringLiteral("unknown event kind '%1'").arg(kindName.left(64)));
    const std::int64_t task = fields.integer("task"_l1, 0, MaxU32);
    checkTask(fields, trace, "task"_l1, task);
    const std::int64_t other = fields.integer("other"_l1, 0, MaxU32);
    if (otherIsTask(kind))
        checkTask(fields, trace, "other"_l1, other);
    std::uint32_t detail = 0;
    if (eventKindHasLabel(kind)) {
        const QString text = fields.string("detail"_l1);
        detail = text.isEmpty() ? NoLabel : trace.intern(text);
    } else {
        detail = static_cast<std::uint32_t>(fields.integer("detail"_l1, 0, MaxU32));
    }
    const auto line
        = static_cast<std::uint16_t>(fields.has("line"_l1) ? fields.integer("line"_l1, 0, 65535) : 0);
    const auto thread = static_cast<std::uint8_t>(
        fields.has("thread"_l1) ? fields.integer("thread"_l1, 0, MaxThreadLanes - 1) : 0);
    WaitKind wait = WaitKind::Other;
    if (fields.has("wait"_l1)) {
        const QString waitName = fields.string("wait"_l1);
        if (!waitKindFromName(QLatin1StringView(waitName.toLatin1()), wait) || waitName.size() > 64)
            fields.fail(QStringLiteral("unknown wait kind '%1'").arg(waitName.left(64)));
    } else if (kind == EventKind::TaskSuspended) {
        wait = waitOfUnmarkedSuspension(
            trace, static_cast<TaskId>(task), static_cast<std::uint32_t>(other), detail);
    }
    trace.appendEvent(StoredEvent { time, static_cast<TaskId>(task), static_cast<std::uint32_t>(other),
        detail, kind, thread, static_cast<std::uint8_t>(wait), line });
    lastTime = time;
}

} // namespace Loopscope::detail
