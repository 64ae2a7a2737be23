#include "window/filecommands.h"

#include "export/imageexport.h"
#include "io/textexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "run/replayrun.h"
#include "run/runsession.h"

#include <limits>
#include <optional>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <vector>

namespace Loopscope {

namespace {

struct ExportChoice
{
    FileCommands::ExportKind kind;
    QString filter;
    QString suffix;
};

std::optional<TextFormat> textFormatOf(FileCommands::ExportKind kind)
{
    switch (kind) {
    case FileCommands::ExportKind::Mermaid:
        return TextFormat::Mermaid;
    case FileCommands::ExportKind::Perfetto:
        return TextFormat::Perfetto;
    case FileCommands::ExportKind::Har:
        return TextFormat::Har;
    default:
        return std::nullopt;
    }
}

//! The pictures, then the text formats of core/io's table (a .loopscope file is File → Save).
std::vector<ExportChoice> exportChoices()
{
    using Kind = FileCommands::ExportKind;
    std::vector<ExportChoice> choices {
        { Kind::DiagramPng, FileCommands::tr("Sequence diagram, PNG image (*.png)"), QStringLiteral("png") },
        { Kind::DiagramSvg, FileCommands::tr("Sequence diagram, SVG drawing (*.svg)"),
            QStringLiteral("svg") },
        { Kind::DiagramPdf, FileCommands::tr("Sequence diagram, PDF document (*.pdf)"),
            QStringLiteral("pdf") },
        { Kind::TimelinePng, FileCommands::tr("Timeline, PNG image (*.png)"), QStringLiteral("png") },
        { Kind::TimelineSvg, FileCommands::tr("Timeline, SVG drawing (*.svg)"), QStringLiteral("svg") },
        { Kind::TimelinePdf, FileCommands::tr("Timeline, PDF document (*.pdf)"), QStringLiteral("pdf") },
    };
    for (const Kind kind : { Kind::Mermaid, Kind::Perfetto, Kind::Har }) {
        const TextFormatInfo &info = textFormatInfo(*textFormatOf(kind));
        choices.push_back(
            { kind, QStringLiteral("%1 (*.%2)").arg(info.description, info.suffix), QString(info.suffix) });
    }
    return choices;
}

} // namespace

FileCommands::FileCommands(RunSession &session, QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
{ }

bool FileCommands::openTrace(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    LoadedTrace loaded;
    try {
        loaded = TraceFileReader::read(file); // a binary file is read in place, memory-mapped
    } catch (const std::exception &e) {
        if (error)
            *error = tr("%1 is not a trace Loopscope can read: %2")
                         .arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what()));
        return false;
    }
    // Every replay (the first, and Back or Reset) plays the one trace read: nothing is read twice.
    auto recording = std::shared_ptr<const Trace>(std::move(loaded.trace));
    emit aboutToReplay(recording);
    auto factory = [recording, metadata = loaded.metadata]() -> std::unique_ptr<Run> {
        return std::make_unique<ReplayRun>(recording, metadata);
    };
    QString failure;
    const auto connection = connect(&m_session, &RunSession::errorOccurred, this,
        [&failure](const QString &message) { failure = message; });
    const bool opened = m_session.open(factory, QFileInfo(path).fileName());
    disconnect(connection);
    if (!opened) {
        emit aboutToReplay({});
        if (error)
            *error = failure;
        return false;
    }
    m_session.advance(std::numeric_limits<qint64>::max());
    m_traceFolder = QFileInfo(path).absolutePath();
    return true;
}

bool FileCommands::saveTrace(const QString &path, QString *error) const
{
    const Trace *trace = m_session.trace();
    if (!trace || trace->isEmpty()) {
        if (error)
            *error = tr("There is no trace to save yet: take a step first.");
        return false;
    }
    try {
        TraceFileWriter::save(*trace, currentMetadata(), path);
    } catch (const std::exception &e) {
        if (error)
            *error = tr("Could not save %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

TraceMetadata FileCommands::currentMetadata() const
{
    if (const TraceMetadata *recorded = m_session.recordedMetadata())
        return *recorded;
    return TraceMetadata::recordedNow(m_session.scenario() ? m_session.scenario()->info().id : QString(),
        m_session.params(), m_session.clockMode());
}

bool FileCommands::exportTo(const QString &path, ExportKind kind, QString *error) const
{
    const Trace *trace = m_session.trace();
    try {
        if (!trace || trace->isEmpty())
            throw Error(tr("there is nothing to export yet: open a scenario and take a step first"));
        const EventRange range = EventRange::all(*trace);
        if (const std::optional<TextFormat> format = textFormatOf(kind)) {
            saveText(
                *format, TextExportSource { *trace, currentMetadata(), m_session.title(), {}, range }, path);
            return true;
        }
        ImageExport image(*trace);
        image.setTitle(m_session.title());
        const bool timeline = kind == ExportKind::TimelinePng || kind == ExportKind::TimelineSvg
            || kind == ExportKind::TimelinePdf;
        image.setView(timeline ? ImageView::Timeline : ImageView::Sequence);
        const ImageFormat format = kind == ExportKind::DiagramSvg || kind == ExportKind::TimelineSvg
            ? ImageFormat::Svg
            : kind == ExportKind::DiagramPdf || kind == ExportKind::TimelinePdf ? ImageFormat::Pdf
                                                                                : ImageFormat::Png;
        image.write(path, format, range);
    } catch (const std::exception &e) {
        if (error)
            *error = tr("Could not export to %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

QString FileCommands::suggestedName() const
{
    if (const Scenario *scenario = m_session.scenario())
        return scenario->info().id;
    return QFileInfo(m_session.title()).completeBaseName().isEmpty()
        ? QStringLiteral("trace")
        : QFileInfo(m_session.title()).completeBaseName();
}

void FileCommands::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Open Trace"), m_traceFolder, tr("Loopscope traces (*.loopscope);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openTrace(path, &error))
        QMessageBox::warning(m_window, tr("Open Trace"), error);
}

void FileCommands::saveDialog()
{
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save Trace"),
        QDir(m_traceFolder).filePath(suggestedName() + QStringLiteral(".loopscope")),
        tr("Loopscope traces (*.loopscope)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTrace(path, &error)) {
        QMessageBox::warning(m_window, tr("Save Trace"), error);
        return;
    }
    m_traceFolder = QFileInfo(path).absolutePath();
    emit reported(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void FileCommands::exportDialog()
{
    const std::vector<ExportChoice> choices = exportChoices();
    QStringList filters;
    for (const ExportChoice &choice : choices)
        filters << choice.filter;
    QString filter = filters.first();
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export"),
        QDir(m_exportFolder).filePath(suggestedName() + QStringLiteral(".png")),
        filters.join(QStringLiteral(";;")), &filter);
    if (path.isEmpty())
        return;
    const auto chosen = static_cast<std::size_t>(std::max<qsizetype>(0, filters.indexOf(filter)));
    const ExportChoice &choice = choices[chosen];
    if (QFileInfo(path).suffix().isEmpty())
        path += u'.' + choice.suffix;
    QString error;
    if (!exportTo(path, choice.kind, &error)) {
        QMessageBox::warning(m_window, tr("Export"), error);
        return;
    }
    m_exportFolder = QFileInfo(path).absolutePath();
    emit reported(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace Loopscope
