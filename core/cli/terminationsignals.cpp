#include "cli/terminationsignals.h"

#include <atomic>
#include <cerrno>

#include <sys/socket.h>
#include <unistd.h>

namespace Loopscope {

namespace {

// The only state a signal handler can reach is static: the write end of the socket pair while a
// TerminationSignals object exists, -1 otherwise. A lock-free atomic is async-signal-safe to read.
std::atomic<int> s_signalWriteFd { -1 };

extern "C" void forwardTerminationSignal(int signalNumber)
{
    const int savedErrno = errno;
    const int fd = s_signalWriteFd.load();
    if (fd >= 0) {
        const char byte = static_cast<char>(signalNumber);
        [[maybe_unused]] const auto written = ::write(fd, &byte, 1);
    }
    errno = savedErrno;
}

} // namespace

TerminationSignals::TerminationSignals()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, m_fds) != 0) {
        m_error = qt_error_string(errno);
        m_fds[0] = m_fds[1] = -1;
        return;
    }
    s_signalWriteFd.store(m_fds[0]);
    struct sigaction action = {};
    action.sa_handler = forwardTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &m_previousInt);
    ::sigaction(SIGTERM, &action, &m_previousTerm);
    m_notifier = std::make_unique<QSocketNotifier>(m_fds[1], QSocketNotifier::Read);
}

TerminationSignals::~TerminationSignals()
{
    if (m_fds[0] < 0)
        return;
    ::sigaction(SIGINT, &m_previousInt, nullptr);
    ::sigaction(SIGTERM, &m_previousTerm, nullptr);
    s_signalWriteFd.store(-1);
    m_notifier.reset();
    ::close(m_fds[0]);
    ::close(m_fds[1]);
}

int TerminationSignals::takeSignal() const
{
    char byte = 0;
    return ::read(m_fds[1], &byte, 1) == 1 ? byte : 0;
}

} // namespace Loopscope
