#pragma once

#include <QStringList>

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
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

//! Value of "--name N" or "--name=N" in args, or the default.
inline int intOption(const QStringList &args, const QString &name, int fallback)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == name && i + 1 < args.size())
            return args[i + 1].toInt();
        if (args[i].startsWith(name + u'='))
            return args[i].mid(name.size() + 1).toInt();
    }
    return fallback;
}

} // namespace Bench
