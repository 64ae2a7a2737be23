#pragma once

#include "io/jsonwriter.h"
#include "io/tracefilereader.h"
#include "trace/trace.h"

#include <QJsonObject>

// The JSON parts of trace files, shared by the JSON Lines form and the binary form (whose header
// and I/O records are JSON too): the header object, I/O records, and parsing one record.
namespace Loopscope::detail {

//! What a trace file's header declares.
struct TraceHeader
{
    TraceMetadata metadata;
    std::uint64_t dropped = 0;
    qint64 tasks = 0;
    qint64 io = 0;
    qint64 events = 0;
};

//! The header object (and a line ending) of a trace file of format `version`.
void writeTraceHeader(JsonWriter &json, const Trace &trace, const TraceMetadata &metadata, int version);
//! One I/O record object (and a line ending).
void writeIoRecord(JsonWriter &json, const IoRecord &io);

//! Parses one record; a TraceFormatError names line `number` when it is not a JSON object.
QJsonObject parseTraceRecord(const QByteArray &line, qint64 number);
//! Reads and checks a header of format `version` (errors name line `line`).
TraceHeader readTraceHeader(
    const QJsonObject &object, const TraceFileLimits &limits, int version, qint64 line);

} // namespace Loopscope::detail
