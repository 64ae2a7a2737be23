#include "window/mainwindow.h"

#include "cli/liveprograms.h"
#include "model/tracefeed.h"
#include "network/networkpane.h"
#include "panes/awaittreepane.h"
#include "panes/codeview.h"
#include "panes/detailspane.h"
#include "panes/eventspane.h"
#include "panes/problemspane.h"
#include "panes/runningtimeview.h"
#include "panes/taskspane.h"
#include "record/recordingrun.h"
#include "run/replayrun.h"
#include "run/runsession.h"
#include "run/tracemetadata.h"
#include "scenarios/scenarioparams.h"
#include "scheduler/errors.h"
#include "sequence/sequenceview.h"
#include "style/viewpalette.h"
#include "timeline/timelineview.h"
#include "window/controlbar.h"
#include "window/filecommands.h"
#include "window/mainwindowactions.h"
#include "window/readingguide.h"
#include "window/retrievalpanel.h"
#include "window/tablekeyguard.h"
#include "window/tracedialog.h"

#include <algorithm>

#include <QAbstractItemView>
#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

QDockWidget *makeDock(const QString &title, const QString &name, QWidget *content, QWidget *parent)
{
    auto *dock = new QDockWidget(title, parent);
    dock->setObjectName(name);
    dock->setWidget(content);
    dock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    return dock;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_session(new RunSession(this))
    , m_feed(new TraceFeed(this))
    , m_actions(new MainWindowActions(this))
    , m_files(new FileCommands(*m_session, this))
{
    setObjectName(QStringLiteral("LoopscopeMainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/loopscope/icons/loopscope.svg")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_controls = new ControlBar({ m_actions->runPause, m_actions->stepBack, m_actions->step, m_actions->reset,
                                    m_actions->stopProgram },
        this);
    m_controls->setScenarios(m_registry.list());
    auto *toolbar = addToolBar(tr("Controls"));
    toolbar->setObjectName(QStringLiteral("controls"));
    toolbar->setMovable(false);
    toolbar->addWidget(m_controls);

    m_diagram = new SequenceView(m_feed, this);
    m_laneFilter = new QLineEdit(this);
    m_laneFilter->setObjectName(QStringLiteral("laneFilter"));
    m_laneFilter->setPlaceholderText(
        tr("Filter lanes by task name (the others share one lane); right-click a lane's header to pin it"));
    m_laneFilter->setClearButtonEnabled(true);
    connect(m_laneFilter, &QLineEdit::textChanged, m_diagram, &SequenceView::setLaneFilter);
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_laneFilter);
    centreLayout->addWidget(m_diagram);
    setCentralWidget(centre);
    buildDocks();
    auto *tableKeys = new TableKeyGuard(this);
    for (QAbstractItemView *view : findChildren<QAbstractItemView *>())
        view->installEventFilter(tableKeys);
    buildMenus();
    m_counts = new QLabel(this);
    statusBar()->addPermanentWidget(m_counts);
    connectActions();
    restoreSettings();
    refreshStatus();
}

MainWindow::~MainWindow() = default;

QTableView *MainWindow::eventTable() const
{
    return m_events->table();
}

QLineEdit *MainWindow::findField() const
{
    return m_events->findField();
}

QTableView *MainWindow::taskTable() const
{
    return m_tasks->table();
}

void MainWindow::buildDocks()
{
    m_timeline = new TimelineView(m_feed, this);

    m_events = new EventsPane(m_feed, this);

    m_tasks = new TasksPane(m_feed, this);
    m_details = new DetailsPane(this);
    m_code = new CodeView(this);
    m_retrieval = new RetrievalPanel(this);
    m_runningTime = new RunningTimeView(this);
    m_problems = new ProblemsPane(m_feed, this);
    m_awaitTree = new AwaitTreePane(m_feed, this);
    m_network = new NetworkPane(m_feed, this);
    m_lesson = new QTextBrowser(this);
    m_lesson->setObjectName(QStringLiteral("lessonText"));
    m_lesson->setFrameShape(QFrame::NoFrame);

    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    auto *codeDock = makeDock(tr("Code"), QStringLiteral("code"), m_code, this);
    auto *eventsDock = makeDock(tr("Events"), QStringLiteral("events"), m_events, this);
    auto *detailsDock = makeDock(tr("Details"), QStringLiteral("details"), m_details, this);
    auto *timelineDock = makeDock(tr("Timeline"), QStringLiteral("timeline"), m_timeline, this);
    auto *tasksDock = makeDock(tr("Tasks"), QStringLiteral("tasks"), m_tasks, this);
    auto *retrievalDock = makeDock(tr("HTTP retrieval"), QStringLiteral("retrieval"), m_retrieval, this);
    auto *lessonDock = makeDock(tr("Lesson"), QStringLiteral("lesson"), m_lesson, this);
    auto *chartDock = makeDock(tr("Running time"), QStringLiteral("runningTimeDock"), m_runningTime, this);
    auto *problemsDock = makeDock(tr("Problems"), QStringLiteral("problems"), m_problems, this);
    auto *treeDock = makeDock(tr("Await tree"), QStringLiteral("awaitTreeDock"), m_awaitTree, this);
    auto *networkDock = makeDock(tr("Network"), QStringLiteral("network"), m_network, this);
    connect(m_problems, &ProblemsPane::countChanged, problemsDock, [this, problemsDock](int count) {
        problemsDock->setWindowTitle(count > 0 ? tr("Problems (%1)").arg(count) : tr("Problems"));
        std::vector<std::pair<SeqNo, TaskId>> marks;
        for (const Finding &finding : m_problems->findings())
            marks.emplace_back(finding.seq, finding.task);
        m_timeline->setProblemMarks(marks);
        m_diagram->setProblemMarks(std::move(marks));
    });
    addDockWidget(Qt::RightDockWidgetArea, codeDock);
    addDockWidget(Qt::RightDockWidgetArea, eventsDock);
    addDockWidget(Qt::RightDockWidgetArea, detailsDock);
    tabifyDockWidget(detailsDock, lessonDock);
    tabifyDockWidget(detailsDock, retrievalDock);
    detailsDock->raise();
    addDockWidget(Qt::BottomDockWidgetArea, timelineDock);
    addDockWidget(Qt::BottomDockWidgetArea, tasksDock);
    splitDockWidget(timelineDock, tasksDock, Qt::Horizontal);
    tabifyDockWidget(tasksDock, chartDock);
    tabifyDockWidget(tasksDock, problemsDock);
    tabifyDockWidget(tasksDock, treeDock);
    tabifyDockWidget(tasksDock, networkDock);
    tasksDock->raise();
    resizeDocks({ codeDock, eventsDock, detailsDock }, { 340, 300, 200 }, Qt::Vertical);
    resizeDocks({ codeDock }, { 470 }, Qt::Horizontal);
    // A timeline tall enough for a dozen tasks and wide enough for its whole legend.
    resizeDocks({ timelineDock }, { 270 }, Qt::Vertical);
    resizeDocks({ timelineDock, tasksDock }, { 600, 400 }, Qt::Horizontal);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->openTrace);
    file->addAction(m_actions->traceProgram);
    file->addAction(m_actions->listen);
    m_programsMenu = file->addMenu(tr("Live &Programs"));
    m_programsMenu->setToolTip(tr("The programs that streamed to this window: pick one to show it again"));
    m_programsMenu->setEnabled(false);
    file->addAction(m_actions->saveTrace);
    file->addAction(m_actions->exportDiagram);
    file->addSeparator();
    file->addAction(m_actions->quit);
    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_actions->runPause);
    run->addAction(m_actions->step);
    run->addAction(m_actions->stepBack);
    run->addAction(m_actions->reset);
    run->addAction(m_actions->stopProgram);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_actions->zoomIn);
    view->addAction(m_actions->zoomOut);
    view->addAction(m_actions->fitTimeline);
    view->addSeparator();
    view->addAction(m_actions->ioLanePerOperation);
    view->addAction(m_actions->narrowerLanes);
    view->addAction(m_actions->widerLanes);
    view->addAction(m_actions->fitLanes);
    view->addAction(m_actions->foldIdleLanes);
    view->addAction(m_actions->wholeSource);
    view->addAction(m_actions->followNewest);
    view->addAction(m_actions->find);
    view->addSeparator();
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        view->addAction(dock->toggleViewAction());
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_actions->readingGuide);
    help->addAction(m_actions->about);
}

void MainWindow::connectActions()
{
    addActions({ m_actions->runPause, m_actions->step, m_actions->stepBack, m_actions->reset,
        m_actions->zoomIn, m_actions->zoomOut, m_actions->find });
    connect(m_actions->openTrace, &QAction::triggered, m_files, &FileCommands::openDialog);
    connect(m_actions->saveTrace, &QAction::triggered, m_files, &FileCommands::saveDialog);
    connect(m_actions->exportDiagram, &QAction::triggered, m_files, &FileCommands::exportDialog);
    connect(m_files, &FileCommands::aboutToReplay, m_feed, &TraceFeed::expectReplayOf);
    connect(m_files, &FileCommands::reported, this,
        [this](const QString &message) { statusBar()->showMessage(message, 5000); });
    connect(m_actions->quit, &QAction::triggered, this, &QWidget::close);
    connect(m_retrieval, &RetrievalPanel::fetchRequested, this, &MainWindow::startRetrieval);
    connect(m_actions->runPause, &QAction::triggered, m_session, &RunSession::toggleAnimation);
    connect(m_actions->step, &QAction::triggered, m_session, &RunSession::step);
    connect(m_actions->stepBack, &QAction::triggered, m_session, &RunSession::stepBack);
    connect(m_actions->reset, &QAction::triggered, m_session, &RunSession::reset);
    connect(m_actions->traceProgram, &QAction::triggered, this, &MainWindow::traceDialog);
    connect(m_actions->listen, &QAction::triggered, this, &MainWindow::listenDialog);
    connect(m_actions->stopProgram, &QAction::triggered, this, [this] {
        m_session->stopProgram();
        statusBar()->showMessage(tr("Stopping the program; what it recorded stays."), 5000);
    });
    connect(m_actions->zoomIn, &QAction::triggered, this, [this] {
        if (m_timeline->hasFocus())
            m_timeline->zoomIn();
        else
            m_diagram->zoomIn();
    });
    connect(m_actions->zoomOut, &QAction::triggered, this, [this] {
        if (m_timeline->hasFocus())
            m_timeline->zoomOut();
        else
            m_diagram->zoomOut();
    });
    connect(m_actions->fitTimeline, &QAction::triggered, m_timeline, &TimelineView::fit);
    connect(m_actions->narrowerLanes, &QAction::triggered, m_diagram, &SequenceView::narrowLanes);
    connect(m_actions->widerLanes, &QAction::triggered, m_diagram, &SequenceView::widenLanes);
    connect(m_actions->fitLanes, &QAction::triggered, m_diagram, &SequenceView::fitLanesToView);
    connect(m_actions->foldIdleLanes, &QAction::toggled, m_diagram, &SequenceView::setFoldingIdleLanes);
    connect(m_actions->wholeSource, &QAction::toggled, this,
        [this](bool whole) { m_code->setHarnessHidden(!whole); });
    connect(m_actions->ioLanePerOperation, &QAction::toggled, this, [this](bool perOperation) {
        m_diagram->setIoLaneMode(
            perOperation ? SequenceLayout::IoLaneMode::PerOperation : SequenceLayout::IoLaneMode::Shared);
    });
    connect(m_actions->followNewest, &QAction::toggled, m_diagram, &SequenceView::setFollowing);
    connect(m_diagram, &SequenceView::followingChanged, m_actions->followNewest, &QAction::setChecked);
    connect(m_actions->find, &QAction::triggered, this, [this] {
        if (auto *dock = findChild<QDockWidget *>(QStringLiteral("events")))
            dock->show();
        m_events->focusFind();
    });
    connect(m_events, &EventsPane::found, this, [this](SeqNo seq) { selectEvent(seq); });
    connect(m_events, &EventsPane::notFound, this, [this](const QString &text) {
        statusBar()->showMessage(tr("No event matches “%1”").arg(text), 5000);
    });
    connect(m_actions->readingGuide, &QAction::triggered, this, [this] {
        auto *guide = new QMessageBox(QMessageBox::NoIcon, tr("How to Read the Diagram"),
            readingGuideHtml(ViewPalette::fromPalette(palette())), QMessageBox::Close, this);
        guide->setObjectName(QStringLiteral("readingGuide"));
        guide->setTextFormat(Qt::RichText);
        guide->setAttribute(Qt::WA_DeleteOnClose);
        guide->open();
    });
    connect(m_actions->about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Loopscope"),
            tr("<h3>Loopscope %1</h3><p>Makes event-loop scheduling visible: every start, await, "
               "I/O completion and resume of a coroutine, step by step, as a sequence diagram, "
               "a timeline and a task table.</p>")
                .arg(loopscopeVersion()));
    });

    connect(m_session, &RunSession::runReplaced, this, &MainWindow::onRunReplaced);
    connect(m_session, &RunSession::stepped, this, &MainWindow::onStepped);
    m_detailsRefresh.setSingleShot(true);
    m_detailsRefresh.setInterval(100);
    connect(&m_detailsRefresh, &QTimer::timeout, this, &MainWindow::showSelectedDetails);
    connect(m_session, &RunSession::animatingChanged, this, [this](bool running) {
        m_actions->setRunning(running);
        refreshStatus();
    });
    connect(m_session, &RunSession::finished, this, &MainWindow::refreshStatus);
    connect(m_session, &RunSession::finished, this, [this] {
        if (!m_retrievalTitle.isEmpty() && m_session->title() == m_retrievalTitle && m_session->trace())
            m_retrieval->showFinished(*m_session->trace());
    });
    connect(m_session, &RunSession::errorOccurred, this, &MainWindow::showError);
    connect(m_session, &RunSession::blocked, this, [this] {
        statusBar()->showMessage(
            tr("Nothing is due yet: the run is waiting for I/O or a timer. Step again in a "
               "moment, or press Run."),
            5000);
    });
    connect(m_feed, &TraceFeed::updated, this, &MainWindow::refreshStatus);

    connect(m_controls, &ControlBar::scenarioChosen, this, &MainWindow::onScenarioChosen);
    connect(m_controls, &ControlBar::parametersEdited, this, &MainWindow::onParametersEdited);
    connect(m_controls, &ControlBar::speedChanged, m_session, &RunSession::setSpeed);

    connect(m_diagram, &SequenceView::eventClicked, this, [this](SeqNo seq) { selectEvent(seq); });
    connect(m_timeline, &TimelineView::eventClicked, this, [this](SeqNo seq) { selectEvent(seq); });
    connect(m_events->table()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { onEventRowChanged(current.row()); });
    connect(m_problems, &ProblemsPane::findingPicked, this, [this](SeqNo seq) { selectEvent(seq); });
    connect(m_network, &NetworkPane::eventPicked, this, [this](SeqNo seq) { selectEvent(seq, true); });
    connect(m_tasks, &TasksPane::taskPicked, this, [this](TaskId id) {
        // A task is shown through its newest event.
        selectEvent(m_feed->digest().task(id).lastSeq);
    });
    connect(m_feed, &TraceFeed::traceReset, this, [this] { m_hasSelection = false; });
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    resize(1500, 940);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_controls->setSpeed(settings.value(QStringLiteral("session/speed"), 4).toInt());
    m_session->setSpeed(m_controls->speed());
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    m_files->setExportFolder(settings.value(QStringLiteral("export/folder"), pictures).toString());
    m_files->setTraceFolder(settings.value(QStringLiteral("files/folder"), documents).toString());
    m_actions->ioLanePerOperation->setChecked(
        settings.value(QStringLiteral("view/ioLanePerOperation"), false).toBool());
    m_actions->foldIdleLanes->setChecked(settings.value(QStringLiteral("view/foldIdleLanes"), true).toBool());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("session/speed"), m_controls->speed());
    settings.setValue(QStringLiteral("export/folder"), m_files->exportFolder());
    settings.setValue(QStringLiteral("files/folder"), m_files->traceFolder());
    settings.setValue(QStringLiteral("view/ioLanePerOperation"), m_actions->ioLanePerOperation->isChecked());
    settings.setValue(QStringLiteral("view/foldIdleLanes"), m_actions->foldIdleLanes->isChecked());
    if (const Scenario *scenario = m_session->scenario()) {
        settings.setValue(QStringLiteral("session/scenario"), scenario->info().id);
        QVariantMap params;
        for (auto it = m_session->params().cbegin(); it != m_session->params().cend(); ++it)
            params.insert(it.key(), it.value());
        settings.setValue(QStringLiteral("scenarios/%1/params").arg(scenario->info().id), params);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_session->pauseAnimation();
    saveSettings();
    event->accept();
}

bool MainWindow::openScenario(const QString &id, const QStringList &assignments, QString *error)
{
    try {
        const Scenario &scenario = m_registry.get(id);
        const ScenarioParams params = m_registry.parseParams(id, assignments);
        QString failure;
        const auto connection = connect(m_session, &RunSession::errorOccurred, this,
            [&failure](const QString &message) { failure = message; });
        const bool opened = m_session->openScenario(scenario, params);
        disconnect(connection);
        if (!opened && error)
            *error = failure;
        return opened;
    } catch (const Error &e) {
        if (error)
            *error = e.message();
        return false;
    }
}

void MainWindow::openLastScenario()
{
    QSettings settings;
    QString id = settings.value(QStringLiteral("session/scenario"), ScenarioRegistry::defaultScenarioId())
                     .toString();
    if (!m_registry.find(id))
        id = ScenarioRegistry::defaultScenarioId();
    QStringList assignments;
    const QVariantMap saved = settings.value(QStringLiteral("scenarios/%1/params").arg(id)).toMap();
    for (auto it = saved.cbegin(); it != saved.cend(); ++it)
        assignments << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
    // Saved values from an older build may no longer be valid: fall back to the defaults.
    if (!openScenario(id, assignments))
        openScenario(id, {});
}

void MainWindow::onScenarioChosen(const QString &id)
{
    QString error;
    if (!openScenario(id, {}, &error))
        showError(error);
}

void MainWindow::onParametersEdited()
{
    const Scenario *scenario = m_session->scenario();
    if (!scenario)
        return;
    if (!m_session->openScenario(*scenario, m_controls->parameters()))
        m_controls->showScenario(scenario->info(), m_session->params());
}

void MainWindow::onRunReplaced()
{
    m_detailsRefresh.stop();
    if (!m_retrievalTitle.isEmpty() && m_session->title() != m_retrievalTitle) {
        m_retrievalTitle.clear(); // another run took the window: the retrieval tab is not busy any more
        m_retrieval->showIdle();
    }
    m_feed->setTrace(m_session->trace());
    m_retrieval->followTrace(m_session->trace());
    const Scenario *scenario = m_session->scenario();
    QString scenarioId;
    if (scenario) {
        scenarioId = scenario->info().id;
        m_controls->showScenario(scenario->info(), m_session->params());
    } else {
        m_controls->showReplay(m_session->title());
        if (const TraceMetadata *recorded = m_session->recordedMetadata())
            scenarioId = recorded->scenarioId;
    }
    const Scenario *source = scenario ? scenario : m_registry.find(scenarioId);
    QString path = source ? source->info().sourcePath : QString();
    // A recorded program's own source, where its events' lines are.
    if (const TraceMetadata *recorded = m_session->recordedMetadata(); recorded && !source)
        path = recorded->sourceFile;
    if (!m_retrievalTitle.isEmpty() && m_session->title() == m_retrievalTitle)
        m_code->setSource(
            tr("// An HTTP retrieval: Loopscope's connector fetches the collection's pages with\n"
               "// the strategy and concurrency chosen in the HTTP retrieval tab, lands their\n"
               "// items as JSON Lines, and its scheduler traces every request as I/O.\n"
               "// The connector is part of Loopscope (core/net/connector.cpp), not a lesson."));
    else if (path.isEmpty() || path != m_code->sourcePath())
        m_code->loadSource(path);
    m_code->highlightLine(0);
    m_details->showHint(source ? source->info().explanation
                               : tr("Select an event in the diagram, the timeline or the event list."));
    showLesson(source);
    showRunningTime(scenario);
    setWindowTitle(tr("%1 — Loopscope").arg(m_session->title()));
    m_diagram->setCurrentStep(0, 0);
    refreshStatus();
}

void MainWindow::showRunningTime(const Scenario *scenario)
{
    // Rows up to 10,000 operations are simulated on the scheduler (milliseconds), larger computed.
    constexpr qint64 SimulatedInTheWindow = 10'000;
    if (!scenario || scenario->info().id != u"sequential-vs-concurrent") {
        m_runningTime->clear();
        return;
    }
    const auto latency
        = std::chrono::milliseconds(integerParameter(m_session->params(), QStringLiteral("latency_ms")));
    try {
        m_runningTime->showTable(RunningTimeTable::build(latency, SimulatedInTheWindow));
    } catch (const Error &error) {
        m_runningTime->clear();
        showError(error.message());
    }
}

void MainWindow::showLesson(const Scenario *source)
{
    // The scenario's explanation stays here while the run is stepped (Details moves on to events).
    if (!source) {
        m_lesson->setHtml(tr("<p><b>%1</b></p><p>A recording, not one of the built-in lessons: step through "
                             "it as it happened, or see Help → How to Read the Diagram.</p>")
                              .arg(m_session->title().toHtmlEscaped()));
        return;
    }
    const ScenarioInfo &info = source->info();
    QString html = QStringLiteral("<h3>%1</h3><p><i>%2</i></p>")
                       .arg(info.title.toHtmlEscaped(), info.summary.toHtmlEscaped());
    for (const QString &paragraph : info.explanation.split(QStringLiteral("\n\n"), Qt::SkipEmptyParts))
        html += QStringLiteral("<p>%1</p>").arg(paragraph.toHtmlEscaped());
    m_lesson->setHtml(html);
}

void MainWindow::onStepped()
{
    // Steps the user asked for show at once; bursts while animating share one frame.
    m_feed->flush();
    const StepResult &step = m_session->lastStep();
    m_diagram->setCurrentStep(step.firstSeq, step.endSeq);
    if (step.endSeq > step.firstSeq)
        selectEvent(step.endSeq - 1, m_diagram->isFollowing());
    refreshStatus();
}

void MainWindow::selectEvent(SeqNo seq, bool reveal)
{
    const Trace *trace = m_feed->trace();
    const qsizetype index = trace ? trace->indexOfSeq(seq) : -1;
    if (index < 0 || index >= m_feed->rowCount() || m_syncingSelection)
        return;
    m_syncingSelection = true;
    m_selected = seq;
    m_hasSelection = true;
    const TraceEvent &event = trace->at(index);
    m_diagram->setSelectedSeq(seq, reveal);
    m_timeline->setSelection(event.timeNs, event.task, event.seq);
    QTableView *events = m_events->table();
    const QModelIndex row = events->model()->index(static_cast<int>(index), 0);
    events->selectionModel()->setCurrentIndex(
        row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (reveal || m_diagram->isFollowing())
        events->scrollTo(row);
    m_tasks->showTask(event.task);
    // While a run plays, the selection moves every few milliseconds: the details, rich text and the
    // slowest pane to lay out, follow it at most ten times a second.
    if (m_session->isAnimating()) {
        if (!m_detailsRefresh.isActive())
            m_detailsRefresh.start();
    } else {
        m_detailsRefresh.stop();
        showSelectedDetails();
    }
    m_code->highlightLine(sourceLineOf(index));
    m_awaitTree->showAt(seq);
    m_network->showTraceEvent(event);
    m_syncingSelection = false;
}

void MainWindow::showSelectedDetails()
{
    const Trace *trace = m_feed->trace();
    const qsizetype index = trace && m_hasSelection ? trace->indexOfSeq(m_selected) : -1;
    if (index >= 0 && index < m_feed->rowCount())
        m_details->showTraceEvent(*trace, m_feed->digest(), trace->at(index));
}

int MainWindow::sourceLineOf(qsizetype index) const
{
    // Events without a line of their own (a start, a completion) point at where their task last
    // was in the source; loop events (waiting, stopping) at where the program last was, so that
    // the code pane stays where the reader is instead of jumping to the top.
    const Trace &trace = *m_feed->trace();
    const TraceEvent &event = trace.at(index);
    if (event.line > 0)
        return event.line;
    for (qsizetype i = index - 1; i >= 0 && i >= index - 4096; --i) {
        const TraceEvent &earlier = trace.at(i);
        if ((event.task == NoTask || earlier.task == event.task) && earlier.line > 0)
            return earlier.line;
    }
    return 0;
}

void MainWindow::onEventRowChanged(int row)
{
    if (m_syncingSelection || row < 0 || !m_feed->trace())
        return;
    selectEvent(m_feed->trace()->at(row).seq);
}

void MainWindow::refreshStatus()
{
    const bool hasRun = m_session->hasRun();
    const bool finished = m_session->isFinished();
    m_actions->runPause->setEnabled(hasRun && (!finished || m_session->isAnimating()));
    m_actions->step->setEnabled(hasRun && !finished);
    m_actions->stepBack->setEnabled(hasRun && m_session->stepCount() > 0);
    m_actions->reset->setEnabled(hasRun && m_session->stepCount() > 0);
    m_actions->stopProgram->setEnabled(m_session->canStopProgram());
    const bool hasEvents = m_feed->trace() && !m_feed->trace()->isEmpty();
    m_actions->saveTrace->setEnabled(hasEvents);
    m_actions->exportDiagram->setEnabled(hasEvents);
    // The clock the events were timed by: a program streamed to the window says its own.
    const TraceMetadata *recorded = m_session->recordedMetadata();
    m_controls->setClock(recorded ? recorded->clock : m_session->clockMode(), m_session->now(),
        m_session->stepCount(), finished, m_session->isReplayingRecording());
    const TraceDigest &digest = m_feed->digest();
    m_counts->setText(tr("%1 events · %2 tasks")
                          .arg(QLocale().toString(static_cast<qlonglong>(m_feed->rowCount())))
                          .arg(QLocale().toString(digest.taskCount())));
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(message, 15000);
}

bool MainWindow::traceProgram(const PythonCommand &command, QString *error)
{
    // A program is drawn live, as fast as it records: the views follow it as it runs.
    QString why;
    const QMetaObject::Connection failure = connect(
        m_session, &RunSession::errorOccurred, this, [&why](const QString &message) { why = message; });
    const bool opened
        = m_session->open([command] { return std::make_unique<RecordingRun>(command); }, command.display());
    disconnect(failure);
    if (!opened) {
        if (error)
            *error = why;
        return false;
    }
    m_controls->setSpeed(0);
    m_session->setSpeed(0);
    m_session->startAnimation();
    return true;
}

void MainWindow::showLiveProgram(std::shared_ptr<LiveProgram> program)
{
    // Drawn as its events arrive, like a recorded Python program; the run stays when it ends. The
    // program names itself in its stream's header, its first bytes: they are waited for briefly.
    for (int wait = 0; wait < 20 && !program->hasHeader() && !program->isDone(); ++wait)
        program->waitForMore(50);
    if (std::find(m_programs.begin(), m_programs.end(), program) == m_programs.end()) {
        // Every program that connected stays at hand (File → Live Programs), ended or not, to be
        // shown again, stepped through and saved; the newest is shown.
        m_programs.push_back(program);
        QAction *pick = m_programsMenu->addAction(program->name());
        connect(pick, &QAction::triggered, this, [this, weak = std::weak_ptr<LiveProgram>(program)] {
            if (const auto shown = weak.lock())
                showLiveProgram(shown);
        });
        const auto describe = [pick, program = program.get()] {
            if (program->isDone()) {
                pick->setText(program->problem().isEmpty() ? tr("%1 — ended").arg(program->name())
                                                           : tr("%1 — cut short").arg(program->name()));
            }
        };
        describe();
        connect(program.get(), &LiveProgram::done, pick, describe);
        m_programsMenu->setEnabled(true);
    }
    m_session->open([program] { return std::make_unique<LiveRun>(program); }, program->name());
    emit liveProgramShown(program.get());
    m_controls->setSpeed(0);
    m_session->setSpeed(0);
    m_session->startAnimation();
}

bool MainWindow::listen(const QString &address, QString *error)
{
    try {
        auto listener = std::make_unique<LiveListener>(address);
        connect(listener.get(), &LiveListener::programConnected, this, &MainWindow::showLiveProgram);
        m_listener = std::move(listener); // one address at a time: the previous one is closed
    } catch (const std::exception &e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    m_actions->listen->setText(tr("&Listening on %1…").arg(m_listener->address()));
    statusBar()->showMessage(
        tr("Listening: run a program with LOOPSCOPE_LIVE=%1 to draw it here").arg(m_listener->address()));
    return true;
}

QString MainWindow::listenAddress() const
{
    return m_listener ? m_listener->address() : QString();
}

void MainWindow::listenDialog()
{
    bool ok = false;
    const QString address = QInputDialog::getText(this, tr("Listen for Programs"),
        tr("Programs that set LOOPSCOPE_LIVE to this address are drawn as they run\n"
           "(127.0.0.1:PORT, [::1]:PORT, or the path of a Unix socket):"),
        QLineEdit::Normal, m_listener ? m_listener->address() : QString(LiveListener::DefaultAddress), &ok);
    if (!ok)
        return;
    QString error;
    if (!listen(address.trimmed(), &error))
        QMessageBox::warning(this, tr("Listen for Programs"), error);
}

void MainWindow::traceDialog()
{
    TraceDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        traceProgram(dialog.command());
}

void MainWindow::startRetrieval()
{
    // A retrieval is played like a scenario: the views draw its trace live, as fast as it goes.
    m_retrievalTitle = m_retrieval->title(); // known before the run replaces the one on show
    if (!m_session->open(m_retrieval->runFactory(), m_retrievalTitle)) {
        m_retrievalTitle.clear();
        return;
    }
    m_session->setSpeed(0);
    m_session->startAnimation();
}

} // namespace Loopscope
