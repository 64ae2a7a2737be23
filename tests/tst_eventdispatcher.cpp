// The command-line event dispatcher (EpollEventDispatcher), as the main thread's dispatcher, the way
// `loopscope fetch` and `serve` run on it: timers, socket notifiers, posted events, wake-ups from
// other threads, nested loops and processes.
#include "cli/epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QProcess>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTimer>
#include <QtTest>

#include <memory>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

using namespace Loopscope;

namespace {

//! Runs a loop until `done` holds or `ms` pass; whether it held.
template<typename Condition>
bool runUntil(Condition done, int ms = 5000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return done();
}

//! Two connected local sockets, closed at the end.
struct SocketPair
{
    int fds[2] = { -1, -1 };
    SocketPair() { socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds); }
    ~SocketPair()
    {
        for (const int fd : fds) {
            if (fd >= 0)
                close(fd);
        }
    }
    SocketPair(const SocketPair &) = delete;
    SocketPair &operator=(const SocketPair &) = delete;
};

} // namespace

class TestEventDispatcher : public QObject
{
    Q_OBJECT
private slots:
    void isTheApplicationsDispatcher()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
    }

    void timersFireInTheOrderTheyFallDue()
    {
        QStringList fired;
        QElapsedTimer clock; // started first: no timer may fire before its time from here
        clock.start();
        QTimer::singleShot(30, [&] { fired << QStringLiteral("30 ms"); });
        QTimer::singleShot(0, [&] { fired << QStringLiteral("0 ms"); });
        QTimer::singleShot(10, Qt::PreciseTimer, [&] { fired << QStringLiteral("10 ms"); });
        QTimer::singleShot(10, Qt::VeryCoarseTimer, [&] { fired << QStringLiteral("10 ms, very coarse"); });
        QVERIFY(runUntil([&] { return fired.size() == 4; }));
        QCOMPARE(fired,
            (QStringList { QStringLiteral("0 ms"), QStringLiteral("10 ms"),
                QStringLiteral("10 ms, very coarse"), QStringLiteral("30 ms") }));
        QVERIFY2(clock.elapsed() >= 30, "a timer fired early");
    }

    void aPeriodicTimerKeepsFiringUntilStoppedAndSaysWhatIsLeft()
    {
        QObject owner;
        QTimer timer;
        timer.setInterval(5);
        int ticks = 0;
        connect(&timer, &QTimer::timeout, &owner, [&] {
            if (++ticks == 5)
                timer.stop();
        });
        timer.start();
        QVERIFY(runUntil([&] { return ticks == 5; }));
        QVERIFY(!timer.isActive());
        QTest::qWait(30);
        QCOMPARE(ticks, 5); // stopped means stopped

        QTimer later;
        later.setSingleShot(true);
        later.start(10'000);
        const int left = later.remainingTime();
        QVERIFY2(left > 9'000 && left <= 10'000, qPrintable(QString::number(left)));
        const auto *dispatcher = QAbstractEventDispatcher::instance();
        const auto timers = dispatcher->registeredTimers(&later);
        QCOMPARE(timers.size(), 1);
        QCOMPARE(timers.first().interval, 10'000);
        later.stop();
        QVERIFY(dispatcher->registeredTimers(&later).isEmpty());
        QCOMPARE(later.remainingTime(), -1);
    }

    void aTimerIsNotFiredAgainFromALoopNestedInItsOwnHandler()
    {
        QTimer timer;
        timer.setInterval(0);
        int depth = 0;
        int deepest = 0;
        int ticks = 0;
        connect(&timer, &QTimer::timeout, this, [&] {
            ++ticks;
            deepest = std::max(deepest, ++depth);
            if (ticks == 1) {
                QEventLoop nested;
                int other = 0;
                QTimer sibling; // other timers still fire in the nested loop
                connect(&sibling, &QTimer::timeout, &nested, [&] {
                    if (++other == 3)
                        nested.quit();
                });
                sibling.start(1);
                nested.exec();
            }
            --depth;
            if (ticks == 3)
                timer.stop();
        });
        timer.start();
        QVERIFY(runUntil([&] { return ticks == 3; }));
        QCOMPARE(deepest, 1);
    }

    void aZeroTimerDoesNotStarveSockets()
    {
        QTimer spinning;
        spinning.setInterval(0);
        int spins = 0;
        connect(&spinning, &QTimer::timeout, this, [&] { ++spins; });
        spinning.start();
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        QVERIFY(runUntil([&] { return server.hasPendingConnections(); }));
        std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
        QByteArray received;
        connect(accepted.get(), &QTcpSocket::readyRead, this, [&] { received += accepted->readAll(); });
        client.write("ping");
        QVERIFY(runUntil([&] { return received == "ping"; }));
        QVERIFY(spins > 0);
    }

    void manySocketsExchangeAtOnce()
    {
        QTcpServer server;
        server.setListenBacklogSize(512);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        std::vector<std::unique_ptr<QTcpSocket>> served;
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                served.emplace_back(socket);
                connect(
                    socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
            }
        });
        constexpr int Clients = 300;
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        int echoed = 0;
        for (int i = 0; i < Clients; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *raw = socket.get();
            const QByteArray message = "client " + QByteArray::number(i);
            connect(raw, &QTcpSocket::connected, raw, [raw, message] { raw->write(message); });
            connect(raw, &QTcpSocket::readyRead, raw, [raw, message, &echoed] {
                if (raw->bytesAvailable() >= message.size() && raw->readAll() == message)
                    ++echoed;
            });
            raw->connectToHost(QHostAddress::LocalHost, server.serverPort());
            clients.push_back(std::move(socket));
        }
        QVERIFY(runUntil([&] { return echoed == Clients; }, 20'000));
        // Closed by the peer: every served socket learns it.
        int disconnected = 0;
        for (const auto &socket : served)
            connect(socket.get(), &QTcpSocket::disconnected, this, [&] { ++disconnected; });
        clients.clear();
        QVERIFY(runUntil([&] { return disconnected == Clients; }, 20'000));
    }

    void aNotifierRemovedByAnotherInTheSameBatchIsNotActivated()
    {
        SocketPair first;
        SocketPair second;
        QVERIFY(first.fds[0] >= 0 && second.fds[0] >= 0);
        // Both ready before the loop looks: one epoll_wait reports both.
        QCOMPARE(write(first.fds[1], "x", 1), ssize_t(1));
        QCOMPARE(write(second.fds[1], "y", 1), ssize_t(1));
        auto a = std::make_unique<QSocketNotifier>(first.fds[0], QSocketNotifier::Read);
        auto b = std::make_unique<QSocketNotifier>(second.fds[0], QSocketNotifier::Read);
        int activations = 0;
        const auto readAndRemoveTheOther = [&](int fd, std::unique_ptr<QSocketNotifier> &other) {
            ++activations;
            char byte;
            QCOMPARE(read(fd, &byte, 1), ssize_t(1));
            other.reset();
        };
        connect(a.get(), &QSocketNotifier::activated, this, [&] { readAndRemoveTheOther(first.fds[0], b); });
        connect(b.get(), &QSocketNotifier::activated, this, [&] { readAndRemoveTheOther(second.fds[0], a); });
        QCoreApplication::processEvents(); // one pass: one epoll_wait, both ready
        QCOMPARE(activations, 1);          // the second one was gone before its turn
        QVERIFY(!a != !b);
    }

    void aDisabledNotifierIsQuietAndAReenabledOneWakesAgain()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            ++activations;
            char byte;
            QCOMPARE(read(pair.fds[0], &byte, 1), ssize_t(1));
        });
        notifier.setEnabled(false);
        QCOMPARE(write(pair.fds[1], "x", 1), ssize_t(1));
        QTest::qWait(20);
        QCOMPARE(activations, 0);
        notifier.setEnabled(true);
        QVERIFY(runUntil([&] { return activations == 1; }));
        // A write notifier on the same socket, beside the read one.
        QSocketNotifier writable(pair.fds[0], QSocketNotifier::Write);
        bool canWrite = false;
        connect(&writable, &QSocketNotifier::activated, this, [&] {
            canWrite = true;
            writable.setEnabled(false);
        });
        QVERIFY(runUntil([&] { return canWrite; }));
        QCOMPARE(write(pair.fds[1], "y", 1), ssize_t(1));
        QVERIFY(runUntil([&] { return activations == 2; }));
    }

    void aSocketNumberGivenAgainIsWatchedAgain()
    {
        // The kernel forgets a closed socket silently; the number then comes back for a new one.
        int reused = -1;
        {
            SocketPair first;
            QSocketNotifier notifier(first.fds[0], QSocketNotifier::Read);
            QCoreApplication::processEvents(); // watched now
            reused = first.fds[0];
        }
        SocketPair second;
        if (second.fds[0] != reused) { // (another thread took the lowest number): give it that one
            QCOMPARE(dup2(second.fds[0], reused), reused);
            close(std::exchange(second.fds[0], reused));
        }
        QSocketNotifier notifier(second.fds[0], QSocketNotifier::Read);
        bool activated = false;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            activated = true;
            notifier.setEnabled(false);
        });
        QCOMPARE(write(second.fds[1], "x", 1), ssize_t(1));
        QVERIFY(runUntil([&] { return activated; }));
    }

    void aRegularFileIsAlwaysReady()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        QSocketNotifier notifier(file.handle(), QSocketNotifier::Read);
        bool activated = false;
        connect(&notifier, &QSocketNotifier::activated, this, [&] {
            activated = true;
            notifier.setEnabled(false);
        });
        QVERIFY(runUntil([&] { return activated; }, 1000));
    }

    void anotherThreadWakesTheLoopAndEndsIt()
    {
        QEventLoop loop;
        bool ran = false;
        std::thread poster([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            QMetaObject::invokeMethod(
                &loop, [&] { ran = true; }, Qt::QueuedConnection);
            QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection);
        });
        QTimer guard; // fails the test rather than hanging it
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
        guard.start(10'000);
        const int code = loop.exec(); // no timer due before the guard: blocks until woken
        poster.join();
        QCOMPARE(code, 0);
        QVERIFY(ran);
    }

    void excludingSocketNotifiersNeitherDeliversNorSpins()
    {
        SocketPair pair;
        QSocketNotifier notifier(pair.fds[0], QSocketNotifier::Read);
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] { ++activations; });
        QCOMPARE(write(pair.fds[1], "x", 1), ssize_t(1));
        bool timedOut = false;
        QTimer::singleShot(20, [&] { timedOut = true; });
        QElapsedTimer clock;
        clock.start();
        int passes = 0;
        while (!timedOut && clock.elapsed() < 5000) {
            QCoreApplication::processEvents(
                QEventLoop::ExcludeSocketNotifiers | QEventLoop::WaitForMoreEvents);
            ++passes;
        }
        QVERIFY(timedOut);
        QCOMPARE(activations, 0);
        QVERIFY2(passes < 20, qPrintable(QString::number(passes))); // it waited, it did not spin
        QVERIFY(runUntil([&] { return activations > 0; }));
    }

    void deferredDeletesAndProcessesWork()
    {
        QEventLoop loop;
        QPointer<QObject> doomed = new QObject;
        connect(doomed, &QObject::destroyed, &loop, &QEventLoop::quit);
        QTimer::singleShot(0, doomed, [&] { doomed->deleteLater(); }); // deleted back in the loop
        QTimer::singleShot(10'000, &loop, [&] { loop.exit(1); });
        QCOMPARE(loop.exec(), 0);
        QVERIFY(doomed.isNull());
        QProcess process;
        process.start(
            QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QStringLiteral("read line; echo got $line") });
        QVERIFY(process.waitForStarted());
        process.write("hello\n");
        process.closeWriteChannel();
        bool finished = false;
        connect(&process, &QProcess::finished, this, [&] { finished = true; });
        QVERIFY(runUntil([&] { return finished; }));
        QCOMPARE(process.readAllStandardOutput(), QByteArray("got hello\n"));
    }
};

int main(int argc, char *argv[])
{
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (!dispatcher->isValid()) {
        qCritical("%s", qPrintable(dispatcher->errorString()));
        return 1;
    }
    QCoreApplication::setEventDispatcher(dispatcher.release()); // the application deletes it
    QCoreApplication app(argc, argv);
    TestEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_eventdispatcher.moc"
