#pragma once

#include "run/tracemetadata.h"

#include <memory>
#include <QObject>
#include <QString>

class QWidget;

namespace Loopscope {

class RunSession;
class Trace;

/*!
 * Open, Save and Export for the main window: file dialogs, the folders they start in, and the
 * messages people see when something goes wrong. Opening a `.loopscope` file replays it to its end
 * in the session (so Back and Reset work on it like on a scenario); saving writes the trace shown;
 * exporting writes the whole run as a picture of the sequence diagram or the timeline (PNG, SVG,
 * PDF) or in one of the text formats of core/io (Mermaid, Chrome trace events for Perfetto, HAR).
 */
class FileCommands : public QObject
{
    Q_OBJECT
public:
    enum class ExportKind {
        DiagramPng,
        DiagramSvg,
        DiagramPdf,
        TimelinePng,
        TimelineSvg,
        TimelinePdf,
        Mermaid,
        Perfetto,
        Har
    };

    FileCommands(RunSession &session, QWidget *window);

    bool openTrace(const QString &path, QString *error = nullptr);
    bool saveTrace(const QString &path, QString *error = nullptr) const;
    bool exportTo(const QString &path, ExportKind kind, QString *error = nullptr) const;
    //! What the trace on show says about itself: an opened file's header, or this run's description.
    TraceMetadata currentMetadata() const;

    QString traceFolder() const { return m_traceFolder; }
    void setTraceFolder(const QString &folder) { m_traceFolder = folder; }
    QString exportFolder() const { return m_exportFolder; }
    void setExportFolder(const QString &folder) { m_exportFolder = folder; }

public slots:
    void openDialog();
    void saveDialog();
    void exportDialog();

signals:
    //! Something worth a line in the status bar ("Saved …").
    void reported(const QString &message);
    //! A trace was read and is about to be replayed whole in the session (null: it could not be).
    void aboutToReplay(std::shared_ptr<const Trace> recording);

private:
    QString suggestedName() const;

    RunSession &m_session;
    QWidget *m_window;
    QString m_traceFolder;
    QString m_exportFolder;
};

} // namespace Loopscope
