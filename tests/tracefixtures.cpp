#include "tracefixtures.h"

#include "scheduler/awaitables.h"
#include "testlib/sampletasks.h"

using namespace Loopscope;
using Loopscope::Testing::awaitIo;
using namespace std::chrono_literals;

namespace Fixtures {

namespace {

Task<int> failingChild()
{
    co_await sleep(1s);
    co_await say(QStringLiteral("child; #1 <done>"));
    throw std::runtime_error("disk on fire");
}

Task<void> parent()
{
    co_await blockFor(150ms);
    try {
        co_await failingChild().named(QStringLiteral("child"));
    } catch (const std::exception &) { }
    co_await yieldNow();
}

Task<void> sleeper()
{
    co_await sleep(1h);
}

IoRecord httpRecord(std::uint32_t id, TaskId task, std::int64_t startMs, int status)
{
    IoRecord io;
    io.id = id;
    io.task = task;
    io.method = QStringLiteral("GET");
    io.url = QStringLiteral("http://127.0.0.1:8080/items?page=%1&q=a%20b").arg(id);
    io.status = status;
    io.statusText = status == 200 ? QStringLiteral("OK") : QString();
    io.responseBytes = status == 200 ? 512 : 0;
    io.startNs = startMs * 1'000'000;
    io.firstByteNs = status == 200 ? io.startNs + 40'000'000 : -1;
    io.endNs = io.startNs + 50'000'000;
    io.error = status == 200 ? QString() : QStringLiteral("connection refused");
    io.requestHeaders = { { "Accept", "application/json" }, { "X-Bytes", QByteArray("\x01\xe9\xff", 3) } };
    if (status == 200)
        io.responseHeaders = { { "Content-Type", "application/json" }, { "Content-Length", "512" } };
    return io;
}

} // namespace

std::unique_ptr<Scheduler> twoCoroutines()
{
    auto s = std::make_unique<Scheduler>();
    s->spawn(awaitIo(QStringLiteral("read a")), QStringLiteral("Coroutine 1"));
    s->spawn(awaitIo(QStringLiteral("read b")), QStringLiteral("Coroutine 2"));
    s->runUntilIdle();
    return s;
}

std::unique_ptr<Scheduler> richTrace()
{
    auto s = std::make_unique<Scheduler>();
    s->spawn(parent(), QStringLiteral("parent"));
    auto sleeping = s->spawn(sleeper(), QStringLiteral("sleeper \"quoted\"\nsecond line"));
    s->step();
    s->step();
    s->cancel(sleeping);
    s->runUntilIdle();
    s->trace().recordIo(httpRecord(7, 1, 20, 200));
    s->trace().recordIo(httpRecord(3, 2, 10, 0));
    return s;
}

std::unique_ptr<Trace> droppedTrace()
{
    auto trace = std::make_unique<Trace>();
    trace->setCapacity(1);
    const LabelId tick = trace->intern(QStringLiteral("tick"));
    for (int i = 0; i < 2 * int(Trace::ChunkSize) + 100; ++i)
        trace->append(EventKind::Message, i * 1000, NoTask, 0, tick);
    return trace;
}

TraceMetadata metadata()
{
    TraceMetadata m;
    m.scenarioId = QStringLiteral("two-coroutines");
    m.params = { { QStringLiteral("latency_ms"), 2000 }, { QStringLiteral("ratio"), 0.1 } };
    m.createdBy = QStringLiteral("Loopscope 0.1.0");
    m.createdAt = QStringLiteral("2025-01-31T12:00:00Z");
    return m;
}

} // namespace Fixtures
