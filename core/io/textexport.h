#pragma once

#include "io/eventrange.h"
#include "run/tracemetadata.h"

#include <QDateTime>

#include <array>

namespace Loopscope {

//! The text formats a trace is exported to.
enum class TextFormat : std::uint8_t {
    Mermaid,       //!< a Mermaid sequence diagram
    Perfetto,      //!< Chrome trace events, for Perfetto and chrome://tracing
    Har,           //!< an HTTP Archive of the trace's requests
    Loopscope,     //!< the trace itself, as a .loopscope file (binary)
    LoopscopeJson, //!< the trace itself as JSON Lines, for people and text tools (opens like a .loopscope
                   //!< file)
};

//! One row of the table of text formats, the one place the command line, the window and `fetch`
//! learn how a format is named, which file suffix it takes and whether it exports a range.
struct TextFormatInfo
{
    TextFormat format;
    QLatin1StringView name;        //!< as --format spells it: "perfetto"
    QLatin1StringView suffix;      //!< of its files: "json"
    QLatin1StringView description; //!< for people and file dialogs: "Chrome trace events for Perfetto"
    bool ranged;                   //!< whether it exports a range of events rather than the whole trace
};

const std::array<TextFormatInfo, 5> &textFormats();
const TextFormatInfo &textFormatInfo(TextFormat format);
//! The format --format names ("mermaid"...), or nullptr.
const TextFormatInfo *textFormatNamed(QStringView name);
//! The format a file's suffix asks for ("run.har" -> Har), or nullptr.
const TextFormatInfo *textFormatOfFile(QStringView path);

//! What an export needs besides the trace.
struct TextExportSource
{
    const Trace &trace;
    TraceMetadata metadata; //!< saved with a .loopscope file
    QString title;          //!< the process name in Perfetto: "Loopscope: two-coroutines"
    QDateTime origin; //!< wall-clock time of the trace's start, for HAR (invalid: from metadata, else now)
    std::optional<EventRange> range; //!< for ranged formats; the whole trace when not given
};

//! An export's bytes, what it holds for people ("12 HTTP entries"; empty for a diagram), and a
//! note when the result needs one (a HAR without entries).
struct TextExport
{
    QByteArray bytes;
    QString summary;
    QString note;
};

//! The trace in `format`. Throws ExportError when the range is invalid.
TextExport exportText(TextFormat format, const TextExportSource &source);
//! exportText() straight into the file at `path`, written whole or not at all (a .loopscope file
//! is streamed); the result's bytes stay empty. Throws Error when the file cannot be written.
TextExport saveText(TextFormat format, const TextExportSource &source, const QString &path);

} // namespace Loopscope
