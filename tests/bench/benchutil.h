#pragma once

#include <QProcess>
#include <QStringList>
#include <QTextStream>

#include <chrono>
#include <sys/resource.h>

namespace Bench {

using Clock = std::chrono::steady_clock;

inline double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

//! Peak resident memory of this process so far, in MB.
inline double peakRssMb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

//! CPU seconds (user + system) this process has used so far.
double ownCpuSeconds();

//! Value of "--name N" or "--name=N" in args, or the default.
int intOption(const QStringList &args, const QString &name, int fallback);

bool pinToCpu(int cpu, QTextStream &err);
int cpuCount();
//! User plus system CPU seconds of a live process (from /proc/<pid>/stat), or -1.
double processCpuSeconds(qint64 pid);

/*!
 * The demo server in a child process (this binary's `server --serve-only`), pinned to CPU 0 when
 * there are two CPUs, so the client under test does not share its core.
 */
class ServerProcess
{
public:
    ServerProcess(qint64 items, int latencyMs, bool tls = false);
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    //! Starts it; on failure returns false with the reason on `err`.
    bool start(QTextStream &err);
    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    bool pinned() const { return m_pin; }

private:
    QProcess m_process;
    qint64 m_items;
    int m_latencyMs;
    bool m_tls;
    quint16 m_port = 0;
    bool m_pin = false;
};

} // namespace Bench
