#include "network/networkpane.h"

#include "model/tracefeed.h"
#include "network/networktablemodel.h"
#include "panes/datatableview.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStyledItemDelegate>

#include <cmath>

namespace Loopscope {

namespace {

//! Paints the Waterfall column: the request's attempts on the axis shared by every row.
class WaterfallDelegate : public QStyledItemDelegate
{
public:
    WaterfallDelegate(const NetworkRenderer &renderer, const NetworkLog &log, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_renderer(renderer)
        , m_log(log)
    { }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, QModelIndex()); // the row's background, selected or not
        const int request = index.data(NetworkTableModel::RequestRole).toInt();
        if (request < 0 || std::size_t(request) >= m_log.requests().size())
            return;
        const QRectF cell = QRectF(option.rect).adjusted(3, 0, -3, 0);
        const NetworkAxis axis { m_log.startNs(), std::max(m_log.endNs(), m_log.startNs() + 1), cell.left(),
            cell.width() };
        m_renderer.paintRequest(*painter, cell, std::size_t(request), axis);
    }

private:
    const NetworkRenderer &m_renderer;
    const NetworkLog &m_log;
};

} // namespace

ConnectionsView::ConnectionsView(const NetworkRenderer &renderer, QWidget *parent)
    : QWidget(parent)
    , m_renderer(renderer)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ConnectionsView::setAxis(const NetworkAxis &axis)
{
    m_axis = axis;
    setMinimumHeight(sizeHint().height());
    update();
}

QSize ConnectionsView::sizeHint() const
{
    return { 400, int(std::ceil(m_renderer.connectionsHeight())) + 4 };
}

void ConnectionsView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), m_renderer.palette().background);
    const QRectF chart(m_axis.left, 2, m_axis.width, NetworkRenderer::InFlightChartHeight - 4);
    m_renderer.paintInFlight(painter, chart, m_axis, 0);
    // Only the lanes in sight (a scroll area holds this widget).
    const QRect visible = visibleRegion().boundingRect();
    const double lanesTop = NetworkRenderer::InFlightChartHeight;
    const int first = std::max(0, int((visible.top() - lanesTop) / NetworkRenderer::LaneHeight));
    const int last = std::min(m_renderer.connectionsHeight() > lanesTop
            ? int((m_renderer.connectionsHeight() - lanesTop) / NetworkRenderer::LaneHeight)
            : 0,
        int((visible.bottom() - lanesTop) / NetworkRenderer::LaneHeight) + 1);
    if (last > first)
        m_renderer.paintConnections(
            painter, lanesTop + first * NetworkRenderer::LaneHeight, first + 1, last - first, m_axis, 0);
}

NetworkPane::NetworkPane(TraceFeed *feed, QWidget *parent)
    : QWidget(parent)
    , m_feed(feed)
    , m_renderer(m_log)
    , m_model(new NetworkTableModel(m_log, this))
    , m_proxy(new NetworkFilterModel(m_log, this))
{
    m_renderer.setPalette(ViewPalette::fromPalette(palette()));
    m_renderer.setFont(font());
    m_proxy->setSourceModel(m_model);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter: URL, method or status"));
    m_filter->setClearButtonEnabled(true);
    m_failedOnly = new QCheckBox(tr("Failed only"), this);
    m_retriedOnly = new QCheckBox(tr("Retried only"), this);
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_filter->setMinimumWidth(fontMetrics().horizontalAdvance(m_filter->placeholderText()) + 40);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter);
    bar->addWidget(m_failedOnly);
    bar->addWidget(m_retriedOnly);
    bar->addWidget(m_summary, 1);

    auto *table = new DataTableView(this);
    table->setModel(m_proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(NetworkTableModel::NumberColumn, Qt::AscendingOrder);
    table->setColumnWidthsInDigits({ { NetworkTableModel::NumberColumn, 5 },
        { NetworkTableModel::MethodColumn, 6 }, { NetworkTableModel::StatusColumn, 6 },
        { NetworkTableModel::AttemptsColumn, 4 }, { NetworkTableModel::SizeColumn, 8 },
        { NetworkTableModel::TimeColumn, 9 }, { NetworkTableModel::ConnectionColumn, 9 } });
    table->setColumnWidth(
        NetworkTableModel::UrlColumn, fontMetrics().horizontalAdvance(QLatin1Char('x')) * 30);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setItemDelegateForColumn(
        NetworkTableModel::WaterfallColumn, new WaterfallDelegate(m_renderer, m_log, table));
    m_table = table;

    m_connections = new ConnectionsView(m_renderer, this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_connections);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(split);

    connect(m_filter, &QLineEdit::textChanged, this, &NetworkPane::setFilterText);
    connect(m_failedOnly, &QCheckBox::toggled, m_proxy, &NetworkFilterModel::setFailedOnly);
    connect(m_retriedOnly, &QCheckBox::toggled, m_proxy, &NetworkFilterModel::setRetriedOnly);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] { m_summary->setText(summary()); });
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { pickRow(current.row()); });
    connect(table->horizontalHeader(), &QHeaderView::sectionResized, this, &NetworkPane::syncAxis);
    connect(table->horizontalScrollBar(), &QScrollBar::valueChanged, this, &NetworkPane::syncAxis);
    connect(feed, &TraceFeed::traceReset, this, [this] {
        m_log.reset();
        m_model->refresh(); // even hidden: no row may outlive its request
        refresh();
    });
    connect(feed, &TraceFeed::updated, this, &NetworkPane::refresh);
    refresh();
}

NetworkPane::~NetworkPane() = default;

void NetworkPane::setFilterText(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setText(text);
}

void NetworkPane::setFailedOnly(bool on)
{
    m_failedOnly->setChecked(on);
}

void NetworkPane::setRetriedOnly(bool on)
{
    m_retriedOnly->setChecked(on);
}

void NetworkPane::refresh()
{
    if (!isVisible())
        return; // caught up when shown
    const Trace *trace = m_feed->trace();
    m_renderer.setTrace(trace);
    if (trace)
        m_log.update(*trace);
    m_model->refresh();
    m_summary->setText(summary());
    syncAxis();
    m_table->viewport()->update();
}

void NetworkPane::syncAxis()
{
    // The connections share the waterfall column's axis, at the same place across the pane.
    const int column = NetworkTableModel::WaterfallColumn;
    const QPoint origin = m_connections->mapFromGlobal(
        m_table->viewport()->mapToGlobal(QPoint(m_table->columnViewportPosition(column), 0)));
    const double width = m_table->columnWidth(column);
    m_connections->setAxis(NetworkAxis {
        m_log.startNs(), std::max(m_log.endNs(), m_log.startNs() + 1), origin.x() + 3.0, width - 6 });
}

QString NetworkPane::summary() const
{
    const auto &requests = m_log.requests();
    if (requests.empty())
        return tr("No HTTP requests in this run.");
    const auto failed
        = std::count_if(requests.begin(), requests.end(), [](const NetworkRequest &r) { return r.failed; });
    const auto retried = std::count_if(
        requests.begin(), requests.end(), [](const NetworkRequest &r) { return r.isRetried(); });
    QString legend;
    for (int p = 0; p < RequestPhaseCount; ++p) {
        const auto phase = static_cast<RequestPhase>(p);
        legend += QStringLiteral(" <span style='color:%1'>■</span> %2")
                      .arg(NetworkRenderer::phaseColor(phase).name(),
                          QString::fromLatin1(requestPhaseName(phase)));
    }
    return tr("%1 requests · %2 failed · %3 retried · %4 connections<br>%5")
        .arg(requests.size())
        .arg(failed)
        .arg(retried)
        .arg(m_log.connectionCount())
        .arg(legend);
}

qsizetype NetworkPane::requestAtRow(int row) const
{
    const QModelIndex index = m_proxy->index(row, 0);
    return index.isValid() ? index.data(NetworkTableModel::RequestRole).toInt() : -1;
}

void NetworkPane::pickRow(int row)
{
    if (m_showing)
        return;
    const qsizetype request = requestAtRow(row);
    const Trace *trace = m_feed->trace();
    if (request < 0 || !trace)
        return;
    const NetworkRequest &picked = m_log.requests()[std::size_t(request)];
    const IoRecord &last = trace->ioRecords()[picked.attempts.back()];
    // The event that submitted it: where its flight starts in the digest.
    const TraceDigest &digest = m_feed->digest();
    if (const IoOperation *io = digest.io(last.id)) {
        const auto index = static_cast<qsizetype>(io - digest.ioOperations().data());
        emit eventPicked(digest.ioFlights().start(index));
    }
}

void NetworkPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void NetworkPane::showTraceEvent(const TraceEvent &event)
{
    qsizetype request = -1;
    const bool aboutIo = event.kind == EventKind::IoSubmitted || event.kind == EventKind::IoCompleted
        || event.kind == EventKind::IoFailed;
    if (aboutIo)
        request = m_log.requestOfIo(event.other);
    if (request < 0 && event.task != NoTask) {
        // The request its task had in flight at that moment (or the one it made last before).
        const auto &requests = m_log.requests();
        for (std::size_t i = 0; i < requests.size(); ++i) {
            if (requests[i].task == event.task && requests[i].beganNs <= event.timeNs)
                request = static_cast<qsizetype>(i);
        }
    }
    if (request < 0)
        return;
    const QModelIndex source = m_model->index(static_cast<int>(request), 0);
    const QModelIndex shown = m_proxy->mapFromSource(source);
    if (!shown.isValid())
        return; // filtered out
    m_showing = true;
    m_table->selectionModel()->setCurrentIndex(
        shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(shown);
    m_showing = false;
}

} // namespace Loopscope
