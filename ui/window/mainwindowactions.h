#pragma once

#include <QObject>

class QAction;

namespace Loopscope {

/*!
 * Every command of the main window as a QAction with its text, icon, shortcut and tooltip, in one
 * place: the menus, the control bar and the tests use the same objects. The main window connects
 * them; setRunning() flips Run/Pause.
 *
 * Shortcuts: Space run/pause, Right step, Left step back, R reset, Ctrl+O open, Ctrl+S save,
 * Ctrl+E export, + and - zoom, Ctrl+F find.
 */
class MainWindowActions : public QObject
{
    Q_OBJECT
public:
    explicit MainWindowActions(QObject *parent);

    QAction *openTrace = nullptr;
    QAction *traceProgram = nullptr;
    QAction *listen = nullptr;
    QAction *stopProgram = nullptr;
    QAction *saveTrace = nullptr;
    QAction *exportDiagram = nullptr;
    QAction *quit = nullptr;

    QAction *runPause = nullptr;
    QAction *step = nullptr;
    QAction *stepBack = nullptr;
    QAction *reset = nullptr;

    QAction *zoomIn = nullptr;
    QAction *zoomOut = nullptr;
    QAction *fitTimeline = nullptr;
    QAction *ioLanePerOperation = nullptr;
    QAction *wholeSource = nullptr;
    QAction *foldIdleLanes = nullptr;
    QAction *narrowerLanes = nullptr;
    QAction *widerLanes = nullptr;
    QAction *fitLanes = nullptr;
    QAction *followNewest = nullptr;
    QAction *find = nullptr;

    QAction *readingGuide = nullptr;
    QAction *about = nullptr;

    //! Shows Pause while a run animates, Run otherwise.
    void setRunning(bool running);

private:
    QAction *make(const QString &text, const QString &icon, const QString &tip);
};

} // namespace Loopscope
