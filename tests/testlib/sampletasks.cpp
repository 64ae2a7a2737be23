#include "testlib/sampletasks.h"

using namespace std::chrono_literals;

namespace Loopscope::Testing {

Task<int> awaitIo(QString what, nanoseconds latency)
{
    co_await io(what, latency);
    co_return 1;
}

Task<int> readRecord(QString what)
{
    co_await io(QStringLiteral("read %1").arg(what), 2s);
    co_return 1;
}

Task<int> chainLink(int depth, QStringList *seen)
{
    if (depth == 0) {
        co_await sleep(1s);
        seen->append(QStringLiteral("innermost"));
        co_return 42;
    }
    const int inner = co_await chainLink(depth - 1, seen).named(QStringLiteral("link %1").arg(depth - 1));
    seen->append(QStringLiteral("link %1").arg(depth));
    co_return inner;
}

} // namespace Loopscope::Testing
