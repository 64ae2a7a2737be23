// The bridge to Qt, on the real clock: awaiting Qt signals and QCoro tasks from a scheduler task.
#include "scheduler/qtbridge.h"
#include "testlib/tracetext.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace std::chrono_literals;

class TestQtBridge : public QObject
{
    Q_OBJECT
private slots:
    void realClockSleepsAndAwaitsQtSignals()
    {
        Scheduler s(SchedulerOptions { ClockMode::Real });
        QTimer qtTimer;
        qtTimer.setSingleShot(true);
        auto body = [](QTimer *timer) -> Task<int> {
            co_await sleep(20ms);
            timer->start(10);
            co_await awaitSignal(QStringLiteral("qt timer"), timer, &QTimer::timeout);
            co_return 5;
        };
        QElapsedTimer wall;
        wall.start();
        QCOMPARE(s.runUntilComplete(body(&qtTimer)), 5);
        QVERIFY(wall.elapsed() >= 30);
        QVERIFY(s.now() >= 30'000'000);
        QCOMPARE(countKind(s.trace(), EventKind::IoCompleted), qsizetype(1));
        QCOMPARE(countKind(s.trace(), EventKind::TimerFired), qsizetype(1));
    }

    void qcoroFailuresReachTheTask()
    {
        Scheduler s(SchedulerOptions { ClockMode::Real });
        auto failing = []() -> QCoro::Task<int> {
            QTimer t;
            t.start(5);
            co_await qCoro(&t, &QTimer::timeout);
            throw std::runtime_error("connection refused");
        };
        auto body = [&failing]() -> Task<QString> {
            try {
                co_await awaitQt(QStringLiteral("connect"), failing());
                co_return QStringLiteral("no error");
            } catch (const std::exception &e) {
                co_return QString::fromUtf8(e.what());
            }
        };
        QCOMPARE(s.runUntilComplete(body()), QStringLiteral("connection refused"));
        QCOMPARE(countKind(s.trace(), EventKind::IoFailed), qsizetype(1));
    }
};

QTEST_GUILESS_MAIN(TestQtBridge)
#include "tst_qtbridge.moc"
