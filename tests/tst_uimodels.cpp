#include "model/backgrounddigest.h"
#include "model/eventlistmodel.h"
#include "model/eventsearch.h"
#include "model/tasktablemodel.h"
#include "model/tracefeed.h"
#include "run/replayrun.h"
#include "scheduler/awaitables.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QtTest>

#include <set>

using namespace Loopscope;
using namespace std::chrono_literals;

namespace {

Task<int> worker(nanoseconds latency, int yields)
{
    for (int i = 0; i < yields; ++i)
        co_await yieldNow();
    co_await io(QStringLiteral("fetch"), latency);
    co_return yields;
}

Task<void> rounds(int count)
{
    for (int i = 0; i < count; ++i) {
        co_await yieldNow();
        co_await io(QStringLiteral("read"), 2ms);
    }
}

//! A recording long enough for the feed to digest its replay in the background.
std::shared_ptr<const Trace> longRecording()
{
    Scheduler s;
    for (int i = 0; i < 2'000; ++i)
        s.spawn(rounds(90), QStringLiteral("w%1").arg(i));
    s.runUntilIdle();
    return s.trace().copy();
}

//! What a digest says about each task and activation, to compare two digests.
QStringList summaries(const TraceDigest &digest)
{
    QStringList out;
    for (TaskId id = 1; id <= digest.taskCount(); ++id) {
        const TaskSummary &task = digest.task(id);
        out << QStringLiteral("%1 %2 %3 %4 %5 %6")
                   .arg(id)
                   .arg(int(task.state))
                   .arg(task.resumes)
                   .arg(digest.busyNs(task))
                   .arg(digest.waitingNs(task))
                   .arg(task.spans.size());
    }
    out << QStringLiteral("activations %1, I/O %2, until %3")
               .arg(digest.activationIntervals().size())
               .arg(digest.ioCount())
               .arg(digest.nextSeq());
    return out;
}

void spawnWorkers(Scheduler &s, int n)
{
    for (int i = 0; i < n; ++i)
        s.spawn(
            worker(std::chrono::milliseconds(100 * (n - i)), i % 3), QStringLiteral("worker %1").arg(i + 1));
}

} // namespace

class TestUiModels : public QObject
{
    Q_OBJECT
private slots:
    void feedCoalescesNotificationsIntoFrames()
    {
        Scheduler s;
        spawnWorkers(s, 10);
        TraceFeed feed;
        feed.setTrace(&s.trace());
        QCOMPARE(feed.rowCount(), 10); // what the trace holds already is delivered at once
        QSignalSpy updates(&feed, &TraceFeed::updated);
        for (int i = 0; i < 8; ++i)
            s.step(); // eight publishes within one frame
        QCOMPARE(updates.count(), 0);
        QVERIFY(feed.hasPendingEvents());
        QVERIFY(updates.wait(1000));
        QCOMPARE(updates.count(), 1);
        QCOMPARE(updates.first().at(0).value<qsizetype>(), qsizetype(10));
        QCOMPARE(updates.first().at(1).value<qsizetype>(), s.trace().size());
        QCOMPARE(feed.rowCount(), s.trace().size());
        QCOMPARE(feed.digest().nextSeq(), s.trace().nextSeq());
    }

    void feedStartsOverForANewTrace()
    {
        Scheduler a;
        spawnWorkers(a, 3);
        a.runUntilIdle();
        TraceFeed feed;
        QSignalSpy resets(&feed, &TraceFeed::traceReset);
        feed.setTrace(&a.trace());
        QCOMPARE(resets.count(), 1);
        QCOMPARE(feed.rowCount(), a.trace().size()); // what the trace held is delivered at once
        Scheduler b;
        feed.setTrace(&b.trace());
        QCOMPARE(resets.count(), 2);
        QCOMPARE(feed.rowCount(), 0);
        QCOMPARE(feed.digest().taskCount(), TaskId(0));
    }

    void aReplayShownWholeTakesTheDigestWorkedOutInTheBackground()
    {
        const std::shared_ptr<const Trace> recording = longRecording();
        QVERIFY(recording->size() >= TraceFeed::BackgroundFromEvents);
        TraceDigest direct;
        direct.update(*recording);

        ReplayRun whole(recording, TraceMetadata {});
        ReplayRun partly(recording, TraceMetadata {});
        std::vector<SeqNo> starts;
        whole.skipToEnd(starts);
        for (int i = 0; i < 5; ++i)
            partly.step();
        BackgroundDigest background(recording);
        QVERIFY(background.covers(whole.trace()));
        QVERIFY(!background.covers(partly.trace()));
        TraceDigest::Change change;
        const TraceDigest taken = background.take(&change);
        QCOMPARE(summaries(taken), summaries(direct));
        QCOMPARE(change.first, TaskId(1));
        QCOMPARE(change.last, direct.taskCount());

        // Through the feed: the replay shown whole gets it; one shown a step at a time digests
        // its own events, and a digest no longer wanted is dropped without waiting for it.
        TraceFeed feed;
        ReplayRun opened(recording, TraceMetadata {});
        feed.expectReplayOf(recording);
        feed.setTrace(&opened.trace());
        opened.skipToEnd(starts);
        feed.flush();
        QCOMPARE(summaries(feed.digest()), summaries(direct));
        QCOMPARE(feed.rowCount(), recording->size());
        QCOMPARE(feed.lastChange().last, direct.taskCount());

        ReplayRun stepped(recording, TraceMetadata {});
        feed.expectReplayOf(recording);
        feed.setTrace(&stepped.trace());
        for (int i = 0; i < 5; ++i)
            stepped.step();
        feed.flush();
        TraceDigest ofTheSteps;
        ofTheSteps.update(stepped.trace());
        QCOMPARE(summaries(feed.digest()), summaries(ofTheSteps));
        feed.expectReplayOf(recording);
        feed.expectReplayOf(nullptr); // the file did not open after all
    }

    void theFirstRowsOfATraceArriveAsOneResetThenAsInsertions()
    {
        Scheduler s;
        spawnWorkers(s, 6);
        TraceFeed feed;
        EventListModel model(&feed);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        feed.setTrace(&s.trace());
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(inserted.count(), 0);
        const int resetsAfterFirst = int(resets.count());
        s.step();
        feed.flush();
        QCOMPARE(resets.count(), resetsAfterFirst);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 6);
        QCOMPARE(model.rowCount(), int(s.trace().size()));
    }

    void eventListFollowsTheTraceAndPassesTheModelTester()
    {
        Scheduler s;
        spawnWorkers(s, 6);
        TraceFeed feed;
        feed.setTrace(&s.trace());
        EventListModel model(&feed);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        while (s.step().action != StepAction::Idle)
            feed.flush();
        feed.flush();
        QCOMPARE(model.rowCount(), int(s.trace().size()));
        QCOMPARE(model.columnCount(), int(EventListModel::ColumnCount));
        const int last = model.rowCount() - 1;
        QCOMPARE(
            model.index(last, EventListModel::KindColumn).data().toString(), QStringLiteral("loop stopped"));
        // Six creations, the loop starting, then the loop starting worker 1.
        QCOMPARE(model.index(7, EventListModel::TaskColumn).data().toString(), QStringLiteral("worker 1"));
        QCOMPARE(model.index(7, EventListModel::SeqColumn).data(EventListModel::SeqRole).toULongLong(), 7ull);
        QCOMPARE(model.rowOfSeq(5), 5);
        QCOMPARE(model.rowOfSeq(100000), -1);
        const QString described = model.index(7, EventListModel::DescriptionColumn).data().toString();
        QCOMPARE(described, QStringLiteral("loop starts worker 1"));
        feed.setTrace(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void taskTableIsDerivedIncrementallyAndSortsNumerically()
    {
        Scheduler s;
        spawnWorkers(s, 12);
        TraceFeed feed;
        feed.setTrace(&s.trace());
        TaskTableModel model(&feed);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TaskTableModel::SortRole);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        s.step();
        feed.flush();
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(
            model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("awaiting I/O"));
        QCOMPARE(model.index(1, TaskTableModel::StateColumn).data().toString(), QStringLiteral("ready"));
        QVERIFY(changed.count() >= 1);
        while (s.step().action != StepAction::Idle)
            feed.flush();
        feed.flush();
        QCOMPARE(model.columnCount(), int(TaskTableModel::ColumnCount));
        QCOMPARE(model.index(0, TaskTableModel::NameColumn).data().toString(), QStringLiteral("worker 1"));
        QCOMPARE(model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("done"));
        QCOMPARE(model.index(2, TaskTableModel::ResumesColumn).data().toUInt(), 3u); // two yields + the I/O
        QCOMPARE(model.index(0, TaskTableModel::ResultColumn).data().toString(), QStringLiteral("0"));
        QCOMPARE(model.index(0, TaskTableModel::WaitingColumn).data().toString(), QStringLiteral("1.200 s"));
        // Sorting by waiting time orders by nanoseconds, not by text ("900 ms" < "1.200 s").
        proxy.sort(TaskTableModel::WaitingColumn, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, TaskTableModel::NameColumn).data().toString(), QStringLiteral("worker 12"));
        QCOMPARE(proxy.index(11, TaskTableModel::NameColumn).data().toString(), QStringLiteral("worker 1"));
    }

    void aStepRefreshesOnlyTheTasksItChangedOrThatStillRun()
    {
        // 49 tasks done in a millisecond between two that wait for seconds: when the clock moves
        // and one of the two resumes, the rows of the two change, not those of the 49 (a sorting
        // proxy would look at every row it is told of).
        Scheduler s;
        s.spawn(worker(5s, 0), QStringLiteral("slow 1"));
        for (int i = 0; i < 49; ++i)
            s.spawn(worker(1ms, 0), QStringLiteral("quick %1").arg(i));
        s.spawn(worker(5s, 0), QStringLiteral("slow 2"));
        TraceFeed feed;
        feed.setTrace(&s.trace());
        TaskTableModel model(&feed);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto quickOnesDone = [&] {
            for (TaskId id = 2; id <= 50; ++id) {
                if (feed.digest().taskCount() < 50 || !isFinished(feed.digest().task(id).state))
                    return false;
            }
            return true;
        };
        for (int steps = 0; steps < 10'000 && !quickOnesDone(); ++steps) {
            s.step();
            feed.flush();
        }
        QCOMPARE(model.rowCount(), 51);
        for (int row = 1; row <= 49; ++row)
            QCOMPARE(model.index(row, TaskTableModel::StateColumn).data().toString(), QStringLiteral("done"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // The rest of the run in one frame: both slow tasks wake at 5 s and finish.
        while (s.step().action != StepAction::Idle) { }
        feed.flush();
        QCOMPARE(model.index(50, TaskTableModel::StateColumn).data().toString(), QStringLiteral("done"));
        std::set<int> refreshed;
        for (const QList<QVariant> &signal : changed) {
            for (int row = signal.at(0).toModelIndex().row(); row <= signal.at(1).toModelIndex().row(); ++row)
                refreshed.insert(row);
        }
        QCOMPARE(refreshed, (std::set<int> { 0, 50 }));
    }

    void taskTableShowsWhatATaskAwaitsNow()
    {
        Scheduler s;
        s.spawn(worker(2s, 0), QStringLiteral("C1"));
        TraceFeed feed;
        feed.setTrace(&s.trace());
        TaskTableModel model(&feed);
        s.step();
        feed.flush();
        QCOMPARE(
            model.index(0, TaskTableModel::StateColumn).data().toString(), QStringLiteral("awaiting I/O"));
        QCOMPARE(
            model.index(0, TaskTableModel::AwaitingColumn).data().toString(), QStringLiteral("I/O fetch"));
        QCOMPARE(model.index(0, TaskTableModel::IdColumn).data(TaskTableModel::TaskIdRole).toUInt(), 1u);
    }

    void searchFindsEventsByTaskKindLabelOrSeq_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qsizetype>("from");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<qsizetype>("expected");
        // Events: 0 C1 created, 1 C2 created, 2 loop started, 3 start C1, 4 C1 submits "read a", ...
        QTest::newRow("task name") << "c2" << qsizetype(-1) << true << qsizetype(1);
        QTest::newRow("next match") << "c2" << qsizetype(1) << true << qsizetype(6);
        QTest::newRow("label") << "read b" << qsizetype(-1) << true << qsizetype(7);
        QTest::newRow("kind") << "loop waiting" << qsizetype(-1) << true << qsizetype(9);
        QTest::newRow("backwards wraps") << "loop started" << qsizetype(1) << false << qsizetype(2);
        QTest::newRow("seq") << "#12" << qsizetype(-1) << true << qsizetype(12);
        QTest::newRow("no match") << "nothing like this" << qsizetype(-1) << true << qsizetype(-1);
        QTest::newRow("empty") << "  " << qsizetype(-1) << true << qsizetype(-1);
    }
    void searchFindsEventsByTaskKindLabelOrSeq()
    {
        QFETCH(QString, text);
        QFETCH(qsizetype, from);
        QFETCH(bool, forward);
        QFETCH(qsizetype, expected);
        Scheduler s;
        auto read = [](QString what) -> Task<int> {
            co_await io(what, 2s);
            co_return 1;
        };
        s.spawn(read(QStringLiteral("read a")), QStringLiteral("C1"));
        s.spawn(read(QStringLiteral("read b")), QStringLiteral("C2"));
        s.runUntilIdle();
        QCOMPARE(EventSearch::find(s.trace(), text, from, forward), expected);
    }
};

QTEST_GUILESS_MAIN(TestUiModels)
#include "tst_uimodels.moc"
