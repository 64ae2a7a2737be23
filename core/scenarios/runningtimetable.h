#pragma once

#include <chrono>
#include <QList>
#include <QString>

namespace Loopscope {

//! One row of the running-time table: n operations, sequential and concurrent total in seconds.
struct RunningTimeRow
{
    qint64 operations = 0;
    double sequentialSeconds = 0;
    double concurrentSeconds = 0;
    bool simulated = false; //!< measured on the virtual-clock scheduler; otherwise computed
};

/*!
 * How long n I/O operations of one latency take one after another versus all at once, for n = 1,
 * 10, 100, ... up to a largest power of ten. The rows double as the data series of the log-scale
 * chart (x: operations, y: seconds). Rows up to `simulateUpTo` operations are measured by running
 * the "sequential-vs-concurrent" coroutines on a virtual-clock Scheduler; larger ones are computed
 * (n × latency and latency), since simulating them would add nothing but time.
 */
struct RunningTimeTable
{
    std::chrono::nanoseconds latency { 0 };
    QList<RunningTimeRow> rows;

    //! Builds the table; throws Error for a latency below 1 ms or a largest n below 1.
    static RunningTimeTable build(
        std::chrono::nanoseconds latency, qint64 simulateUpTo = 1'000'000, qint64 largest = 1'000'000'000);

    //! "| I/O operations | sequential | concurrent | how |" with people-friendly durations.
    QString toMarkdown() const;
    //! "operations,sequential_s,concurrent_s,simulated" with exact seconds.
    QString toCsv() const;
};

//! A long duration the way people say it: "≈ 2 s", "≈ 33 min", "≈ 5.6 h", "≈ 23 days", "≈ 63 years".
QString approximateDuration(double seconds);

} // namespace Loopscope
