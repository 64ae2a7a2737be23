#include "window/mainwindowactions.h"

#include <QAction>
#include <QIcon>
#include <QKeySequence>

namespace Loopscope {

MainWindowActions::MainWindowActions(QObject *parent)
    : QObject(parent)
{
    openTrace = make(tr("&Open Trace…"), QStringLiteral("open"), tr("Open a saved .loopscope trace"));
    openTrace->setShortcut(QKeySequence::Open);
    traceProgram = make(tr("&Trace a Python Program…"), QString(),
        tr("Run a Python asyncio program under the recorder and watch its schedule live"));
    traceProgram->setShortcut(QKeySequence(QStringLiteral("Ctrl+T")));
    listen = make(tr("&Listen for Programs…"), QString(),
        tr("Draw C++ programs that stream their traces (LOOPSCOPE_LIVE) as they run"));
    stopProgram = make(tr("Stop"), QStringLiteral("stop"),
        tr("End the recorded program now; what it recorded stays (Ctrl+.)"));
    stopProgram->setShortcut(QKeySequence(QStringLiteral("Ctrl+.")));
    stopProgram->setEnabled(false);
    saveTrace = make(
        tr("&Save Trace…"), QStringLiteral("save"), tr("Save the trace of this run as a .loopscope file"));
    saveTrace->setShortcut(QKeySequence::Save);
    exportDiagram = make(tr("&Export…"), QStringLiteral("export"), tr("Export the diagram or the trace"));
    exportDiagram->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    quit = make(tr("&Quit"), QString(), tr("Quit Loopscope"));
    quit->setShortcut(QKeySequence::Quit);

    runPause = make(tr("Run"), QStringLiteral("run"), tr("Run the scenario, animated (Space)"));
    runPause->setShortcut(QKeySequence(Qt::Key_Space));
    step = make(tr("Step"), QStringLiteral("step"), tr("Take one scheduling action (Right)"));
    step->setShortcut(QKeySequence(Qt::Key_Right));
    stepBack
        = make(tr("Back"), QStringLiteral("step-back"), tr("Undo the last step by replaying the run (Left)"));
    stepBack->setShortcut(QKeySequence(Qt::Key_Left));
    reset = make(tr("Reset"), QStringLiteral("reset"), tr("Start the run again from the beginning (R)"));
    reset->setShortcut(QKeySequence(Qt::Key_R));

    zoomIn
        = make(tr("Zoom &In"), QString(), tr("Taller rows in the diagram, finer time in the timeline (+)"));
    zoomIn->setShortcuts({ QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn });
    zoomOut = make(
        tr("Zoom &Out"), QString(), tr("Shorter rows in the diagram, coarser time in the timeline (-)"));
    zoomOut->setShortcuts({ QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut });
    fitTimeline = make(tr("&Fit Timeline"), QString(), tr("Show the whole run in the timeline"));
    fitTimeline->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    ioLanePerOperation = make(tr("One Lane per I/O &Operation"), QString(),
        tr("Give each I/O operation its own lifeline instead of one shared I/O lane"));
    ioLanePerOperation->setCheckable(true);
    narrowerLanes = make(tr("&Narrower Lanes"), QString(),
        tr("Narrow the lanes, down to a density view of many tasks (Ctrl+Shift+wheel)"));
    narrowerLanes->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+-")));
    widerLanes = make(tr("&Wider Lanes"), QString(), tr("Widen the lanes (Ctrl+Shift+wheel)"));
    widerLanes->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+=")));
    fitLanes = make(
        tr("Fit Lanes to the &Window"), QString(), tr("Lanes as wide as their names, fitted to the window"));
    foldIdleLanes = make(tr("Fold &Idle Lanes"), QString(),
        tr("When lanes overflow the window, narrow those that take no part in the rows on screen"));
    foldIdleLanes->setCheckable(true);
    foldIdleLanes->setChecked(true);
    wholeSource = make(tr("Show the Whole Source &File"), QString(),
        tr("Show the includes and the scenario's registration around the lesson's code"));
    wholeSource->setCheckable(true);
    followNewest
        = make(tr("&Follow Newest Event"), QString(), tr("Keep the newest event in view as the run grows"));
    followNewest->setCheckable(true);
    followNewest->setChecked(true);
    find = make(tr("&Find Event…"), QString(), tr("Find events by task, kind or label (Ctrl+F)"));
    find->setShortcut(QKeySequence::Find);

    readingGuide = make(tr("&How to Read the Diagram"), QString(),
        tr("What the lifelines, bars, arrows and colours of the views mean"));
    readingGuide->setShortcut(QKeySequence::HelpContents);
    about = make(tr("&About Loopscope"), QString(), QString());
}

QAction *MainWindowActions::make(const QString &text, const QString &icon, const QString &tip)
{
    auto *action = new QAction(text, this);
    if (!icon.isEmpty())
        action->setIcon(QIcon(QStringLiteral(":/loopscope/icons/%1.svg").arg(icon)));
    action->setToolTip(tip);
    action->setStatusTip(tip);
    action->setShortcutContext(Qt::WindowShortcut);
    return action;
}

void MainWindowActions::setRunning(bool running)
{
    runPause->setText(running ? tr("Pause") : tr("Run"));
    runPause->setIcon(QIcon(QStringLiteral(":/loopscope/icons/%1.svg")
                                .arg(running ? QStringLiteral("pause") : QStringLiteral("run"))));
    runPause->setToolTip(running ? tr("Pause the run (Space)") : tr("Run the scenario, animated (Space)"));
}

} // namespace Loopscope
