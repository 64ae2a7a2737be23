#include "window/filecommands.h"

#include "export/imageexport.h"
#include "io/chrometraceexport.h"
#include "io/mermaidexport.h"
#include "io/tracefilereader.h"
#include "io/tracefilewriter.h"
#include "run/replayrun.h"
#include "run/runsession.h"

#include <array>
#include <limits>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QSaveFile>

namespace Loopscope {

namespace {

struct ExportChoice
{
    FileCommands::ExportKind kind;
    const char *filter;
    const char *suffix;
};

constexpr std::array<ExportChoice, 8> exportChoices { {
    { FileCommands::ExportKind::DiagramPng, "Sequence diagram, PNG image (*.png)", "png" },
    { FileCommands::ExportKind::DiagramSvg, "Sequence diagram, SVG drawing (*.svg)", "svg" },
    { FileCommands::ExportKind::DiagramPdf, "Sequence diagram, PDF document (*.pdf)", "pdf" },
    { FileCommands::ExportKind::TimelinePng, "Timeline, PNG image (*.png)", "png" },
    { FileCommands::ExportKind::TimelineSvg, "Timeline, SVG drawing (*.svg)", "svg" },
    { FileCommands::ExportKind::TimelinePdf, "Timeline, PDF document (*.pdf)", "pdf" },
    { FileCommands::ExportKind::Mermaid, "Mermaid sequence diagram (*.mmd)", "mmd" },
    { FileCommands::ExportKind::Perfetto, "Chrome trace events for Perfetto (*.json)", "json" },
} };

void writeText(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(file.errorString());
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
    const QByteArray bytes = file.readAll();
    auto first = std::make_shared<LoadedTrace>();
    try {
        *first = TraceFileReader::fromBytes(bytes);
    } catch (const std::exception &e) {
        if (error)
            *error = tr("%1 is not a trace Loopscope can read: %2")
                         .arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what()));
        return false;
    }
    // The first run uses the trace just read; replays (Back, Reset) read the bytes again.
    auto factory = [first, bytes]() -> std::unique_ptr<Run> {
        LoadedTrace loaded = first->trace ? std::move(*first) : TraceFileReader::fromBytes(bytes);
        return std::make_unique<ReplayRun>(std::move(loaded.trace), std::move(loaded.metadata));
    };
    QString failure;
    const auto connection = connect(&m_session, &RunSession::errorOccurred, this,
        [&failure](const QString &message) { failure = message; });
    const bool opened = m_session.open(factory, QFileInfo(path).fileName());
    disconnect(connection);
    if (!opened) {
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
    TraceMetadata metadata;
    if (const TraceMetadata *recorded = m_session.run()->recordedMetadata())
        metadata = *recorded;
    else
        metadata
            = TraceMetadata::recordedNow(m_session.scenario() ? m_session.scenario()->info().id : QString(),
                m_session.params(), m_session.clockMode());
    try {
        TraceFileWriter::save(*trace, metadata, path);
    } catch (const std::exception &e) {
        if (error)
            *error = tr("Could not save %1: %2")
                         .arg(QDir::toNativeSeparators(path), QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

bool FileCommands::exportTo(const QString &path, ExportKind kind, QString *error) const
{
    const Trace *trace = m_session.trace();
    try {
        if (!trace || trace->isEmpty())
            throw Error(tr("there is nothing to export yet: open a scenario and take a step first"));
        const EventRange range = EventRange::all(*trace);
        switch (kind) {
        case ExportKind::Mermaid:
            writeText(path, MermaidExport::toText(*trace, range).toUtf8());
            break;
        case ExportKind::Perfetto:
            writeText(path, ChromeTraceExport::toJson(*trace, range, m_session.title()));
            break;
        default: {
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
            break;
        }
        }
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
    QStringList filters;
    for (const ExportChoice &choice : exportChoices)
        filters << tr(choice.filter);
    QString filter = filters.first();
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export"),
        QDir(m_exportFolder).filePath(suggestedName() + QStringLiteral(".png")),
        filters.join(QStringLiteral(";;")), &filter);
    if (path.isEmpty())
        return;
    const auto chosen = static_cast<std::size_t>(std::max<qsizetype>(0, filters.indexOf(filter)));
    const ExportChoice &choice = exportChoices[chosen];
    if (QFileInfo(path).suffix().isEmpty())
        path += u'.' + QLatin1StringView(choice.suffix);
    QString error;
    if (!exportTo(path, choice.kind, &error)) {
        QMessageBox::warning(m_window, tr("Export"), error);
        return;
    }
    m_exportFolder = QFileInfo(path).absolutePath();
    emit reported(tr("Exported %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace Loopscope
