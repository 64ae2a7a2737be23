#include "benchutil.h"

#include <QCoreApplication>
#include <QFile>

#include <sched.h>
#include <unistd.h>

namespace Bench {

double ownCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int intOption(const QStringList &args, const QString &name, int fallback)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == name && i + 1 < args.size())
            return args[i + 1].toInt();
        if (args[i].startsWith(name + u'='))
            return args[i].mid(name.size() + 1).toInt();
    }
    return fallback;
}

bool pinToCpu(int cpu, QTextStream &err)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) == 0)
        return true;
    err << "cannot pin to CPU " << cpu << ": " << qt_error_string(errno) << '\n';
    return false;
}

int cpuCount()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
}

// Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name, which may
// itself contain spaces.
double processCpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1.0;
    const QByteArray stat = file.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1.0;
    return static_cast<double>(fields.at(11).toLongLong() + fields.at(12).toLongLong())
        / static_cast<double>(sysconf(_SC_CLK_TCK));
}

ServerProcess::ServerProcess(qint64 items, int latencyMs, bool tls)
    : m_items(items)
    , m_latencyMs(latencyMs)
    , m_tls(tls)
{ }

ServerProcess::~ServerProcess()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.closeWriteChannel(); // the server stops when its stdin closes
    if (!m_process.waitForFinished(10'000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool ServerProcess::start(QTextStream &err)
{
    m_pin = cpuCount() >= 2;
    QStringList args { QStringLiteral("server"), QStringLiteral("--serve-only"), QStringLiteral("--items"),
        QString::number(m_items), QStringLiteral("--latency"), QString::number(m_latencyMs) };
    if (m_pin)
        args << QStringLiteral("--cpu") << QStringLiteral("0");
    if (m_tls)
        args << QStringLiteral("--tls");
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QCoreApplication::applicationFilePath(), args);
    while (m_process.state() != QProcess::NotRunning && !m_process.canReadLine())
        m_process.waitForReadyRead(10'000);
    const QByteArray portLine = m_process.readLine().trimmed();
    if (!portLine.startsWith("PORT ")) {
        err << "the demo server process did not start (" << m_process.errorString() << ")\n";
        return false;
    }
    m_port = static_cast<quint16>(portLine.sliced(5).toUInt());
    return true;
}

} // namespace Bench
