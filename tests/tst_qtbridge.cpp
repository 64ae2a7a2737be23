// The bridge to Qt, on the real clock: awaiting Qt signals and QCoro tasks from a scheduler task.
#include "scheduler/event.h"
#include "scheduler/qtbridge.h"
#include "testlib/tracetext.h"

#include <QCoroSignal>
#include <QElapsedTimer>
#include <QTimer>
#include <QtTest>

using namespace Loopscope;
using namespace Loopscope::Testing;
using namespace std::chrono_literals;

//! A coroutine that its owner destroys, wherever it is suspended.
struct Suspended
{
    struct promise_type
    {
        Suspended get_return_object() { return { std::coroutine_handle<promise_type>::from_promise(*this) }; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() { }
        void unhandled_exception() { std::terminate(); }
    };
    std::coroutine_handle<promise_type> handle;
    Suspended(std::coroutine_handle<promise_type> h)
        : handle(h)
    { }
    Suspended(Suspended &&other) noexcept
        : handle(std::exchange(other.handle, {}))
    { }
    ~Suspended()
    {
        if (handle)
            handle.destroy();
    }
};

class Emitter : public QObject
{
    Q_OBJECT
signals:
    void fired();
};

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

    void aTaskMadeReadyFromAQtSlotRunsWhileTheLoopWaits()
    {
        // The loop waits for a Qt signal 5 s away; meanwhile Qt slots cancel one task and set an
        // event another awaits. Both must run at once, not when the signal finally comes.
        Scheduler s(SchedulerOptions { ClockMode::Real });
        Emitter far;
        QTimer::singleShot(5'000, &far, &Emitter::fired);
        Event go(QStringLiteral("go"));
        auto waitsForFar = [](Emitter *emitter) -> Task<void> {
            co_await awaitSignal(QStringLiteral("far"), emitter, &Emitter::fired);
        };
        auto waitsForGo = [](Event *event) -> Task<int> {
            co_await event->wait();
            co_return 7;
        };
        auto cancelled = s.spawn(waitsForFar(&far));
        auto woken = s.spawn(waitsForGo(&go));
        QElapsedTimer wall;
        wall.start();
        QTimer::singleShot(30, &far, [&] { go.set(); });
        QTimer::singleShot(60, &far, [&] { s.cancel(cancelled); });
        s.runUntilIdle();
        QCOMPARE(woken.result(), 7);
        QCOMPARE(cancelled.state(), TaskState::Cancelled);
        QVERIFY2(wall.elapsed() < 2'000, qPrintable(QStringLiteral("%1 ms").arg(wall.elapsed())));
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

    void aSignalEmittedAgainBeforeItsWaitersResumeDoesNoHarm()
    {
        // QCoro 0.8's qCoro(object, signal) calls its destroyed awaiter on the second emission
        // (a use after free that the sanitizer pass reports).
        Emitter emitter;
        int resumed = 0;
        auto wait = [](Emitter *from, int *count) -> QCoro::Task<void> {
            if (co_await SignalEmitted(from, &Emitter::fired))
                ++*count;
        };
        std::vector<QCoro::Task<void>> waits;
        for (int i = 0; i < 50; ++i)
            waits.push_back(wait(&emitter, &resumed));
        emit emitter.fired();
        emit emitter.fired();
        emit emitter.fired();
        QTRY_COMPARE(resumed, 50);
        QTest::qWait(20);
        QCOMPARE(resumed, 50);

        // Through the scheduler as well.
        Scheduler s(SchedulerOptions { ClockMode::Real });
        auto body = [](Emitter *from) -> Task<int> {
            QTimer::singleShot(5, from, [from] {
                emit from->fired();
                emit from->fired();
            });
            co_await awaitSignal(QStringLiteral("twice"), from, &Emitter::fired);
            co_return 1;
        };
        QCOMPARE(s.runUntilComplete(body(&emitter)), 1);
        QCOMPARE(countKind(s.trace(), EventKind::IoCompleted), qsizetype(1));
    }

    void aSignalThatNeverComesEndsTheWaitByTimeOrWithItsObject()
    {
        auto wait = [](QObject *from, std::optional<std::chrono::milliseconds> timeout,
                        std::optional<bool> *result) -> QCoro::Task<void> {
            *result
                = co_await SignalEmitted(from, &QObject::objectNameChanged, timeout, WhenDestroyed::Resume);
        };
        QObject quiet;
        std::optional<bool> timedOut;
        auto first = wait(&quiet, 20ms, &timedOut);
        QTRY_VERIFY(timedOut.has_value());
        QCOMPARE(*timedOut, false);

        auto doomed = std::make_unique<QObject>();
        std::optional<bool> gone;
        auto second = wait(doomed.get(), std::nullopt, &gone);
        QTest::qWait(5);
        QVERIFY(!gone.has_value());
        doomed.reset();
        QTRY_VERIFY(gone.has_value());
        QCOMPARE(*gone, false);

        // By default a coroutine is not resumed into an object that is gone, even when the signal
        // came just before (a member coroutine would run on freed memory). It stays suspended, as
        // with QCoro; this one's frame is destroyed by its owner at the end.
        auto member = [](QObject *from, bool *resumed) -> Suspended {
            co_await SignalEmitted(from, &QObject::objectNameChanged);
            *resumed = true;
        };
        for (const bool emitFirst : { false, true }) {
            auto owner = std::make_unique<QObject>();
            bool resumed = false;
            auto third = member(owner.get(), &resumed);
            if (emitFirst)
                owner->setObjectName(QStringLiteral("emitted, then destroyed at once"));
            owner.reset();
            QTest::qWait(20);
            QVERIFY(!resumed);
        }

        // awaitSignal fails, saying why.
        Scheduler s(SchedulerOptions { ClockMode::Real });
        auto body = []() -> Task<QString> {
            auto *object = new QObject;
            QTimer::singleShot(5, object, &QObject::deleteLater);
            try {
                co_await awaitSignal(QStringLiteral("never"), object, &QObject::objectNameChanged);
                co_return QStringLiteral("emitted");
            } catch (const Error &e) {
                co_return e.message();
            }
        };
        QVERIFY(s.runUntilComplete(body()).contains(QStringLiteral("destroyed")));
    }
};

QTEST_GUILESS_MAIN(TestQtBridge)
#include "tst_qtbridge.moc"
