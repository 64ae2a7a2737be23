#include "panes/problemspane.h"

#include "model/tracefeed.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Loopscope {

namespace {

enum Column { KindColumn, TaskColumn, TimeColumn, MessageColumn, ColumnCount };

} // namespace

ProblemsPane::ProblemsPane(TraceFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_feed(feed)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("problemsSummary"));
    m_summary->setWordWrap(true);
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("problemsTable"));
    m_table->setHorizontalHeaderLabels({ tr("Problem"), tr("Task"), tr("Time"), tr("What happened") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);

    // A run grows a frame at a time: lint a moment after it stops changing, at most ~3 times a second.
    m_refresh.setSingleShot(true);
    m_refresh.setInterval(300);
    connect(&m_refresh, &QTimer::timeout, this, &ProblemsPane::refresh);
    connect(feed, &TraceFeed::traceReset, this, [this] {
        // Another trace (or the same one, cleared): linted from its start once every view has
        // switched to it, so that the marks they get are for it.
        m_session.reset();
        m_refresh.start();
    });
    connect(feed, &TraceFeed::updated, this, [this] {
        if (!m_refresh.isActive())
            m_refresh.start();
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && static_cast<std::size_t>(row) < m_findings.size())
            emit findingPicked(m_findings[static_cast<std::size_t>(row)].seq);
    });
    refresh();
}

void ProblemsPane::refresh()
{
    const Trace *trace = m_feed ? m_feed->trace() : nullptr;
    if (!trace) {
        m_session.reset();
        m_lintedTrace = nullptr;
    } else if (trace != m_lintedTrace || !m_session) {
        m_session = std::make_unique<LintSession>(*trace);
        m_lintedTrace = trace;
    }
    m_findings = m_session ? m_session->update() : std::vector<Finding> {};
    const QSignalBlocker quiet(m_table);
    m_table->setRowCount(static_cast<int>(m_findings.size()));
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const Finding &f = m_findings[static_cast<std::size_t>(row)];
        const QString cells[ColumnCount]
            = { QString(findingKindName(f.kind)), f.task != NoTask ? trace->taskName(f.task) : tr("the loop"),
                  formatDuration(f.timeNs), f.message };
        for (int column = 0; column < ColumnCount; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setToolTip(column == MessageColumn ? f.message : cells[column]);
            m_table->setItem(row, column, item);
        }
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_summary->setText(m_findings.empty()
            ? tr("No problems found: no step blocked the loop, nothing was lost, left pending or starved.")
            : tr("%n problem(s) found. Select one to see its event in every view.", nullptr,
                static_cast<int>(m_findings.size())));
    emit countChanged(static_cast<int>(m_findings.size()));
}

} // namespace Loopscope
