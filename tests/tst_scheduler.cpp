#include "scheduler/awaitables.h"

#include <QtTest>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

Task<int> ioTask(QString label)
{
    co_await io(label, 2s);
    co_return 1;
}

QStringList kinds(const Trace &trace)
{
    QStringList out;
    for (qsizetype i = 0; i < trace.size(); ++i) {
        const auto &e = trace.at(i);
        out << QStringLiteral("%1 %2").arg(eventKindName(e.kind)).arg(e.task ? trace.taskName(e.task) : QStringLiteral("loop"));
    }
    return out;
}

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT
private slots:
    void twoCoroutines()
    {
        Scheduler s;
        auto c1 = s.spawn(ioTask(QStringLiteral("read a")), QStringLiteral("C1"));
        auto c2 = s.spawn(ioTask(QStringLiteral("read b")), QStringLiteral("C2"));
        s.runUntilIdle();
        for (const auto &line : kinds(s.trace()))
            qDebug() << line;
        for (qsizetype i = 0; i < s.trace().size(); ++i)
            qDebug().noquote() << s.trace().describe(s.trace().at(i));
        QCOMPARE(c1.result(), 1);
        QCOMPARE(c2.result(), 1);
        QCOMPARE(s.now(), 2'000'000'000);
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
