#pragma once

#include <QByteArray>
#include <QStringList>

// Structural checkers for exported formats, written from the format descriptions so that tests
// can say "this is a valid X" without a viewer. Each returns the list of problems (empty: valid).
namespace FormatCheck {

/*!
 * Chrome Trace Event Format, as Perfetto and chrome://tracing read it: a `traceEvents` array;
 * every event has ph, name, pid and tid; every event but metadata has a number ts >= 0; X has
 * dur >= 0; b/e and s/f carry ids and each begin has exactly one later end with the same category
 * and id; i has a scope; M is process_name, thread_name or a sort index with its argument; on each
 * track timestamps never decrease and complete events nest; every track used is named.
 */
QStringList chromeTrace(const QByteArray &json);

/*!
 * HAR 1.2: log.version "1.2", log.creator {name, version}, log.entries; each entry has
 * startedDateTime (ISO 8601), time, request, response, cache and timings with the required
 * fields and types; timings send/wait/receive >= 0, the optional ones >= -1, and time equals the
 * sum of the timings that are not -1; entries are sorted by startedDateTime.
 */
QStringList har(const QByteArray &json);

} // namespace FormatCheck
