#include "cli/epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace Loopscope {

namespace {

constexpr int ReadyAtOnce = 1024; //!< events taken from one epoll_wait; the rest come next pass

std::uint8_t bit(int type)
{
    return std::uint8_t(1U << type);
}

//! The notifier types that `events` make ready: as Qt's poll() dispatcher, an error or a hang-up
//! wakes them all, so that a reader or writer learns of it.
std::uint8_t readyTypes(std::uint32_t events)
{
    std::uint8_t types = 0;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        types |= bit(QSocketNotifier::Read);
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        types |= bit(QSocketNotifier::Write);
    if (events & (EPOLLPRI | EPOLLHUP | EPOLLERR))
        types |= bit(QSocketNotifier::Exception);
    return types;
}

QString systemError(const char *what)
{
    return QStringLiteral("%1: %2").arg(
        QLatin1StringView(what), QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_ready(ReadyAtOnce)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) {
        m_error = systemError("epoll_create1");
        return;
    }
    m_wakeUpFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wakeUpFd < 0) {
        m_error = systemError("eventfd");
        return;
    }
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wakeUpFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeUpFd, &event) != 0) {
        m_error = systemError("epoll_ctl");
        close(m_wakeUpFd);
        m_wakeUpFd = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wakeUpFd >= 0)
        close(m_wakeUpFd);
    if (m_epoll >= 0)
        close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    emit awake();
    QCoreApplication::sendPostedEvents();
    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    const bool canWait
        = (flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load(std::memory_order_relaxed);
    if (canWait)
        emit aboutToBlock();
    if (m_interrupted.load(std::memory_order_relaxed))
        return false;
    if (includeNotifiers)
        applyChanges();
    int handled = waitForEvents(canWait ? waitMilliseconds(includeTimers) : 0, includeNotifiers);
    if (includeNotifiers)
        handled += activateSocketNotifiers();
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

int EpollEventDispatcher::waitMilliseconds(bool includeTimers) const
{
    if (m_alwaysReady > 0)
        return 0;
    if (!includeTimers || m_due.empty())
        return -1;
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(m_due.begin()->first.first - Clock::now());
    return int(std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, INT_MAX));
}

int EpollEventDispatcher::waitForEvents(int timeout, bool includeNotifiers)
{
    if (!includeNotifiers) {
        // Sockets ready now must not end the wait (they are level triggered): wait for a wake-up
        // alone, as Qt's dispatcher leaves them out of its poll() then.
        pollfd wake { m_wakeUpFd, POLLIN, 0 };
        if (poll(&wake, 1, timeout) > 0) {
            drainWakeUps();
            return 1;
        }
        return 0;
    }
    const int ready = epoll_wait(m_epoll, m_ready.data(), int(m_ready.size()), timeout);
    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const epoll_event &event = m_ready[std::size_t(i)];
        if (event.data.fd == m_wakeUpFd) {
            drainWakeUps();
            ++handled;
        } else if (const auto watch = m_watches.find(event.data.fd); watch != m_watches.end()) {
            markPending(event.data.fd, watch->second, readyTypes(event.events));
        }
    }
    if (m_alwaysReady > 0) {
        for (auto &[fd, watch] : m_watches) {
            if (watch.alwaysReady)
                markPending(fd, watch, bit(QSocketNotifier::Read) | bit(QSocketNotifier::Write));
        }
    }
    return handled;
}

void EpollEventDispatcher::markPending(int fd, Watch &watch, std::uint8_t types)
{
    for (const int type : { QSocketNotifier::Read, QSocketNotifier::Write, QSocketNotifier::Exception }) {
        if ((types & bit(type)) && watch.notifiers[type] && !(watch.pending & bit(type))) {
            watch.pending |= bit(type);
            m_pending.emplace_back(fd, type);
        }
    }
}

int EpollEventDispatcher::activateSocketNotifiers()
{
    int activated = 0;
    while (!m_pending.empty()) {
        const auto [fd, type] = m_pending.front();
        m_pending.pop_front();
        const auto watch = m_watches.find(fd);
        if (watch == m_watches.end() || !(watch->second.pending & bit(type)))
            continue; // unregistered since
        watch->second.pending &= std::uint8_t(~bit(type));
        QSocketNotifier *const notifier = watch->second.notifiers[type];
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent(notifier, &event); // may unregister anything, this one too
        ++activated;
    }
    return activated;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    Watch &watch = m_watches[fd];
    if (watch.notifiers[type] && watch.notifiers[type] != notifier)
        qWarning("EpollEventDispatcher: a second socket notifier of the same type for socket %d replaces the "
                 "first",
            fd);
    watch.notifiers[type] = notifier;
    noteChanged(fd, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = notifier->type();
    const auto found = m_watches.find(fd);
    if (found == m_watches.end() || found->second.notifiers[type] != notifier)
        return;
    Watch &watch = found->second;
    watch.notifiers[type] = nullptr;
    watch.pending &= std::uint8_t(~bit(type));
    if (std::any_of(std::begin(watch.notifiers), std::end(watch.notifiers), [](auto *n) { return n; })) {
        noteChanged(fd, watch);
        return;
    }
    // At once: the socket may be closed next, and its number given to a new one, which must not
    // find this one's registration (the kernel drops it on close, silently).
    if (watch.inEpoll)
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // fails harmlessly if the fd is closed already
    if (watch.alwaysReady)
        --m_alwaysReady;
    m_watches.erase(found);
}

void EpollEventDispatcher::noteChanged(int fd, Watch &watch)
{
    if (!watch.changed) {
        watch.changed = true;
        m_changed.push_back(fd);
    }
}

void EpollEventDispatcher::applyChanges()
{
    for (const int fd : m_changed) {
        const auto found = m_watches.find(fd);
        if (found == m_watches.end())
            continue;
        found->second.changed = false;
        updateInterest(fd, found->second);
    }
    m_changed.clear();
}

void EpollEventDispatcher::updateInterest(int fd, Watch &watch)
{
    if (watch.alwaysReady)
        return;
    epoll_event event {};
    event.data.fd = fd;
    if (watch.notifiers[QSocketNotifier::Read])
        event.events |= EPOLLIN | EPOLLRDHUP;
    if (watch.notifiers[QSocketNotifier::Write])
        event.events |= EPOLLOUT;
    if (watch.notifiers[QSocketNotifier::Exception])
        event.events |= EPOLLPRI;
    if (watch.inEpoll && event.events == watch.inKernel)
        return;
    if (watch.inEpoll && epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0) {
        watch.inKernel = event.events;
        return;
    }
    // Not in the set yet, or no longer: closed and its number given to a new socket.
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0
        || (errno == EEXIST && epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0)) {
        watch.inEpoll = true;
        watch.inKernel = event.events;
    } else if (errno == EPERM) {
        watch.alwaysReady = true; // a regular file: poll() calls it always ready, and so do we
        ++m_alwaysReady;
    } else {
        qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, std::strerror(errno));
    }
}

void EpollEventDispatcher::registerTimer(
    int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer &timer = m_timers[timerId];
    timer.object = object;
    timer.intervalMs = std::max<qint64>(0, interval);
    timer.type = timerType;
    timer.firing = false;
    schedule(timerId, timer, Clock::now() + std::chrono::milliseconds(timer.intervalMs));
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, Clock::time_point due)
{
    m_due.erase({ timer.due, timer.order });
    timer.due = due;
    timer.order = ++m_nextOrder;
    m_due.emplace(DueKey { timer.due, timer.order }, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end())
        return false;
    m_due.erase({ found->second.due, found->second.order });
    m_timers.erase(found);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->second.object == object) {
            m_due.erase({ it->second.due, it->second.order });
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> timers;
    for (const auto &[id, timer] : m_timers) {
        if (timer.object == object)
            timers.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end())
        return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(found->second.due - Clock::now());
    return int(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, INT_MAX));
}

int EpollEventDispatcher::activateTimers()
{
    if (m_due.empty())
        return 0;
    const Clock::time_point now = Clock::now();
    // Each timer due now fires once in this pass, in the order they fell due; one started or
    // restarted meanwhile waits for the next pass.
    std::vector<int> due;
    for (auto it = m_due.begin(); it != m_due.end() && it->first.first <= now; ++it)
        due.push_back(it->second);
    int fired = 0;
    for (const int id : due) {
        const auto found = m_timers.find(id);
        if (found == m_timers.end() || found->second.firing || found->second.due > now)
            continue;
        Timer &timer = found->second;
        // Paced from when it fell due, so a periodic timer keeps its rate; one that fell behind
        // skips what it missed.
        const std::chrono::milliseconds interval(timer.intervalMs);
        const Clock::time_point next = timer.due + interval;
        schedule(id, timer, next < now ? now + interval : next);
        timer.firing = true;
        QObject *const object = timer.object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event); // may stop, restart or delete any timer
        if (const auto after = m_timers.find(id); after != m_timers.end())
            after->second.firing = false;
        ++fired;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (!m_wakeUpPending.exchange(true, std::memory_order_acq_rel))
        eventfd_write(m_wakeUpFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::drainWakeUps()
{
    eventfd_t count = 0;
    eventfd_read(m_wakeUpFd, &count);
    // After the read: a wakeUp() between the two finds the flag still set and writes nothing, but
    // what it woke us for (a posted event) is taken by the next pass, which begins with them.
    m_wakeUpPending.store(false, std::memory_order_release);
}

} // namespace Loopscope
