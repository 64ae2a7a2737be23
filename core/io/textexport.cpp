#include "io/textexport.h"

#include "io/atomicfile.h"
#include "io/chrometraceexport.h"
#include "io/harexport.h"
#include "io/mermaidexport.h"
#include "io/tracefilewriter.h"

namespace Loopscope {

namespace {

//! Mermaid's default maxTextSize: longer diagrams are refused by Mermaid unless it is raised.
constexpr qsizetype MermaidMaxTextSize = 50000;

const std::array<TextFormatInfo, 5> formats { {
    { TextFormat::Mermaid, QLatin1StringView("mermaid"), QLatin1StringView("mmd"),
        QLatin1StringView("Mermaid sequence diagram"), true },
    { TextFormat::Perfetto, QLatin1StringView("perfetto"), QLatin1StringView("json"),
        QLatin1StringView("Chrome trace events for Perfetto"), true },
    { TextFormat::Har, QLatin1StringView("har"), QLatin1StringView("har"),
        QLatin1StringView("HTTP Archive of the requests"), false },
    { TextFormat::Loopscope, QLatin1StringView("loopscope"), QLatin1StringView("loopscope"),
        QLatin1StringView("Loopscope trace"), false },
    { TextFormat::LoopscopeJson, QLatin1StringView("loopscope-json"), QLatin1StringView("jsonl"),
        QLatin1StringView("Loopscope trace as JSON Lines"), false },
} };

TraceFileFormat traceFileFormat(TextFormat format)
{
    return format == TextFormat::LoopscopeJson ? TraceFileFormat::JsonLines : TraceFileFormat::Binary;
}

EventRange rangeOf(const TextExportSource &source)
{
    return source.range ? *source.range : EventRange::all(source.trace);
}

QDateTime originOf(const TextExportSource &source)
{
    if (source.origin.isValid())
        return source.origin;
    const QDateTime created = QDateTime::fromString(source.metadata.createdAt, Qt::ISODate);
    return created.isValid() ? created : QDateTime::currentDateTimeUtc();
}

} // namespace

const std::array<TextFormatInfo, 5> &textFormats()
{
    return formats;
}

const TextFormatInfo &textFormatInfo(TextFormat format)
{
    return formats[static_cast<std::size_t>(format)];
}

const TextFormatInfo *textFormatNamed(QStringView name)
{
    for (const TextFormatInfo &info : formats) {
        if (name == info.name)
            return &info;
    }
    return nullptr;
}

const TextFormatInfo *textFormatOfFile(QStringView path)
{
    for (const TextFormatInfo &info : formats) {
        if (path.endsWith(u'.' + QString(info.suffix)))
            return &info;
    }
    return nullptr;
}

TextExport exportText(TextFormat format, const TextExportSource &source)
{
    TextExport result;
    switch (format) {
    case TextFormat::Mermaid:
        result.bytes = MermaidExport::toText(source.trace, rangeOf(source)).toUtf8();
        if (result.bytes.size() > MermaidMaxTextSize)
            result.note
                = QStringLiteral("%1 characters; Mermaid draws at most %2 unless its maxTextSize is raised "
                                 "(or export fewer events with --from/--to)")
                      .arg(result.bytes.size())
                      .arg(MermaidMaxTextSize);
        break;
    case TextFormat::Perfetto:
        result.bytes = ChromeTraceExport::toJson(source.trace, rangeOf(source), source.title);
        break;
    case TextFormat::Har: {
        HarExport::Result har = HarExport::toJson(source.trace, originOf(source));
        result.bytes = std::move(har.json);
        result.summary = QStringLiteral("%1 HTTP entries").arg(har.entryCount);
        if (har.entryCount == 0)
            result.note = QStringLiteral("the trace made no HTTP requests; the HAR has no entries");
        break;
    }
    case TextFormat::Loopscope:
    case TextFormat::LoopscopeJson:
        result.bytes = TraceFileWriter::toBytes(source.trace, source.metadata, traceFileFormat(format));
        result.summary = QStringLiteral("%1 events").arg(source.trace.size());
        break;
    }
    return result;
}

TextExport saveText(TextFormat format, const TextExportSource &source, const QString &path)
{
    if (format == TextFormat::Loopscope || format == TextFormat::LoopscopeJson) {
        TraceFileWriter::save(source.trace, source.metadata, path, traceFileFormat(format));
        return TextExport { {}, QStringLiteral("%1 events").arg(source.trace.size()), {} };
    }
    TextExport exported = exportText(format, source);
    writeFileAtomically(path, exported.bytes);
    exported.bytes.clear();
    return exported;
}

} // namespace Loopscope
