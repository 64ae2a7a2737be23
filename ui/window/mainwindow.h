#pragma once

#include "scenarios/scenarioregistry.h"
#include "trace/traceevent.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>

class QLabel;
class QMenu;
class QLineEdit;
class QTableView;

class QLineEdit;
class QTextBrowser;

namespace Loopscope {

struct PythonCommand;
class RetrievalPanel;
class LiveProgram;
class LiveListener;

class CodeView;
class Scenario;
class AwaitTreePane;
class NetworkPane;
class ProblemsPane;
class RunningTimeView;
class ControlBar;
class DetailsPane;
class EventsPane;
class FileCommands;
class MainWindowActions;
class RunSession;
class SequenceView;
class TasksPane;
class TimelineView;
class TraceFeed;

/*!
 * Loopscope's window, and the one place where the parts are wired together: the RunSession
 * plays a run, the TraceFeed turns its trace's updates into frames, and the views (sequence diagram
 * in the centre; code, events and details on the right; timeline and tasks below) observe the feed.
 * The selected event is shared: selecting it in any view selects it in all of them, and each step
 * selects the newest event of that step. Window geometry, dock layout, the last scenario with its
 * parameters, the speed and the trace and export folders are remembered between runs (QSettings).
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    //! Opens scenario `id` with "key=value" parameters; on a bad id or value returns false and
    //! sets `error` (the window keeps its current run).
    bool openScenario(const QString &id, const QStringList &assignments, QString *error = nullptr);
    //! Opens the last scenario used (from the settings), or the default one.
    void openLastScenario();
    //! Records a Python program and draws it live; false (with `error`) when it cannot start.
    bool traceProgram(const PythonCommand &command, QString *error = nullptr);
    //! File → Trace a Python Program…
    void traceDialog();
    //! Draws a program that streams its trace (LOOPSCOPE_LIVE) as it runs; it becomes the window's run.
    void showLiveProgram(std::shared_ptr<LiveProgram> program);
    //! Listens for such programs at `address` (instead of any address before); false with `error`.
    bool listen(const QString &address, QString *error = nullptr);
    //! File → Listen for Programs…
    void listenDialog();
    //! Where programs connect (LOOPSCOPE_LIVE), or empty when the window does not listen.
    QString listenAddress() const;

    //! Shares `seq` as the selected event; with `reveal`, views scroll to it.
    void selectEvent(SeqNo seq, bool reveal = true);
    bool hasSelection() const { return m_hasSelection; }
    SeqNo selectedSeq() const { return m_selected; }

    RunSession &session() const { return *m_session; }
    TraceFeed &feed() const { return *m_feed; }
    MainWindowActions &actions() const { return *m_actions; }
    //! Open, save and export (with the remembered trace and export folders).
    FileCommands &files() const { return *m_files; }
    ControlBar *controls() const { return m_controls; }
    SequenceView *diagram() const { return m_diagram; }
    TimelineView *timeline() const { return m_timeline; }
    EventsPane *events() const { return m_events; }
    QTableView *eventTable() const;
    TasksPane *tasks() const { return m_tasks; }
    QTableView *taskTable() const;
    NetworkPane *networkPane() const { return m_network; }
    DetailsPane *details() const { return m_details; }
    CodeView *code() const { return m_code; }
    RetrievalPanel *retrieval() const { return m_retrieval; }
    ProblemsPane *problems() const { return m_problems; }
    AwaitTreePane *awaitTree() const { return m_awaitTree; }
    QLineEdit *findField() const;

signals:
    //! A live program became the window's run (it goes on streaming until it is done()).
    void liveProgramShown(Loopscope::LiveProgram *program);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildDocks();
    void buildMenus();
    void connectActions();
    void restoreSettings();
    void saveSettings() const;
    void onRunReplaced();
    void showRunningTime(const Scenario *scenario);
    void showLesson(const Scenario *source);
    void onStepped();
    void showSelectedDetails();
    void onScenarioChosen(const QString &id);
    void onParametersEdited();
    void onEventRowChanged(int row);
    void refreshStatus();
    int sourceLineOf(qsizetype index) const;
    void showError(const QString &message);
    void startRetrieval();

    ScenarioRegistry m_registry;
    RunSession *m_session = nullptr;
    TraceFeed *m_feed = nullptr;
    MainWindowActions *m_actions = nullptr;
    FileCommands *m_files = nullptr;
    ControlBar *m_controls = nullptr;
    QString m_retrievalTitle; //!< the title of the retrieval being played, if one is
    SequenceView *m_diagram = nullptr;
    TimelineView *m_timeline = nullptr;
    EventsPane *m_events = nullptr;
    TasksPane *m_tasks = nullptr;
    DetailsPane *m_details = nullptr;
    CodeView *m_code = nullptr;
    RetrievalPanel *m_retrieval = nullptr;
    std::unique_ptr<LiveListener> m_listener;             //!< programs streaming to this window, when asked
    std::vector<std::shared_ptr<LiveProgram>> m_programs; //!< every program that streamed here
    QMenu *m_programsMenu = nullptr;
    QTextBrowser *m_lesson = nullptr;
    QLineEdit *m_laneFilter = nullptr;
    RunningTimeView *m_runningTime = nullptr;
    ProblemsPane *m_problems = nullptr;
    AwaitTreePane *m_awaitTree = nullptr;
    NetworkPane *m_network = nullptr;
    QLabel *m_counts = nullptr;
    SeqNo m_selected = 0;
    bool m_hasSelection = false;
    bool m_syncingSelection = false;
    QTimer m_detailsRefresh; //!< while a run plays, the details follow the selection ten times a second
};

} // namespace Loopscope
