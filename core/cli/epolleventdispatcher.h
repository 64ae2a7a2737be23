#pragma once

#include <QAbstractEventDispatcher>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

class QSocketNotifier;
struct epoll_event;

namespace Loopscope {

/*!
 * A Qt event dispatcher for Linux on epoll(7), for command-line processes that keep many sockets
 * open (a fetch or a demo server with 1,000 connections).
 *
 * Qt's own dispatcher hands every socket to poll() on every pass of the loop and then walks them
 * all again, so a pass costs in proportion to the sockets open, not to the sockets ready: with
 * 1,000 connections that was a fifth of the demo server's CPU. epoll keeps the interest list in the
 * kernel and returns only what is ready.
 *
 * It behaves as Qt's dispatcher does: posted events first, then ready socket notifiers (level
 * triggered, as poll() is), then due timers, each at most once a pass; a timer is not fired again
 * from an event loop nested in its own handler; wakeUp() and interrupt() may come from any thread.
 * Timers of every type are kept to the millisecond (coarse ones too, which is allowed). Not for a
 * process that shows windows: it does not deliver window-system events.
 */
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;
    EpollEventDispatcher(const EpollEventDispatcher &) = delete;
    EpollEventDispatcher &operator=(const EpollEventDispatcher &) = delete;

    //! False if the kernel refused an epoll instance or an eventfd (see errorString()): use another.
    bool isValid() const { return m_epoll >= 0 && m_wakeUpFd >= 0; }
    const QString &errorString() const { return m_error; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    //! The notifiers of one file descriptor, by QSocketNotifier::Type (Read, Write, Exception).
    struct Watch
    {
        QSocketNotifier *notifiers[3] = {};
        std::uint8_t pending = 0;   //!< bit per type: found ready, not yet activated
        std::uint32_t inKernel = 0; //!< the events epoll watches for it
        bool inEpoll = false;
        bool changed = false;     //!< its notifiers changed since the kernel was last told
        bool alwaysReady = false; //!< a regular file, which epoll refuses and poll() calls ready
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        Clock::time_point due;
        std::uint64_t order = 0; //!< its key in m_due, with `due`
        bool firing = false;     //!< its event is being delivered
    };
    using DueKey = std::pair<Clock::time_point, std::uint64_t>;

    void noteChanged(int fd, Watch &watch);
    //! Tells the kernel what changed since the last wait: a notifier disabled and enabled again
    //! within a pass (Qt does so for every write it buffers) costs no system call. (A socket's
    //! last notifier leaves at once.)
    void applyChanges();
    void updateInterest(int fd, Watch &watch);
    //! How long epoll_wait may block: -1 for ever, 0 not at all.
    int waitMilliseconds(bool includeTimers) const;
    //! Blocks for `timeout` ms, or until woken or a socket is ready; marks ready notifiers pending.
    int waitForEvents(int timeout, bool includeNotifiers);
    void markPending(int fd, Watch &watch, std::uint8_t types);
    void schedule(int timerId, Timer &timer, Clock::time_point due);
    int activateSocketNotifiers();
    int activateTimers();
    void drainWakeUps();

    QString m_error;
    int m_epoll = -1;
    int m_wakeUpFd = -1;
    std::atomic<bool> m_wakeUpPending { false };
    std::atomic<bool> m_interrupted { false };
    std::unordered_map<int, Watch> m_watches;
    int m_alwaysReady = 0;      //!< watches of regular files
    std::vector<int> m_changed; //!< fds whose notifiers changed since the last wait
    //! (fd, type) of notifiers found ready, in order; an entry whose pending bit is gone is skipped.
    //! Shared with event loops nested in a notifier's handler, which go on with it, as Qt's do.
    std::deque<std::pair<int, int>> m_pending;
    std::vector<::epoll_event> m_ready;
    std::unordered_map<int, Timer> m_timers;
    std::map<DueKey, int> m_due; //!< timer ids by due time, then by when they were scheduled
    std::uint64_t m_nextOrder = 0;
};

} // namespace Loopscope
