#include "scenarios/runningtimetable.h"

#include "scenarios/sequentialvsconcurrent.h"
#include "scheduler/errors.h"

#include <cmath>
#include <QLocale>
#include <QStringList>

namespace Loopscope {

namespace {

// One decimal for small amounts ("5.6 h"), none once the decimal no longer matters ("33 min").
QString amount(double value, const QString &unit)
{
    return QStringLiteral("≈ %1 %2").arg(QString::number(value, 'f', value < 10 ? 1 : 0), unit);
}

} // namespace

QString approximateDuration(double seconds)
{
    constexpr double minute = 60;
    constexpr double hour = 60 * minute;
    constexpr double day = 24 * hour;
    constexpr double year = 365.25 * day;
    if (seconds < minute)
        return QStringLiteral("≈ %1 s").arg(QString::number(seconds, 'g', 3));
    if (seconds < hour)
        return amount(seconds / minute, QStringLiteral("min"));
    if (seconds < day)
        return amount(seconds / hour, QStringLiteral("h"));
    if (seconds < year)
        return amount(seconds / day, QStringLiteral("days"));
    return amount(seconds / year, QStringLiteral("years"));
}

RunningTimeTable RunningTimeTable::build(
    std::chrono::nanoseconds latency, qint64 simulateUpTo, qint64 largest)
{
    if (latency < std::chrono::milliseconds(1))
        throw Error(QStringLiteral("the latency must be at least 1 ms"));
    if (largest < 1)
        throw Error(QStringLiteral("the table needs at least one operation"));
    RunningTimeTable table;
    table.latency = latency;
    const double seconds = std::chrono::duration<double>(latency).count();
    for (qint64 n = 1; n <= largest; n *= 10) {
        RunningTimeRow row;
        row.operations = n;
        row.simulated = n <= simulateUpTo;
        if (row.simulated) {
            row.sequentialSeconds = static_cast<double>(simulateSequentialNs(n, latency)) / 1e9;
            row.concurrentSeconds = static_cast<double>(simulateConcurrentNs(n, latency)) / 1e9;
        } else {
            row.sequentialSeconds = static_cast<double>(n) * seconds;
            row.concurrentSeconds = seconds;
        }
        table.rows << row;
        if (n > largest / 10)
            break;
    }
    return table;
}

QString RunningTimeTable::toMarkdown() const
{
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    QStringList lines {
        QStringLiteral("| I/O operations | sequential | concurrent | how |"),
        QStringLiteral("|---:|---:|---:|:---|"),
    };
    for (const RunningTimeRow &row : rows) {
        lines << QStringLiteral("| %1 | %2 | %3 | %4 |")
                     .arg(english.toString(row.operations), approximateDuration(row.sequentialSeconds),
                         approximateDuration(row.concurrentSeconds),
                         row.simulated ? QStringLiteral("simulated") : QStringLiteral("computed"));
    }
    return lines.join(u'\n') + u'\n';
}

QString RunningTimeTable::toCsv() const
{
    QStringList lines { QStringLiteral("operations,sequential_s,concurrent_s,simulated") };
    for (const RunningTimeRow &row : rows) {
        lines << QStringLiteral("%1,%2,%3,%4")
                     .arg(row.operations)
                     .arg(QString::number(row.sequentialSeconds, 'f', 3),
                         QString::number(row.concurrentSeconds, 'f', 3),
                         row.simulated ? QStringLiteral("true") : QStringLiteral("false"));
    }
    return lines.join(u'\n') + u'\n';
}

} // namespace Loopscope
