#include "timeline/timelineview.h"

#include "model/tracefeed.h"

#include <cmath>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

namespace Loopscope {

namespace {

// The horizontal scroll bar moves through time in this many units, whatever the zoom (pixels
// would overflow an int at fine zoom on long runs).
constexpr int ScrollUnits = 100000;

} // namespace

TimelineView::TimelineView(TraceFeed *feed, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_feed(feed)
{
    setFrameShape(QFrame::NoFrame);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    connect(feed, &TraceFeed::traceReset, this, &TimelineView::rebuild);
    connect(feed, &TraceFeed::updated, this, &TimelineView::onUpdated);
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, this, &TimelineView::applyHorizontalScroll);
    rebuild();
}

TimelineView::~TimelineView() = default;

void TimelineView::rebuild()
{
    m_renderer.reset();
    m_network.reset();
    m_hasSelection = false;
    m_layout.fit();
    if (m_feed && m_feed->trace()) {
        m_renderer = std::make_unique<TimelineRenderer>(*m_feed->trace(), m_feed->digest(), m_layout);
        m_renderer->setPalette(ViewPalette::fromPalette(palette()));
        m_renderer->setFont(font());
        m_renderer->setNetwork(&m_network);
    }
    syncRange();
}

void TimelineView::onUpdated()
{
    syncRange();
}

void TimelineView::syncRange()
{
    m_layout.setWidth(viewport()->width());
    if (m_feed) {
        const TraceDigest &digest = m_feed->digest();
        // A run in which no time passed spreads over its events instead of one empty instant.
        const Trace *trace = m_feed->trace();
        const bool noTime = trace && trace->size() > 1 && digest.endTimeNs() == digest.startTimeNs();
        const auto axis = noTime ? TimelineLayout::Axis::Events : TimelineLayout::Axis::Time;
        if (axis != m_layout.axis()) {
            m_layout.setAxis(axis);
            m_layout.fit();
        }
        if (noTime)
            m_layout.setTimeRange(
                static_cast<std::int64_t>(trace->firstSeq()), static_cast<std::int64_t>(digest.nextSeq()));
        else
            m_layout.setTimeRange(digest.startTimeNs(), digest.endTimeNs());
        if (trace)
            m_network.update(*trace);
        m_layout.setLaneCount(TimelineRenderer::laneCount(digest, &m_network, m_layout));
        if (m_renderer && m_hasSelection)
            m_renderer->setSelection(selectionPosition(), m_selectedTask);
    }
    updateScrollBars();
    viewport()->update();
}

void TimelineView::updateScrollBars()
{
    m_updatingScrollBars = true;
    const int contentHeight = static_cast<int>(std::ceil(m_layout.contentHeight()));
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(static_cast<int>(TimelineLayout::LaneHeight));
    verticalScrollBar()->setRange(0, std::max(0, contentHeight - viewport()->height()));
    const double total = m_layout.scrollableSpan();
    const double visible = std::min(total, m_layout.plotWidth() * m_layout.nsPerPixel());
    const int page = std::max(1, static_cast<int>(std::lround(visible / total * ScrollUnits)));
    horizontalScrollBar()->setPageStep(page);
    horizontalScrollBar()->setSingleStep(std::max(1, page / 10));
    horizontalScrollBar()->setRange(0, ScrollUnits - page);
    horizontalScrollBar()->setValue(static_cast<int>(std::lround(
        (m_layout.viewStart() - static_cast<double>(m_layout.rangeStart())) / total * ScrollUnits)));
    m_updatingScrollBars = false;
}

void TimelineView::applyHorizontalScroll(int value)
{
    if (m_updatingScrollBars)
        return;
    const double total = m_layout.scrollableSpan();
    m_layout.setView(
        static_cast<double>(m_layout.rangeStart()) + value * total / ScrollUnits, m_layout.nsPerPixel());
    viewport()->update();
}

void TimelineView::zoomIn()
{
    m_layout.zoomAround(TimelineLayout::LabelWidth + m_layout.plotWidth() / 2, 1.5);
    updateScrollBars();
    viewport()->update();
}

void TimelineView::zoomOut()
{
    m_layout.zoomAround(TimelineLayout::LabelWidth + m_layout.plotWidth() / 2, 1 / 1.5);
    updateScrollBars();
    viewport()->update();
}

void TimelineView::fit()
{
    m_layout.fit();
    updateScrollBars();
    viewport()->update();
}

std::int64_t TimelineView::selectionPosition() const
{
    return m_layout.axis() == TimelineLayout::Axis::Events ? static_cast<std::int64_t>(m_selectedSeq)
                                                           : m_selectedTime;
}

void TimelineView::setSelection(std::int64_t timeNs, TaskId task, SeqNo seq)
{
    m_selectedTime = timeNs;
    m_selectedTask = task;
    m_selectedSeq = seq;
    m_hasSelection = true;
    if (m_renderer)
        m_renderer->setSelection(selectionPosition(), task);
    if (task != NoTask && static_cast<int>(task) <= m_layout.laneCount()) {
        const int lane = static_cast<int>(task) - 1;
        const int top = static_cast<int>(m_layout.laneTop(lane) - TimelineLayout::AxisHeight);
        const int value = verticalScrollBar()->value();
        if (top < value
            || top + TimelineLayout::LaneHeight > value + viewport()->height() - TimelineLayout::AxisHeight)
            verticalScrollBar()->setValue(top - viewport()->height() / 3);
    }
    viewport()->update();
}

void TimelineView::setProblemMarks(std::vector<std::pair<SeqNo, TaskId>> marks)
{
    if (!m_renderer)
        return;
    m_renderer->setProblemMarks(std::move(marks));
    viewport()->update();
}

void TimelineView::clearSelection()
{
    m_hasSelection = false;
    if (m_renderer)
        m_renderer->clearSelection();
    viewport()->update();
}

qint64 TimelineView::eventAt(QPoint pos) const
{
    if (!m_feed || !m_feed->trace() || pos.x() < TimelineLayout::LabelWidth
        || pos.y() < TimelineLayout::AxisHeight)
        return -1;
    const int lane = m_layout.laneAt(pos.y() + verticalScrollBar()->value());
    if (lane < 0)
        return -1;
    const TaskSummary &task = m_feed->digest().task(static_cast<TaskId>(lane + 1));
    if (task.spans.empty())
        return -1;
    return static_cast<qint64>(spanUnder(task, pos.x()).startSeq);
}

const TaskStateSpan &TimelineView::spanUnder(const TaskSummary &task, double x) const
{
    const double at = std::floor(m_layout.mapXToTime(x));
    if (m_layout.axis() == TimelineLayout::Axis::Time)
        return task.spans[static_cast<std::size_t>(TraceDigest::spanAt(task, static_cast<std::int64_t>(at)))];
    const auto after = std::upper_bound(task.spans.begin(), task.spans.end(), at,
        [](double seq, const TaskStateSpan &s) { return seq < static_cast<double>(s.startSeq); });
    return after == task.spans.begin() ? task.spans.front() : *(after - 1);
}

void TimelineView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const ViewPalette colours = ViewPalette::fromPalette(palette());
    if (!m_renderer) {
        painter.fillRect(viewport()->rect(), colours.background);
        return;
    }
    const double scroll = verticalScrollBar()->value();
    painter.translate(0, -scroll);
    m_renderer->paint(painter, QRectF(0, scroll, viewport()->width(), viewport()->height()));
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    syncRange();
}

void TimelineView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void TimelineView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    m_pressPos = event->position().toPoint();
    m_dragLastX = event->position().x();
    m_dragging = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return QAbstractScrollArea::mouseMoveEvent(event);
    if (!m_dragging && (event->position().toPoint() - m_pressPos).manhattanLength() > 4)
        m_dragging = true;
    if (m_dragging) {
        m_layout.pan(m_dragLastX - event->position().x());
        m_dragLastX = event->position().x();
        updateScrollBars();
        viewport()->update();
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_dragging) {
        const qint64 seq = eventAt(event->position().toPoint());
        if (seq >= 0)
            emit eventClicked(static_cast<SeqNo>(seq));
    }
    m_dragging = false;
}

void TimelineView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier) {
        m_layout.zoomAround(event->position().x(), std::pow(1.25, steps));
    } else if (event->modifiers() & Qt::ShiftModifier) {
        m_layout.pan(-steps * m_layout.plotWidth() / 8);
    } else {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    updateScrollBars();
    viewport()->update();
    event->accept();
}

bool TimelineView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_feed && m_feed->trace()) {
        auto *help = static_cast<QHelpEvent *>(event);
        const qint64 seq = eventAt(help->pos());
        const qsizetype index = seq >= 0 ? m_feed->trace()->indexOfSeq(static_cast<SeqNo>(seq)) : -1;
        if (index < 0) {
            QToolTip::hideText();
            return true;
        }
        const Trace &trace = *m_feed->trace();
        const TraceEvent &e = trace.at(index);
        const TaskSummary &task = m_feed->digest().task(e.task);
        const TaskStateSpan &span = spanUnder(task, help->pos().x());
        QToolTip::showText(help->globalPos(),
            QStringLiteral("<b>%1</b>: %2<br>since %3<br>%4")
                .arg(trace.taskName(e.task).toHtmlEscaped(), taskRunStateName(span.state),
                    formatDuration(span.startNs), trace.describe(e).toHtmlEscaped()),
            viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void TimelineView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    restyleOnChange(event, *this, *viewport(), m_renderer.get());
}

} // namespace Loopscope
