#pragma once

#include "run/tracemetadata.h"

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Loopscope {

//! The two forms of a `.loopscope` file: binary (io/binarytrace.h; what files are saved as) and
//! JSON Lines (text, for people and tools that want it; `export --format loopscope-json`).
enum class TraceFileFormat { Binary, JsonLines };

/*!
 * Saves a Trace as a `.loopscope` file, binary (see BinaryTraceEncoder) or as JSON Lines: UTF-8,
 * one record per line, in this order:
 *
 *   {"format":"loopscope-trace","version":1,"scenario":…,"params":{…},"clock":…,"dropped":…,
 *    "tasks":N,"io":N,"events":N,"created":{"by":…,"at":…}}          the header
 *   {"type":"task","id":1,"name":"C1","parent":0}                     N task records, ids 1..N
 *   {"type":"io","id":1,"task":1,"method":"GET","url":…,…}            N I/O records (Trace::ioRecords)
 *   {"type":"event","seq":0,"t":0,"kind":"task_created","task":1,"other":0,"detail":"C1"}
 *                                                                     N events, in seq order
 *
 * An event's detail is its label text inline for kinds with a label, a number otherwise; "line"
 * and "thread" are written only when they are not 0, "wait" (the kind of wait of a suspension and
 * of the resumption that ends it: "yield", "task", "io", "timer", "queue", "sync", "value") only
 * when there is one. Files without "wait" fields (Loopscope 0.1.0) are read with the kinds worked
 * out as that version's views did. The output depends only on the trace and
 * the metadata, so saving an opened trace reproduces the original file byte for byte (in either
 * form).
 */
class TraceFileWriter
{
public:
    //! Writes the whole trace to `device` (open for writing). Throws TraceFormatError on a write error.
    static void write(const Trace &trace, const TraceMetadata &metadata, QIODevice &device,
        TraceFileFormat format = TraceFileFormat::Binary);
    //! Writes to `path` atomically (the file appears complete or not at all).
    static void save(const Trace &trace, const TraceMetadata &metadata, const QString &path,
        TraceFileFormat format = TraceFileFormat::Binary);
    //! The file's bytes, for tests and small traces.
    static QByteArray toBytes(
        const Trace &trace, const TraceMetadata &metadata, TraceFileFormat format = TraceFileFormat::Binary);
};

} // namespace Loopscope
