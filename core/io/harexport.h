#pragma once

#include "trace/trace.h"

#include <QDateTime>

namespace Loopscope {

/*!
 * Writes the HTTP retrievals of a trace as an HTTP Archive (HAR 1.2), the waterfall format that a
 * browser's developer tools and HAR viewers open.
 *
 * One entry per IoRecord that has a method and a URL, sorted by start time. Scheduler time is
 * mapped to wall-clock time from `origin` (the moment the trace started). Timings the trace does
 * not know (blocked, dns, connect, ssl) are -1; `wait` runs to the first response byte and
 * `receive` from there to the end. A request that failed has status 0 and its error in `_error`.
 * A trace with no HTTP records gives a valid archive with no entries (entryCount 0).
 */
class HarExport
{
public:
    struct Result
    {
        QByteArray json;
        int entryCount = 0;
    };

    static Result toJson(const Trace &trace, const QDateTime &origin);
};

} // namespace Loopscope
